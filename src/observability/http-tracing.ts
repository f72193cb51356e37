// HTTP spans: a SERVER span per request on the engine's fastify servers (bridge, sandbox), continuing the caller's W3C
// `traceparent`, and a CLIENT span per outgoing call (vendors, partner) that hands its own `traceparent` on. Spans are
// named by route or endpoint template and carry method, template, host and status: never a URL with its query, a
// header value or a body, so no id or PHI a query might hold reaches a trace. With tracing off every function here is
// a pass-through.
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { isTracingEnabled } from './tracing.js';

function tracer(): Tracer {
  return trace.getTracer('fulfillment-engine');
}

export interface HttpClientCall {
  /** Who is called: `honeybee`, `onegevity`, `partner`. */
  peer: string;
  /** The endpoint template, e.g. `POST /orders` or `GET /orders/{order_number}`. */
  operation: string;
  method: string;
  url: string;
}

function serverAddress(url: string): { 'server.address'?: string; 'server.port'?: number } {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    return { 'server.address': parsed.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

/** An error's kind for a span: its code or class name, never its message (a library's message may echo a URL). */
function errorType(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : error.name;
  }
  return 'unknown';
}

/**
 * Runs `send` inside a CLIENT span for one HTTP call, passing it the headers that carry the span's context (empty
 * when tracing is off). `statusOf` reads the HTTP status from what `send` returns.
 */
export async function traceHttpCall<T>(
  call: HttpClientCall,
  send: (traceHeaders: Record<string, string>) => Promise<T>,
  statusOf: (result: T) => number,
): Promise<T> {
  if (!isTracingEnabled()) return send({});
  return tracer().startActiveSpan(
    `${call.peer} ${call.operation}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': call.method,
        'url.template': call.operation,
        'peer.service': call.peer,
        ...serverAddress(call.url),
      },
    },
    async (span) => {
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers);
      try {
        const result = await send(headers);
        const status = statusOf(result);
        span.setAttribute('http.response.status_code', status);
        if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
        return result;
      } catch (error) {
        // got throws on a non-2xx answer unless told not to: the status is on the error's response.
        const status = (error as { response?: { statusCode?: unknown } } | null)?.response?.statusCode;
        if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
        span.setAttribute('error.type', errorType(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

interface ServerSpan {
  span: Span;
  context: Context;
}

/**
 * SERVER spans for every route of `app`. Must run before routes are added: each handler is wrapped so it runs in its
 * request's span context (fastify parses the body between hooks and handler, and that would lose the context).
 */
export interface ServerTracingOptions {
  /**
   * Called with each request's span ids. Lines logged while the handler runs get them from the logger; a line logged
   * after the response (fastify's completion line) does not run in the span, so the server adds them itself.
   */
  annotate?: (request: FastifyRequest, ids: { trace_id: string; span_id: string }) => void;
}

export function registerServerTracing(app: FastifyInstance, options: ServerTracingOptions = {}): void {
  if (!isTracingEnabled()) return;
  const spans = new WeakMap<FastifyRequest, ServerSpan>();

  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(context.active(), request.headers);
    const route = request.routeOptions.url;
    const span = tracer().startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, ...(route ? { 'http.route': route } : {}) },
      },
      parent,
    );
    const spanContext = trace.setSpan(parent, span);
    spans.set(request, { span, context: spanContext });
    const { traceId, spanId } = span.spanContext();
    options.annotate?.(request, { trace_id: traceId, span_id: spanId });
    context.with(spanContext, done);
  });

  const finish = (request: FastifyRequest, reply: FastifyReply) => {
    const entry = spans.get(request);
    if (!entry) return;
    spans.delete(request);
    entry.span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR });
    entry.span.end();
  };
  app.addHook('onResponse', (request, reply, done) => {
    finish(request, reply);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    const entry = spans.get(request);
    entry?.span.setAttribute('error.type', 'aborted');
    entry?.span.end();
    spans.delete(request);
    done();
  });

  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    const traced: RouteHandlerMethod = function (this: FastifyInstance, request, reply) {
      const entry = spans.get(request);
      return entry
        ? context.with(entry.context, () => handler.call(this, request, reply))
        : handler.call(this, request, reply);
    };
    route.handler = traced;
  });
}
