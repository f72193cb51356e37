// Failed console sign-ins per address (src/console/sign-in-limit.ts), on a clock of the test's own: the limit, the
// window that starts at the first failure and ends for good, addresses counted apart, and a bounded memory.
import { describe, expect, it } from 'vitest';
import { FailedSignIns } from '../../../src/console/sign-in-limit.js';

describe('failed sign-ins', () => {
  it('lets an address try until it has failed the limit, then says how long to wait until its window ends', () => {
    let now = 1_000_000;
    const limit = new FailedSignIns(3, 60_000, () => now);
    for (let failure = 0; failure < 3; failure += 1) {
      expect(limit.retryAfterSeconds('10.0.0.1')).toBeUndefined();
      limit.recordFailure('10.0.0.1');
      now += 1_000;
    }
    expect(limit.retryAfterSeconds('10.0.0.1')).toBe(57);
    expect(limit.retryAfterSeconds('10.0.0.2')).toBeUndefined();
    now += 56_500;
    expect(limit.retryAfterSeconds('10.0.0.1')).toBe(1);
    now += 500;
    expect(limit.retryAfterSeconds('10.0.0.1')).toBeUndefined();
    // A new window, counted from its own first failure.
    limit.recordFailure('10.0.0.1');
    expect(limit.retryAfterSeconds('10.0.0.1')).toBeUndefined();
  });

  it('keeps at most 10,000 addresses, letting the oldest window go first', () => {
    const limit = new FailedSignIns(1, 60_000, () => 0);
    for (let address = 0; address <= 10_000; address += 1) limit.recordFailure(`a${address}`);
    expect(limit.retryAfterSeconds('a0')).toBeUndefined();
    expect(limit.retryAfterSeconds('a1')).toBe(60);
    expect(limit.retryAfterSeconds('a10000')).toBe(60);
  });
});
