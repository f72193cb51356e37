// zod schemas for everything Honeybee sends us (API responses; webhook payloads build on them in webhook-events.ts)
// and everything we send it. Reading is lenient (docs/WIRE-CONTRACT.md): unknown fields pass through, statuses are
// normalised (`Cancelled` = `Canceled`, any casing) and unknown ones kept, single resources come wrapped
// (`{"order": …}`) or bare, and only the ids the engine routes by are required. Types are inferred from the schemas.
import { z } from 'zod';
import { normalizeOrderStatus } from '../../domain/honeybee-order-status.js';
import {
  listOrEmpty,
  listUnderAnyKey,
  listWrappedOrBare,
  numberish,
  openEnum,
  vendorId,
  vendorIdString,
  wrappedOrBare,
} from '../shared/lenient.js';

const text = z.string().nullish();

/** Order status, per dispense and overall: normalised, unknown values kept as strings. */
export const honeybeeOrderStatusSchema = openEnum(normalizeOrderStatus);

export const honeybeeAddressSchema = z.looseObject({
  first_name: text,
  last_name: text,
  street1: text,
  street2: text,
  city: text,
  state: text,
  zip: text,
  phone: text,
});

export const honeybeePatientSchema = z.looseObject({
  patient_id: vendorId,
  /** ASSUMED name (docs/WIRE-CONTRACT.md): the partner's own patient id; may be null. */
  ehr_id: z.union([z.string(), z.number()]).nullish(),
  first_name: text,
  last_name: text,
  dob: text,
  /** M | F | N per the docs; kept as sent. */
  gender: text,
  email: text,
  phone: text,
  address: honeybeeAddressSchema.nullish(),
});

export const honeybeeShipmentSchema = z.looseObject({
  tracking_no: text,
  tracking_url: text,
  carrier: text,
  shipped_at: text,
});

export const honeybeeDispenseSchema = z.looseObject({
  dispense_id: vendorId.optional(),
  prescription_id: vendorId.optional(),
  order_status: honeybeeOrderStatusSchema.nullish(),
  shipment: honeybeeShipmentSchema.nullish(),
});

export const honeybeeMedicationRequestSchema = z.looseObject({
  id: vendorId,
  /** The same value as `id` per the docs; webhooks may carry either. */
  prescription_id: vendorId.optional(),
  active: z.boolean().nullish(),
  prescriber_name: text,
  receive_date: text,
  drug_name: text,
  ndc: text,
  sig_text: text,
  written_qty: numberish.nullish(),
  refills_left: numberish.nullish(),
  expire_date: text,
  /** A string or a number in the vendor's own examples. */
  drug_schedule: z.union([z.string(), z.number()]).nullish(),
  days_supply: numberish.nullish(),
  /** Present on RX_UPDATED / SHIPMENT_UPDATED events. */
  medication_dispenses: listOrEmpty(honeybeeDispenseSchema),
});

export const honeybeeExceptionSchema = z.looseObject({
  /** Seed reasons 64–80; an open set (unknown ids are kept). */
  id: numberish.nullish(),
  name: text,
  message: text,
});

export const honeybeeOrderActionSchema = z.looseObject({
  action: z.string().min(1),
  description: text,
  /** Field names the action requires in its request body. */
  fields: listOrEmpty(z.string()),
});

export const honeybeeOrderItemSchema = z.looseObject({
  prescription_id: vendorId.optional(),
  quantity: numberish.nullish(),
  package_size: numberish.nullish(),
});

export const honeybeeOrderSchema = z.looseObject({
  /** Alphanumeric; a numeric one is kept as its string. */
  order_number: vendorIdString,
  patient_id: vendorId.optional(),
  created_at: text,
  /** The order's overall status (its least advanced dispense's). */
  status: honeybeeOrderStatusSchema.nullish(),
  items: listOrEmpty(honeybeeOrderItemSchema),
  medication_dispenses: listOrEmpty(honeybeeDispenseSchema),
  /** Set while the order is On Hold. */
  exception: honeybeeExceptionSchema.nullish(),
  order_actions: listOrEmpty(honeybeeOrderActionSchema),
});

// Responses, wrapped or bare.
export const honeybeePatientResponseSchema = wrappedOrBare('patient', honeybeePatientSchema);
/**
 * GET /patients/{id}/rx. The seed's example wraps it as `{"medication_request": {…}}`; webhooks (and the sandbox by
 * default) write `{"medication_requests": […]}`. Either key, holding one object or a list, reads as the list.
 */
export const honeybeePrescriptionsResponseSchema = listUnderAnyKey(
  ['medication_requests', 'medication_request'],
  'id',
  honeybeeMedicationRequestSchema,
);
export const honeybeeOrderResponseSchema = wrappedOrBare('order', honeybeeOrderSchema);
export const honeybeeOrdersResponseSchema = listWrappedOrBare('orders', honeybeeOrderSchema);
export const honeybeeAddressResponseSchema = wrappedOrBare('address', honeybeeAddressSchema);
export const honeybeeSimulateResponseSchema = z.preprocess(
  (value) => value ?? {},
  z.looseObject({ simulation_id: vendorIdString.optional() }),
);

export type HoneybeeAddress = z.output<typeof honeybeeAddressSchema>;
export type HoneybeePatient = z.output<typeof honeybeePatientSchema>;
export type HoneybeeShipment = z.output<typeof honeybeeShipmentSchema>;
export type HoneybeeDispense = z.output<typeof honeybeeDispenseSchema>;
export type HoneybeeMedicationRequest = z.output<typeof honeybeeMedicationRequestSchema>;
export type HoneybeeException = z.output<typeof honeybeeExceptionSchema>;
export type HoneybeeOrderAction = z.output<typeof honeybeeOrderActionSchema>;
export type HoneybeeOrder = z.output<typeof honeybeeOrderSchema>;
export type HoneybeeSimulateResult = z.output<typeof honeybeeSimulateResponseSchema>;

// Requests: checked before they leave, so a malformed request fails here (InvalidInput) rather than at the vendor.
// Loose, so fields the vendor accepts beyond these go through unchanged.

export const honeybeeAddressInputSchema = z.looseObject({
  first_name: z.string().min(1).optional(),
  last_name: z.string().min(1).optional(),
  street1: z.string().min(1),
  street2: z.string().nullish(),
  city: z.string().min(1),
  state: z.string().min(1),
  zip: z.string().min(1),
  phone: z.string().min(1).optional(),
  accept_suggested: z.boolean().optional(),
  ignore_warnings: z.boolean().optional(),
});

export const honeybeeCreateOrderRequestSchema = z.looseObject({
  shipping: z.looseObject({ method_id: z.number().int().positive() }),
  patient: z.looseObject({
    patient_id: vendorId,
    patient_safety: z.looseObject({
      medications: z.array(z.unknown()),
      health_conditions: z.array(z.unknown()),
      allergies: z.array(z.unknown()),
    }),
  }),
  /** Omitted: the address on the prescription is used. */
  address: honeybeeAddressInputSchema.optional(),
  items: z
    .array(
      z.looseObject({
        prescription_id: vendorId,
        quantity: z.number().int().positive(),
        package_size: z.number().positive().optional(),
      }),
    )
    .min(1),
});

export const honeybeeOrderActionRequestSchema = z.object({
  /** One of the `order_actions` the exception offered. */
  action: z.string().min(1),
  /** The fields that action requires (`prescriber_note`, `address`, …), sent beside `action`. */
  fields: z.record(z.string(), z.unknown()).optional(),
});

export const honeybeeSimulateRequestSchema = z.looseObject({
  simulation_type: z.string().min(1),
  simulation: z.looseObject({}),
});

export type HoneybeeAddressInput = z.input<typeof honeybeeAddressInputSchema>;
export type HoneybeeCreateOrderRequest = z.input<typeof honeybeeCreateOrderRequestSchema>;
export type HoneybeeOrderActionRequest = z.input<typeof honeybeeOrderActionRequestSchema>;
export type HoneybeeSimulateRequest = z.input<typeof honeybeeSimulateRequestSchema>;
