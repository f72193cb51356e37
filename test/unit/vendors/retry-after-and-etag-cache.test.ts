import { describe, expect, it } from 'vitest';
import { EtagCache } from '../../../src/vendors/shared/etag-cache.js';
import { parseRetryAfter, RETRY_AFTER_MAX_MS } from '../../../src/vendors/shared/retry-after.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', NOW)).toBe(7_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
  });

  it('reads an HTTP-date (IMF-fixdate and the obsolete RFC 850 form) as the time left until it', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:45 GMT', NOW)).toBe(45_000);
    expect(parseRetryAfter('Sunday, 22-Nov-26 10:02:00 GMT', NOW)).toBe(120_000);
  });

  it('reads a date in the past as "now"', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', NOW)).toBe(0);
  });

  it('waits at most RETRY_AFTER_MAX_MS however long the vendor asks for', () => {
    expect(parseRetryAfter(String(RETRY_AFTER_MAX_MS / 1000), NOW)).toBe(RETRY_AFTER_MAX_MS);
    expect(parseRetryAfter('31536000', NOW)).toBe(RETRY_AFTER_MAX_MS);
    expect(parseRetryAfter('99999999999999999999', NOW)).toBe(RETRY_AFTER_MAX_MS);
    expect(parseRetryAfter('Thu, 01 Jan 2099 00:00:00 GMT', NOW)).toBe(RETRY_AFTER_MAX_MS);
  });

  it('uses the first value of a repeated header', () => {
    expect(parseRetryAfter(['3', '99'], NOW)).toBe(3_000);
  });

  it.each([undefined, '', '  ', '-5', '1.5', '12abc', 'soon', 'Sun, 99 Nov 2026 10:00:45 GMT'])(
    'gives undefined for %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );
});

describe('EtagCache', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new EtagCache(2);
    cache.set('a', { etag: 'W/"1"', body: 'A' });
    cache.set('b', { etag: 'W/"2"', body: 'B' });
    expect(cache.get('a')?.body).toBe('A'); // a is now the most recent
    cache.set('c', { etag: 'W/"3"', body: 'C' });
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.etag).toBe('W/"1"');
    expect(cache.get('c')?.body).toBe('C');
  });

  it('replaces an entry in place and deletes on request', () => {
    const cache = new EtagCache(2);
    cache.set('a', { etag: 'W/"1"', body: 'old' });
    cache.set('a', { etag: 'W/"2"', body: 'new' });
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toEqual({ etag: 'W/"2"', body: 'new' });
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });

  it('refuses a size below one', () => {
    expect(() => new EtagCache(0)).toThrow(/maxEntries/);
  });
});
