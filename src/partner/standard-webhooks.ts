// Standard Webhooks (https://www.standardwebhooks.com) signing, for the milestone notifications the engine sends to
// the partner: `webhook-signature: v1,<base64 hmac-sha256(secret, "{id}.{timestamp}.{body}")>`, where the secret is
// `whsec_` + base64 of the key bytes.
import { createHmac } from 'node:crypto';
import { constantTimeIncludes } from '../vendors/shared/constant-time.js';

const SECRET_PREFIX = 'whsec_';

export function standardWebhookKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('a Standard Webhooks secret is "whsec_" followed by base64');
  return key;
}

export function signStandardWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', standardWebhookKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${digest}`;
}

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function standardWebhookHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): StandardWebhookHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signStandardWebhook(secret, id, timestampSeconds, body),
  };
}

export interface VerifyStandardWebhookOptions {
  /** Allowed clock skew, seconds (the spec suggests 5 minutes). */
  toleranceSeconds?: number;
  nowSeconds?: number;
}

/**
 * Verifies a received notification: any of the space-separated `v1,` signatures may match (senders rotate secrets by
 * sending several), and the timestamp must be recent (replay protection).
 */
export function verifyStandardWebhook(
  secret: string,
  headers: Partial<StandardWebhookHeaders>,
  body: string,
  options: VerifyStandardWebhookOptions = {},
): boolean {
  const id = headers['webhook-id'];
  const timestamp = Number(headers['webhook-timestamp']);
  const signatures = headers['webhook-signature'];
  if (!id || !Number.isInteger(timestamp) || !signatures) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = signStandardWebhook(secret, id, timestamp, body);
  const candidates = signatures.split(' ').filter((value) => value.startsWith('v1,'));
  return candidates.length > 0 && candidates.some((candidate) => constantTimeIncludes([expected], candidate));
}
