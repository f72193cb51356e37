// Honeybee webhook payloads (docs/VENDOR-FACTS.md, docs/WIRE-CONTRACT.md) read into typed events. The documented
// types are RX_RECEIVED, RX_UPDATED, SHIPMENT_UPDATED and ORDER_EXCEPTION (its shape, and the top-level order_number
// and timestamp on order events, are ASSUMED; the seed's "Order Exception Raised" reads as ORDER_EXCEPTION, in any
// case and spacing); any other event_type is kept as an UNKNOWN event with its payload,
// never dropped. Reading is lenient like the API schemas. Honeybee webhooks carry ids only, no PHI. What the workflows
// get is the typed event `toHoneybeeEvent` makes of an accepted payload (src/domain/honeybee-events.ts).
import { z } from 'zod';
import { listOrEmpty, vendorId, vendorIdString } from '../shared/lenient.js';
import { issueLocations, readJsonBody } from '../shared/json-body.js';
import { honeybeeExceptionSchema, honeybeeMedicationRequestSchema, honeybeeOrderActionSchema } from './schemas.js';
import {
  honeybeeEventFromPayload,
  honeybeeEventPrescriptionIds as prescriptionIdsOf,
  normalizeHoneybeeEventType,
  readHoneybeePayload,
  type HoneybeeEvent,
  type HoneybeeEventArrival,
} from '../../domain/honeybee-events.js';

export const HoneybeeEventType = {
  RxReceived: 'RX_RECEIVED',
  RxUpdated: 'RX_UPDATED',
  ShipmentUpdated: 'SHIPMENT_UPDATED',
  OrderException: 'ORDER_EXCEPTION',
} as const;
export type KnownHoneybeeEventType = (typeof HoneybeeEventType)[keyof typeof HoneybeeEventType];

export { normalizeHoneybeeEventType };

/** The longest `event_id` the workflows take (`eventId` in workflows/honeybee/messages.ts); a uuid is 36. */
const MAX_EVENT_ID_LENGTH = 200;

const eventBase = {
  /** A uuid: the de-duplication key (no timestamp is signed; replays are caught by event id). */
  // At most what the workflows' signal takes (an id Temporal would refuse there is parked here, not lost).
  event_id: vendorIdString
    .refine((value) => value.trim() !== '', 'empty event_id')
    .refine((value) => value.length <= MAX_EVENT_ID_LENGTH, `event_id longer than ${MAX_EVENT_ID_LENGTH} characters`),
  event_type: z.string().min(1).transform(normalizeHoneybeeEventType),
  patient_id: vendorId.nullish(),
  timestamp: z.string().nullish(),
};

export const honeybeeRxReceivedEventSchema = z.looseObject({
  ...eventBase,
  medication_requests: listOrEmpty(honeybeeMedicationRequestSchema),
});

/** RX_UPDATED (any order status change) and SHIPMENT_UPDATED (a dispense shipped). */
export const honeybeeOrderUpdateEventSchema = z.looseObject({
  ...eventBase,
  order_number: vendorIdString.nullish(),
  medication_requests: listOrEmpty(honeybeeMedicationRequestSchema),
});

export const honeybeeOrderExceptionEventSchema = z.looseObject({
  ...eventBase,
  order_number: vendorIdString.nullish(),
  exception: honeybeeExceptionSchema.nullish(),
  /** Authoritative: the engine offers and accepts only these actions. */
  order_actions: listOrEmpty(honeybeeOrderActionSchema),
});

export const honeybeeUnknownEventSchema = z.looseObject(eventBase);

export type HoneybeeRxReceivedEvent = z.output<typeof honeybeeRxReceivedEventSchema>;
export type HoneybeeOrderUpdateEvent = z.output<typeof honeybeeOrderUpdateEventSchema>;
export type HoneybeeOrderExceptionEvent = z.output<typeof honeybeeOrderExceptionEventSchema>;
export type HoneybeeUnknownEvent = z.output<typeof honeybeeUnknownEventSchema>;

export type HoneybeeWebhookEvent =
  | { kind: 'RX_RECEIVED'; event: HoneybeeRxReceivedEvent }
  | { kind: 'RX_UPDATED'; event: HoneybeeOrderUpdateEvent }
  | { kind: 'SHIPMENT_UPDATED'; event: HoneybeeOrderUpdateEvent }
  | { kind: 'ORDER_EXCEPTION'; event: HoneybeeOrderExceptionEvent }
  | { kind: 'UNKNOWN'; event: HoneybeeUnknownEvent };

export type HoneybeeWebhookParseResult =
  | { ok: true; event: HoneybeeWebhookEvent }
  /** `issues` are locations in the payload (never values), for the 4xx answer and the log. */
  | { ok: false; problem: 'malformed_json' | 'invalid_event'; issues: string[] };

type Invalid = Extract<HoneybeeWebhookParseResult, { ok: false }>;

function parseWith<S extends z.ZodType>(schema: S, payload: unknown): { ok: true; data: z.output<S> } | Invalid {
  const parsed = schema.safeParse(payload);
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, problem: 'invalid_event', issues: issueLocations(parsed.error.issues) };
}

/** Reads an already-parsed payload. */
export function readHoneybeeWebhookEvent(payload: unknown): HoneybeeWebhookParseResult {
  const rawType = (payload as { event_type?: unknown } | null)?.event_type;
  const type = typeof rawType === 'string' ? normalizeHoneybeeEventType(rawType) : undefined;
  if (type === HoneybeeEventType.RxReceived) {
    const read = parseWith(honeybeeRxReceivedEventSchema, payload);
    return read.ok ? { ok: true, event: { kind: 'RX_RECEIVED', event: read.data } } : read;
  }
  if (type === HoneybeeEventType.RxUpdated || type === HoneybeeEventType.ShipmentUpdated) {
    const read = parseWith(honeybeeOrderUpdateEventSchema, payload);
    if (!read.ok) return read;
    return type === HoneybeeEventType.RxUpdated
      ? { ok: true, event: { kind: 'RX_UPDATED', event: read.data } }
      : { ok: true, event: { kind: 'SHIPMENT_UPDATED', event: read.data } };
  }
  if (type === HoneybeeEventType.OrderException) {
    const read = parseWith(honeybeeOrderExceptionEventSchema, payload);
    return read.ok ? { ok: true, event: { kind: 'ORDER_EXCEPTION', event: read.data } } : read;
  }
  const read = parseWith(honeybeeUnknownEventSchema, payload);
  return read.ok ? { ok: true, event: { kind: 'UNKNOWN', event: read.data } } : read;
}

/** Reads a webhook body (the raw bytes that were authenticated). */
export function parseHoneybeeWebhookEvent(body: Uint8Array | string): HoneybeeWebhookParseResult {
  const json = readJsonBody(body);
  if (!json.ok) return { ok: false, problem: 'malformed_json', issues: [] };
  return readHoneybeeWebhookEvent(json.value);
}

/** The event as the workflows take it: typed and normalized, read from the payload the schemas accepted. */
export function toHoneybeeEvent(
  read: HoneybeeWebhookEvent,
  arrival: Pick<HoneybeeEventArrival, 'receivedAt' | 'requestId'>,
): HoneybeeEvent {
  return honeybeeEventFromPayload(read.event, {
    eventId: String(read.event.event_id),
    eventType: String(read.event.event_type),
    ...arrival,
  });
}

/** The prescriptions an event concerns (`prescription_id`, else the medication request's `id`), as strings. */
export function honeybeeEventPrescriptionIds(event: HoneybeeWebhookEvent): string[] {
  if (event.kind !== 'RX_RECEIVED' && event.kind !== 'RX_UPDATED' && event.kind !== 'SHIPMENT_UPDATED') return [];
  return prescriptionIdsOf(readHoneybeePayload(event.event, event.kind));
}

/** The order an event concerns, when it names one. */
export function honeybeeEventOrderNumber(event: HoneybeeWebhookEvent): string | undefined {
  return readHoneybeePayload(event.event, event.kind).orderNumber;
}
