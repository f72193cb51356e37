// Resilience under vendor faults: every Honeybee API call (tokens included) has a 30% chance of a 429 (Retry-After)
// or a 503, and each one waits an added latency. Hundreds of prescriptions still all reach Delivered and COMPLETED,
// each with exactly one order for its fill: retries never duplicate a fill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type EngineStack } from '../harness/stack.js';
import {
  checkRun,
  injectedFaults,
  printSummary,
  RUN_ENGINE_ENV,
  RUN_SANDBOX_ENV,
  runRows,
  startPrescriptions,
  waitUntilAllClosed,
} from './prescription-run.js';

const PRESCRIPTIONS = Number(process.env.RESILIENCE_PRESCRIPTIONS ?? 200);
const FAULTS = { endpoint: 'honeybee.*', rate429: 0.15, rate503: 0.15, latency: '50ms', retryAfterSeconds: 1 };

describe('resilience: vendor faults', () => {
  let stack: EngineStack;

  beforeAll(async () => {
    stack = await startStack({ engine: RUN_ENGINE_ENV, sandbox: RUN_SANDBOX_ENV });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(`${PRESCRIPTIONS} prescriptions under 30% 429/503 plus latency all finish, with zero duplicate fills`, async () => {
    const { fault } = await stack.control.addFault(FAULTS);
    const ids = await startPrescriptions(stack, PRESCRIPTIONS);
    const progress = await waitUntilAllClosed(stack, ids, { timeoutMs: 600_000 });
    const check = await checkRun(stack, ids);
    const injected = injectedFaults(check.counters);
    const rule = (await stack.control.faults()).faults.find((f) => f.id === fault.id);
    printSummary(`vendor faults: ${JSON.stringify(FAULTS)}`, [
      ...runRows(check, progress.elapsedMs),
      ['faults injected 429 / 503', `${injected['429'] ?? 0} / ${injected['503'] ?? 0}`],
      [
        'Honeybee requests seen by the sandbox',
        Object.entries(check.counters.requests)
          .filter(([name]) => name.startsWith('honeybee.'))
          .reduce((sum, [, s]) => sum + s.total, 0),
      ],
    ]);

    expect(check.problems).toEqual([]);
    expect(check.duplicateFills).toEqual([]);
    expect(check.prescriptionsCompleted).toBe(PRESCRIPTIONS);
    expect(check.ordersDelivered).toBe(PRESCRIPTIONS);
    expect(check.sandboxOrdersDelivered).toBe(PRESCRIPTIONS);
    // The faults really struck, on every kind the rule names.
    expect(injected['429']).toBeGreaterThan(PRESCRIPTIONS / 4);
    expect(injected['503']).toBeGreaterThan(PRESCRIPTIONS / 4);
    expect(rule?.injected).toBe((injected['429'] ?? 0) + (injected['503'] ?? 0));
  });
});
