// `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. Honeybee answers 429 with either form.

/**
 * The longest wait a `Retry-After` is taken for. Temporal's `nextRetryDelay` replaces the retry policy's interval
 * (`maximumInterval` included), so an unbounded header (a year, a date in 2099, twenty digits) would park a fill or a
 * notification for that long; past this the call is tried again, and a vendor still busy answers with a new wait.
 */
export const RETRY_AFTER_MAX_MS = 15 * 60_000;

/**
 * Milliseconds to wait before retrying (at most {@link RETRY_AFTER_MAX_MS}), or undefined when the header is absent or
 * unreadable (the caller's own backoff then applies). A date in the past means "now" (0).
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value) as string | undefined;
  const trimmed = raw?.trim();
  if (!trimmed) return undefined;
  if (/^\d+$/.test(trimmed)) return Math.min(RETRY_AFTER_MAX_MS, Number(trimmed) * 1000);
  // Only date-shaped values: Date.parse would read bare numbers like "-5" or "1.5" as years.
  if (!/^[A-Za-z]{3,9},? /.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, at - now));
}
