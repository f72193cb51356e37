// The messages of the partner event feed (event-feed.ts): an append, by the activity that delivers a notification,
// and the bucket's query. One bucket per minute.
import { z } from 'zod';
import { queryMessage, updateMessage } from '../shared/messages.js';
import { partnerNotificationInput } from './messages.js';

export const EVENT_BUCKET_MS = 60_000;
/**
 * How long after its minute a bucket still takes appends (an activity that started just before the minute ended; one
 * later than that is refused and goes to the next minute, so nothing waits on it). Readers wait this long, and the
 * clock margin, before they move past a minute: an event shows in the feed within about 20 s.
 */
export const EVENT_BUCKET_GRACE_MS = 10_000;
/** A bucket's events are its result: bounded (about 1.5 MB); a full minute sends appends on to the next one. */
export const MAX_EVENTS_PER_BUCKET = 5_000;

export const partnerFeedEventInput = partnerNotificationInput.extend({
  /** The workflow that raised it (the part of the notification id before the first `:`). */
  workflowId: z.string().min(1).max(300),
});

export type PartnerFeedEventInput = z.output<typeof partnerFeedEventInput>;
export type PartnerFeedEvent = PartnerFeedEventInput & { seq: number };

export interface PartnerEventBucket {
  minute: number;
  sealed: boolean;
  events: PartnerFeedEvent[];
}

export const appendPartnerEventUpdate = updateMessage<
  { seq: number; duplicate: boolean },
  typeof partnerFeedEventInput
>('appendPartnerEvent', partnerFeedEventInput);
export const partnerEventsQuery = queryMessage<PartnerEventBucket>('partnerEvents');
