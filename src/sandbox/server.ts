// The sandbox's one HTTP server (docs/WIRE-CONTRACT.md, "Sandbox layout"): /honeybee/…, /onegevity/…, /partner/…
// and the control API /__sandbox/…. Every vendor and partner request passes the fault injector first, and is counted.
// Bodies stay raw bytes until a route parses them. Request logging is our own, by route pattern: a query string never
// reaches a log.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerServerTracing } from '../observability/http-tracing.js';
import type { Logger } from '../observability/logger.js';
import { signHoneybeeWebhook } from '../vendors/honeybee/webhook-auth.js';
import { registerControlRoutes } from './control/routes.js';
import { SandboxCore, type SandboxCoreOptions } from './core.js';
import type { FaultKind } from './faults.js';
import { registerHoneybeeRoutes } from './honeybee/routes.js';
import { areaOf, pathOf, type SandboxArea } from './http.js';
import { registerOnegevityRoutes } from './onegevity/routes.js';
import { registerPartnerRoutes } from './partner/routes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The sandbox endpoint a route serves (src/sandbox/endpoints.ts): faults and counters go by it. */
    endpoint?: string;
  }
}

interface RequestContext {
  startedAt: number;
  area: SandboxArea;
  endpoint: string | null;
  fault?: FaultKind;
  recorded: boolean;
}

const BODY_LIMIT_BYTES = 1_048_576;

/** An error body in the shape of the area that answers it. */
function areaError(area: SandboxArea, requestId: string, status: number, message: string): unknown {
  switch (area) {
    case 'honeybee':
      return { error: { error_code: status, message } };
    case 'onegevity':
      return { id: requestId, message };
    default:
      return { error: { code: status === 404 ? 'not_found' : `http_${status}`, message } };
  }
}

const FAULT_MESSAGES: Record<'429' | '500' | '503', string> = {
  '429': 'Too many requests: rate limit exceeded',
  '500': 'Internal server error',
  '503': 'Service temporarily unavailable',
};

function endpointOf(request: FastifyRequest): string | null {
  return request.routeOptions.config.endpoint ?? null;
}

export function buildSandboxApp(core: SandboxCore, logger?: Logger): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => core.random.stream('requests').uuid(),
  });
  registerServerTracing(app);
  const contexts = new WeakMap<FastifyRequest, RequestContext>();

  const record = (request: FastifyRequest, status: number | null) => {
    const context = contexts.get(request);
    if (!context || context.recorded || context.area === 'control') return;
    context.recorded = true;
    const entry = {
      at: core.clock.iso(),
      requestId: request.id,
      method: request.method,
      endpoint: context.endpoint,
      route: request.routeOptions.url ?? '(no route)',
      status,
      ...(context.fault ? { fault: context.fault } : {}),
      latencyMs: Math.round(performance.now() - context.startedAt),
    };
    core.requests.record(entry);
    logger?.debug(
      { requestId: entry.requestId, method: entry.method, route: entry.route, status, fault: entry.fault },
      'sandbox request',
    );
  };

  const dropConnection = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    request.raw.socket.destroy();
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    const area = areaOf(pathOf(request.url));
    const context: RequestContext = {
      startedAt: performance.now(),
      area,
      endpoint: endpointOf(request),
      recorded: false,
    };
    contexts.set(request, context);
    reply.header('x-request-id', request.id);
    if (area === 'control') return;

    const decision = core.faults.decide({
      method: request.method,
      path: pathOf(request.url),
      ...(context.endpoint ? { endpoint: context.endpoint } : {}),
    });
    if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
    const fault = decision.fault;
    if (!fault) return;
    context.fault = fault.kind;
    if (fault.kind === 'drop') {
      record(request, null);
      dropConnection(request, reply);
      return reply;
    }
    if (fault.kind === 'lost_response') return;
    if (fault.retryAfter) reply.header('retry-after', fault.retryAfter);
    const status = Number(fault.kind);
    return reply.code(status).send(areaError(area, request.id, status, FAULT_MESSAGES[fault.kind]));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const context = contexts.get(request);
    if (context?.fault === 'lost_response') {
      // The vendor did the work; the answer never arrives.
      record(request, null);
      request.raw.socket.destroy();
      return payload;
    }
    if (context?.area === 'honeybee' && typeof payload === 'string' && payload.length > 0) {
      // Honeybee signs its API responses too (seed: "Receiving Responses"); ASSUMED: like a webhook, over
      // method + request URL + body. Clients need not check it.
      const url = `${request.protocol}://${request.host}${request.url}`;
      reply.header(
        'x-honeybee-signature',
        signHoneybeeWebhook(core.credentials.honeybee.clientSecret, {
          method: request.method,
          url,
          body: Buffer.from(payload),
        }),
      );
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    record(request, reply.statusCode);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const area = areaOf(pathOf(request.url));
    const message = `no route ${request.method} ${pathOf(request.url)}`;
    return reply.code(404).send(areaError(area, request.id, 404, message));
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const area = areaOf(pathOf(request.url));
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) logger?.error({ err: error, requestId: request.id }, 'sandbox request failed');
    const message = status >= 500 ? 'Internal server error' : error.message;
    if (area === 'honeybee' && status < 500) {
      return reply.code(status).send({ errors: [{ code: status, message }] });
    }
    if (area === 'onegevity' && status < 500) {
      return reply.code(status).send({ id: request.id, globalErrors: [message], fieldErrors: [] });
    }
    return reply.code(status).send(areaError(area, request.id, status, message));
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  registerHoneybeeRoutes(app, core);
  registerOnegevityRoutes(app, core);
  registerPartnerRoutes(app, core);
  registerControlRoutes(app, core);
  return app;
}

export interface StartedSandbox {
  /** The base URL, e.g. http://127.0.0.1:4010. */
  url: string;
  app: FastifyInstance;
  core: SandboxCore;
  close(): Promise<void>;
}

/** Builds the sandbox and listens (port 0 picks a free port). */
export async function startSandbox(
  options: SandboxCoreOptions & { host?: string; port?: number },
): Promise<StartedSandbox> {
  const core = new SandboxCore(options);
  const app = buildSandboxApp(core, options.logger);
  let url: string;
  try {
    url = await app.listen({
      host: options.host ?? options.config.SANDBOX_HOST,
      port: options.port ?? options.config.SANDBOX_PORT,
    });
  } catch (error) {
    core.close();
    throw error;
  }
  let closed = false;
  return {
    url,
    app,
    core,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      core.close();
    },
  };
}
