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
/** A bucket's events are its result: bounded (about 1.5 MB); a full minute sends appends on to the next one. */
export const MAX_EVENTS_PER_BUCKET = 5_000;

export const partnerFeedEventInput = sharedSchema('notifications/feed-messages:partnerFeedEventInput', () =>
  partnerNotificationInput.extend({
    /** The workflow that raised it (the part of the notification id before the first `:`). */
    workflowId: z.string().min(1).max(300),
  }),
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
