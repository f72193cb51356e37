import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signStandardWebhook, verifyStandardWebhook } from '../../src/sandbox/partner/standard-webhooks.js';

const secret = `whsec_${Buffer.from('a-secret-key').toString('base64')}`;
const body = Buffer.from('{"type":"order.created","timestamp":"2026-01-01T00:00:00Z","data":{}}');

describe('Standard Webhooks verification', () => {
  it('signs as the specification says: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" with the decoded key', () => {
    const expected = createHmac('sha256', Buffer.from('a-secret-key'))
      .update(`msg_1.1700000000.${body.toString()}`)
      .digest('base64');
    expect(signStandardWebhook(secret, 'msg_1', '1700000000', body)).toBe(`v1,${expected}`);
  });

  it('accepts a valid signature among several and refuses tampering, staleness and missing headers', () => {
    const timestamp = '1700000000';
    const signature = signStandardWebhook(secret, 'msg_1', timestamp, body);
    const headers = { id: 'msg_1', timestamp, signature: `v1,bm9wZQ== ${signature}` };
    expect(verifyStandardWebhook(secret, headers, body, 1_700_000_100)).toEqual({ ok: true });
    expect(verifyStandardWebhook(secret, headers, Buffer.from(`${body.toString()} `), 1_700_000_100)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyStandardWebhook(secret, headers, body, 1_700_000_400)).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyStandardWebhook(secret, { ...headers, timestamp: 'soon' }, body)).toEqual({
      ok: false,
      reason: 'bad_timestamp',
    });
    expect(verifyStandardWebhook(secret, { ...headers, id: undefined }, body)).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
  });
});
