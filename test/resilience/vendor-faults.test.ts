// Resilience under vendor faults: every Honeybee API call (tokens included) has a 30% chance of a 429 (Retry-After)
// or a 503, and each one waits an added latency. Hundreds of prescriptions still all reach Delivered and COMPLETED,
// each with exactly one order for its fill: retries never duplicate a fill. The run lasts as long as its unluckiest
// activity: one that makes two calls fails about half its attempts, and its retries back off 1 s, 2 s, 4 s, … up to
// 1 min (src/domain/activity-options.ts), so now and then the last of 200 prescriptions waits a few minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkRun,
  injectedFaults,
  printSummary,
  resilienceSeed,
  runRows,
  startPrescriptions,
  startRunStack,
  VENDOR_FAULTS,
  waitUntilAllClosed,
  type RunStack,
} from './prescription-run.js';

const PRESCRIPTIONS = Number(process.env.RESILIENCE_PRESCRIPTIONS ?? 200);

describe('resilience: vendor faults', () => {
  let run: RunStack;

  beforeAll(async () => {
    run = await startRunStack(resilienceSeed());
  });
  afterAll(async () => {
    await run?.stop();
  });

  it(`${PRESCRIPTIONS} prescriptions under 30% 429/503 plus latency all finish, with zero duplicate fills`, async () => {
    const { stack } = run;
    const { fault } = await stack.control.addFault(VENDOR_FAULTS);
    const ids = await startPrescriptions(stack, PRESCRIPTIONS);
    const progress = await waitUntilAllClosed(stack, ids, { timeoutMs: 2_400_000 });
    const check = await checkRun(stack, ids);
    const injected = injectedFaults(check.counters);
    const rule = (await stack.control.faults()).faults.find((f) => f.id === fault.id);
    printSummary(`vendor faults ${JSON.stringify(VENDOR_FAULTS)} (RESILIENCE_SEED=${run.seed})`, [
      ...runRows(check, progress.elapsedMs),
      ['faults injected 429 / 503', `${injected['429'] ?? 0} / ${injected['503'] ?? 0}`],
    ]);

    expect(check.problems).toEqual([]);
    expect(check.duplicateFills).toEqual([]);
    expect(check.prescriptionsCompleted).toBe(PRESCRIPTIONS);
    expect(check.ordersDelivered).toBe(PRESCRIPTIONS);
    expect(check.sandboxOrdersDelivered).toBe(PRESCRIPTIONS);
    // The faults really struck, of both kinds the rule names, and only through that rule.
    expect(injected['429']).toBeGreaterThan(PRESCRIPTIONS / 4);
    expect(injected['503']).toBeGreaterThan(PRESCRIPTIONS / 4);
    expect(rule?.injected).toBe((injected['429'] ?? 0) + (injected['503'] ?? 0));
  });
});
