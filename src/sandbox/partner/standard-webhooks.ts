// Standard Webhooks verification (https://www.standardwebhooks.com), for the partner notifications the engine sends:
//   webhook-signature: space-separated "v1,<base64 hmac_sha256(key, `${id}.${timestamp}.${body}`)>"
// where key = base64-decoded secret after the `whsec_` prefix. A timestamp more than `toleranceSeconds` from now is
// refused (replay protection).
import { createHmac } from 'node:crypto';
import { constantTimeIncludes } from '../../vendors/shared/constant-time.js';

export interface StandardWebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

export type StandardWebhookResult =
  | { ok: true }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'mismatch' | 'bad_secret' };

export function standardWebhookKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  return key.length > 0 ? key : undefined;
}

export function signStandardWebhook(secret: string, id: string, timestamp: string, body: Uint8Array): string {
  const key = standardWebhookKey(secret);
  if (!key) throw new Error('the Standard Webhooks secret is empty');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

export function verifyStandardWebhook(
  secret: string,
  headers: StandardWebhookHeaders,
  body: Uint8Array,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): StandardWebhookResult {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d+$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'stale_timestamp' };
  if (!standardWebhookKey(secret)) return { ok: false, reason: 'bad_secret' };
  const expected = signStandardWebhook(secret, id, timestamp, body);
  const offered = signature.split(' ').filter((part) => part.startsWith('v1,'));
  return offered.some((candidate) => constantTimeIncludes([expected], candidate))
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}
