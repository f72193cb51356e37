// Checks a sandbox webhook the way the engine's bridge would: with the engine's own verifiers, over the raw bytes,
// against the URL the vendor signed. Used on what a receiver got and on what the control API recorded.
import type { IncomingHttpHeaders } from 'node:http';
import type { EngineConfig } from '../../src/config/env.js';
import { verifyHoneybeeSecret, verifyHoneybeeSignature } from '../../src/vendors/honeybee/webhook-auth.js';
import { verifyOnegevitySignature } from '../../src/vendors/onegevity/webhook-auth.js';
import { honeybeeEvent, onegevityWebhookBodies, type OnegevityTopic } from './wire-shapes.js';

function headerValue(headers: IncomingHttpHeaders | Record<string, string>, name: string): string | undefined {
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface WebhookCheck {
  signature: boolean;
  secret: boolean;
  shape: boolean;
  problem?: string;
}

/** Honeybee: X-Honeybee-Signature over POST + signed URL + raw body, X-Honeybee-Secret, and the event's shape. */
export function checkHoneybeeWebhook(
  config: EngineConfig,
  signedUrl: string,
  headers: IncomingHttpHeaders | Record<string, string>,
  body: Uint8Array,
): WebhookCheck {
  const clientSecrets = [config.HONEYBEE_CLIENT_SECRET as string];
  const signature = verifyHoneybeeSignature(
    clientSecrets,
    { method: 'POST', url: signedUrl, body },
    headerValue(headers, 'x-honeybee-signature'),
  );
  const secret = verifyHoneybeeSecret(
    clientSecrets,
    config.HONEYBEE_WEBHOOK_SECRETS,
    headerValue(headers, 'x-honeybee-secret'),
  );
  const parsed = honeybeeEvent.safeParse(JSON.parse(Buffer.from(body).toString('utf8')));
  return {
    signature,
    secret,
    shape: parsed.success,
    ...(parsed.success ? {} : { problem: parsed.error.message }),
  };
}

/** Onegevity: X-Onegevity-Signature over the raw body, X-Onegevity-Topic, and the topic's payload shape. */
export function checkOnegevityWebhook(
  config: EngineConfig,
  headers: IncomingHttpHeaders | Record<string, string>,
  body: Uint8Array,
): WebhookCheck & { topic: string | undefined } {
  const topic = headerValue(headers, 'x-onegevity-topic');
  const signature = verifyOnegevitySignature(
    config.ONEGEVITY_WEBHOOK_SECRETS,
    body,
    headerValue(headers, 'x-onegevity-signature'),
  );
  const schema = topic && topic in onegevityWebhookBodies ? onegevityWebhookBodies[topic as OnegevityTopic] : undefined;
  const parsed = schema?.safeParse(JSON.parse(Buffer.from(body).toString('utf8')));
  return {
    topic,
    signature,
    secret: true,
    shape: parsed?.success ?? false,
    ...(parsed && !parsed.success ? { problem: parsed.error.message } : {}),
    ...(!schema ? { problem: `unknown topic ${String(topic)}` } : {}),
  };
}
