// `fulfill webhook sign honeybee|onegevity`: prints the headers a vendor would send with a body, so an integrator can
// POST a correctly signed webhook with curl.
import { readFileSync } from 'node:fs';
import { honeybeeWebhookUrl, type EngineConfig } from '../config/env.js';
import { honeybeeSecretHeader, signHoneybeeWebhook } from '../vendors/honeybee/webhook-auth.js';
import { signOnegevityWebhook } from '../vendors/onegevity/webhook-auth.js';

export interface WebhookSignOptions {
  url?: string;
  bodyFile: string;
  topic?: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function signWebhookHeaders(
  vendor: string,
  options: WebhookSignOptions,
  config: EngineConfig,
): Record<string, string> {
  const body = readFileSync(options.bodyFile);
  if (vendor === 'honeybee') {
    const clientSecret = config.HONEYBEE_CLIENT_SECRET;
    if (!clientSecret) throw new UsageError('HONEYBEE_CLIENT_SECRET is not set: it keys the Honeybee signature.');
    const url = options.url ?? honeybeeWebhookUrl(config);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Honeybee-Signature': signHoneybeeWebhook(clientSecret, { method: 'POST', url, body }),
    };
    const webhookSecret = config.HONEYBEE_WEBHOOK_SECRETS[0];
    if (webhookSecret) headers['X-Honeybee-Secret'] = honeybeeSecretHeader(clientSecret, webhookSecret);
    return headers;
  }
  if (vendor === 'onegevity') {
    const secret = config.ONEGEVITY_WEBHOOK_SECRETS[0];
    if (!secret) throw new UsageError('ONEGEVITY_WEBHOOK_SECRETS is not set: it keys the Onegevity signature.');
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Onegevity-Signature': signOnegevityWebhook(secret, body),
    };
    if (options.topic) headers['X-Onegevity-Topic'] = options.topic;
    return headers;
  }
  throw new UsageError(`Unknown vendor "${vendor}": expected honeybee or onegevity.`);
}
