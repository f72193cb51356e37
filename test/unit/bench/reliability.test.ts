// The figures a benchmark closes with: the median ratio with its range, and the overload warning that says when a
// run on the shared machine cannot be compared with a quiet one.
import { describe, expect, it } from 'vitest';
import {
  OVERLOAD_LIMITS,
  median,
  overloadBlock,
  overloadWarnings,
  parseProcStat,
  ratioLine,
  ratioReport,
  ratioSpread,
  relativeSpread,
} from '../../../bench/lib/reliability.js';

const quiet = { cores: 2, loadBeforeStart: 0.4, otherCpuShare: 0.05, baselineRates: [100, 104, 98, 101] };

describe('benchmark ratio statistics', () => {
  it('takes the median of odd and even counts, not the mean', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([10, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('pairs each engine round with the baseline of the same round', () => {
    const spread = ratioSpread([90, 50, 100], [100, 100, 125]);
    expect(spread.rounds).toEqual([0.9, 0.5, 0.8]);
    expect(spread).toMatchObject({ median: 0.8, min: 0.5, max: 0.9 });
    expect(() => ratioSpread([1, 2], [1])).toThrow(/one baseline figure per engine figure/);
  });

  it('measures spread relative to the median', () => {
    expect(relativeSpread([100, 100, 100])).toBe(0);
    expect(relativeSpread([80, 100, 120])).toBeCloseTo(0.4);
    expect(relativeSpread([100])).toBe(0);
  });

  it('reads the machine-wide busy and total time from /proc/stat, idle and iowait as idle', () => {
    const stat = 'cpu  100 20 30 400 50 0 10 0 0 0\ncpu0 50 10 15 200 25 0 5 0 0 0\nintr 1\n';
    // busy = user+nice+system+irq+softirq+steal = 160 ticks; total = 610 ticks; 10 ms per tick.
    expect(parseProcStat(stat)).toEqual({ busyMs: 1600, totalMs: 6100 });
    expect(parseProcStat('intr 1\n')).toBeUndefined();
  });
});

describe('overload detection', () => {
  it('stays silent on a quiet machine', () => {
    expect(overloadWarnings(quiet)).toEqual([]);
  });

  it('warns when the load average per core was above the limit before the start', () => {
    const warnings = overloadWarnings({ ...quiet, loadBeforeStart: 5.2 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/load average 5\.20 on 2 cores.*2\.60 per core/);
  });

  it('warns when other processes took a large share of the CPU while measuring', () => {
    const warnings = overloadWarnings({ ...quiet, otherCpuShare: 0.4 });
    expect(warnings).toEqual([expect.stringMatching(/other processes used 40% .*limit 25%/)]);
    expect(overloadWarnings({ ...quiet, otherCpuShare: undefined })).toEqual([]);
  });

  it("warns when the baseline's own rounds disagree", () => {
    const warnings = overloadWarnings({ ...quiet, baselineRates: [100, 70, 105] });
    expect(warnings).toEqual([expect.stringMatching(/baseline's own throughput moved by 35%/)]);
  });

  it('reports every sign at once, and honours other limits', () => {
    const busy = { cores: 2, loadBeforeStart: 9, otherCpuShare: 0.6, baselineRates: [50, 100] };
    expect(overloadWarnings(busy)).toHaveLength(3);
    expect(
      overloadWarnings(busy, { ...OVERLOAD_LIMITS, loadPerCore: 5, otherCpuShare: 0.7, baselineSpread: 1 }),
    ).toEqual([]);
  });

  it('puts the warning before the ratio and marks the ratio line', () => {
    const spread = ratioSpread([90, 80, 100], [100, 100, 100]);
    const quietText = ratioReport('engine / baseline', spread, []);
    expect(quietText).toBe(
      'ratio: engine / baseline = 0.90 median of 3 rounds (min 0.80, max 1.00; rounds 0.90, 0.80, 1.00)\n',
    );
    const busyText = ratioReport('engine / baseline', spread, ['load average 9.00 on 2 cores']);
    expect(busyText.split('\n')[0]).toMatch(/^WARNING: the machine was overloaded/);
    expect(busyText).toMatch(/ {2}- load average 9\.00 on 2 cores\n/);
    expect(busyText).toMatch(/\[OVERLOADED\]\n$/);
  });

  it('lets a benchmark with several ratios warn once and mark each', () => {
    expect(overloadBlock([])).toBe('');
    const spread = ratioSpread([99, 97, 98], [100, 100, 100]);
    expect(ratioLine('metrics on ÷ off', spread, true)).toMatch(/= 0\.98 median of 3 rounds .*\[OVERLOADED\]\n$/);
    expect(ratioLine('metrics on ÷ off', spread, false)).not.toContain('OVERLOADED');
  });
});
