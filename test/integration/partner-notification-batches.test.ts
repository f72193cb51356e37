// The notification target workflow on the run's dev server with a recording partner in place of the HTTP one: parked
// notifications beyond a batch move into child batch workflows, a resend re-sends them all oldest first (batches,
// then what the target holds), a partner that fails midway leaves the rest parked for the next resend, a notification
// parked twice is kept once, and garbage on its handlers changes nothing and never fails a workflow task.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { createPartnerActivities } from '../../activities/partner.js';
import { PartnerNotificationError, type PartnerNotification } from '../../src/partner/notifier.js';
import { FailureType } from '../../src/domain/failure-types.js';
import {
  deliveryReportSignal,
  parkNotificationSignal,
  resumeDeliveryUpdate,
  targetStateQuery,
  type TargetState,
} from '../../workflows/notifications/messages.js';
import { partnerNotificationTargetWorkflow } from '../../workflows/notifications/partner-target.js';
import { recordHistory } from '../harness/histories.js';
import { pollUntil } from '../harness/honeybee.js';
import { connectTestClient, createTestWorker, type TestWorker } from '../harness/temporal.js';

function notification(n: number): PartnerNotification {
  return { id: `wf-${n}:order.shipped`, type: 'order.shipped', occurredAt: new Date(n * 1000).toISOString(), data: {} };
}

describe('notification target batches and resends', () => {
  let client: Client;
  let worker: TestWorker;
  let running: Promise<void>;
  const received: string[] = [];
  let refuseFrom: string | undefined;

  beforeAll(async () => {
    client = await connectTestClient();
    const partner = {
      notify: async (sent: PartnerNotification) => {
        if (refuseFrom !== undefined && sent.id === refuseFrom) {
          throw new PartnerNotificationError(
            'partner webhook answered 503 to order.shipped',
            FailureType.PartnerUnavailable,
            503,
          );
        }
        received.push(sent.id);
        return { delivered: true, status: 204 };
      },
    };
    worker = await createTestWorker({
      activities: createPartnerActivities({ notifier: partner, directory: { find: async () => [] } }),
    });
    running = worker.worker.run();
  });

  afterAll(async () => {
    worker?.worker.shutdown();
    await running;
    await worker?.close();
    await client?.connection.close();
  });

  it('moves parked notifications into batches, re-sends all of them in order, and keeps the rest after a refusal', async () => {
    const targetKey = `test-${Date.now()}`;
    const workflowId = `partner-notifications-${targetKey}`;
    const handle = await client.workflow.start(partnerNotificationTargetWorkflow, {
      workflowId,
      taskQueue: worker.taskQueue,
      args: [{ targetKey, batchSize: 3 }],
    });
    // Two failure reports in separate workflow tasks (workflow time moves between tasks, not within one).
    await handle.signal(deliveryReportSignal, { ok: false, reason: 'answered 503', disableAfterMs: 1 });
    await pollUntil(
      'failing',
      () => handle.query(targetStateQuery),
      (s) => !!s.failingSince,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await handle.signal(deliveryReportSignal, { ok: false, reason: 'answered 503', disableAfterMs: 1 });
    for (let n = 1; n <= 8; n += 1) await handle.signal(parkNotificationSignal, notification(n));
    // Twice the same (a retried activity) and garbage: kept once, ignored.
    await handle.signal(parkNotificationSignal, notification(8));
    for (const garbage of [null, 'x', { id: 3 }, { ok: 'maybe' }]) {
      await handle.signal(parkNotificationSignal, garbage as never);
      await handle.signal(deliveryReportSignal, garbage as never);
    }
    const parked = await pollUntil<TargetState>(
      '8 parked',
      () => handle.query(targetStateQuery),
      (s) => s.parked === 8,
      30_000,
    );
    expect(parked.disabledAt).toBeDefined();
    // Two full batches moved to child workflows; two notifications still held by the target.
    const batches = await pollUntil(
      'two batches',
      async () => {
        const found: string[] = [];
        for await (const execution of client.workflow.list({
          query: `WorkflowType = 'partnerNotificationBatchWorkflow' AND ExecutionStatus = 'Running'`,
        })) {
          if (execution.workflowId.startsWith(`${workflowId}-parked-`)) found.push(execution.workflowId);
        }
        return found;
      },
      (found) => found.length === 2,
      30_000,
    );
    expect(batches.sort()).toEqual([`${workflowId}-parked-1`, `${workflowId}-parked-2`]);

    // A resend with a missing reason is refused by the validator, naming the field; nothing changes.
    await expect(
      handle.executeUpdate(resumeDeliveryUpdate, { args: [{ operator: 'ops', reason: ' ' }] }),
    ).rejects.toThrow();
    expect((await handle.query(targetStateQuery)).disabledAt).toBeDefined();

    // The partner refuses the sixth: five go out in order, three stay parked, the target records the failure.
    refuseFrom = notification(6).id;
    await handle.executeUpdate(resumeDeliveryUpdate, { args: [{ operator: 'ops', reason: 'partner back' }] });
    const partial = await pollUntil<TargetState>(
      'the first resend done',
      () => handle.query(targetStateQuery),
      (s) => !s.redelivering && s.resumes.length === 1,
      60_000,
    );
    expect(received).toEqual([1, 2, 3, 4, 5].map((n) => notification(n).id));
    expect(partial.parked).toBe(3);
    expect(partial.resumes[0]).toMatchObject({ operator: 'ops', redelivered: 5 });
    expect(partial.resumes[0]?.failure).toMatch(/503/);
    expect(partial.failingSince).toBeDefined();
    expect(partial.disabledAt).toBeUndefined();

    refuseFrom = undefined;
    await handle.executeUpdate(resumeDeliveryUpdate, { args: [{ operator: 'ops', reason: 'really back' }] });
    const done = await pollUntil<TargetState>(
      'the second resend done',
      () => handle.query(targetStateQuery),
      (s) => !s.redelivering && s.resumes.length === 2,
      60_000,
    );
    expect(received).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => notification(n).id));
    expect(done.parked).toBe(0);
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.raw.pendingWorkflowTask?.attempt ?? 1).toBeLessThanOrEqual(1);
    await recordHistory(client, `${workflowId}-parked-2`, 'notification-batch-partly-refused-then-resent');
    await recordHistory(client, workflowId, 'notification-target-disabled-batched-resent');
    await handle.terminate('test done');
  });
});
