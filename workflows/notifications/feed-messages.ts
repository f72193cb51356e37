// The messages of the partner event feed (event-feed.ts): an append of the notifications a worker gathered in a short
// window (one, from workers that predate batches), by the activities that deliver them, and the bucket's query. One
// bucket per minute.
import { z } from 'zod';
import { queryMessage, updateMessage } from '../shared/messages.js';
import { partnerNotificationInput } from './messages.js';
import { sharedSchema } from '../shared/shared-schemas.js';

export const EVENT_BUCKET_MS = 60_000;
/**
 * How long after its minute a bucket still takes appends (an activity that started just before the minute ended; one
 * later than that is refused and goes to the next minute, so nothing waits on it). Readers wait this long, and the
 * clock margin, before they move past a minute: an event shows in the feed within about 20 s.
 */
export const EVENT_BUCKET_GRACE_MS = 10_000;
/**
 * A bucket's events are its result, which Temporal refuses over 2 MB (the workflow task that completes it then fails
 * for good): a minute is full at this many events or at MAX_BUCKET_BYTES of them, whichever comes first, and a full
 * minute sends appends on to the next one.
 */
export const MAX_EVENTS_PER_BUCKET = 5_000;
/** The events' JSON a minute holds at most (UTF-8 bytes), leaving room below 2 MB for the result's envelope. */
export const MAX_BUCKET_BYTES = 1_500_000;
/**
 * One event's JSON at most: a bucket always has room for a few, and an `order.shipped` with its 100 shipments (about
 * 200 bytes each) fits many times over.
 */
export const MAX_FEED_EVENT_BYTES = 128 * 1024;
/** A string in an event's `data` (tracking URLs are the longest the engine sends). */
export const MAX_FEED_TEXT = 4_000;

/** The UTF-8 bytes a string takes inside JSON (escapes counted), without an encoder or JSON.stringify. */
function jsonTextBytes(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20) bytes += 6;
    else if (code === 0x22 || code === 0x5c) bytes += 2;
    else if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    // Counted as if escaped (a lone half is): a pair, 4 bytes in UTF-8, is counted high.
    else if (code >= 0xd800 && code <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

/**
 * At least as many bytes as the event's JSON takes (never fewer). Only for an event the schema took: its shape is flat (a record of
 * scalars and lists of records of scalars), so this walks two levels and never recurses into input.
 */
export function feedEventBytes(event: {
  id: string;
  type: string;
  occurredAt: string;
  workflowId?: string;
  data: Record<string, unknown>;
}): number {
  const value = (item: unknown): number => (typeof item === 'string' ? jsonTextBytes(item) + 2 : String(item).length);
  const record = (fields: Record<string, unknown>): number =>
    2 +
    Object.entries(fields).reduce(
      (sum, [key, item]) =>
        sum +
        jsonTextBytes(key) +
        4 +
        (Array.isArray(item)
          ? 2 + item.reduce((total: number, entry) => total + 1 + record(entry as Record<string, unknown>), 0)
          : value(item)),
      0,
    );
  return (
    64 +
    record({ id: event.id, type: event.type, occurredAt: event.occurredAt, workflowId: event.workflowId ?? '' }) +
    record(event.data)
  );
}

const feedScalar = sharedSchema('notifications/feed-messages:feedScalar', () =>
  z.union([z.string().max(MAX_FEED_TEXT), z.number(), z.boolean(), z.null()]),
);
const feedRecord = sharedSchema('notifications/feed-messages:feedRecord', () =>
  z.record(z.string().max(200), feedScalar).refine((fields) => Object.keys(fields).length <= 50, 'at most 50 fields'),
);

/**
 * A notification as the feed takes it: the notification's shape with every string and the whole bounded, so no
 * append can take a minute past what its result may hold. Only updates use it (a validator's refusal is never
 * replayed), so it may tighten without a patch.
 */
export const partnerFeedEventInput = sharedSchema('notifications/feed-messages:partnerFeedEventInput', () =>
  partnerNotificationInput
    .extend({
      data: z
        .record(z.string().max(200), z.union([feedScalar, z.array(feedRecord).max(100)]))
        .refine((fields) => Object.keys(fields).length <= 50, 'at most 50 fields'),
      /** The workflow that raised it (the part of the notification id before the first `:`). */
      workflowId: z.string().min(1).max(300),
    })
    .refine(
      (event) => feedEventBytes(event) <= MAX_FEED_EVENT_BYTES,
      `an event's JSON must be at most ${MAX_FEED_EVENT_BYTES} bytes`,
    ),
);

export type PartnerFeedEventInput = z.output<typeof partnerFeedEventInput>;
export type PartnerFeedEvent = PartnerFeedEventInput & { seq: number };

export interface PartnerEventBucket {
  minute: number;
  sealed: boolean;
  events: PartnerFeedEvent[];
}

/** An event's place in its minute; `duplicate` when an earlier append (an activity retry) put it there. */
export interface PartnerEventAppended {
  seq: number;
  duplicate: boolean;
}

/** An event a batch could not append (its minute sealed or filled): it goes to the next minute. */
export interface PartnerEventRefused {
  refused: string;
}

/** Most events in one batched append: about 300 bytes each, well under Temporal's payload limits. */
export const MAX_EVENTS_PER_APPEND = 100;

export const appendPartnerEventsInput = sharedSchema('notifications/feed-messages:appendPartnerEventsInput', () =>
  z.object({
    events: z.array(partnerFeedEventInput).min(1).max(MAX_EVENTS_PER_APPEND),
  }),
);

export interface PartnerEventsAppended {
  /** One per event sent, in the same order. */
  results: (PartnerEventAppended | PartnerEventRefused)[];
}

export const appendPartnerEventUpdate = updateMessage<PartnerEventAppended, typeof partnerFeedEventInput>(
  'appendPartnerEvent',
  partnerFeedEventInput,
);
export const appendPartnerEventsUpdate = updateMessage<PartnerEventsAppended, typeof appendPartnerEventsInput>(
  'appendPartnerEvents',
  appendPartnerEventsInput,
);
export const partnerEventsQuery = queryMessage<PartnerEventBucket>('partnerEvents');
