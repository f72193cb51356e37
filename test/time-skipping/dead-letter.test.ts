// deadLetterWorkflow with bounded state on the time-skipping server: a run continues as new carrying counts only (no
// body, whatever the bodies weigh), each run lists its own entries by hash and size, a re-drive is recorded, and the
// day closes (completes) after its quiet period. Records the fixtures dead-letter-bounded-* (RECORD_HISTORIES=1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import { createHash } from 'node:crypto';
import {
  parkedRedrivenSignal,
  parkedWebhooksQuery,
  parkWebhookSignal,
  type ParkedWebhook,
  type ParkedWebhookSummary,
} from '../../workflows/dead-letter/messages.js';
import type { deadLetterWorkflow, DeadLetterWorkflowInput } from '../../workflows/dead-letter.js';
import { recordHistory } from '../harness/histories.js';
import { startTimeSkipping, waitFor, type TimeSkippingHarness } from '../harness/time-skipping.js';

let harness: TimeSkippingHarness;

beforeAll(async () => {
  harness = await startTimeSkipping();
});
afterAll(async () => {
  await harness?.teardown();
});

const QUIET_MS = 3_600_000;

function entry(n: number, body: string): ParkedWebhook {
  return {
    vendor: 'onegevity',
    reason: `no lab order to route test.topic to (${n})`,
    receivedAt: new Date(Date.UTC(2026, 11, 6, 12, 0, n)).toISOString(),
    requestId: `req-${n}`,
    topic: 'test.topic',
    body,
    bodyHash: createHash('sha256').update(body, 'utf8').digest('hex'),
  };
}

describe('deadLetterWorkflow (bounded state, time-skipping)', () => {
  it('continues as new carrying no bodies, lists each run by hash, records a re-drive, and closes when quiet', async () => {
    const worker = await harness.createWorker({ activities: {} });
    await worker.runUntil(async () => {
      const client = harness.env.client;
      const workflowId = 'dead-letter-onegevity-2026-12-06';
      const large = 'x'.repeat(20_000);
      const first = await client.workflow.signalWithStart<typeof deadLetterWorkflow, [ParkedWebhook]>(
        'deadLetterWorkflow',
        {
          taskQueue: worker.options.taskQueue,
          workflowId,
          args: [{ vendor: 'onegevity', quietPeriodMs: QUIET_MS, entriesPerRun: 3 }],
          signal: parkWebhookSignal,
          signalArgs: [entry(1, `{"big":"${large}"}`)],
        },
      );
      const firstRunId = first.signaledRunId;
      for (const n of [2, 3]) await first.signal(parkWebhookSignal, entry(n, `{"n":${n},"big":"${large}"}`));
      // Three entries, two of them ~700 KB: the run continues as new (before, carrying the bodies killed it).
      const next = client.workflow.getHandle(workflowId);
      await waitFor(
        async () => (await next.describe()).runId,
        (runId) => runId !== firstRunId,
        'continued as new',
      );
      const firstRun = client.workflow.getHandle(workflowId, firstRunId);
      expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
      const listedFirst = await firstRun.query(parkedWebhooksQuery);
      expect(listedFirst.total).toBe(3);
      expect(listedFirst.entries.map((kept) => (kept as ParkedWebhookSummary).bytes)).toEqual([
        large.length + 10,
        large.length + 16,
        large.length + 16,
      ]);
      expect(listedFirst.entries.every((kept) => !('body' in kept) && kept.bodyHash?.length === 64)).toBe(true);

      // What the next run started with: counts and settings only.
      const started = (await next.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
      const input = await decodeFromPayloadsAtIndex<DeadLetterWorkflowInput>(
        client.options.loadedDataConverter,
        0,
        started?.input?.payloads,
      );
      expect(input).toEqual({ vendor: 'onegevity', parkedBefore: 3, quietPeriodMs: QUIET_MS, entriesPerRun: 3 });

      await next.signal(parkWebhookSignal, entry(4, '{"n":4}'));
      await next.signal(parkedRedrivenSignal, {
        id: `dl.${'a'.repeat(40)}`,
        workflowIds: ['onegevity-order-O13988'],
        operator: 'ops@example.com',
        at: new Date().toISOString(),
      });
      await next.signal('parkedRedriven', { id: 'not an id', workflowIds: [], operator: '', at: '' });
      const listedNext = await waitFor(
        () => next.query(parkedWebhooksQuery),
        (parked) => (parked.redriven?.length ?? 0) === 1 && parked.rejected === 1,
        'the second run',
      );
      expect(listedNext).toMatchObject({
        total: 4,
        entries: [{ requestId: 'req-4', bytes: 7 }],
        redriven: [{ workflowIds: ['onegevity-order-O13988'], operator: 'ops@example.com' }],
      });

      // Quiet for an hour: the day closes.
      await next.result();
      expect((await next.describe()).status.name).toBe('COMPLETED');
      // A closed run still answers (the worker replays it).
      expect((await next.query(parkedWebhooksQuery)).total).toBe(4);
      await recordHistory(client, workflowId, 'dead-letter-bounded-continued-as-new', firstRunId);
      await recordHistory(client, workflowId, 'dead-letter-bounded-closed-when-quiet');
    });
  });
});
