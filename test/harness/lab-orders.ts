// Lab-order test data: synthetic partner requests and placements (made-up people, no real PHI), lab settings, and
// Onegevity event signals as the bridge would build them.
import { createHash } from 'node:crypto';
import type { LabWorkflowSettings } from '../../src/domain/workflow-settings.js';
import type { LabOrderPlacement, LabOrderRequestInput } from '../../src/lab/lab-order-request.js';
import { onegevityEventFromPayload, type OnegevityEvent } from '../../src/domain/onegevity-events.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function labSettings(overrides: Partial<LabWorkflowSettings> = {}): LabWorkflowSettings {
  return {
    packageIdentifier: 'KIT-STANDARD',
    kitActivationReminderAfterMs: 7 * DAY,
    kitActivationOperatorAfterMs: 21 * DAY,
    reconcileIntervalMs: 30 * DAY,
    ...overrides,
  };
}

export function labOrderRequest(
  patientIdentifier: string,
  overrides: Partial<LabOrderRequestInput> = {},
): LabOrderRequestInput {
  return {
    patientIdentifier,
    patientInformation: {
      firstName: 'Testa',
      lastName: 'Kitowska',
      gender: 'FEMALE',
      dateOfBirth: '1984-03-09',
      email: 'testa.kitowska@example.com',
      address: {
        streetAddress1: '12 Sample Road',
        city: 'Portland',
        region: 'OR',
        country: 'US',
        postalCode: '97201',
      },
      phoneNumber: '+1 503 555 0100',
    },
    ...overrides,
  };
}

export function labPlacement(patientIdentifier: string): LabOrderPlacement {
  const request = labOrderRequest(patientIdentifier);
  const patient = request.patientInformation;
  return {
    patientIdentifier,
    packageIdentifier: 'KIT-STANDARD',
    patientInformation: { ...patient, address: { ...patient.address } },
    fulfillmentInformation: {
      recipientFirstName: patient.firstName,
      recipientLastName: patient.lastName,
      recipientPhoneNumber: patient.phoneNumber,
      shippingMethod: 'GROUND',
      shippingAddress: { ...patient.address },
    },
  };
}

/** An event signal with the bridge's de-duplication key (sha256 of topic and body). */
/** An event as the bridge hands it over: typed, read from a payload like Onegevity's. */
export function labEvent(topic: string, payload: Record<string, unknown>): OnegevityEvent {
  const body = JSON.stringify(payload);
  return onegevityEventFromPayload(payload, {
    dedupeKey: createHash('sha256').update(`${topic}\n${body}`).digest('hex'),
    topic,
    receivedAt: new Date().toISOString(),
    requestId: `req-${createHash('sha1').update(body).digest('hex').slice(0, 8)}`,
  });
}
