// One seed per resilience run, for every file: RESILIENCE_SEED to repeat a run, else a fresh one. Each scenario
// prints it; the garbage generator uses it as is and each sandbox a fixed offset from it.
import { randomInt } from 'node:crypto';
import type { TestProject } from 'vitest/node';

export function seedFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return randomInt(1, 2 ** 31);
  const seed = Number(value);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`RESILIENCE_SEED must be a whole number, got "${value}"`);
  return seed;
}

export default function setup(project: TestProject): void {
  const seed = seedFrom(process.env.RESILIENCE_SEED);
  process.stderr.write(`[resilience] RESILIENCE_SEED=${seed}\n`);
  project.provide('resilienceSeed', seed);
}
