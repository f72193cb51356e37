// The operator queue (GET /api/operator-queue and `fulfill holds`) lists the oldest holds first, also when there are
// more than asked for: visibility lists newest first, so stopping at the limit before sorting would drop the oldest.
// Workflows here start with their attributes and no worker ever runs them: they stay Running, as a hold does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNeedsOperator } from '../../src/operators/needs-operator.js';
import { FulfillmentStage, NeedsOperator, OnHoldSince } from '../../workflows/search-attributes.js';
import { pollUntil } from '../harness/honeybee.js';
import { createTestNamespace, type TestNamespace } from '../harness/namespaces.js';

describe('what needs an operator', () => {
  let namespace: TestNamespace;

  beforeAll(async () => {
    namespace = await createTestNamespace('needs-operator');
  });
  afterAll(async () => {
    await namespace?.close();
  });

  it('lists the oldest holds first, however many newer ones there are', async () => {
    const day = (n: number) => new Date(Date.UTC(2026, 0, n, 12));
    // The oldest holds are the earliest starts, so visibility (newest start first) lists them last.
    const holds = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ id: `hold-day-${n}`, since: day(n) }));
    for (const hold of holds) {
      await namespace.client.workflow.start('prescriptionWorkflow', {
        workflowId: hold.id,
        taskQueue: 'no-worker-polls-this',
        args: [{ prescriptionId: hold.id }],
        typedSearchAttributes: [
          { key: NeedsOperator, value: true },
          { key: OnHoldSince, value: hold.since },
          { key: FulfillmentStage, value: 'ORDER_ON_HOLD' },
        ],
      });
    }
    await namespace.client.workflow.start('prescriptionWorkflow', {
      workflowId: 'not-held',
      taskQueue: 'no-worker-polls-this',
      args: [{ prescriptionId: 'not-held' }],
      typedSearchAttributes: [{ key: NeedsOperator, value: false }],
    });
    await pollUntil(
      'every hold visible',
      () => listNeedsOperator(namespace.client, 100),
      (entries) => entries.length === holds.length,
      30_000,
    );

    const oldest = await listNeedsOperator(namespace.client, 3);
    expect(oldest.map((entry) => entry.workflowId)).toEqual(['hold-day-1', 'hold-day-2', 'hold-day-3']);
    expect(oldest[0]).toMatchObject({ stage: 'ORDER_ON_HOLD', since: day(1).toISOString() });
  });
});
