// One pipeline for every vendor webhook: authenticate the raw bytes → parse → route → signal-with-start → answer.
//   401 authentication failed (same answer whatever the reason)   400 malformed JSON
//   200 delivered to every workflow it routes to                   202 authentic but parked (unroutable, invalid,
//   503 + Retry-After when Temporal could not take it for now          or for a workflow that already ended)
//       (unreachable, overloaded, too slow: the vendor retries; nothing is lost)
//   413 / 422 / 500 when Temporal can never take it as it is (over its blob size limit, an invalid argument) or the
//       engine is misconfigured: the event is kept in the bridge's spool first (src/spool), the answer names the
//       problem and the spooled body's hash, and the vendor stops retrying what would fail the same way for ever
// 413 (over BRIDGE_BODY_LIMIT_BYTES) and 415 (not JSON) are answered before this runs, by the server's body parser.
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookAuthResult } from '../vendors/shared/webhook-auth-result.js';
import {
  PARK_REASON_MAX_LENGTH,
  PARK_TOPIC_MAX_LENGTH,
  type ParkedWebhook,
} from '../../workflows/dead-letter/messages.js';
import type { WebhookSpool } from '../spool/webhook-spool.js';
import { recordWebhookOutcome, type BridgeMetrics } from './metrics.js';
import { addToRequestLog } from './request-log.js';
import { TemporalRefusedError, TemporalUnavailableError, type TemporalDelivery } from './temporal-delivery.js';
import type { RoutingContext, RoutingResult } from './webhook-routing.js';
import { boundedText } from '../domain/bounded-text.js';

export const RETRY_AFTER_SECONDS = 5;

export type Vendor = ParkedWebhook['vendor'];

/** What routing reads of a webhook's request besides its body (Onegevity's topic: a path parameter or a header). */
export type WebhookEnvelope = Pick<FastifyRequest, 'headers' | 'params'>;

export interface VendorWebhookSpec {
  vendor: Vendor;
  path: string;
  authenticate(request: FastifyRequest, body: Buffer): WebhookAuthResult;
  /** The topic or event type, for logs and dead letters (never PHI). */
  describe(request: WebhookEnvelope, payload: unknown): string | undefined;
  route(request: WebhookEnvelope, payload: unknown, body: Buffer, context: RoutingContext): RoutingResult;
}

/**
 * A webhook known to come from its vendor: verified on arrival, or kept after verification and handed over again by
 * an operator (a re-drive from the console).
 */
export interface AuthenticWebhook extends WebhookEnvelope {
  /** The request id it is handled under (logs, dead letters, the workflows' records). */
  id: string;
  log: FastifyBaseLogger;
  body: Buffer;
  /** Fields for the request's one log line. */
  annotate?(fields: Record<string, unknown>): void;
}

/** The answer to a webhook: what the vendor (or the operator re-driving it) is told. */
export interface WebhookAnswer {
  status: number;
  retryAfterSeconds?: number;
  body: unknown;
}

export interface WebhookPipelineDependencies {
  delivery: TemporalDelivery;
  /** Where events Temporal refused for good are kept (never dropped). */
  spool: WebhookSpool;
  routingContext(requestId: string): RoutingContext;
  metrics: BridgeMetrics;
}

export type WebhookOutcome =
  'delivered' | 'parked' | 'recorded_ended' | 'unauthorized' | 'malformed' | 'temporal_unavailable' | 'refused_spooled';

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
    const answer = await handleAuthenticWebhook(
      spec,
      {
        id: request.id,
        log: request.log,
        headers: request.headers,
        params: request.params,
        body,
        annotate: (fields) => addToRequestLog(request, fields),
      },
      deps,
    );
    if (answer.retryAfterSeconds !== undefined) reply.header('retry-after', String(answer.retryAfterSeconds));
    return reply.code(answer.status).send(answer.body);
  };
  app.post(spec.path, handler);
}

/** Everything after authentication: parse, route, hand to Temporal (or park, or spool), and the answer to give. */
export async function handleAuthenticWebhook(
  spec: VendorWebhookSpec,
  webhook: AuthenticWebhook,
  deps: WebhookPipelineDependencies,
): Promise<WebhookAnswer> {
  const { body, log } = webhook;
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    log.warn({ vendor: spec.vendor }, 'webhook body is not valid JSON');
    recordWebhookOutcome(deps.metrics, spec.vendor, undefined, 'malformed');
    return { status: 400, body: errorBody('malformed_json', 'the body is not valid JSON') };
  }

  const eventType = spec.describe(webhook, payload);
  // The sender's text: logs and traces get it as the dead letter does, bounded (a 5,000-character type was logged whole).
  const shownType = eventType === undefined ? undefined : boundedText(eventType, PARK_TOPIC_MAX_LENGTH);
  const context = deps.routingContext(webhook.id);
  const park = async (reason: string, outcome: WebhookOutcome) => {
    // Within what the dead letter takes: a longer reason or topic (the sender's text) would have it refuse the entry.
    const boundedReason = boundedText(reason, PARK_REASON_MAX_LENGTH);
    const parkedIn = await deps.delivery.park({
      vendor: spec.vendor,
      reason: boundedReason,
      receivedAt: context.receivedAt,
      requestId: webhook.id,
      ...(eventType ? { topic: boundedText(eventType, PARK_TOPIC_MAX_LENGTH) } : {}),
      body: body.toString('utf8'),
    });
    log.warn({ vendor: spec.vendor, eventType: shownType, reason: boundedReason, parkedIn }, 'webhook parked');
    recordWebhookOutcome(deps.metrics, spec.vendor, eventType, outcome);
    return parkedIn;
  };

  try {
    const routing = spec.route(webhook, payload, body, context);
    if (routing.kind === 'park') {
      const parkedIn = await park(routing.reason, 'parked');
      return { status: 202, body: { parked: true, reason: routing.reason, deadLetter: parkedIn } };
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
    webhook.annotate?.({
      vendor: spec.vendor,
      eventType: shownType,
      delivered: outcome.delivered,
      ended: outcome.ended,
    });
    if (outcome.delivered.length > 0) recordWebhookOutcome(deps.metrics, spec.vendor, eventType, 'delivered');
    return {
      status: outcome.delivered.length > 0 ? 200 : 202,
      body: { accepted: outcome.delivered, recorded: outcome.ended },
    };
  } catch (error) {
    const retryLater = (): WebhookAnswer => {
      recordWebhookOutcome(deps.metrics, spec.vendor, eventType, 'temporal_unavailable');
      return {
        status: 503,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        body: errorBody('temporal_unavailable', 'the event could not be stored; retry later'),
      };
    };
    if (error instanceof TemporalUnavailableError) {
      log.error({ vendor: spec.vendor, eventType: shownType }, 'Temporal unavailable: asking the vendor to retry');
      return retryLater();
    }
    if (!(error instanceof TemporalRefusedError)) throw error;
    let hash: string;
    try {
      ({ hash } = await deps.spool.park({
        vendor: spec.vendor,
        ...(eventType ? { topic: eventType } : {}),
        status: error.status,
        code: error.code,
        reason: error.message,
        ...(error.grpcCode !== undefined ? { grpcCode: error.grpcCode } : {}),
        requestId: webhook.id,
        receivedAt: context.receivedAt,
        body,
      }));
    } catch (spoolError) {
      // Not kept anywhere yet: the vendor must keep it, so it is asked to retry.
      log.error(
        { vendor: spec.vendor, eventType: shownType, code: error.code, err: spoolError },
        'Temporal refused the event and the spool could not keep it: asking the vendor to retry',
      );
      return retryLater();
    }
    log.error(
      { vendor: spec.vendor, eventType: shownType, code: error.code, grpcCode: error.grpcCode, spooled: hash },
      'Temporal refused the event for good: kept in the spool',
    );
    deps.metrics.spooledWebhooks.inc({ vendor: spec.vendor, code: error.code });
    recordWebhookOutcome(deps.metrics, spec.vendor, eventType, 'refused_spooled');
    return {
      status: error.status,
      body: {
        ...errorBody(error.code, `the event cannot be stored (${error.message}); it is kept in the bridge spool`),
        spooled: hash,
      },
    };
  }
}
