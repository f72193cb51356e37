// partnerEventBucketWorkflow (id partner-events-{engine}-{minute}, minute = UTC epoch minutes, engine = a hash of the
// task queue): one minute of the partner event
// feed, the pull alternative to webhooks (GET /api/events). Every notification the engine raises is appended here,
// in order, by the activity that delivers it (src/partner/event-feed.ts), before delivery: a partner that reads the
// feed sees every notification, delivered or not. A worker sends the notifications of a short window as one update
// (appendPartnerEvents); workers that predate it send one each (appendPartnerEvent, kept for them and for the
// histories that hold it). Appends are de-duplicated by notification id (an activity retry);
// a bucket takes appends until a grace period after its minute ends, then seals and completes with its events as its
// result, so a reader reads a closed minute without replaying it. Ids, types and statuses only: never PHI.
import { allHandlersFinished, condition, patched, sleep, workflowInfo } from '@temporalio/workflow';
import { handleQuery, handleUpdate } from '../shared/handlers.js';
import {
  appendPartnerEventsUpdate,
  appendPartnerEventUpdate,
  EVENT_BUCKET_MS,
  EVENT_BUCKET_GRACE_MS,
  feedEventBytes,
  MAX_BUCKET_BYTES,
  MAX_EVENTS_PER_BUCKET,
  MAX_FEED_EVENT_BYTES,
  partnerEventsQuery,
  type PartnerEventAppended,
  type PartnerEventBucket,
  type PartnerEventRefused,
  type PartnerFeedEvent,
  type PartnerFeedEventInput,
} from './feed-messages.js';

export interface PartnerEventBucketInput {
  /** The bucket's minute (UTC epoch minutes). */
  minute: number;
}

/**
 * A minute counts its events' bytes and is full once the largest event could take it past MAX_BUCKET_BYTES: before,
 * one counted events only, and two large appends made a result Temporal refuses, the minute never completed.
 */
export const BUCKET_BYTES_PATCH = 'event-bucket-bytes';

export async function partnerEventBucketWorkflow(input: PartnerEventBucketInput): Promise<PartnerEventBucket> {
  // Started by anything but the feed (someone in the Web UI): the minute comes from the id, which the feed sets.
  const fromId = Number(/^partner-events-[0-9a-f]+-(\d+)$/.exec(workflowInfo().workflowId)?.[1]);
  const minute = Number.isSafeInteger(input?.minute) ? input.minute : Number.isSafeInteger(fromId) ? fromId : 0;
  const events: PartnerFeedEvent[] = [];
  const seqById = new Map<string, number>();
  let sealed = false;
  // Asked once, at the start: a minute that began before the patch keeps counting events only, as it did.
  const countsBytes = patched(BUCKET_BYTES_PATCH);
  let bytes = 0;
  const bucket = (): PartnerEventBucket => ({ minute, sealed, events });
  /** Why this minute takes no new event now; undefined while it does. */
  const closed = (): string | undefined => {
    if (sealed) return `the feed's minute ${minute} is sealed: append to the current minute`;
    if (events.length >= MAX_EVENTS_PER_BUCKET) return `the feed's minute ${minute} is full`;
    // Full while any event could still fit: a byte limit that refused large events only would let a later, smaller
    // one in ahead of them, and the feed keeps the order notifications were recorded in.
    if (countsBytes && bytes > MAX_BUCKET_BYTES - MAX_FEED_EVENT_BYTES) return `the feed's minute ${minute} is full`;
    return undefined;
  };
  const append = (event: PartnerFeedEventInput): PartnerEventAppended => {
    const seq = events.length + 1;
    events.push({ ...event, seq });
    if (countsBytes) bytes += feedEventBytes(event);
    seqById.set(event.id, seq);
    return { seq, duplicate: false };
  };

  handleUpdate(
    appendPartnerEventUpdate,
    (event) => {
      const known = seqById.get(event.id);
      return known === undefined ? append(event) : { seq: known, duplicate: true };
    },
    {
      check: (event) => {
        const reason = seqById.has(event.id) ? undefined : closed();
        return reason ? { reason } : undefined;
      },
      refused: () => ({ seq: 0, duplicate: false }),
      description: 'Appends one partner notification to this minute of the feed (the notify activity does).',
    },
  );
  // Each event in turn, as its own append would be: one already in answers with its seq, one that no longer fits (the
  // minute sealed or filled) is refused alone and the sender takes it to the next minute.
  const appendOne = (event: PartnerFeedEventInput): PartnerEventAppended | PartnerEventRefused => {
    const known = seqById.get(event.id);
    if (known !== undefined) return { seq: known, duplicate: true };
    const reason = closed();
    return reason ? { refused: reason } : append(event);
  };
  handleUpdate(appendPartnerEventsUpdate, (input) => ({ results: input.events.map(appendOne) }), {
    // A batch that would append nothing is refused before it is written to history.
    check: (input) => {
      const reason = input.events.some((event) => seqById.has(event.id)) ? undefined : closed();
      return reason ? { reason } : undefined;
    },
    refused: () => ({ results: [] }),
    description:
      'Appends up to 100 partner notifications to this minute of the feed, in order (the notify activities do).',
  });
  handleQuery(partnerEventsQuery, bucket, {
    description: "This minute's events, in the order they were appended, and whether it is sealed.",
  });

  const sealAt = (minute + 1) * EVENT_BUCKET_MS + EVENT_BUCKET_GRACE_MS;
  await sleep(Math.max(1, sealAt - new Date().getTime()));
  sealed = true;
  await condition(allHandlersFinished);
  return bucket();
}
