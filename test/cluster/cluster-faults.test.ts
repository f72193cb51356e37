// The cluster losing its parts mid-run: prescriptions arrive in three waves, and right after each wave, while they are
// in flight, one part of the cluster fails: a history host is SIGKILLed (its shards move to the other host), matching
// is SIGKILLed and started again, PostgreSQL is restarted. Every prescription must still finish, with exactly one
// order per fill at the vendor (the sandbox's own counters) and every webhook the vendor sent delivered in the end
// (the bridge answers 503 while Temporal cannot take one; the vendor redelivers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/cluster/roles.js';
import {
  checkRun,
  printSummary,
  RUN_ENGINE_ENV,
  RUN_SANDBOX_ENV,
  runRows,
  startPrescriptions,
  waitUntilAllClosed,
  waitUntilNoWebhookPending,
} from '../resilience/prescription-run.js';
import { pollUntil } from '../harness/honeybee.js';
import { startClusterStack, type ClusterStack } from './cluster.js';

const PRESCRIPTIONS = Math.max(50, Number(process.env.CLUSTER_FAULT_PRESCRIPTIONS ?? 60));
const DOWN_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the cluster: a history host, matching and PostgreSQL fail during a run', () => {
  let run: ClusterStack;

  beforeAll(async () => {
    run = await startClusterStack('faults', {
      engine: RUN_ENGINE_ENV,
      // Orders take a few seconds each, so every fault finds work in flight.
      sandbox: { ...RUN_SANDBOX_ENV, SANDBOX_STEP_DELAY: '2s' },
    });
  });
  afterAll(async () => {
    await run?.stack.stop();
    // The next file gets the whole cluster back.
    for (const role of ['history-1', 'matching'] as Role[]) await run?.cluster.startRole(role);
  });

  it(`${PRESCRIPTIONS} prescriptions all finish, with zero duplicate orders and zero lost webhooks`, async () => {
    const { stack, cluster } = run;
    const faults: { name: string; act: () => Promise<void> }[] = [
      { name: 'history-1 SIGKILLed', act: () => cluster.stopRole('history-1', 'SIGKILL') },
      {
        name: `matching SIGKILLed, started again ${DOWN_MS / 1000} s later`,
        act: async () => {
          await cluster.stopRole('matching', 'SIGKILL');
          await sleep(DOWN_MS);
          await cluster.startRole('matching');
        },
      },
      {
        name: `PostgreSQL restarted (fast shutdown, ${DOWN_MS / 1000} s down)`,
        act: () => cluster.restartPostgres(DOWN_MS),
      },
    ];
    const onQueue = `WorkflowType = 'prescriptionWorkflow' AND TaskQueue = '${stack.env.TEMPORAL_TASK_QUEUE}'`;
    const ids: string[] = [];
    const timeline: [string, string | number][] = [];
    const inFlightAtFault: number[] = [];
    const started = Date.now();
    for (const [index, fault] of faults.entries()) {
      const wave = Math.round((PRESCRIPTIONS * (index + 1)) / faults.length) - ids.length;
      ids.push(...(await startPrescriptions(stack, wave)));
      // The fault hits running workflows: it waits until some of the wave's are open (visibility).
      const open = await pollUntil(
        'prescriptions of the wave running',
        () => stack.client.workflow.count(`${onQueue} AND ExecutionStatus = 'Running'`),
        (counted) => counted.count > 0,
        30_000,
      );
      inFlightAtFault.push(open.count);
      await fault.act();
      timeline.push([
        `${((Date.now() - started) / 1000).toFixed(1)} s: ${fault.name}`,
        `${open.count} prescriptions running`,
      ]);
    }
    const progress = await waitUntilAllClosed(stack, ids, { timeoutMs: 600_000, pollMs: 2_000 });
    const check = await checkRun(stack, ids);
    await waitUntilNoWebhookPending(stack);
    const { deliveries } = await stack.control.webhooks({ vendor: 'honeybee' });
    const refused = deliveries.filter((d) => d.attempts.some((a) => a.status !== 200));
    const parked = await stack.client.workflow.count(`WorkflowType = 'deadLetterWorkflow'`);
    printSummary(`cluster faults (${ids.length} prescriptions in 3 waves)`, [
      ...timeline,
      ...runRows(check, progress.elapsedMs),
      ['webhooks refused at least once (then redelivered)', refused.length],
      ['webhooks not delivered', deliveries.filter((d) => d.state !== 'delivered').length],
      ['webhooks parked in the dead letter', parked.count],
    ]);

    expect(inFlightAtFault.every((open) => open > 0)).toBe(true);
    expect(check.problems).toEqual([]);
    expect(check.duplicateFills).toEqual([]);
    expect(check.prescriptionsCompleted).toBe(ids.length);
    expect(check.ordersDelivered).toBe(ids.length);
    expect(check.sandboxOrdersDelivered).toBe(ids.length);
    // Zero lost webhooks: the vendor's every event reached its workflow, none is left undelivered or parked.
    expect(deliveries.filter((d) => d.eventType === 'RX_RECEIVED')).toHaveLength(ids.length);
    expect(deliveries.filter((d) => d.state !== 'delivered')).toEqual([]);
    expect(parked.count).toBe(0);
  });
});
