// Honeybee webhook authentication, exactly per the seed (seeds/000_…txt, "Webhook Security"):
//   key                  = sha256_hex(client_secret)            (the 64-char lowercase hex STRING is the HMAC key)
//   X-Honeybee-Signature = base64( hmac_sha1(key, escape(METHOD + URL + BODY)) + "\n" )
//   X-Honeybee-Secret    = base64( hmac_sha1(key, partner_webhook_secret) + "\n" )
// The seed's prose ("base64 encoding the result with a newline character") also reads as base64(digest) followed by
// a newline (Ruby's Base64.encode64(digest)). Verification accepts both readings: they come from the same HMAC, so
// accepting the second costs no security, and a vendor writing it is not refused for good. Signing (the sandbox)
// follows the pseudo-code.
// `escape` is CGI/form escaping (Ruby CGI.escape): every byte but A-Z a-z 0-9 _ . - ~ becomes %XX (uppercase), and
// space becomes "+". BODY is the raw bytes as received: the vendor notes that clients which re-serialise JSON fail,
// so nothing here ever parses the body.
import { createHash, createHmac } from 'node:crypto';
import { constantTimeIncludes } from '../shared/constant-time.js';
import type { WebhookAuthResult } from '../shared/webhook-auth-result.js';

export type { WebhookAuthResult };

const UNRESERVED = /[A-Za-z0-9_.\-~]/;
/** 1 where CGI.escape keeps the byte as is. */
const KEEP = Uint8Array.from({ length: 256 }, (_, byte) =>
  byte < 0x80 && UNRESERVED.test(String.fromCharCode(byte)) ? 1 : 0,
);
const HEX_UPPER = Buffer.from('0123456789ABCDEF', 'latin1');
const PLUS = 0x2b;
const PERCENT = 0x25;
const SPACE = 0x20;

/**
 * CGI.escape over raw bytes into bytes (never decoded to a string first, so any byte sequence is signed as sent).
 * Escaping is byte-wise, so escape(a + b) = escape(a) + escape(b): callers may escape and hash in pieces.
 */
export function cgiEscapeBytes(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(bytes.length * 3);
  let length = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i]!;
    if (KEEP[byte] === 1) {
      out[length++] = byte;
    } else if (byte === SPACE) {
      out[length++] = PLUS;
    } else {
      out[length++] = PERCENT;
      out[length++] = HEX_UPPER[byte >> 4]!;
      out[length++] = HEX_UPPER[byte & 0x0f]!;
    }
  }
  return out.subarray(0, length);
}

/** CGI.escape as a string (ASCII by construction). */
export function cgiEscape(bytes: Uint8Array): string {
  return cgiEscapeBytes(bytes).toString('latin1');
}

/** Derived keys are cached: a verifier checks every webhook against the same few configured secrets. */
const signingKeys = new Map<string, string>();

/** The HMAC key Honeybee derives from a client secret: the lowercase hex sha256 digest, as a string. */
export function honeybeeSigningKey(clientSecret: string): string {
  let key = signingKeys.get(clientSecret);
  if (key === undefined) {
    key = createHash('sha256').update(clientSecret, 'utf8').digest('hex');
    if (signingKeys.size < 64) signingKeys.set(clientSecret, key);
  }
  return key;
}

const NEWLINE = Buffer.from('\n');

function base64WithNewline(digest: Buffer): string {
  return Buffer.concat([digest, NEWLINE]).toString('base64');
}

/**
 * Every header value a digest may arrive as, after a trailing newline is trimmed: base64(digest + "\n") (the
 * pseudo-code) and base64(digest) (the digest's encoding followed by a newline).
 */
function acceptedEncodings(digest: Buffer): string[] {
  return [base64WithNewline(digest), digest.toString('base64')];
}

export interface HoneybeeSignedRequest {
  method: string;
  /** The public webhook URL exactly as configured at Honeybee. */
  url: string;
  /** The raw request body as received (or as about to be sent). */
  body: Uint8Array;
}

function signatureDigest(clientSecret: string, request: HoneybeeSignedRequest): Buffer {
  return createHmac('sha1', honeybeeSigningKey(clientSecret))
    .update(cgiEscapeBytes(Buffer.from(request.method.toUpperCase() + request.url, 'utf8')))
    .update(cgiEscapeBytes(request.body))
    .digest();
}

function secretDigest(clientSecret: string, webhookSecret: string): Buffer {
  return createHmac('sha1', honeybeeSigningKey(clientSecret)).update(webhookSecret).digest();
}

/** X-Honeybee-Signature for a request; the sandbox signs with this, the bridge verifies against it. */
export function signHoneybeeWebhook(clientSecret: string, request: HoneybeeSignedRequest): string {
  return base64WithNewline(signatureDigest(clientSecret, request));
}

/** X-Honeybee-Secret: constant for a (client secret, partner webhook secret) pair. */
export function honeybeeSecretHeader(clientSecret: string, webhookSecret: string): string {
  return base64WithNewline(secretDigest(clientSecret, webhookSecret));
}

/** Header values may carry the trailing newline of Ruby's Base64.encode64. */
function normaliseHeader(value: string | undefined): string | undefined {
  const trimmed = value?.replace(/\s+$/u, '');
  return trimmed ? trimmed : undefined;
}

/**
 * True when the signature matches under any of the client secrets (current and previous, for rotation), in either
 * reading of the seed's encoding.
 */
export function verifyHoneybeeSignature(
  clientSecrets: readonly string[],
  request: HoneybeeSignedRequest,
  header: string | undefined,
): boolean {
  const received = normaliseHeader(header);
  if (!received || clientSecrets.length === 0) return false;
  const expected = clientSecrets.flatMap((secret) => acceptedEncodings(signatureDigest(secret, request)));
  return constantTimeIncludes(expected, received);
}

/** True when X-Honeybee-Secret matches any (client secret, webhook secret) pair, in either reading. */
export function verifyHoneybeeSecret(
  clientSecrets: readonly string[],
  webhookSecrets: readonly string[],
  header: string | undefined,
): boolean {
  const received = normaliseHeader(header);
  if (!received || clientSecrets.length === 0 || webhookSecrets.length === 0) return false;
  const expected = clientSecrets.flatMap((client) =>
    webhookSecrets.flatMap((hook) => acceptedEncodings(secretDigest(client, hook))),
  );
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
