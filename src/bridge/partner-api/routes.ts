// The partner API (/api): the partner's backend reads and lists its prescriptions, orders and lab orders, approves
// fills, asks for refills, acts on orders as the vendors allow, reads lab results and its notifications, and submits
// operator resolutions. Every route is an operation (operation.ts) from operations/: its schemas validate the request
// here and write the OpenAPI document served at /api/openapi.json (docs page at /api/docs). Named, scoped keys from
// PARTNER_API_KEYS (callers.ts), rate-limited per key; bodies capped at PARTNER_API_BODY_LIMIT_BYTES; every POST, PUT
// and PATCH honours an Idempotency-Key (idempotency.ts).
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { PartnerApiKey } from '../../config/env.js';
import type { BridgeMetrics } from '../metrics.js';
import { callerClients, registerPartnerRateLimit, requireScope } from './callers.js';
import { docsPage } from './docs-page.js';
import { CALL_DEADLINE_MS, OUTCOME_DEADLINE_MS, PartnerEngine, type PartnerApiSettings } from './engine-calls.js';
import { invalidRequest, PartnerApiError, sendPartnerApiError, toPartnerApiError } from './errors.js';
import { claim, idempotencyKeyOf, idempotentCall, record } from './idempotency.js';
import { fastifyPath, type CallContext, type Operation } from './operation.js';
import { jsonValueProblem } from '../../../workflows/shared/json-value.js';
import { PARTNER_API_OPERATIONS } from './operations/index.js';
import { openApiDocument } from './openapi.js';

/**
 * An Idempotency-Key's claim outlives any call (the claim, taking the input, waiting for its outcome, recording the
 * answer), so a retry never overtakes a call still running.
 */
const IDEMPOTENCY_LEASE_MS = 3 * CALL_DEADLINE_MS + OUTCOME_DEADLINE_MS;

export interface PartnerApiOptions extends PartnerApiSettings {
  client: Client;
  apiKeys: readonly PartnerApiKey[];
  metrics: BridgeMetrics;
  rateLimit: { max: number; timeWindowMs: number };
  bodyLimitBytes: number;
  idempotencyTtlMs: number;
  /** The bridge's public URL, named as the server in the OpenAPI document. */
  publicUrl?: string | undefined;
}

const contexts = new WeakMap<FastifyRequest, CallContext>();

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(what, parsed.error);
  return parsed.data;
}

/**
 * No body is nested deeper than this: a value Temporal's payload converter could not write again (its JSON.stringify
 * recurses) would otherwise pass a schema that does not look inside it and fail only when sent.
 */
const MAX_BODY_DEPTH = 32;

function jsonBody(request: FastifyRequest): unknown {
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
    throw new PartnerApiError(400, 'invalid_request', 'a JSON body is required');
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new PartnerApiError(400, 'malformed_json', 'the body is not valid JSON');
  }
  const problem = jsonValueProblem(body, { maxDepth: MAX_BODY_DEPTH, maxValues: Infinity, maxText: Infinity });
  if (problem) throw new PartnerApiError(400, 'invalid_request', `the body is ${problem}`);
  return body;
}

export function registerPartnerApi(app: FastifyInstance, options: PartnerApiOptions): void {
  // A plugin of its own: the rate limiter and the error handler apply to /api only, not to the vendor webhooks.
  void app.register(async (api) => {
    await registerPartnerRateLimit(api, { keys: options.apiKeys, ...options.rateLimit });
    api.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error instanceof PartnerApiError) return sendPartnerApiError(reply, error);
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return sendPartnerApiError(
          reply,
          new PartnerApiError(413, 'payload_too_large', `the body exceeds ${options.bodyLimitBytes} bytes`),
        );
      }
      // Anything else (a content type the bridge does not read, …) goes to the bridge's own error handler.
      throw error;
    });
    registerDocuments(api, options);
    const engine = new PartnerEngine(options.client, options);
    const clientFor = callerClients(options.client);
    for (const operation of PARTNER_API_OPERATIONS) registerOperation(api, operation, engine, clientFor, options);
  });
}

/** The OpenAPI document and its docs page: public, like the API's shape (the data stays behind the keys). */
function registerDocuments(app: FastifyInstance, options: PartnerApiOptions): void {
  const document = openApiDocument({ serverUrl: options.publicUrl });
  const documentJson = JSON.stringify(document);
  const page = docsPage(document);
  app.get('/api/openapi.json', { config: { rateLimit: false } }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(documentJson),
  );
  app.get('/api/docs', { config: { rateLimit: false } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      // Self-contained: no script, style or font from anywhere else.
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(page),
  );
}

/**
 * Registers one operation: authentication and scope, input validation against its schemas, errors in one shape,
 * metrics by route template; for a POST, PUT or PATCH, the body limit and the Idempotency-Key (a replayed answer is
 * sent as first given, with `Idempotency-Replayed: true`).
 */
function registerOperation(
  app: FastifyInstance,
  operation: Operation,
  engine: PartnerEngine,
  clientFor: (caller: PartnerApiKey) => Client,
  options: PartnerApiOptions,
): void {
  const writes = operation.method !== 'GET';
  const url = fastifyPath(operation.path);
  const idempotency = { taskQueue: options.taskQueue, ttlMs: options.idempotencyTtlMs, leaseMs: IDEMPOTENCY_LEASE_MS };
  app.route({
    method: operation.method,
    url,
    ...(writes ? { bodyLimit: options.bodyLimitBytes } : {}),
    handler: async (request, reply) => {
      try {
        const caller = requireScope(request, options.apiKeys, operation.scope);
        const client = clientFor(caller);
        const key = writes ? idempotencyKeyOf(request) : undefined;
        const idempotent = key ? idempotentCall(caller, key, request) : undefined;
        const context: CallContext = { caller, client, request, reply, engine };
        contexts.set(request, context);
        const params = operation.params ? parse(operation.params, request.params, 'path') : {};
        const query = operation.query ? parse(operation.query, request.query, 'query') : {};
        const body = operation.readBody
          ? operation.readBody(jsonBody(request))
          : operation.body
            ? parse(operation.body, jsonBody(request), 'body')
            : undefined;
        if (idempotent) {
          const replay = await engine.within(() => claim(client, idempotent, idempotency));
          // Only a call that holds the claim records its answer (not a refusal to act, not a replay).
          if (!replay) context.idempotent = idempotent;
          else
            return reply
              .code(replay.status)
              .header('content-type', 'application/json; charset=utf-8')
              .header('idempotency-replayed', 'true')
              .send(replay.body);
        }
        const answer = await operation.handle({ params, query, body }, context);
        for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
        if ('bytes' in answer) return reply.code(answer.status).type(answer.contentType).send(answer.bytes);
        return reply.code(answer.status).send(answer.body);
      } catch (error) {
        const apiError = toPartnerApiError(error);
        if (apiError.status >= 500) {
          request.log.error({ err: { name: (error as Error).name } }, 'partner API call failed');
        }
        return sendPartnerApiError(reply, apiError);
      }
    },
    // The answer as sent, recorded under the Idempotency-Key before the client sees it.
    onSend: async (request, reply, payload) => {
      const context = contexts.get(request);
      const idempotent = context?.idempotent;
      if (context && idempotent) {
        const body = typeof payload === 'string' ? payload : '';
        await engine
          .within(() => record(context.client, idempotent, { status: reply.statusCode, body }))
          .catch(() =>
            request.log.warn({ workflowId: idempotent.workflowId }, 'could not record the idempotent answer'),
          );
      }
      return payload;
    },
    onResponse: async (_request, reply) => {
      options.metrics.partnerApiRequests.inc({
        route: url,
        method: operation.method,
        status: String(reply.statusCode),
      });
    },
  });
}
