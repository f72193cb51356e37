// Onegevity webhook payloads (seed: "List of webhook topics and payloads") read into typed events. The topic is not in
// the body: it comes from X-Onegevity-Topic or the per-topic path (ASSUMED, VENDOR-FACTS.md) and is an open set, so
// an unknown topic is kept with its payload, never dropped. `id` is the resource's id, not an event id: deliveries
// are de-duplicated on a hash of topic + raw body, except the topics whose repeats mean "read the order again"
// (REREAD_TOPICS in src/domain/onegevity-events.ts: `order.updated` repeats one body for every change).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { orderIdentifierFromRequestorId } from '../../domain/lab-order-identifiers.js';
import {
  onegevityEventFromPayload,
  type OnegevityEvent,
  type OnegevityEventArrival,
} from '../../domain/onegevity-events.js';
import { issueLocations, readJsonBody } from '../shared/json-body.js';
import { vendorIdString } from '../shared/lenient.js';

/** `Order.Created`, ` order.created ` → `order.created`; `fulfillment.cancelled` → `fulfillment.canceled`. */
export function normalizeOnegevityTopic(value: string): string {
  const topic = value.trim().toLowerCase();
  return topic === 'fulfillment.cancelled' ? 'fulfillment.canceled' : topic;
}

const resourceId = vendorIdString.nullish();

/**
 * The longest patient identifier taken: the engine reads the order under it (a path segment), and a longer one only
 * fails every read (431). The partner's own identifiers are 1 to 64 characters (src/lab/lab-order-request.ts).
 */
export const ONEGEVITY_PATIENT_IDENTIFIER_MAX = 128;
/** The longest tracking number taken (carriers' are under 40 characters); a longer one is parked, not shown. */
export const ONEGEVITY_TRACKING_NUMBER_MAX = 100;
const TRACKING_URL_MAX = 2048;
const REASON_MAX = 2000;

const patientIdentifier = vendorIdString.pipe(
  z.string().max(ONEGEVITY_PATIENT_IDENTIFIER_MAX, `must be at most ${ONEGEVITY_PATIENT_IDENTIFIER_MAX} characters`),
);
/** Vendor text for people (a tracking number, a reason, a code): a number is read as its digits, as ids are. */
const textOrNumber = z.union([z.string(), z.number()]);
const vendorText = (max: number) =>
  textOrNumber.transform(String).pipe(z.string().max(max, `must be at most ${max} characters`));
/**
 * A tracking link goes to the partner and the Web UI: kept only as an http(s) URL of sane length. Anything else is
 * dropped (the shipment still counts), never refused: the event's news is the shipment, not the link.
 */
const trackingUrl = textOrNumber.transform((value) => {
  const url = String(value).trim();
  return /^https?:\/\/[^\s]+$/i.test(url) && url.length <= TRACKING_URL_MAX ? url : null;
});

const patientPayload = z.looseObject({ id: resourceId, patientIdentifier });
const orderPayload = z.looseObject({
  id: resourceId,
  orderIdentifier: vendorIdString,
  patientIdentifier: patientIdentifier.nullish(),
});
const kitActivatedPayload = orderPayload.extend({ activationCode: vendorText(64).nullish() });
const fulfillmentPayload = z.looseObject({ id: resourceId, requestorId: vendorIdString });
/** ASSUMED (WIRE-CONTRACT.md): a rejection carries `reason`. */
const fulfillmentRejectedPayload = fulfillmentPayload.extend({ reason: vendorText(REASON_MAX).nullish() });
const fulfillmentShippedPayload = fulfillmentPayload.extend({
  trackingNumber: vendorText(ONEGEVITY_TRACKING_NUMBER_MAX).nullish(),
  trackingUrl: trackingUrl.nullish(),
});

const PAYLOAD_SCHEMAS = {
  'patient.created': patientPayload,
  'patient.updated': patientPayload,
  'order.created': orderPayload,
  'order.updated': orderPayload,
  'kit.activated': kitActivatedPayload,
  'results.released': orderPayload,
  'fulfillment.requested': fulfillmentPayload,
  'fulfillment.accepted': fulfillmentPayload,
  'fulfillment.rejected': fulfillmentRejectedPayload,
  'fulfillment.canceled': fulfillmentPayload,
  'fulfillment.shipped': fulfillmentShippedPayload,
} as const;

export type KnownOnegevityTopic = keyof typeof PAYLOAD_SCHEMAS;
export const ONEGEVITY_TOPICS = Object.keys(PAYLOAD_SCHEMAS) as KnownOnegevityTopic[];

export function isKnownOnegevityTopic(topic: string): topic is KnownOnegevityTopic {
  return Object.hasOwn(PAYLOAD_SCHEMAS, topic);
}

export type OnegevityKnownEvent = {
  [T in KnownOnegevityTopic]: { kind: T; topic: T; payload: z.output<(typeof PAYLOAD_SCHEMAS)[T]> };
}[KnownOnegevityTopic];

export type OnegevityWebhookEvent =
  OnegevityKnownEvent | { kind: 'unknown'; topic: string; payload: Record<string, unknown> };

export type OnegevityWebhookParseResult =
  | { ok: true; event: OnegevityWebhookEvent }
  /** `issues` are locations in the payload (never values). */
  | { ok: false; problem: 'missing_topic' | 'malformed_json' | 'invalid_event'; issues: string[] };

const unknownPayload = z.looseObject({});

/** Reads an already-parsed payload delivered under `topic`. */
export function readOnegevityWebhookEvent(topic: string | undefined, payload: unknown): OnegevityWebhookParseResult {
  const normalized = topic === undefined ? '' : normalizeOnegevityTopic(topic);
  if (normalized === '') return { ok: false, problem: 'missing_topic', issues: [] };
  if (isKnownOnegevityTopic(normalized)) {
    const parsed = PAYLOAD_SCHEMAS[normalized].safeParse(payload);
    if (!parsed.success) return { ok: false, problem: 'invalid_event', issues: issueLocations(parsed.error.issues) };
    // The schema table is keyed by topic, so the payload matches the topic's type.
    return { ok: true, event: { kind: normalized, topic: normalized, payload: parsed.data } as OnegevityKnownEvent };
  }
  const parsed = unknownPayload.safeParse(payload);
  if (!parsed.success) return { ok: false, problem: 'invalid_event', issues: issueLocations(parsed.error.issues) };
  return { ok: true, event: { kind: 'unknown', topic: normalized, payload: parsed.data } };
}

/** Reads a webhook body (the raw bytes that were authenticated) delivered under `topic`. */
export function parseOnegevityWebhookEvent(
  topic: string | undefined,
  body: Uint8Array | string,
): OnegevityWebhookParseResult {
  const json = readJsonBody(body);
  if (!json.ok) return { ok: false, problem: 'malformed_json', issues: [] };
  return readOnegevityWebhookEvent(topic, json.value);
}

export type OnegevityRoute =
  /** `requestorId` when the order was found through a fulfillment request (the event names no order). */
  | { kind: 'order'; orderIdentifier: string; requestorId?: string }
  | { kind: 'patient'; patientIdentifier: string }
  | { kind: 'none' };

function stringField(payload: Record<string, unknown>, name: string): string | undefined {
  const value = payload[name];
  return (typeof value === 'string' && value !== '') || typeof value === 'number' ? String(value) : undefined;
}

/**
 * Which workflow an event belongs to: a lab order (by orderIdentifier, or by the fulfillment requestorId, which the
 * engine derives from the orderIdentifier), else a patient. Unknown topics route by whatever identifier they carry.
 */
export function onegevityRouteKey(event: OnegevityWebhookEvent): OnegevityRoute {
  const payload = event.payload as Record<string, unknown>;
  const orderIdentifier = stringField(payload, 'orderIdentifier');
  if (orderIdentifier) return { kind: 'order', orderIdentifier };
  const requestorId = stringField(payload, 'requestorId');
  if (requestorId) return { kind: 'order', orderIdentifier: orderIdentifierFromRequestorId(requestorId), requestorId };
  const patientIdentifier = stringField(payload, 'patientIdentifier');
  if (patientIdentifier) return { kind: 'patient', patientIdentifier };
  return { kind: 'none' };
}

/** The event as the lab order workflow takes it: typed and normalized, read from the payload the schema accepted. */
export function toOnegevityEvent(
  read: OnegevityWebhookEvent,
  arrival: Omit<OnegevityEventArrival, 'topic'>,
): OnegevityEvent {
  return onegevityEventFromPayload(read.payload, { ...arrival, topic: read.topic });
}

/** The de-duplication key of one delivery: sha256 over the normalised topic and the raw body. */
export function onegevityDeliveryKey(topic: string, body: Uint8Array | string): string {
  return createHash('sha256')
    .update(normalizeOnegevityTopic(topic), 'utf8')
    .update('\n')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');
}
