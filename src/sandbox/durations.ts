// Durations in sandbox inputs (control API, CLI): milliseconds as a number, or the engine's duration strings
// (`30s`, `15m`, `48h`, `7d`, plain milliseconds), parsed by the same rule as the environment.
import { z } from 'zod';
import { durationMs } from '../config/env.js';

export const durationInput = z.union([z.number().int().min(0), durationMs]);

/** Parses a duration for the CLI; undefined when it is not one. */
export function parseDuration(value: string): number | undefined {
  const parsed = durationMs.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
