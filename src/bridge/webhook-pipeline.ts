// One pipeline for every vendor webhook: authenticate the raw bytes → parse → route → signal-with-start → answer.
//   401 authentication failed (same answer whatever the reason)   400 malformed JSON
//   200 delivered to every workflow it routes to                   202 authentic but parked (unroutable, invalid,
//   503 + Retry-After when Temporal did not accept it (the vendor      or for a workflow that already ended)
//       retries; nothing is lost)
// 413 (too large) and 415 (not JSON) are answered before this runs, by the server's body parser.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookAuthResult } from '../vendors/shared/webhook-auth-result.js';
import type { ParkedWebhook } from '../../workflows/dead-letter/messages.js';
import { recordWebhookOutcome, type BridgeMetrics } from './metrics.js';
import { addToRequestLog } from './request-log.js';
import { TemporalUnavailableError, type TemporalDelivery } from './temporal-delivery.js';
import type { RoutingContext, RoutingResult } from './webhook-routing.js';

export const RETRY_AFTER_SECONDS = 5;

export type Vendor = ParkedWebhook['vendor'];

export interface VendorWebhookSpec {
  vendor: Vendor;
  path: string;
  authenticate(request: FastifyRequest, body: Buffer): WebhookAuthResult;
  /** The topic or event type, for logs and dead letters (never PHI). */
  describe(request: FastifyRequest, payload: unknown): string | undefined;
  route(request: FastifyRequest, payload: unknown, body: Buffer, context: RoutingContext): RoutingResult;
}

export interface WebhookPipelineDependencies {
  delivery: TemporalDelivery;
  routingContext(requestId: string): RoutingContext;
  metrics: BridgeMetrics;
}

export type WebhookOutcome =
  'delivered' | 'parked' | 'recorded_ended' | 'unauthorized' | 'malformed' | 'temporal_unavailable';

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export function registerVendorWebhook(
  app: FastifyInstance,
  spec: VendorWebhookSpec,
  deps: WebhookPipelineDependencies,
): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const auth = spec.authenticate(request, body);
    if (!auth.ok) {
      request.log.warn({ vendor: spec.vendor, reason: auth.reason }, 'webhook authentication failed');
      deps.metrics.verificationFailures.inc({ vendor: spec.vendor, reason: auth.reason });
      recordWebhookOutcome(deps.metrics, spec.vendor, undefined, 'unauthorized');
      return reply.code(401).send(errorBody('unauthorized', 'webhook authentication failed'));
    }

    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      request.log.warn({ vendor: spec.vendor }, 'webhook body is not valid JSON');
      recordWebhookOutcome(deps.metrics, spec.vendor, undefined, 'malformed');
      return reply.code(400).send(errorBody('malformed_json', 'the body is not valid JSON'));
    }

    const eventType = spec.describe(request, payload);
    const context = deps.routingContext(request.id);
    const park = async (reason: string, outcome: WebhookOutcome) => {
      const parkedIn = await deps.delivery.park({
        vendor: spec.vendor,
        reason,
        receivedAt: context.receivedAt,
        requestId: request.id,
        ...(eventType ? { topic: eventType } : {}),
        body: body.toString('utf8'),
      });
      request.log.warn({ vendor: spec.vendor, eventType, reason, parkedIn }, 'webhook parked');
      recordWebhookOutcome(deps.metrics, spec.vendor, eventType, outcome);
      return parkedIn;
    };

    try {
      const routing = spec.route(request, payload, body, context);
      if (routing.kind === 'park') {
        const parkedIn = await park(routing.reason, 'parked');
        return reply.code(202).send({ parked: true, reason: routing.reason, deadLetter: parkedIn });
      }
      const stopTimer = deps.metrics.signalWithStartSeconds.startTimer({ vendor: spec.vendor });
      let outcome;
      try {
        outcome = await deps.delivery.deliver(routing.deliveries);
        stopTimer({ result: 'accepted' });
      } catch (error) {
        stopTimer({ result: 'failed' });
        throw error;
      }
      for (const workflowId of outcome.ended) await park(`workflow ${workflowId} has already ended`, 'recorded_ended');
      addToRequestLog(request, { vendor: spec.vendor, eventType, delivered: outcome.delivered, ended: outcome.ended });
      if (outcome.delivered.length > 0) recordWebhookOutcome(deps.metrics, spec.vendor, eventType, 'delivered');
      return reply
        .code(outcome.delivered.length > 0 ? 200 : 202)
        .send({ accepted: outcome.delivered, recorded: outcome.ended });
    } catch (error) {
      if (error instanceof TemporalUnavailableError) {
        request.log.error({ vendor: spec.vendor, eventType }, 'Temporal unavailable: asking the vendor to retry');
        recordWebhookOutcome(deps.metrics, spec.vendor, eventType, 'temporal_unavailable');
        return reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send(errorBody('temporal_unavailable', 'the event could not be stored; retry later'));
      }
      throw error;
    }
  };
  app.post(spec.path, handler);
}
