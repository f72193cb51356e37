// Bearer credentials (RFC 6750) for the engine's own listeners: the partner API and the codec service.
import { constantTimeEqual } from '../vendors/shared/constant-time.js';

/** The token of `Authorization: Bearer <token>`; the scheme name is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
}

/**
 * The entry whose secret equals `candidate`. Every entry is compared, whatever matches, so the time taken says nothing
 * about which entry (or how much of one) matched.
 */
export function findBySecret<T>(
  entries: readonly T[],
  secretOf: (entry: T) => string,
  candidate: string,
): T | undefined {
  let match: T | undefined;
  for (const entry of entries) if (constantTimeEqual(secretOf(entry), candidate)) match = entry;
  return match;
}
