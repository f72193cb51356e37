// Honeybee webhook authentication, exactly per the seed (seeds/000_…txt, "Webhook Security"):
//   key                  = sha256_hex(client_secret)            (the 64-char lowercase hex STRING is the HMAC key)
//   X-Honeybee-Signature = base64( hmac_sha1(key, escape(METHOD + URL + BODY)) + "\n" )
//   X-Honeybee-Secret    = base64( hmac_sha1(key, partner_webhook_secret) + "\n" )
// `escape` is CGI/form escaping (Ruby CGI.escape): every byte but A-Z a-z 0-9 _ . - ~ becomes %XX (uppercase), and
// space becomes "+". BODY is the raw bytes as received: the vendor notes that clients which re-serialise JSON fail,
// so nothing here ever parses the body.
import { createHash, createHmac } from 'node:crypto';
import { constantTimeIncludes } from '../shared/constant-time.js';
import type { WebhookAuthResult } from '../shared/webhook-auth-result.js';

export type { WebhookAuthResult };

const UNRESERVED = /[A-Za-z0-9_.\-~]/;
const ESCAPED_BYTE: readonly string[] = Array.from({ length: 256 }, (_, byte) => {
  const char = String.fromCharCode(byte);
  if (byte < 0x80 && UNRESERVED.test(char)) return char;
  if (byte === 0x20) return '+';
  return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
});

/** CGI.escape over raw bytes (never decoded to a string first, so any byte sequence is signed as sent). */
export function cgiEscape(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += ESCAPED_BYTE[byte];
  return out;
}

/** The HMAC key Honeybee derives from a client secret: the lowercase hex sha256 digest, as a string. */
export function honeybeeSigningKey(clientSecret: string): string {
  return createHash('sha256').update(clientSecret, 'utf8').digest('hex');
}

function hmacSha1WithNewline(key: string, data: string | Buffer): string {
  const digest = createHmac('sha1', key).update(data).digest();
  return Buffer.concat([digest, Buffer.from('\n')]).toString('base64');
}

export interface HoneybeeSignedRequest {
  method: string;
  /** The public webhook URL exactly as configured at Honeybee. */
  url: string;
  /** The raw request body as received (or as about to be sent). */
  body: Uint8Array;
}

/** X-Honeybee-Signature for a request; the sandbox signs with this, the bridge verifies against it. */
export function signHoneybeeWebhook(clientSecret: string, request: HoneybeeSignedRequest): string {
  const base = Buffer.concat([
    Buffer.from(request.method.toUpperCase() + request.url, 'utf8'),
    Buffer.from(request.body),
  ]);
  return hmacSha1WithNewline(honeybeeSigningKey(clientSecret), cgiEscape(base));
}

/** X-Honeybee-Secret: constant for a (client secret, partner webhook secret) pair. */
export function honeybeeSecretHeader(clientSecret: string, webhookSecret: string): string {
  return hmacSha1WithNewline(honeybeeSigningKey(clientSecret), webhookSecret);
}

/** Header values may carry the trailing newline of Ruby's Base64.encode64. */
function normaliseHeader(value: string | undefined): string | undefined {
  const trimmed = value?.replace(/\s+$/u, '');
  return trimmed ? trimmed : undefined;
}

/** True when the signature matches under any of the client secrets (current and previous, for rotation). */
export function verifyHoneybeeSignature(
  clientSecrets: readonly string[],
  request: HoneybeeSignedRequest,
  header: string | undefined,
): boolean {
  const received = normaliseHeader(header);
  if (!received || clientSecrets.length === 0) return false;
  const expected = clientSecrets.map((secret) => signHoneybeeWebhook(secret, request));
  return constantTimeIncludes(expected, received);
}

/** True when X-Honeybee-Secret matches any (client secret, webhook secret) pair. */
export function verifyHoneybeeSecret(
  clientSecrets: readonly string[],
  webhookSecrets: readonly string[],
  header: string | undefined,
): boolean {
  const received = normaliseHeader(header);
  if (!received || clientSecrets.length === 0 || webhookSecrets.length === 0) return false;
  const expected = clientSecrets.flatMap((client) => webhookSecrets.map((hook) => honeybeeSecretHeader(client, hook)));
  return constantTimeIncludes(expected, received);
}

export type HoneybeeWebhookAuthMode = 'signature' | 'secret' | 'both';

export interface HoneybeeWebhookAuthConfig {
  mode: HoneybeeWebhookAuthMode;
  clientSecrets: readonly string[];
  webhookSecrets: readonly string[];
  url: string;
}

/**
 * Authenticates one Honeybee webhook per the configured mode. The reason is for our logs only: the bridge answers
 * every failure with the same 401.
 */
export function authenticateHoneybeeWebhook(
  config: HoneybeeWebhookAuthConfig,
  request: { method: string; body: Uint8Array; signature: string | undefined; secret: string | undefined },
): WebhookAuthResult {
  const needSignature = config.mode !== 'secret';
  const needSecret = config.mode !== 'signature';
  if (config.clientSecrets.length === 0 || (needSecret && config.webhookSecrets.length === 0)) {
    return { ok: false, reason: 'not-configured' };
  }
  if ((needSignature && !normaliseHeader(request.signature)) || (needSecret && !normaliseHeader(request.secret))) {
    return { ok: false, reason: 'missing' };
  }
  const signatureOk =
    !needSignature ||
    verifyHoneybeeSignature(
      config.clientSecrets,
      { method: request.method, url: config.url, body: request.body },
      request.signature,
    );
  const secretOk = !needSecret || verifyHoneybeeSecret(config.clientSecrets, config.webhookSecrets, request.secret);
  return signatureOk && secretOk ? { ok: true } : { ok: false, reason: 'mismatch' };
}
