// The bridge: one HTTP server in front of Temporal. Vendor webhooks are authenticated on their raw bytes, then handed
// to their workflow by signal-with-start, and answered 2xx only once Temporal accepted them. It also serves the
// partner API (/api) and the operator console (/console).
import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Client } from '@temporalio/client';
import { honeybeeWebhookUrl, webhookSpoolDir, type EngineConfig } from '../config/env.js';
import { honeybeeSettingsFromConfig, labSettingsFromConfig } from '../domain/workflow-settings.js';
import { registerConsole } from '../console/plugin.js';
import { registerServerTracing } from '../observability/http-tracing.js';
import type { Logger } from '../observability/logger.js';
import { createParkedEvents } from '../operators/parked-events.js';
import { WebhookSpool } from '../spool/webhook-spool.js';
import { createOnegevityClientFromConfig, type OnegevityClient } from '../vendors/onegevity/client.js';
import { createBridgeMetrics } from './metrics.js';
import { registerNotificationTargetMetrics } from './notification-target-metrics.js';
import { registerPartnerApi } from './partner-api/routes.js';
import { addToRequestLog, OneLinePerRequestLogController } from './request-log.js';
import { createTemporalDelivery } from './temporal-delivery.js';
import { honeybeeWebhookSpec, onegevityWebhookSpecs } from './vendor-webhooks.js';
import { registerVendorWebhook, type WebhookPipelineDependencies } from './webhook-pipeline.js';
import { routingContextFromConfig } from './webhook-routing.js';

export interface BridgeDependencies {
  config: EngineConfig;
  client: Client;
  logger: Logger;
}

/** Errors raised before a handler runs (body parsing), answered in the bridge's own JSON error shape. */
const PARSER_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'send application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'the body exceeds the size limit' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'empty_body', message: 'the body is empty' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length', message: 'bad Content-Length' },
  // A method that carries a body (QUERY, …) sent without a Content-Type, before any route is looked up.
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'a request with a body needs Content-Type: application/json',
  },
  // Met by the router, before any route (answered through `frameworkErrors`).
  FST_ERR_BAD_URL: { status: 400, code: 'bad_url', message: 'the path is not a valid URL (a malformed % escape)' },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'uri_too_long',
    message: 'a path segment is longer than any id the bridge takes (100 characters)',
  },
};

/** A refusal of PARSER_ERRORS in the bridge's error shape; the path is not echoed (it is the caller's text). */
function refuseBeforeRouting(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply | undefined {
  const known = error.code ? PARSER_ERRORS[error.code] : undefined;
  if (!known) return undefined;
  request.log.warn({ code: error.code }, 'request refused before routing');
  // Refused before any route, the onSend hook that sets it does not run.
  void reply.header('x-request-id', request.id);
  return reply.code(known.status).send({ error: { code: known.code, message: known.message } });
}

/** The Onegevity client lab report downloads read through, made on first use; none without credentials. */
function reportSource(config: EngineConfig): (() => OnegevityClient) | undefined {
  if (!config.ONEGEVITY_CLIENT_ID || !config.ONEGEVITY_CLIENT_SECRET) return undefined;
  let client: OnegevityClient | undefined;
  return () => (client ??= createOnegevityClientFromConfig(config));
}

export function buildBridge({ config, client, logger }: BridgeDependencies): FastifyInstance {
  // Widened to Fastify's logger interface so routes see the default FastifyInstance type.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    logController: new OneLinePerRequestLogController(),
    bodyLimit: config.BRIDGE_BODY_LIMIT_BYTES,
    // Otherwise Fastify answers these itself, in its own error shape and echoing the path.
    frameworkErrors: (error, request, reply) => {
      // Fastify types this reply by the route it has not found: it is a plain reply.
      const plain = reply as unknown as FastifyReply;
      if (!refuseBeforeRouting(error, request, plain)) {
        void plain.code(400).send({ error: { code: 'bad_request', message: 'the request could not be routed' } });
      }
    },
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    },
  });

  // First, so every route registered below runs in its request's span (a no-op with tracing off).
  registerServerTracing(app, { annotate: addToRequestLog });

  // Keep JSON bodies as raw bytes: signatures are computed over the bytes as sent, never over re-serialised JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const refused = refuseBeforeRouting(error, request, reply);
    if (refused) return refused;
    request.log.error({ err: { name: error.name, code: error.code } }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal_error', message: 'internal error; see the bridge logs' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` } }),
  );

  const metrics = createBridgeMetrics();
  registerNotificationTargetMetrics(metrics.registry, client, config.PARTNER_WEBHOOK_URL);

  /** Process up: for liveness probes. */
  app.get('/healthz', async () => ({ status: 'ok' }));
  /** Temporal reachable: for readiness probes and load balancers (webhooks would answer 503 otherwise). */
  app.get('/readyz', async (request, reply) => {
    try {
      await client.withDeadline(Date.now() + 2_000, () => client.workflowService.getSystemInfo({}));
      return { status: 'ready' };
    } catch {
      request.log.warn('readiness check: Temporal unreachable');
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', temporal: 'unreachable' });
    }
  });
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  const labSettings = labSettingsFromConfig(config);
  const pipeline: WebhookPipelineDependencies = {
    delivery: createTemporalDelivery(client, config.TEMPORAL_TASK_QUEUE, {
      deadLetterQuietPeriodMs: config.DEAD_LETTER_QUIET_PERIOD,
    }),
    spool: new WebhookSpool(webhookSpoolDir(config)),
    routingContext: (requestId) => routingContextFromConfig(config, { requestId }),
    metrics,
  };
  const webhookSpecs = [
    honeybeeWebhookSpec({
      mode: config.HONEYBEE_WEBHOOK_AUTH,
      clientSecrets: [config.HONEYBEE_CLIENT_SECRET, ...config.HONEYBEE_PREVIOUS_CLIENT_SECRETS].filter(
        (secret): secret is string => Boolean(secret),
      ),
      webhookSecrets: config.HONEYBEE_WEBHOOK_SECRETS,
      url: honeybeeWebhookUrl(config),
    }),
    ...onegevityWebhookSpecs(config.ONEGEVITY_WEBHOOK_SECRETS),
  ];
  for (const spec of webhookSpecs) registerVendorWebhook(app, spec, pipeline);
  registerConsole(app, { config, client, spool: pipeline.spool });

  registerPartnerApi(app, {
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    labSettings,
    apiKeys: config.PARTNER_API_KEYS,
    metrics,
    rateLimit: { max: config.PARTNER_API_RATE_LIMIT, timeWindowMs: config.PARTNER_API_RATE_WINDOW },
    bodyLimitBytes: config.PARTNER_API_BODY_LIMIT_BYTES,
    idempotencyTtlMs: config.PARTNER_API_IDEMPOTENCY_TTL,
    notificationTargetUrl: config.PARTNER_WEBHOOK_URL,
    parkedEvents: (caller) => createParkedEvents({ client: caller, spool: pipeline.spool, config }),
    publicUrl: config.BRIDGE_PUBLIC_URL,
    honeybeeSettings: honeybeeSettingsFromConfig(config),
    reports: reportSource(config),
  });
  for (const key of config.PARTNER_API_KEYS.filter((entry) => entry.legacy)) {
    logger.warn(
      { keyName: key.name },
      'PARTNER_API_KEYS entry without a name and scopes: treated as read+operate; write it as name:scopes:key',
    );
  }

  return app;
}
