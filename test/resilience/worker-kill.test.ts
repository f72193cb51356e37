// Resilience to worker crashes: the same run of prescriptions, while the worker is killed with SIGKILL (no chance to
// finish or report anything) and started again every few seconds, until every prescription has finished. Activities
// cut off mid-call (an order created whose answer never reached Temporal) are retried by a new worker after their
// timeout: still one order per fill. No vendor faults here: their retry backoff (up to 5 min) would stretch the run
// to many minutes of kills without adding a different failure; vendor-faults.test.ts covers them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkRun,
  printSummary,
  resilienceSeed,
  runRows,
  startPrescriptions,
  startRunStack,
  waitUntilAllClosed,
  type RunStack,
} from './prescription-run.js';

const PRESCRIPTIONS = Number(process.env.RESILIENCE_PRESCRIPTIONS ?? 200);
/** Real time a worker gets to poll before it is killed. */
const KILL_EVERY_MS = 5_000;
const MIN_KILLS = 3;

describe('resilience: worker killed repeatedly', () => {
  let run: RunStack;

  beforeAll(async () => {
    run = await startRunStack(resilienceSeed() + 1);
  });
  afterAll(async () => {
    await run?.stop();
  });

  it(`${PRESCRIPTIONS} prescriptions under repeated worker SIGKILLs all finish, with zero duplicate fills`, async () => {
    const { stack } = run;
    const ids = await startPrescriptions(stack, PRESCRIPTIONS);
    let kills = 0;
    const started = Date.now();
    // The first kill comes at the first poll, while the first activities are in flight.
    let workerSince = started - KILL_EVERY_MS;
    const killWorker = async () => {
      kills += 1;
      await stack.restartWorker('SIGKILL');
      workerSince = Date.now();
    };
    const progress = await waitUntilAllClosed(stack, ids, {
      timeoutMs: 1_200_000,
      pollMs: 1_000,
      during: async () => {
        if (Date.now() - workerSince >= KILL_EVERY_MS) await killWorker();
      },
    });
    const check = await checkRun(stack, ids);
    printSummary(`worker SIGKILL every ${KILL_EVERY_MS / 1000} s (RESILIENCE_SEED=${run.seed - 1})`, [
      ...runRows(check, progress.elapsedMs),
      ['worker SIGKILLs (and restarts)', kills],
    ]);

    expect(check.problems).toEqual([]);
    expect(check.duplicateFills).toEqual([]);
    expect(check.prescriptionsCompleted).toBe(PRESCRIPTIONS);
    expect(check.ordersDelivered).toBe(PRESCRIPTIONS);
    expect(check.sandboxOrdersDelivered).toBe(PRESCRIPTIONS);
    // Every kill came while prescriptions were still open (the loop stops killing once all have finished).
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
  });
});
