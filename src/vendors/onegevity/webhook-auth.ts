// Onegevity webhook authentication, per the seed (seeds/004_…txt, "Message signature verification"):
//   X-Onegevity-Signature = base64( hmac_sha256(shared_secret, raw_body) )
// Mismatches are treated as malicious. The topic is not in the body: it comes from X-Onegevity-Topic or the
// per-topic path (VENDOR-FACTS, ASSUMED).
import { createHmac } from 'node:crypto';
import { constantTimeIncludes } from '../shared/constant-time.js';
import type { WebhookAuthResult } from '../shared/webhook-auth-result.js';

export function signOnegevityWebhook(sharedSecret: string, body: Uint8Array): string {
  return createHmac('sha256', Buffer.from(sharedSecret, 'utf8')).update(body).digest('base64');
}

/** True when the signature matches under any of the shared secrets (current and previous, for rotation). */
export function verifyOnegevitySignature(
  sharedSecrets: readonly string[],
  body: Uint8Array,
  header: string | undefined,
): boolean {
  const received = header?.trim();
  if (!received || sharedSecrets.length === 0) return false;
  return constantTimeIncludes(
    sharedSecrets.map((secret) => signOnegevityWebhook(secret, body)),
    received,
  );
}

export function authenticateOnegevityWebhook(
  sharedSecrets: readonly string[],
  request: { body: Uint8Array; signature: string | undefined },
): WebhookAuthResult {
  if (sharedSecrets.length === 0) return { ok: false, reason: 'not-configured' };
  if (!request.signature?.trim()) return { ok: false, reason: 'missing' };
  return verifyOnegevitySignature(sharedSecrets, request.body, request.signature)
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}
