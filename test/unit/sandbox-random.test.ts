import { describe, expect, it } from 'vitest';
import { RandomStreams, SeededRandom } from '../../src/sandbox/random.js';

const draw = (random: SeededRandom, n = 8) => Array.from({ length: n }, () => random.next());

describe('sandbox seeded random', () => {
  it('repeats a sequence for the same seed and stream, and differs for another seed or stream', () => {
    const a = draw(SeededRandom.stream(1, 'patients'));
    expect(draw(SeededRandom.stream(1, 'patients'))).toEqual(a);
    expect(draw(SeededRandom.stream(2, 'patients'))).not.toEqual(a);
    expect(draw(SeededRandom.stream(1, 'faults'))).not.toEqual(a);
    expect(a.every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('keeps streams independent: drawing from one does not shift another', () => {
    const quiet = new RandomStreams(5);
    const busy = new RandomStreams(5);
    draw(busy.stream('faults'), 100);
    expect(draw(busy.stream('patients'))).toEqual(draw(quiet.stream('patients')));
  });

  it('continues a sequence from a persisted state', () => {
    const streams = new RandomStreams(9);
    draw(streams.stream('ids'), 3);
    const restored = new RandomStreams(9, streams.snapshot());
    expect(draw(restored.stream('ids'))).toEqual(draw(streams.stream('ids')));
  });

  it('makes ints in range, uuids of version 4 shape, alphanumerics, and shuffles as permutations', () => {
    const random = SeededRandom.stream(3, 'misc');
    for (let i = 0; i < 200; i++) {
      const value = random.int(5, 7);
      expect(value).toBeGreaterThanOrEqual(5);
      expect(value).toBeLessThanOrEqual(7);
    }
    expect(random.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(random.chars(8)).toMatch(/^[A-Z0-9]{8}$/);
    expect(random.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(() => random.pick([])).toThrow();
  });
});
