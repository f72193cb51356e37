// The codec service: decrypts payloads for the Temporal Web UI, the `temporal` CLI (`--codec-endpoint`) and
// `fulfill audit`, and encrypts what the UI sends (a signal's input). It decrypts PHI, so it is a listener of its own,
// apart from the public webhooks and the partner API: loopback by default, authenticated by JWT or static token
// (authentication.ts), answering browsers only from CODEC_CORS_ORIGINS. Every decode is logged (who, namespace,
// payload count; never a payload) and counted.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Payload } from '@temporalio/common';
import { DecodeLimitExceededError, type DecodeLimits } from '../crypto/payload-codec.js';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../observability/logger.js';
import type { CodecAuthenticator } from './authentication.js';
import { payloadToJson, payloadsFromJson, payloadsJsonSchema } from './payloads-json.js';

/** A history page's payloads in base64 JSON stay far below this (Temporal caps a gRPC message at 4 MiB). */
const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

type Operation = 'encode' | 'decode';
type Outcome =
  'ok' | 'unauthorized' | 'forbidden' | 'invalid' | 'too_large' | 'failed' | 'unavailable' | 'origin_refused';

export interface CodecMetrics {
  registry: Registry;
  requests: Counter<'operation' | 'outcome'>;
  payloads: Counter<'operation'>;
}

export function createCodecMetrics(): CodecMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fulfill_codec_' });
  return {
    registry,
    requests: new Counter({
      name: 'fulfill_codec_requests_total',
      help: 'Codec service requests by operation (encode, decode) and outcome.',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    payloads: new Counter({
      name: 'fulfill_codec_payloads_total',
      help: 'Payloads encoded or decoded (successful requests only).',
      labelNames: ['operation'],
      registers: [registry],
    }),
  };
}

/**
 * What one /decode request may decode to, all its payloads together. The body limit bounds what comes in, not what
 * compressed payloads inflate to (each up to 16 MiB): without this, half a megabyte of request could cost gigabytes.
 * A history page's payloads, decoded, stay far below it.
 */
export const DECODE_LIMIT_BYTES = 32 * 1024 * 1024;

/** The codec the service runs (AesGcmPayloadCodec): decoding for a caller takes that request's budget. */
export interface CodecServiceCodec {
  encode(payloads: Payload[]): Promise<Payload[]>;
  decodeWithin(payloads: Payload[], limits: DecodeLimits): Promise<Payload[]>;
}

export interface CodecServerOptions {
  codec: CodecServiceCodec;
  authenticator: CodecAuthenticator;
  allowedOrigins: readonly string[];
  logger: Logger;
  metrics?: CodecMetrics;
}

/** The namespace the caller names (X-Namespace), for the log; anything odd is replaced, never echoed. */
function namespaceOf(request: FastifyRequest): string {
  const value = request.headers['x-namespace'];
  if (typeof value !== 'string' || value === '') return '(none)';
  return /^[\w.-]{1,255}$/.test(value) ? value : '(invalid)';
}

function applyCors(request: FastifyRequest, reply: FastifyReply, allowedOrigins: readonly string[]): void {
  const origin = request.headers.origin;
  if (origin && allowedOrigins.includes(origin)) {
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
    reply.header('access-control-max-age', '600');
  }
  reply.header('vary', 'origin');
}

function problem(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

export function buildCodecServer(options: CodecServerOptions): FastifyInstance {
  const { codec, authenticator, allowedOrigins, logger } = options;
  const metrics = options.metrics ?? createCodecMetrics();
  const loggerInstance: FastifyBaseLogger = logger;
  // Fastify's own request lines are off: each decode and encode logs one line of its own, below.
  const app = Fastify({
    loggerInstance,
    bodyLimit: BODY_LIMIT_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
  });

  // Clients differ in the content type they send (the Go SDK's codec client, browsers, curl): read any body as bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: { code?: string; statusCode?: number }, request, reply) => {
    // Before the route's handler ran: without the CORS headers the Web UI would see a CORS failure, not the answer.
    applyCors(request, reply, allowedOrigins);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return problem(reply, 413, 'payload_too_large', 'the body exceeds the size limit');
    }
    logger.error({ err: { code: error.code } }, 'codec request failed');
    return problem(reply, 500, 'internal_error', 'internal error; see the codec service logs');
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  for (const operation of ['encode', 'decode'] as const satisfies readonly Operation[]) {
    const done = (
      request: FastifyRequest,
      reply: FastifyReply,
      outcome: Outcome,
      fields: { who: string; payloads?: number },
    ) => {
      metrics.requests.inc({ operation, outcome });
      if (outcome === 'ok') metrics.payloads.inc({ operation }, fields.payloads ?? 0);
      const line = {
        operation,
        who: fields.who,
        namespace: namespaceOf(request),
        payloads: fields.payloads ?? null,
        outcome,
        requestId: request.id,
      };
      if (outcome === 'ok') logger.info(line, `codec ${operation}`);
      else logger.warn(line, `codec ${operation} refused`);
      return reply;
    };

    app.options(`/${operation}`, async (request, reply) => {
      applyCors(request, reply, allowedOrigins);
      return reply.code(204).send();
    });

    app.post(`/${operation}`, async (request, reply) => {
      applyCors(request, reply, allowedOrigins);
      const origin = request.headers.origin;
      if (origin && !allowedOrigins.includes(origin)) {
        problem(reply, 403, 'origin_not_allowed', 'origin not in CODEC_CORS_ORIGINS');
        return done(request, reply, 'origin_refused', { who: 'unknown' });
      }
      const authenticated = await authenticator.authenticate(request.headers.authorization);
      if (!authenticated.ok) {
        const { failure } = authenticated;
        if (failure.status === 401) reply.header('www-authenticate', 'Bearer');
        if (failure.status === 503) reply.header('retry-after', '5');
        problem(reply, failure.status, failure.code, failure.message);
        return done(request, reply, failure.status === 503 ? 'unavailable' : 'unauthorized', { who: 'unknown' });
      }
      const { principal } = authenticated;
      if (operation === 'decode' && !authenticator.mayDecode(principal)) {
        problem(reply, 403, 'forbidden', authenticator.decodeRequirement);
        return done(request, reply, 'forbidden', { who: principal.label });
      }

      let json: unknown;
      try {
        const text = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
        json = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        problem(reply, 400, 'malformed_json', 'the body is not valid JSON');
        return done(request, reply, 'invalid', { who: principal.label });
      }
      const parsed = payloadsJsonSchema.safeParse(json);
      if (!parsed.success) {
        problem(
          reply,
          400,
          'invalid_payloads',
          'expected a Payloads message in proto3 JSON: {"payloads": [{"metadata": {…}, "data": "…"}]}',
        );
        return done(request, reply, 'invalid', { who: principal.label });
      }
      const payloads = payloadsFromJson(parsed.data);
      try {
        const result =
          operation === 'encode'
            ? await codec.encode(payloads)
            : await codec.decodeWithin(payloads, { maxDecodedBytes: DECODE_LIMIT_BYTES });
        reply.send({ payloads: result.map(payloadToJson) });
        return done(request, reply, 'ok', { who: principal.label, payloads: payloads.length });
      } catch (error) {
        if (error instanceof DecodeLimitExceededError) {
          problem(reply, 413, 'decoded_too_large', `${error.message}: ask for fewer payloads at once`);
          return done(request, reply, 'too_large', { who: principal.label, payloads: payloads.length });
        }
        // The codec's own message names a key id or says the data is not ours; it never quotes a payload.
        problem(reply, 422, 'codec_failed', error instanceof Error ? error.message : 'codec failed');
        return done(request, reply, 'failed', { who: principal.label, payloads: payloads.length });
      }
    });
  }

  app.setNotFoundHandler((request, reply) =>
    problem(
      reply,
      404,
      'not_found',
      `no route for ${request.method} ${request.url.split('?')[0]}; use /decode or /encode`,
    ),
  );
  return app;
}
