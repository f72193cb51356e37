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
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((secret) => signStandardWebhook(secret, id, timestampSeconds, body)).join(' '),
  };
}
