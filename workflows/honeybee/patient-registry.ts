// The sizes the patient registry (workflows/honeybee-patients.ts) keeps to, and the pure arithmetic of its segments:
// what a run carries into continue-as-new, what it hands to the next segment, and one page of what it holds.

/**
 * The ids a run carries into continue-as-new, in bytes as JSON writes them (the id and `"",`). Temporal refuses a
 * continue-as-new whose input passes 2 MiB (PayloadLimitViolation, the workflow task retried forever); half of it
 * leaves room for the rest of the input and the codec's overhead however badly the ids compress. About 80,000
 * numeric ids, or 15,600 of the longest (64 characters).
 */
export const CARRIED_BYTES = 1024 * 1024;

/** The smallest budget a hand-started input may ask for (tests use small ones to reach the limit quickly). */
export const MIN_CARRIED_BYTES = 1024;

/** A run continues as new once it holds this much more than it may carry, and hands the surplus on. */
export const RUN_BYTES_FACTOR = 1.5;

/** The most bytes of ids one forwarding activity takes (its input is a payload too). */
export const FORWARD_BYTES = 256 * 1024;

/** The last segment the chain may reach (far beyond need: 10,000 segments of 1 MiB). */
export const MAX_SEGMENT = 10_000;

export function idBytes(id: string): number {
  return id.length + 3;
}

export function bytesOf(ids: readonly string[]): number {
  let bytes = 0;
  for (const id of ids) bytes += idBytes(id);
  return bytes;
}

/** How many of the first ids fit in `budget` bytes: the ones a run carries; the rest go to the next segment. */
export function carriedCount(ids: readonly string[], budget: number): number {
  let bytes = 0;
  for (let i = 0; i < ids.length; i += 1) {
    bytes += idBytes(ids[i]!);
    if (bytes > budget) return i;
  }
  return ids.length;
}

/** The ids from `from` that one forwarding takes: at least one, at most `maxBytes` of them. */
export function forwardChunk(ids: readonly string[], from: number, maxBytes = FORWARD_BYTES): string[] {
  let bytes = 0;
  let end = from;
  while (end < ids.length && (end === from || bytes + idBytes(ids[end]!) <= maxBytes)) {
    bytes += idBytes(ids[end]!);
    end += 1;
  }
  return ids.slice(from, end);
}

/** A budget from an untrusted input: a whole number of bytes within [MIN_CARRIED_BYTES, CARRIED_BYTES]. */
export function budgetFrom(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) return CARRIED_BYTES;
  return Math.min(CARRIED_BYTES, Math.max(MIN_CARRIED_BYTES, value));
}

/** A segment number from an untrusted input (0 when it is not one). */
export function segmentFrom(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_SEGMENT ? value : 0;
}
