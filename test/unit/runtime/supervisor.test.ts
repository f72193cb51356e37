// The restart policy of `fulfill dev`'s supervisor: backoff doubling from the first failure, failures forgotten once
// they fall out of the window, and giving up at the limit. (The supervisor with real processes:
// test/integration/dev-supervision.test.ts.)
import { describe, expect, it } from 'vitest';
import { DEV_RESTART_POLICY, describeExit, RestartBudget } from '../../../src/runtime/supervisor.js';

describe('RestartBudget', () => {
  it('backs off 1, 2, 4, 8 s and gives up at the fifth failure within a minute', () => {
    const budget = new RestartBudget(DEV_RESTART_POLICY);
    const decisions = [0, 1_000, 3_000, 7_000, 15_000].map((at) => budget.recordFailure(at));
    expect(decisions).toEqual([
      { giveUp: false, delayMs: 1_000, failuresInWindow: 1, failuresInARow: 1 },
      { giveUp: false, delayMs: 2_000, failuresInWindow: 2, failuresInARow: 2 },
      { giveUp: false, delayMs: 4_000, failuresInWindow: 3, failuresInARow: 3 },
      { giveUp: false, delayMs: 8_000, failuresInWindow: 4, failuresInARow: 4 },
      { giveUp: true, failuresInWindow: 5, failuresInARow: 5 },
    ]);
  });

  it('forgets failures older than the window, so an occasional crash never adds up to giving up', () => {
    const budget = new RestartBudget(DEV_RESTART_POLICY);
    for (let minute = 0; minute < 20; minute += 1) {
      expect(budget.recordFailure(minute * 61_000)).toMatchObject({
        giveUp: false,
        delayMs: 1_000,
        failuresInWindow: 1,
      });
      budget.recordReady();
    }
  });

  it('gives up at the fifth failure in a row without the child becoming ready, however slowly its starts fail', () => {
    // A restart that takes 20 s to fail (a slow machine): the failures never fill a minute's window.
    const budget = new RestartBudget(DEV_RESTART_POLICY);
    const decisions = [0, 21_000, 44_000, 69_000, 98_000].map((at) => budget.recordFailure(at));
    expect(decisions.map((d) => (d.giveUp ? 'give up' : d.delayMs))).toEqual([1_000, 2_000, 4_000, 8_000, 'give up']);
    expect(decisions.at(-1)).toMatchObject({ failuresInARow: 5 });
    expect(decisions.at(-1)!.failuresInWindow).toBeLessThan(5);
  });

  it('counts in a row only until the child is ready again', () => {
    const budget = new RestartBudget(DEV_RESTART_POLICY);
    for (let i = 0; i < 4; i += 1) budget.recordFailure(i * 100_000);
    budget.recordReady();
    expect(budget.recordFailure(500_000)).toEqual({
      giveUp: false,
      delayMs: 1_000,
      failuresInWindow: 1,
      failuresInARow: 1,
    });
  });

  it('caps the delay', () => {
    const budget = new RestartBudget({
      maxFailures: 100,
      windowMs: 3_600_000,
      initialDelayMs: 1_000,
      maxDelayMs: 5_000,
    });
    const delays = Array.from({ length: 6 }, (_, i) => budget.recordFailure(i));
    expect(delays.map((d) => (d.giveUp ? 'give up' : d.delayMs))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
  });
});

describe('describeExit', () => {
  it('names the signal when there is one, else the exit code', () => {
    expect(describeExit(null, 'SIGKILL')).toBe('signal SIGKILL');
    expect(describeExit(1, null)).toBe('exit code 1');
    expect(describeExit(0, null)).toBe('exit code 0');
  });
});
