// Reading the partner event feed: in order from a position, never past a minute that may still take appends (so an
// append on its way is not skipped), past empty and sealed minutes, and stopping at the page limit where the next page
// resumes.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import {
  eventBucketWorkflowId,
  isResourceExhausted,
  readFeed,
  sourceWorkflowOf,
  TemporalEventFeed,
} from '../../../src/partner/event-feed.js';
import type { PartnerEventBucket } from '../../../workflows/notifications/feed-messages.js';

const MINUTE = 60_000;

function event(seq: number, id: string) {
  return { seq, id, type: 't', occurredAt: '2026-01-01T00:00:00Z', data: {}, workflowId: sourceWorkflowOf(id) };
}

/** A client whose bucket workflows are `buckets` (running ones answer the query, closed ones their result). */
function feedClient(buckets: Record<number, { running: boolean; bucket: PartnerEventBucket }>): Client {
  const handle = (workflowId: string) => {
    const minute = Number(workflowId.split('-').at(-1));
    const found = buckets[minute];
    return {
      describe: async () => {
        if (!found) throw new WorkflowNotFoundError('no such workflow', workflowId, undefined);
        return { status: { name: found.running ? 'RUNNING' : 'COMPLETED' } };
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
