// The messages of the Honeybee workflows (prescriptionWorkflow, honeybeeOrderWorkflow), each with the one schema its
// input must satisfy: the bridge's vendor events, the two workflows' reports to each other, the partner's fill
// approvals and refill requests, an operator's patient match, and the `status` queries. The operator contract they
// share with every workflow (resolveException, cancel) is in workflows/shared/operator-messages.ts.
import { z } from 'zod';
import { honeybeeEventFromPayload, type HoneybeeEvent } from '../../src/domain/honeybee-events.js';
import { attribution, operatorText, type ResolutionResult } from '../shared/operator-messages.js';
import { queryMessage, signalMessage, updateMessage } from '../shared/messages.js';
import { sharedSchema } from '../shared/shared-schemas.js';
import type { HoneybeeOrderStatus, PrescriptionStatus } from './types.js';

// ---------------------------------------------------------------------------------------------------------------
// Vendor events (bridge → workflows, by signal-with-start)

const shipmentInput = sharedSchema('honeybee/messages:shipmentInput', () =>
  z.object({
    trackingNo: z.string().optional(),
    trackingUrl: z.string().optional(),
    carrier: z.string().optional(),
    shippedAt: z.string().optional(),
  }),
);

const offeredActionInput = sharedSchema('honeybee/messages:offeredActionInput', () =>
  z.object({
    action: z.string(),
    description: z.string().optional(),
    fields: z.array(z.string()),
  }),
);

const arrival = sharedSchema('honeybee/messages:arrival', () => ({
  /** Honeybee's `event_id`: the de-duplication key. */
  eventId: operatorText(200),
  /** Honeybee's `event_type` (an open set: unknown types are kept). */
  eventType: z.string().max(100),
  /** When the bridge received it (ISO 8601). */
  receivedAt: z.string().max(64),
  /** The bridge's request id, for the audit trail. */
  requestId: z.string().max(200),
}));

/** A verified Honeybee webhook as the bridge hands it over: typed and normalized (src/domain/honeybee-events.ts). */
const typedHoneybeeEvent = sharedSchema(
  'honeybee/messages:typedHoneybeeEvent',
  () =>
    z.object({
      ...arrival,
      /** A typed event carries no raw payload: one that does is the older shape below. */
      payload: z.never().optional(),
      occurredAt: z.string().optional(),
      patientId: z.string().optional(),
      orderNumber: z.string().optional(),
      prescriptions: z.array(
        z.object({
          prescriptionId: z.string().optional(),
          refillsLeft: z.number().optional(),
          expireDate: z.string().optional(),
          writtenQty: z.number().optional(),
          daysSupply: z.number().optional(),
          dispenses: z.array(z.object({ status: z.string().optional(), shipment: shipmentInput.optional() })),
        }),
      ),
      exception: z.object({ code: z.string(), name: z.string(), message: z.string().optional() }).optional(),
      actions: z.array(offeredActionInput).optional(),
    }) satisfies z.ZodType<HoneybeeEvent>,
);

/**
 * The shape the bridge sent before it typed events: the raw payload, read here with the same function the bridge uses
 * now, so recorded histories and signals sent by an older bridge still apply.
 */
const payloadHoneybeeEvent = sharedSchema('honeybee/messages:payloadHoneybeeEvent', () =>
  z
    .object({ ...arrival, payload: z.record(z.string(), z.unknown()) })
    .transform(({ payload, ...event }) => honeybeeEventFromPayload(payload, event)),
);

/** A verified Honeybee webhook; every workflow handler sees the typed event. */
export const honeybeeEventInput = sharedSchema('honeybee/messages:honeybeeEventInput', () =>
  z.union([typedHoneybeeEvent, payloadHoneybeeEvent]),
);

export const honeybeeEventSignal = signalMessage('honeybeeEvent', honeybeeEventInput);

// ---------------------------------------------------------------------------------------------------------------
// The two Honeybee workflows among themselves (activities signal-with-start the other workflow, so neither races a
// start)

/**
 * What an order workflow tells its prescription workflows: only what a prescription acts on, since each report is
 * billed: the order exists (`linked`, unless the prescription linked it itself) and how it ended. Holds, resolutions
 * and shipping are the order workflow's to show.
 */
export const orderMilestoneInput = sharedSchema('honeybee/messages:orderMilestoneInput', () =>
  z.object({
    orderNumber: operatorText(100),
    milestone: z.enum(['linked', 'delivered', 'canceled']),
    status: z.string().optional(),
    /** The order workflow's report counter: a late report never moves a prescription backwards. */
    seq: z.number().int(),
    at: z.string(),
    exceptionReason: z.string().optional(),
    tracking: z.array(shipmentInput).optional(),
  }),
);
export type HoneybeeOrderMilestone = z.output<typeof orderMilestoneInput>;

export const orderMilestoneSignal = signalMessage('orderMilestone', orderMilestoneInput);

/** The prescription workflow's link to an order it created or adopted. */
export const orderLinkedInput = sharedSchema('honeybee/messages:orderLinkedInput', () =>
  z.object({
    prescriptionId: operatorText(100),
    fillNumber: z.number().int().positive(),
    patientId: z.string().optional(),
  }),
);
export type HoneybeeOrderLink = z.output<typeof orderLinkedInput>;

export const orderLinkedSignal = signalMessage('orderLinked', orderLinkedInput);

// ---------------------------------------------------------------------------------------------------------------
// Partner and operators (partner API, CLI, Web UI) → prescription workflow

/** Match a prescription's patient to the partner's patient when the directory found none or several. */
export const matchPatientInput = sharedSchema('honeybee/messages:matchPatientInput', () =>
  z.object({ partnerPatientId: operatorText(200), ...attribution }),
);
export type MatchPatientInput = z.input<typeof matchPatientInput>;

export const matchPatientSignal = signalMessage('matchPatient', matchPatientInput);

/**
 * One patient-safety entry as the partner wrote it, forwarded as is: a name ("penicillin") or an object of the
 * partner's (`{"name": "penicillin", "reaction": "hives"}`). ASSUMED: Honeybee documents the lists, not their items.
 */
export const patientSafetyItemInput = sharedSchema('honeybee/messages:patientSafetyItemInput', () =>
  z.union([z.string().trim().min(1).max(500), z.record(z.string().max(100), z.unknown())]),
);

/**
 * The partner's patient-safety intake for an order (`patient_safety` of POST /orders): every list given, an empty
 * list meaning "none known". A pharmacist checks the order against it.
 */
export const patientSafetyInput = sharedSchema('honeybee/messages:patientSafetyInput', () =>
  z.strictObject({
    medications: z.array(patientSafetyItemInput).max(200),
    healthConditions: z.array(patientSafetyItemInput).max(200),
    allergies: z.array(patientSafetyItemInput).max(200),
  }),
);
export type PatientSafetyInput = z.output<typeof patientSafetyInput>;

/**
 * The partner approves a fill (payment done). Without `fillNumber`, the fill currently waiting. `patientSafety`, when
 * given, is the intake the fill's order carries (instead of the one in the partner's directory).
 */
export const approveFillInput = sharedSchema('honeybee/messages:approveFillInput', () =>
  z.object({
    approvedBy: operatorText(200),
    fillNumber: z.number().int().positive().nullish(),
    paymentReference: z.string().max(200).nullish(),
    patientSafety: patientSafetyInput.nullish(),
  }),
);
export type ApproveFillInput = z.input<typeof approveFillInput>;

export const approveFillSignal = signalMessage('approveFill', approveFillInput);

/** The partner asks for the next refill (Partner Requested Fills). */
export const requestRefillInput = sharedSchema('honeybee/messages:requestRefillInput', () =>
  z.object({ requestedBy: operatorText(200) }),
);
export type RequestRefillInput = z.input<typeof requestRefillInput>;

export const requestRefillSignal = signalMessage('requestRefill', requestRefillInput);
/** Update form, for the partner API: refused (with the reason) when no refill can be requested now. */
export const requestRefillUpdate = updateMessage<ResolutionResult, typeof requestRefillInput>(
  'requestRefillUpdate',
  requestRefillInput,
);

// ---------------------------------------------------------------------------------------------------------------
// Partner actions on an order (partner API) → order workflow

/** A shipping address in Honeybee's shape (its 422 codes name these fields). PHI: encrypted in history only. */
export const honeybeeShippingAddressInput = sharedSchema('honeybee/messages:honeybeeShippingAddressInput', () =>
  z.strictObject({
    first_name: z.string().trim().min(1).max(100).optional(),
    last_name: z.string().trim().min(1).max(100).optional(),
    street1: z.string().trim().min(1).max(200),
    street2: z.string().trim().max(200).nullish(),
    city: z.string().trim().min(1).max(100),
    state: z.string().trim().min(2).max(50),
    zip: z.string().regex(/^\d{5}(-\d{4})?$/, 'must be a ZIP code (12345 or 12345-6789)'),
    phone: z
      .string()
      .regex(/^\+?[0-9 ().-]{7,20}$/, 'must be a phone number')
      .optional(),
    accept_suggested: z.boolean().optional(),
    ignore_warnings: z.boolean().optional(),
  }),
);
export type HoneybeeShippingAddress = z.output<typeof honeybeeShippingAddressInput>;

/** The partner places its own hold on the order (exception 64, Partner Hold): {"operator", "reason"}. */
export const placePartnerHoldInput = sharedSchema('honeybee/messages:placePartnerHoldInput', () =>
  z.object(attribution),
);
export const placePartnerHoldUpdate = updateMessage<ResolutionResult, typeof placePartnerHoldInput>(
  'placePartnerHold',
  placePartnerHoldInput,
);

/** Change the in-flight order's shipping address at Honeybee: {"address", "operator", "reason"}. */
export const changeShippingAddressInput = sharedSchema('honeybee/messages:changeShippingAddressInput', () =>
  z.object({ address: honeybeeShippingAddressInput, ...attribution }),
);
export const changeShippingAddressUpdate = updateMessage<ResolutionResult, typeof changeShippingAddressInput>(
  'changeShippingAddress',
  changeShippingAddressInput,
);

// ---------------------------------------------------------------------------------------------------------------
// Queries (each workflow answers `status` with its own state)

export const prescriptionStatusQuery = queryMessage<PrescriptionStatus>('status');
export const honeybeeOrderStatusQuery = queryMessage<HoneybeeOrderStatus>('status');
