// The worker's own Prometheus metrics (prefix `fulfill_`), beside the Temporal SDK's (`temporal_`) on the same
// /metrics. Labels are bounded sets: vendor, endpoint template, status class, activity type, notification type, a
// known reason or `other`. Never ids, never PHI.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface EngineMetrics {
  registry: Registry;
  /** Every vendor HTTP call (token requests included); `_count` is the number of calls. */
  vendorRequestSeconds: Histogram<'vendor' | 'operation' | 'status_class'>;
  vendorRateLimited: Counter<'vendor' | 'operation'>;
  /** The waits vendors asked for with Retry-After (on a 429 or a 503), which become the activity's next retry delay. */
  vendorRetryAfterSeconds: Histogram<'vendor' | 'operation' | 'status'>;
  activityRetries: Counter<'activity'>;
  ordersCreated: Counter<'vendor'>;
  holdsOpened: Counter<'kind' | 'reason'>;
  holdsResolved: Counter<'kind' | 'reason'>;
  holdsEscalated: Counter<'kind' | 'reason'>;
  partnerNotifications: Counter<'type' | 'outcome'>;
  labKitMilestones: Counter<'milestone'>;
  /** From Temporal visibility at scrape time: open workflows per kind and stage. */
  openWorkflows: Gauge<'kind' | 'stage'>;
  holdsWaiting: Gauge;
  holdsPastEscalation: Gauge;
  /** 1 while this worker polls its task queue with Temporal reachable. */
  workerPolling: Gauge;
}

export function createEngineMetrics(): EngineMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fulfill_worker_' });
  const registers = [registry];
  const holdCounter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['kind', 'reason'], registers });
  return {
    registry,
    vendorRequestSeconds: new Histogram({
      name: 'fulfill_vendor_request_duration_seconds',
      help: 'Vendor HTTP calls by vendor, endpoint template and status class (2xx … 5xx, or none without an answer).',
      labelNames: ['vendor', 'operation', 'status_class'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    vendorRateLimited: new Counter({
      name: 'fulfill_vendor_rate_limited_total',
      help: 'Vendor calls answered 429 Too Many Requests.',
      labelNames: ['vendor', 'operation'],
      registers,
    }),
    vendorRetryAfterSeconds: new Histogram({
      name: 'fulfill_vendor_retry_after_seconds',
      help: 'Waits a vendor asked for with Retry-After on a 429 or 503 (the next attempt waits this long).',
      labelNames: ['vendor', 'operation', 'status'],
      buckets: [1, 2, 5, 10, 30, 60, 120, 300, 900],
      registers,
    }),
    activityRetries: new Counter({
      name: 'fulfill_activity_retries_total',
      help: 'Activity attempts after the first, by activity type.',
      labelNames: ['activity'],
      registers,
    }),
    ordersCreated: new Counter({
      name: 'fulfill_orders_created_total',
      help: 'Orders created (Honeybee fills, Onegevity kit orders), as announced to the partner.',
      labelNames: ['vendor'],
      registers,
    }),
    holdsOpened: holdCounter(
      'fulfill_holds_opened_total',
      'Holds that need an operator, by kind (order, prescription, lab) and reason.',
    ),
    holdsResolved: holdCounter(
      'fulfill_holds_resolved_total',
      'Holds resolved, by kind and reason (unknown when the vendor released the hold on its own).',
    ),
    holdsEscalated: holdCounter(
      'fulfill_holds_escalated_total',
      'Escalations of unresolved waits (partner notified), by kind and reason.',
    ),
    partnerNotifications: new Counter({
      name: 'fulfill_partner_notifications_total',
      help: 'Partner notification attempts by type and outcome (sent, logged without a partner URL, failed).',
      labelNames: ['type', 'outcome'],
      registers,
    }),
    labKitMilestones: new Counter({
      name: 'fulfill_lab_kit_milestones_total',
      help: 'Lab kit orders reaching a milestone (created, accepted, shipped, kit_activated, results_released, …).',
      labelNames: ['milestone'],
      registers,
    }),
    openWorkflows: new Gauge({
      name: 'fulfill_open_workflows',
      help: 'Open workflows per kind and stage, from Temporal visibility (the same on every worker: use max).',
      labelNames: ['kind', 'stage'],
      registers,
    }),
    holdsWaiting: new Gauge({
      name: 'fulfill_holds_waiting',
      help: 'Open workflows waiting for an operator (NeedsOperator), from Temporal visibility.',
      registers,
    }),
    holdsPastEscalation: new Gauge({
      name: 'fulfill_holds_past_escalation',
      help: 'Holds still waiting after their escalation (escalated, or on hold longer than HOLD_ESCALATION_AFTER).',
      registers,
    }),
    workerPolling: new Gauge({
      name: 'fulfill_worker_polling',
      help: '1 while this worker is running, polling its task queue, and reaching Temporal.',
      registers,
    }),
  };
}

/** `2xx` … `5xx` for an HTTP status, `none` for a call that got no answer. */
export function statusClass(status: number | undefined): string {
  if (status === undefined || status < 100 || status > 599) return 'none';
  return `${Math.floor(status / 100)}xx`;
}
