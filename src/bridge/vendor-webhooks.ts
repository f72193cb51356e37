// The two vendors' webhook endpoints on the shared pipeline: how each authenticates, names and routes its events.
import { authenticateHoneybeeWebhook, type HoneybeeWebhookAuthConfig } from '../vendors/honeybee/webhook-auth.js';
import { authenticateOnegevityWebhook } from '../vendors/onegevity/webhook-auth.js';
import { normalizeOnegevityTopic } from '../vendors/onegevity/webhook-events.js';
import { routeHoneybeeEvent } from './honeybee-routing.js';
import { routeOnegevityEvent } from './onegevity-routing.js';
import type { VendorWebhookSpec, WebhookEnvelope } from './webhook-pipeline.js';

function header(request: WebhookEnvelope, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function honeybeeWebhookSpec(auth: HoneybeeWebhookAuthConfig): VendorWebhookSpec {
  return {
    vendor: 'honeybee',
    path: '/webhooks/honeybee',
    authenticate: (request, body) =>
      authenticateHoneybeeWebhook(auth, {
        method: request.method,
        body,
        signature: header(request, 'x-honeybee-signature'),
        secret: header(request, 'x-honeybee-secret'),
      }),
    describe: (_request, payload) => {
      const type = (payload as { event_type?: unknown } | null)?.event_type;
      return typeof type === 'string' ? type.slice(0, 64) : undefined;
    },
    route: (_request, payload, _body, context) => routeHoneybeeEvent(payload, context),
  };
}

/** The topic of an Onegevity delivery: the per-topic path wins over the X-Onegevity-Topic header. */
function onegevityTopic(request: WebhookEnvelope): string | undefined {
  const fromPath = (request.params as { topic?: string } | undefined)?.topic;
  const topic = fromPath ?? header(request, 'x-onegevity-topic');
  return topic ? normalizeOnegevityTopic(topic) : undefined;
}

export function onegevityWebhookSpecs(secrets: readonly string[]): VendorWebhookSpec[] {
  const base: Omit<VendorWebhookSpec, 'path'> = {
    vendor: 'onegevity',
    authenticate: (request, body) =>
      authenticateOnegevityWebhook(secrets, { body, signature: header(request, 'x-onegevity-signature') }),
    describe: (request) => onegevityTopic(request)?.slice(0, 64),
    route: (request, payload, body, context) => routeOnegevityEvent(onegevityTopic(request), payload, body, context),
  };
  return [
    { ...base, path: '/webhooks/onegevity' },
    { ...base, path: '/webhooks/onegevity/:topic' },
  ];
}
