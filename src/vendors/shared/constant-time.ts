import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings in time independent of where they differ. Both sides are hashed first so that inputs of
 * different lengths take the same path (timingSafeEqual needs equal lengths) and a length mismatch leaks nothing.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const digestA = createHash('sha256').update(a).digest();
  const digestB = createHash('sha256').update(b).digest();
  return timingSafeEqual(digestA, digestB);
}

/** True when `candidate` equals any of `expected`, checking every entry (no early exit on a match's position). */
export function constantTimeIncludes(expected: readonly string[], candidate: string): boolean {
  let found = false;
  for (const value of expected) found = constantTimeEqual(value, candidate) || found;
  return found;
}
