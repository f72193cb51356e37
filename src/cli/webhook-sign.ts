// `fulfill webhook sign honeybee|onegevity`: prints the headers a vendor would send with a body, so an integrator can
// POST a correctly signed webhook with curl. The signers are the ones the sandbox uses and the bridge verifies with.
import { readFileSync } from 'node:fs';
import { honeybeeWebhookUrl, type EngineConfig } from '../config/env.js';
import { honeybeeSecretHeader, signHoneybeeWebhook } from '../vendors/honeybee/webhook-auth.js';
import { signOnegevityWebhook } from '../vendors/onegevity/webhook-auth.js';
import { UsageError } from './usage-error.js';

export interface WebhookSignOptions {
  url?: string;
  bodyFile: string;
  topic?: string;
}

/** The exact bytes to sign; a path that cannot be read is a usage error naming the path. */
function readBody(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`Cannot read --body-file ${path}${typeof code === 'string' ? ` (${code})` : ''}.`);
  }
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url must be an absolute http(s) URL, got "${url}".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--url must be an absolute http(s) URL, got "${url}".`);
  }
  // Signed as given: Honeybee signs the URL exactly as configured, so no normalisation here.
  return url;
}

export function signWebhookHeaders(
  vendor: string,
  options: WebhookSignOptions,
  config: EngineConfig,
): Record<string, string> {
  if (vendor === 'honeybee') {
    if (options.topic !== undefined) throw new UsageError('--topic applies to onegevity only.');
    const clientSecret = config.HONEYBEE_CLIENT_SECRET;
    if (!clientSecret) throw new UsageError('HONEYBEE_CLIENT_SECRET is not set: it keys the Honeybee signature.');
    const url = options.url !== undefined ? checkUrl(options.url) : honeybeeWebhookUrl(config);
    const body = readBody(options.bodyFile);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Honeybee-Signature': signHoneybeeWebhook(clientSecret, { method: 'POST', url, body }),
    };
    const webhookSecret = config.HONEYBEE_WEBHOOK_SECRETS[0];
    if (webhookSecret) headers['X-Honeybee-Secret'] = honeybeeSecretHeader(clientSecret, webhookSecret);
    return headers;
  }
  if (vendor === 'onegevity') {
    if (options.url !== undefined) throw new UsageError('--url applies to honeybee only (Onegevity signs the body).');
    if (options.topic !== undefined && !/^[A-Za-z0-9._-]+$/.test(options.topic)) {
      throw new UsageError(`--topic must look like order.created, got "${options.topic}".`);
    }
    const secret = config.ONEGEVITY_WEBHOOK_SECRETS[0];
    if (!secret) throw new UsageError('ONEGEVITY_WEBHOOK_SECRETS is not set: it keys the Onegevity signature.');
    const body = readBody(options.bodyFile);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Onegevity-Signature': signOnegevityWebhook(secret, body),
    };
    if (options.topic) headers['X-Onegevity-Topic'] = options.topic;
    return headers;
  }
  throw new UsageError(`Unknown vendor "${vendor}": expected honeybee or onegevity.`);
}
