// The bridge: one HTTP server in front of Temporal. Vendor webhooks are authenticated on their raw bytes, then handed
// to their workflow by signal-with-start, and answered 2xx only once Temporal accepted them.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { honeybeeWebhookUrl, type EngineConfig } from '../config/env.js';
import type { Logger } from '../observability/logger.js';
import { AesGcmPayloadCodec } from '../crypto/payload-codec.js';
import { loadPayloadKeyRing } from '../crypto/payload-keys.js';
import { registerCodecRoutes } from './codec-route.js';
import { registerHoneybeeWebhookRoute } from './honeybee-webhook.js';
import { honeybeeSettingsFromConfig, labSettingsFromConfig } from '../domain/workflow-settings.js';

export interface BridgeDependencies {
  config: EngineConfig;
  client: Client;
  logger: Logger;
}

export function buildBridge({ config, client, logger }: BridgeDependencies): FastifyInstance {
  // Widened to Fastify's logger interface so routes see the default FastifyInstance type.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: config.BRIDGE_BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    },
  });

  // Keep JSON bodies as raw bytes: signatures are computed over the bytes as sent, never over re-serialised JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  registerCodecRoutes(app, {
    codec: new AesGcmPayloadCodec(loadPayloadKeyRing(config)),
    allowedOrigins: config.CODEC_CORS_ORIGINS,
    authToken: config.CODEC_AUTH_TOKEN,
  });

  registerHoneybeeWebhookRoute(app, {
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    honeybeeSettings: honeybeeSettingsFromConfig(config),
    labSettings: labSettingsFromConfig(config),
    auth: {
      mode: config.HONEYBEE_WEBHOOK_AUTH,
      clientSecrets: [config.HONEYBEE_CLIENT_SECRET, ...config.HONEYBEE_PREVIOUS_CLIENT_SECRETS].filter(
        (secret): secret is string => Boolean(secret),
      ),
      webhookSecrets: config.HONEYBEE_WEBHOOK_SECRETS,
      url: honeybeeWebhookUrl(config),
    },
  });

  return app;
}
