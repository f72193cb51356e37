// Reading the partner event feed: in order from a position, never past a minute that may still take appends (so an
// append on its way is not skipped), past empty and sealed minutes, and stopping at the page limit where the next page
// resumes. Recording in it: in batches, each caller answered for its own event, nothing lost.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  eventBucketWorkflowId,
  FeedMinuteUnreadableError,
  isResourceExhausted,
  type EventFeedBatching,
  readFeed,
  sourceWorkflowOf,
  TemporalEventFeed,
} from '../../../src/partner/event-feed.js';
import { FailureType } from '../../../src/domain/failure-types.js';
import {
  feedEventBytes,
  MAX_FEED_EVENT_BYTES,
  partnerFeedEventInput,
  type PartnerEventBucket,
} from '../../../workflows/notifications/feed-messages.js';
import { shipmentNotificationData } from '../../../workflows/honeybee/shipment-notifications.js';
import { WorkflowTaskFailingError } from '../../../src/operators/workflow-health.js';

const MINUTE = 60_000;
const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

function event(seq: number, id: string) {
  return { seq, id, type: 't', occurredAt: '2026-01-01T00:00:00Z', data: {}, workflowId: sourceWorkflowOf(id) };
}

/**
 * A client whose bucket workflows are `buckets` (running ones answer the query, closed ones their result; `status`
 * names another way a minute ended).
 */
function feedClient(
  buckets: Record<number, { running: boolean; bucket: PartnerEventBucket; status?: string }>,
): Client {
  const handle = (workflowId: string) => {
    const minute = Number(workflowId.split('-').at(-1));
    const found = buckets[minute];
    return {
      describe: async () => {
        if (!found) throw new WorkflowNotFoundError('no such workflow', workflowId, undefined);
        return { status: { name: found.status ?? (found.running ? 'RUNNING' : 'COMPLETED') }, raw: {} };
      },
      query: async () => found!.bucket,
      result: async () => found!.bucket,
    };
  };
  return { workflow: { getHandle: handle } } as unknown as Client;
}

describe('the partner event feed', () => {
  it('names each bucket by its minute and each event by the workflow that raised it', () => {
    expect(eventBucketWorkflowId('fulfillment', 29_000_000)).toMatch(/^partner-events-[0-9a-f]{8}-29000000$/);
    expect(eventBucketWorkflowId('other', 1)).not.toBe(eventBucketWorkflowId('fulfillment', 1));
    expect(sourceWorkflowOf('honeybee-order-HB1:on_hold:1')).toBe('honeybee-order-HB1');
  });

  it('reads in order, skips empty and sealed minutes, and stops at a minute that may still take appends', async () => {
    const now = 103 * MINUTE + 10_000;
    const client = feedClient({
      100: { running: false, bucket: { minute: 100, sealed: true, events: [event(1, 'a:1'), event(2, 'a:2')] } },
      102: { running: true, bucket: { minute: 102, sealed: false, events: [event(1, 'b:1')] } },
    });
    const page = await readFeed(client, { minute: 100, seq: 1 }, { taskQueue: 'q', limit: 10, maxMinutes: 50, now });
    expect(page.events.map((e) => [e.id, e.position])).toEqual([
      ['a:2', { minute: 100, seq: 2 }],
      ['b:1', { minute: 102, seq: 1 }],
    ]);
    // Minute 102 ended 70 s ago: within its grace period and the clock margin it may still take an append.
    expect(page).toMatchObject({ caughtUp: true, next: { minute: 102, seq: 1 } });
    const later = await readFeed(client, page.next, {
      taskQueue: 'q',
      limit: 10,
      maxMinutes: 50,
      now: now + 5 * MINUTE,
    });
    expect(later.events).toEqual([]);
    // Up to the minute before the present one, whose grace period is not over yet either.
    expect(later.next).toEqual({ minute: 107, seq: 0 });
  });

  it('stops at the limit where the next page resumes, and at the walk budget without being caught up', async () => {
    const client = feedClient({
      10: { running: false, bucket: { minute: 10, sealed: true, events: [event(1, 'a:1'), event(2, 'a:2')] } },
    });
    const first = await readFeed(
      client,
      { minute: 10, seq: 0 },
      { taskQueue: 'q', limit: 1, maxMinutes: 50, now: 100 * MINUTE },
    );
    expect(first.events.map((e) => e.id)).toEqual(['a:1']);
    expect(first).toMatchObject({ caughtUp: false, next: { minute: 10, seq: 1 } });
    const second = await readFeed(client, first.next, { taskQueue: 'q', limit: 1, maxMinutes: 3, now: 100 * MINUTE });
    expect(second.events.map((e) => e.id)).toEqual(['a:2']);
    expect(second).toMatchObject({ caughtUp: false, next: { minute: 13, seq: 0 } });
  });

  it('stops before a minute that ended other than by completing, and names it rather than skipping it', async () => {
    const client = feedClient({
      10: { running: false, bucket: { minute: 10, sealed: true, events: [event(1, 'a:1')] } },
      11: { running: false, status: 'TERMINATED', bucket: { minute: 11, sealed: false, events: [] } },
      12: { running: false, bucket: { minute: 12, sealed: true, events: [event(1, 'c:1')] } },
    });
    const options = { taskQueue: 'q', limit: 10, maxMinutes: 50, now: 100 * MINUTE };
    const page = await readFeed(client, { minute: 10, seq: 0 }, options);
    expect(page.events.map((e) => e.id)).toEqual(['a:1']);
    expect(page).toMatchObject({ caughtUp: false, next: { minute: 11, seq: 0 } });
    const stuck = await readFeed(client, page.next, options).catch((error: unknown) => error);
    expect(stuck).toBeInstanceOf(FeedMinuteUnreadableError);
    expect(stuck).toMatchObject({ minute: 11, status: 'TERMINATED' });
  });

  it('answers a running minute whose workflow task keeps failing as stuck, without waiting out its query', async () => {
    const workflowId = eventBucketWorkflowId('q', 10);
    const client = {
      workflow: {
        getHandle: () => ({
          describe: async () => ({
            status: { name: 'RUNNING' },
            runId: 'r',
            raw: { pendingWorkflowTask: { attempt: 5 } },
          }),
          query: () => new Promise(() => {}),
        }),
      },
      options: { namespace: 'default', loadedDataConverter: {} },
      workflowService: {
        getWorkflowExecutionHistoryReverse: async () => ({
          history: {
            events: [
              {
                eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
                workflowTaskFailedEventAttributes: {
                  cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_PAYLOADS_TOO_LARGE,
                  failure: { message: 'payloads too large' },
                },
              },
            ],
          },
        }),
      },
    } as unknown as Client;
    const options = { taskQueue: 'q', limit: 10, maxMinutes: 5, now: 100 * MINUTE };
    const error = await readFeed(client, { minute: 10, seq: 0 }, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkflowTaskFailingError);
    expect(error).toMatchObject({ failing: { workflowId } });
  });

  it('appends again soon while the bucket has too many updates in flight; any other failure goes to the caller', async () => {
    // As the client throws it: a ServiceError whose cause is the gRPC error with code 8 (RESOURCE_EXHAUSTED).
    const busy = Object.assign(new Error('Update-With-Start failed'), {
      cause: Object.assign(new Error('limit on number of concurrent in-flight updates has been reached (10)'), {
        code: 8,
      }),
    });
    expect(isResourceExhausted(busy)).toBe(true);
    expect(isResourceExhausted(new Error('unavailable'))).toBe(false);

    const outcomes: (Error | undefined)[] = [busy, busy, undefined];
    let calls = 0;
    const client = {
      workflow: {
        executeUpdateWithStart: async () => {
          const outcome = outcomes[calls++];
          if (outcome) throw outcome;
          return { seq: 1, duplicate: false };
        },
      },
    } as unknown as Client;
    const notification = { id: 'honeybee-order-HB1:shipped', type: 'order.shipped', occurredAt: '', data: {} };
    await new TemporalEventFeed(client, 'fulfillment').record(notification);
    expect(calls).toBe(3);

    const failing = {
      workflow: {
        executeUpdateWithStart: async () => {
          calls += 1;
          throw new Error('the server is down');
        },
      },
    } as unknown as Client;
    calls = 0;
    await expect(new TemporalEventFeed(failing, 'fulfillment').record(notification)).rejects.toThrow('down');
    expect(calls).toBe(1);
  });
});

/** A bucket of the fake below: like the workflow, it de-duplicates by id, refuses when sealed or full. */
interface FakeBucket {
  seqById: Map<string, number>;
  sealed: boolean;
  capacity: number;
  /** False: run by a worker that predates batches (no handler for appendPartnerEvents). */
  knowsBatches: boolean;
}

const stateRefusal = (reason: string) =>
  new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({
      type: FailureType.InputRefused,
      message: reason,
      nonRetryable: true,
      details: [{ refusal: 'state' }],
    }),
  );

/**
 * A client whose executeUpdateWithStart answers both appends as partnerEventBucketWorkflow does
 * (workflows/notifications/event-feed.ts), minute by minute; `failNext` makes the next calls throw.
 */
function bucketClient(setup: Record<number, Partial<FakeBucket>> = {}) {
  const buckets = new Map<number, FakeBucket>();
  const bucketOf = (minute: number): FakeBucket => {
    let bucket = buckets.get(minute);
    if (!bucket) {
      bucket = { seqById: new Map(), sealed: false, capacity: 5_000, knowsBatches: true, ...setup[minute] };
      buckets.set(minute, bucket);
    }
    return bucket;
  };
  const calls: { update: string; minute: number; ids: string[] }[] = [];
  const failNext: Error[] = [];
  const appendOne = (bucket: FakeBucket, id: string) => {
    const known = bucket.seqById.get(id);
    if (known !== undefined) return { seq: known, duplicate: true };
    if (bucket.sealed || bucket.seqById.size >= bucket.capacity) return { refused: 'sealed or full' };
    const seq = bucket.seqById.size + 1;
    bucket.seqById.set(id, seq);
    return { seq, duplicate: false };
  };
  const executeUpdateWithStart = async (
    update: { name: string },
    options: { args: [unknown]; startWorkflowOperation: { options: { args: [{ minute: number }] } } },
  ) => {
    await Promise.resolve();
    const minute = options.startWorkflowOperation.options.args[0].minute;
    const batch = update.name === 'appendPartnerEvents';
    const events = batch
      ? (options.args[0] as { events: { id: string }[] }).events
      : [options.args[0] as { id: string }];
    calls.push({ update: update.name, minute, ids: events.map((event) => event.id) });
    const failure = failNext.shift();
    if (failure) throw failure;
    const bucket = bucketOf(minute);
    if (batch && !bucket.knowsBatches) {
      throw new WorkflowUpdateFailedError(
        'Workflow Update failed',
        ApplicationFailure.nonRetryable('No registered handler for update: appendPartnerEvents'),
      );
    }
    const anyKnown = events.some((event) => bucket.seqById.has(event.id));
    if (!anyKnown && (bucket.sealed || bucket.seqById.size >= bucket.capacity)) throw stateRefusal('sealed or full');
    const results = events.map((event) => appendOne(bucket, event.id));
    return batch ? { results } : results[0];
  };
  const client = { workflow: { executeUpdateWithStart } } as unknown as Client;
  return { client, calls, failNext, bucketOf };
}

const NOW = 500 * MINUTE + 1_000;
const notificationOf = (id: string) => ({ id, type: 'order.shipped', occurredAt: '2026-12-07T00:00:00Z', data: {} });

describe('the partner event feed, recording in batches', () => {
  const feedOf = (client: Client, batching: Partial<EventFeedBatching> = {}) =>
    new TemporalEventFeed(client, 'fulfillment', () => NOW, { windowMs: 20, ...batching });

  it('sends what is recorded within the window as one update, and answers each caller with its own place', async () => {
    const { client, calls } = bucketClient();
    const feed = feedOf(client);
    const ids = Array.from({ length: 30 }, (_, index) => `wf-${index}:shipped`);
    const results = await Promise.all(ids.map((id) => feed.record(notificationOf(id))));
    expect(calls).toEqual([{ update: 'appendPartnerEvents', minute: 500, ids }]);
    expect(results).toEqual(ids.map((_, index) => ({ seq: index + 1, duplicate: false })));

    // One alone goes as the single append every bucket knows.
    await expect(feed.record(notificationOf('wf-30:shipped'))).resolves.toEqual({ seq: 31, duplicate: false });
    expect(calls.at(-1)).toEqual({ update: 'appendPartnerEvent', minute: 500, ids: ['wf-30:shipped'] });
  });

  it('sends a batch at once when it reaches its event or byte cap', async () => {
    const { client, calls } = bucketClient();
    const feed = feedOf(client, { windowMs: 60_000, maxEvents: 3 });
    const ids = Array.from({ length: 6 }, (_, index) => `wf-${index}:shipped`);
    // A minute-long window: only the cap can have sent them.
    await Promise.all(ids.map((id) => feed.record(notificationOf(id))));
    expect(calls.map((call) => call.ids)).toEqual([ids.slice(0, 3), ids.slice(3)]);

    const bytes = bucketClient();
    const size = Buffer.byteLength(JSON.stringify({ ...notificationOf('wf-0:shipped'), workflowId: 'wf-0' }));
    const bounded = feedOf(bytes.client, { windowMs: 60_000, maxBytes: size * 2 });
    await Promise.all(ids.map((id) => bounded.record(notificationOf(id))));
    expect(bytes.calls.map((call) => call.ids.length)).toEqual([2, 2, 2]);
  });

  it('answers a notification already in the feed (an activity retry) as a duplicate with its seq', async () => {
    const { client, calls } = bucketClient();
    const feed = feedOf(client);
    const [first, again, other] = await Promise.all([
      feed.record(notificationOf('wf-1:shipped')),
      feed.record(notificationOf('wf-1:shipped')),
      feed.record(notificationOf('wf-2:shipped')),
    ]);
    expect([first, again, other]).toEqual([
      { seq: 1, duplicate: false },
      { seq: 1, duplicate: true },
      { seq: 2, duplicate: false },
    ]);
    const retried = await Promise.all([
      feed.record(notificationOf('wf-2:shipped')),
      feed.record(notificationOf('wf-3:shipped')),
    ]);
    expect(retried).toEqual([
      { seq: 2, duplicate: true },
      { seq: 3, duplicate: false },
    ]);
    expect(calls.map((call) => call.update)).toEqual(['appendPartnerEvents', 'appendPartnerEvents']);
  });

  it('rejects every caller of a batch the server did not take, with its error', async () => {
    const { client, calls, failNext } = bucketClient();
    failNext.push(new Error('the server is down'));
    const feed = feedOf(client);
    const outcomes = await Promise.allSettled(['a:1', 'b:1', 'c:1'].map((id) => feed.record(notificationOf(id))));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(outcomes.map((outcome) => ((outcome as PromiseRejectedResult).reason as Error).message)).toEqual(
      Array(3).fill('the server is down'),
    );
    expect(calls).toHaveLength(1);
    // Their activities retry: nothing was appended, so nothing is a duplicate.
    const retried = await Promise.all(['a:1', 'b:1', 'c:1'].map((id) => feed.record(notificationOf(id))));
    expect(retried.map((result) => result.duplicate)).toEqual([false, false, false]);
  });

  it('sends a busy bucket the batch again soon (RESOURCE_EXHAUSTED)', async () => {
    const { client, calls, failNext } = bucketClient();
    const busy = Object.assign(new Error('Update-With-Start failed'), {
      cause: Object.assign(new Error('busy'), { code: 8 }),
    });
    failNext.push(busy);
    const feed = feedOf(client);
    const results = await Promise.all(['a:1', 'b:1'].map((id) => feed.record(notificationOf(id))));
    expect(results).toEqual([
      { seq: 1, duplicate: false },
      { seq: 2, duplicate: false },
    ]);
    expect(calls.map((call) => [call.update, call.minute])).toEqual([
      ['appendPartnerEvents', 500],
      ['appendPartnerEvents', 500],
    ]);
  });

  it('takes a batch a sealed minute refuses, and the rest of one a full minute took in part, to the next minute', async () => {
    const sealed = bucketClient({ 500: { sealed: true } });
    const feed = feedOf(sealed.client);
    const results = await Promise.all(['a:1', 'b:1'].map((id) => feed.record(notificationOf(id))));
    expect(results).toEqual([
      { seq: 1, duplicate: false },
      { seq: 2, duplicate: false },
    ]);
    expect(sealed.calls.map((call) => call.minute)).toEqual([500, 501]);

    const full = bucketClient({ 500: { capacity: 2 } });
    const filling = feedOf(full.client);
    const ids = ['a:1', 'b:1', 'c:1', 'd:1', 'e:1'];
    const placed = await Promise.all(ids.map((id) => filling.record(notificationOf(id))));
    expect(full.calls).toEqual([
      { update: 'appendPartnerEvents', minute: 500, ids },
      { update: 'appendPartnerEvents', minute: 501, ids: ids.slice(2) },
    ]);
    expect(placed.map((result) => result.seq)).toEqual([1, 2, 1, 2, 3]);
    expect([...full.bucketOf(501).seqById.keys()]).toEqual(ids.slice(2));

    // None fits within the present minute and the two after it: every caller gets the error.
    const closed = bucketClient({ 500: { sealed: true }, 501: { sealed: true }, 502: { sealed: true } });
    const refusing = feedOf(closed.client);
    const outcomes = await Promise.allSettled(['a:1', 'b:1'].map((id) => refusing.record(notificationOf(id))));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  });

  it('falls back to single appends where the bucket does not know batches (a worker from before them)', async () => {
    const { client, calls } = bucketClient({ 500: { knowsBatches: false } });
    const feed = feedOf(client);
    const ids = ['a:1', 'b:1', 'c:1'];
    const results = await Promise.all(ids.map((id) => feed.record(notificationOf(id))));
    expect(results.map((result) => result.duplicate)).toEqual([false, false, false]);
    expect(results.map((result) => result.seq).sort()).toEqual([1, 2, 3]);
    expect(calls.map((call) => call.update)).toEqual([
      'appendPartnerEvents',
      'appendPartnerEvent',
      'appendPartnerEvent',
      'appendPartnerEvent',
    ]);
    // That minute's next batch goes one by one at once, without asking again.
    await Promise.all(['d:1', 'e:1'].map((id) => feed.record(notificationOf(id))));
    expect(calls.slice(4).map((call) => call.update)).toEqual(['appendPartnerEvent', 'appendPartnerEvent']);
  });

  it("fails for good, naming the bucket's reason, on a notification the bucket refuses as invalid", async () => {
    // Retried, it was refused the same every minute and every attempt, and held up its workflow's later notifications.
    const { client, calls, failNext } = bucketClient();
    failNext.push(
      new WorkflowUpdateFailedError(
        'Workflow Update failed',
        ApplicationFailure.create({
          type: FailureType.InputRefused,
          message: '"data.exceptionName" is too long (at most 4000 characters)',
          nonRetryable: true,
          details: [{ refusal: 'invalid' }],
        }),
      ),
    );
    const refusal = await feedOf(client)
      .record({ ...notificationOf('a:1'), type: '' })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApplicationFailure);
    expect(refusal).toMatchObject({ type: FailureType.InputRefused, nonRetryable: true });
    expect((refusal as Error).message).toBe(
      'the partner event feed refuses the notification: "data.exceptionName" is too long (at most 4000 characters)',
    );
    expect(calls).toHaveLength(1);
  });

  it('sends a notification the bucket would refuse by itself, so that it takes no batch down with it', async () => {
    const { client, calls } = bucketClient();
    const feed = feedOf(client);
    const results = await Promise.all([
      feed.record(notificationOf('a:1')),
      feed.record({ ...notificationOf('b:1'), type: '' }),
      feed.record(notificationOf('c:1')),
    ]);
    expect(results.map((result) => result.duplicate)).toEqual([false, false, false]);
    expect(calls.map((call) => [call.update, call.ids])).toEqual([
      ['appendPartnerEvent', ['b:1']],
      ['appendPartnerEvents', ['a:1', 'c:1']],
    ]);
  });
});

describe('what the feed takes as an event', () => {
  const base = { id: 'honeybee-order-HB1:shipped', type: 'order.shipped', occurredAt: '2026-01-01T00:00:00Z' };

  it('takes an order.shipped with its 100 shipments, long tracking URLs and all', () => {
    const shipments = Array.from({ length: 100 }, (_, index) => ({
      trackingNo: `1Z${index}`.padEnd(30, '0'),
      trackingUrl: `https://tracking.example/${'x'.repeat(900)}?n=${index}`,
      carrier: 'UPS',
      shippedAt: '2026-01-01T00:00:00Z',
    }));
    const event = { ...base, workflowId: 'honeybee-order-HB1', data: shipmentNotificationData(shipments) };
    expect(partnerFeedEventInput.safeParse(event).success).toBe(true);
    // What it counts is never less than the JSON the event takes.
    expect(feedEventBytes(event)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(event)));
  });

  it('refuses a string in data beyond its limit and an event beyond its bytes, naming the problem', () => {
    const huge = { ...base, workflowId: 'web-ui', data: { blob: 'x'.repeat(1_800_000) } };
    expect(partnerFeedEventInput.safeParse(huge).success).toBe(false);
    const wide = {
      ...base,
      workflowId: 'web-ui',
      data: { rows: Array.from({ length: 100 }, () => ({ a: '"'.repeat(1_000) })) },
    };
    const parsed = partnerFeedEventInput.safeParse(wide);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(`${MAX_FEED_EVENT_BYTES} bytes`);
    // Escapes count: 100,000 quotes are 200,000 bytes of JSON.
    expect(feedEventBytes(wide)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(wide)));
  });
});
