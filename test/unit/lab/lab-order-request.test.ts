// The partner's lab order request at the boundary: defaults filled in, every wrong field named without its value
// (the request is PHI), and the identifiers the engine derives from it.
import { describe, expect, it } from 'vitest';
import { isLabOrderIdentifier } from '../../../src/domain/lab-order-identifiers.js';
import { LabOrderRequestError, labOrderPlacement, parseLabOrderRequest } from '../../../src/lab/lab-order-request.js';
import {
  labOrderIdentifierForRequestKey,
  labRequestFingerprint,
  randomLabOrderIdentifier,
} from '../../../src/lab/start-lab-order.js';
import { labOrderRequest } from '../../harness/lab-orders.js';

function issuesOf(input: unknown) {
  try {
    parseLabOrderRequest(input);
  } catch (error) {
    if (error instanceof LabOrderRequestError) return { issues: error.issues, message: error.message };
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe('lab order requests', () => {
  it('fills the recipient, address, shipping method and package from the patient and the settings', () => {
    const request = parseLabOrderRequest(labOrderRequest('P-1001'));
    const placement = labOrderPlacement(request, { packageIdentifier: 'KIT-DEFAULT' });
    expect(placement).toEqual({
      patientIdentifier: 'P-1001',
      packageIdentifier: 'KIT-DEFAULT',
      patientInformation: request.patientInformation,
      fulfillmentInformation: {
        recipientFirstName: 'Testa',
        recipientLastName: 'Kitowska',
        recipientPhoneNumber: '+1 503 555 0100',
        shippingMethod: 'GROUND',
        shippingAddress: request.patientInformation.address,
      },
    });
  });

  it('keeps what the partner chose', () => {
    const shippingAddress = {
      streetAddress1: '1 Clinic Way',
      city: 'Bend',
      region: 'OR',
      country: 'US',
      postalCode: '97701',
    };
    const request = parseLabOrderRequest(
      labOrderRequest('P-1001', {
        packageIdentifier: 'KIT-DUAL',
        notes: 'fasting sample',
        fulfillmentInformation: { recipientFirstName: 'Clinic', shippingMethod: 'NEXTDAY', shippingAddress },
      }),
    );
    const placement = labOrderPlacement(request, { packageIdentifier: 'KIT-DEFAULT' });
    expect(placement).toMatchObject({
      packageIdentifier: 'KIT-DUAL',
      notes: 'fasting sample',
      fulfillmentInformation: {
        recipientFirstName: 'Clinic',
        recipientLastName: 'Kitowska',
        shippingMethod: 'NEXTDAY',
        shippingAddress,
      },
    });
  });

  it('names every wrong field and never echoes a value', () => {
    const base = labOrderRequest('P-1001');
    const { issues, message } = issuesOf({
      ...base,
      patientIdentifier: 'P 1001/../x',
      patientInformation: {
        ...base.patientInformation,
        email: 'not-an-email-Kitowska',
        dateOfBirth: '1984-02-31',
        gender: 'F',
        address: { ...base.patientInformation.address, country: 'USA', postalCode: undefined },
      },
      shoeSize: 44,
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'patientIdentifier', message: 'must be 1 to 64 letters, digits, _ or -' },
        { path: 'patientInformation.email', message: 'must be an email address' },
        { path: 'patientInformation.dateOfBirth', message: 'must be a real date in the past, from 1900-01-01 on' },
        { path: 'patientInformation.gender', message: 'must be FEMALE, MALE or UNKNOWN' },
        { path: 'patientInformation.address.country', message: 'must be an ISO 3166 two-letter country code' },
        { path: 'patientInformation.address.postalCode', message: 'is required' },
        { path: '', message: 'unknown field(s) shoeSize' },
      ]),
    );
    expect(message).not.toMatch(/Kitowska|1984|USA|P 1001/);
  });

  it('refuses hidden characters in names, a placeholder birth date and an email no mail reaches', () => {
    const base = labOrderRequest('P-1001');
    const { issues } = issuesOf({
      ...base,
      patientInformation: {
        ...base.patientInformation,
        firstName: 'Ann\u0000a',
        lastName: 'Kit\u202eowska',
        dateOfBirth: '0000-01-01',
        email: `${'a'.repeat(250)}@x.io`,
      },
      fulfillmentInformation: { recipientFirstName: '\u0007' },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'patientInformation.firstName', message: 'must not contain control or direction characters' },
        { path: 'patientInformation.lastName', message: 'must not contain control or direction characters' },
        { path: 'patientInformation.dateOfBirth', message: 'must be a real date in the past, from 1900-01-01 on' },
        { path: 'patientInformation.email', message: 'must be at most 254 characters' },
        {
          path: 'fulfillmentInformation.recipientFirstName',
          message: 'must not contain control or direction characters',
        },
      ]),
    );
    // Names in any script still pass.
    expect(() =>
      parseLabOrderRequest({
        ...base,
        patientInformation: { ...base.patientInformation, firstName: 'Zoë', lastName: 'Łukasiewicz-Ōta' },
      }),
    ).not.toThrow();
  });

  it('refuses what is not an object and a missing patient', () => {
    expect(issuesOf('hello').issues).toEqual([{ path: '', message: 'must be an object' }]);
    expect(issuesOf({ patientIdentifier: 'P-1' }).issues).toEqual([
      { path: 'patientInformation', message: 'is required' },
    ]);
  });
});

describe('engine lab order identifiers', () => {
  it('derives the same identifier from the same requestKey, a different one from another, all lab + 24 hex', () => {
    const first = labOrderIdentifierForRequestKey('partner-request-1');
    expect(labOrderIdentifierForRequestKey('partner-request-1')).toBe(first);
    expect(labOrderIdentifierForRequestKey('partner-request-2')).not.toBe(first);
    for (const identifier of [first, randomLabOrderIdentifier(), randomLabOrderIdentifier()]) {
      expect(isLabOrderIdentifier(identifier)).toBe(true);
      expect(identifier).toHaveLength(27);
    }
    expect(randomLabOrderIdentifier()).not.toBe(randomLabOrderIdentifier());
  });

  it('fingerprints the request independent of key order, and tells different requests apart', () => {
    const request = parseLabOrderRequest(labOrderRequest('P-1001', { requestKey: 'k-1' }));
    const reordered = parseLabOrderRequest(
      JSON.parse(JSON.stringify({ requestKey: 'k-1', ...labOrderRequest('P-1001') })) as unknown,
    );
    expect(labRequestFingerprint(reordered)).toBe(labRequestFingerprint(request));
    expect(labRequestFingerprint({ ...request, notes: 'changed' })).not.toBe(labRequestFingerprint(request));
  });
});
