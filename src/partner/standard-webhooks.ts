// Standard Webhooks (https://www.standardwebhooks.com) signing, for the milestone notifications the engine sends to
// the partner: `webhook-signature: v1,<base64 hmac-sha256(key, "{id}.{timestamp}.{body}")>`, where the secret is
// `whsec_` + base64 of the key bytes. While a secret is rotated the engine signs with every configured secret and sends
// the signatures space-separated (the spec's rotation scheme): a receiver holding either secret verifies.
import { createHmac } from 'node:crypto';

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

/**
 * The notification id as the `webhook-id` header carries it (and the signature covers): the id itself when it is
 * printable ASCII without `%`, else with `%` and every character outside that percent-encoded (UTF-8), so that no id,
 * whatever vendor text reached it, makes a header no HTTP client sends, and two different ids never share one.
 */
export function webhookIdHeader(id: string): string {
  if (HEADER_SAFE_ID.test(id)) return id;
  return Array.from(id, (char) => {
    if (HEADER_SAFE_ID.test(char)) return char;
    const code = char.codePointAt(0)!;
    // A lone surrogate has no UTF-8: its code unit, in a form the encoding of any other character never takes.
    if (code >= 0xd800 && code <= 0xdfff) return `%u${code.toString(16).toUpperCase()}`;
    return encodeURIComponent(char);
  }).join('');
}

/** Printable ASCII but `%` (the escape). */
const HEADER_SAFE_ID = /^[\x21-\x24\x26-\x7e]+$/;

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function standardWebhookHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): StandardWebhookHeaders {
  if (secrets.length === 0) throw new Error('no Standard Webhooks secret to sign with');
  const headerId = webhookIdHeader(id);
  return {
    'webhook-id': headerId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets
      .map((secret) => signStandardWebhook(secret, headerId, timestampSeconds, body))
      .join(' '),
  };
}
