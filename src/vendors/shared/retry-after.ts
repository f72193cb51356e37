// `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. Honeybee answers 429 with either form.

/**
 * Milliseconds to wait before retrying, or undefined when the header is absent or unreadable (the caller's own backoff
 * then applies). A date in the past means "now" (0).
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value) as string | undefined;
  const trimmed = raw?.trim();
  if (!trimmed) return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only date-shaped values: Date.parse would read bare numbers like "-5" or "1.5" as years.
  if (!/^[A-Za-z]{3,9},? /.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
