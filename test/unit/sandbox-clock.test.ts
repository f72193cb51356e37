import { describe, expect, it } from 'vitest';
import { SandboxClock } from '../../src/sandbox/clock.js';

/** A clock whose real time stands still, so only advances move it. */
function frozenClock() {
  const errors: string[] = [];
  const clock = new SandboxClock({ realNow: () => 1_000_000, onError: (key) => errors.push(key) });
  return { clock, errors };
}

describe('sandbox clock', () => {
  it('runs due tasks in due order on advance, and leaves later ones pending', async () => {
    const { clock } = frozenClock();
    const ran: string[] = [];
    clock.scheduleIn('b', 2_000, () => void ran.push('b'));
    clock.scheduleIn('a', 1_000, () => void ran.push('a'));
    clock.scheduleIn('c', 5_000, () => void ran.push('c'));
    await clock.advance(2_000);
    expect(ran).toEqual(['a', 'b']);
    expect(clock.pending().map((task) => task.key)).toEqual(['c']);
    expect(clock.now()).toBe(1_002_000);
    clock.stop();
  });

  it('times a follow-up from the task that scheduled it, so one advance runs a whole chain step by step', async () => {
    const { clock } = frozenClock();
    const seen: number[] = [];
    const step = (n: number) => () => {
      seen.push(clock.now());
      if (n < 3) clock.scheduleIn(`step-${n + 1}`, 1_000, step(n + 1));
    };
    clock.scheduleIn('step-1', 1_000, step(1));
    await clock.advance(2_500);
    expect(seen).toEqual([1_001_000, 1_002_000]);
    expect(clock.pending()).toEqual([{ key: 'step-3', at: new Date(1_003_000).toISOString() }]);
    clock.stop();
  });

  it('replaces a task with the same key, cancels, and keeps running after a task fails', async () => {
    const { clock, errors } = frozenClock();
    const ran: string[] = [];
    clock.scheduleIn('x', 1_000, () => void ran.push('first'));
    clock.scheduleIn('x', 1_000, () => void ran.push('second'));
    clock.scheduleIn('gone', 1_000, () => void ran.push('gone'));
    clock.cancel('gone');
    clock.scheduleIn('boom', 500, () => {
      throw new Error('boom');
    });
    await clock.advance(1_000);
    expect(ran).toEqual(['second']);
    expect(errors).toEqual(['boom']);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    clock.stop();
  });

  it('fires on its own as real time passes', async () => {
    const clock = new SandboxClock();
    const fired = new Promise<number>((resolve) => clock.scheduleIn('soon', 5, () => resolve(clock.now())));
    expect(await fired).toBeGreaterThan(0);
    clock.stop();
  });
});
