// Onegevity webhook authentication beyond the vectors: rotation, header reading, configuration, and that near
// misses (another digest, another encoding) are refused.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authenticateOnegevityWebhook,
  signOnegevityWebhook,
  verifyOnegevitySignature,
} from '../../../src/vendors/onegevity/webhook-auth.js';

const BODY = Buffer.from('{"id":1519348,"requestorId":"F87101","trackingNumber":"9999","trackingUrl":"http://t?9"}');

describe('Onegevity webhook signature', () => {
  it('accepts any of the configured secrets (current and previous) and nothing else', () => {
    const secrets = ['current', 'previous'];
    expect(verifyOnegevitySignature(secrets, BODY, signOnegevityWebhook('current', BODY))).toBe(true);
    expect(verifyOnegevitySignature(secrets, BODY, signOnegevityWebhook('previous', BODY))).toBe(true);
    expect(verifyOnegevitySignature(secrets, BODY, signOnegevityWebhook('retired', BODY))).toBe(false);
    expect(verifyOnegevitySignature([], BODY, signOnegevityWebhook('current', BODY))).toBe(false);
  });

  it('refuses other digests and encodings of the right HMAC', () => {
    const hmac = createHmac('sha256', 'current').update(BODY);
    const digest = hmac.digest();
    expect(verifyOnegevitySignature(['current'], BODY, digest.toString('hex'))).toBe(false);
    expect(verifyOnegevitySignature(['current'], BODY, digest.toString('base64url'))).toBe(false);
    expect(
      verifyOnegevitySignature(['current'], BODY, createHmac('sha1', 'current').update(BODY).digest('base64')),
    ).toBe(false);
    expect(verifyOnegevitySignature(['current'], BODY, digest.toString('base64'))).toBe(true);
  });

  it('reads a header with surrounding whitespace, and refuses empty ones', () => {
    const signature = signOnegevityWebhook('current', BODY);
    expect(verifyOnegevitySignature(['current'], BODY, ` ${signature}\n`)).toBe(true);
    expect(verifyOnegevitySignature(['current'], BODY, '')).toBe(false);
    expect(verifyOnegevitySignature(['current'], BODY, undefined)).toBe(false);
  });

  it('authenticateOnegevityWebhook tells missing, mismatch and not-configured apart', () => {
    const signature = signOnegevityWebhook('current', BODY);
    expect(authenticateOnegevityWebhook(['current'], { body: BODY, signature })).toEqual({ ok: true });
    expect(authenticateOnegevityWebhook(['current'], { body: BODY, signature: undefined })).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(authenticateOnegevityWebhook(['current'], { body: Buffer.from(`${BODY.toString()} `), signature })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(authenticateOnegevityWebhook([], { body: BODY, signature })).toEqual({
      ok: false,
      reason: 'not-configured',
    });
  });
});
