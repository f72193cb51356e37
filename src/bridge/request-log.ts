// One log line per request: fastify's completion line (status, response time, request id), carrying what the
// handler had to say about the request. Logging is on the webhook hot path; a line of its own per webhook was a
// second JSON serialisation and redaction pass for every event.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

const summaries = new WeakMap<FastifyRequest, Record<string, unknown>>();

/** Adds fields (ids and outcomes only, never PHI) to the request's completion line. */
export function addToRequestLog(request: FastifyRequest, fields: Record<string, unknown>): void {
  summaries.set(request, { ...summaries.get(request), ...fields });
}

export class OneLinePerRequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const summary = summaries.get(request);
    if (error)
      reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime, ...summary }, 'request errored');
    else reply.log.info({ res: reply, responseTime: reply.elapsedTime, ...summary }, 'request completed');
  }
}
