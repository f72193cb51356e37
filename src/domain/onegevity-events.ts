// An Onegevity webhook as the lab order workflow takes it: a typed, normalized event (the topic and the identifiers,
// tracking and rejection reason it carries), read once from the payload. The bridge reads it after the vendor module's
// zod schema for the topic accepted the payload (src/vendors/onegevity/webhook-events.ts); the workflow reads signals
// recorded before the bridge sent typed events (raw payloads) with this same function, which is why it is pure and
// lenient. Onegevity sends no event id: `dedupeKey` is the bridge's hash of topic and raw body. That hash tells a
// redelivery of one transition from another transition only where the body names the transition (a fulfillment's
// status and request, a kit's activation code): `order.updated` carries the same body every time the order gains
// information, so its repeats are never duplicates (see REREAD_TOPICS).

export interface OnegevityEvent {
  /** sha256 hex of `topic + "\n" + raw body`: the de-duplication key. */
  dedupeKey: string;
  /** e.g. `fulfillment.accepted` (normalized by the bridge; an open set). */
  topic: string;
  receivedAt: string;
  requestId: string;
  orderIdentifier?: string;
  /** A fulfillment event's request identifier (`{orderIdentifier}` or `{orderIdentifier}R{n}`). */
  requestorId?: string;
  patientIdentifier?: string;
  trackingNumber?: string;
  trackingUrl?: string;
  /** A rejection's reason, in Onegevity's words (vendor text: kept for the operator, never notified). */
  reason?: string;
}

/**
 * Topics whose every delivery means "read the order again" (the seed: sent when an order has new information added to
 * it, always with the same body). A workflow never drops one as a duplicate; reading is idempotent, so concurrent
 * repeats are coalesced into one read in flight and at most one more queued.
 */
export const REREAD_TOPICS: readonly string[] = ['order.updated'];

export function isRereadTopic(topic: string): boolean {
  return REREAD_TOPICS.includes(topic);
}

/**
 * The longest topic a lab order takes (its signal schema, workflows/lab/messages.ts). Onegevity's topics are short
 * (`fulfillment.requested`, 21 characters, is the longest documented): a longer one is no topic of theirs, and the
 * bridge keeps it in the dead letter rather than hand the workflow an event it would refuse.
 */
export const ONEGEVITY_TOPIC_MAX_LENGTH = 100;

export interface OnegevityEventArrival {
  dedupeKey: string;
  topic: string;
  receivedAt: string;
  requestId: string;
}

/** A string (or number) field of a vendor payload. */
function field(payload: Record<string, unknown>, name: string): string | undefined {
  const value = payload[name];
  if (typeof value === 'string' && value.trim() !== '') return value;
  return typeof value === 'number' ? String(value) : undefined;
}

const FIELDS = [
  'orderIdentifier',
  'requestorId',
  'patientIdentifier',
  'trackingNumber',
  'trackingUrl',
  'reason',
] as const;

export function onegevityEventFromPayload(
  payload: Record<string, unknown>,
  arrival: OnegevityEventArrival,
): OnegevityEvent {
  const event: OnegevityEvent = { ...arrival };
  for (const name of FIELDS) {
    const value = field(payload, name);
    if (value !== undefined) event[name] = value;
  }
  return event;
}
