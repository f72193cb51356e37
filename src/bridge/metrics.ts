// Prometheus metrics for the bridge (GET /metrics). Labels are bounded sets: vendor, a known event type (anything
// else counts as "other"), outcome, route template, status class. Never ids, never PHI.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HoneybeeEventType } from '../vendors/honeybee/webhook-events.js';
import { ONEGEVITY_TOPICS } from '../vendors/onegevity/webhook-events.js';
import type { Vendor, WebhookOutcome } from './webhook-pipeline.js';

const KNOWN_EVENT_TYPES = new Set<string>([...Object.values(HoneybeeEventType), ...ONEGEVITY_TOPICS]);

export function eventTypeLabel(eventType: string | undefined): string {
  if (!eventType) return 'none';
  return KNOWN_EVENT_TYPES.has(eventType) ? eventType : 'other';
}

export interface BridgeMetrics {
  registry: Registry;
  webhooks: Counter<'vendor' | 'event_type' | 'outcome'>;
  verificationFailures: Counter<'vendor' | 'reason'>;
  signalWithStartSeconds: Histogram<'vendor' | 'result'>;
  /** Authentic webhooks Temporal refused for good, kept in the bridge's spool (code: payload_too_large, …). */
  spooledWebhooks: Counter<'vendor' | 'code'>;
  partnerApiRequests: Counter<'route' | 'method' | 'status'>;
}

export function createBridgeMetrics(): BridgeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fulfill_bridge_' });
  return {
    registry,
    webhooks: new Counter({
      name: 'fulfill_webhooks_total',
      help: 'Vendor webhooks received, by vendor, event type and outcome.',
      labelNames: ['vendor', 'event_type', 'outcome'],
      registers: [registry],
    }),
    verificationFailures: new Counter({
      name: 'fulfill_webhook_verification_failures_total',
      help: 'Webhooks refused because their signature did not verify (reason: missing, mismatch, not-configured).',
      labelNames: ['vendor', 'reason'],
      registers: [registry],
    }),
    signalWithStartSeconds: new Histogram({
      name: 'fulfill_signal_with_start_seconds',
      help: 'Time for Temporal to accept the signal-with-starts of one webhook.',
      labelNames: ['vendor', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    spooledWebhooks: new Counter({
      name: 'fulfill_webhooks_spooled_total',
      help:
        'Authentic webhooks Temporal can never store as they are (payload_too_large, invalid_argument) or that met an ' +
        'engine fault (engine_misconfigured, bridge_error): kept in the bridge spool for an operator (fulfill spool list).',
      labelNames: ['vendor', 'code'],
      registers: [registry],
    }),
    partnerApiRequests: new Counter({
      name: 'fulfill_partner_api_requests_total',
      help: 'Partner API calls, by route template, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
  };
}

export function recordWebhookOutcome(
  metrics: BridgeMetrics,
  vendor: Vendor,
  eventType: string | undefined,
  outcome: WebhookOutcome,
): void {
  metrics.webhooks.inc({ vendor, event_type: eventTypeLabel(eventType), outcome });
}
