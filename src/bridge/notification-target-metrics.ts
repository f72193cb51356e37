// The alert for a partner notification target that is failing or disabled: gauges on the bridge's /metrics, read from
// the target workflow at scrape time (one query per scrape, shared by the gauges). Alert on
// fulfill_partner_notifications_target_disabled == 1, or on failing seconds approaching PARTNER_WEBHOOK_DISABLE_AFTER.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import { notificationTargetWorkflowId } from '../partner/notification-target.js';
import { targetStateQuery, type TargetState } from '../../workflows/notifications/messages.js';

/** A scrape reads the state once for all gauges. */
const SCRAPE_REUSE_MS = 1_000;

export function registerNotificationTargetMetrics(registry: Registry, client: Client, url: string | undefined): void {
  if (!url) return;
  const handle = client.workflow.getHandle(notificationTargetWorkflowId(url));
  let last: { at: number; state: Promise<TargetState | null | 'unknown'> } | undefined;
  const current = () => {
    if (!last || Date.now() - last.at > SCRAPE_REUSE_MS) {
      const state = client
        .withDeadline(Date.now() + 2_000, () => handle.query(targetStateQuery))
        .catch((error: unknown) => (error instanceof WorkflowNotFoundError ? null : ('unknown' as const)));
      last = { at: Date.now(), state };
    }
    return last.state;
  };
  const gauge = (name: string, help: string, value: (state: TargetState | null) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const state = await current();
        // Temporal unreachable: keep the last value rather than report a healthy target.
        if (state !== 'unknown') this.set(value(state));
      },
    });
  gauge(
    'fulfill_partner_notifications_target_disabled',
    'The partner notification target is disabled (1) after failing for PARTNER_WEBHOOK_DISABLE_AFTER; resend to enable.',
    (state) => (state?.disabledAt ? 1 : 0),
  );
  gauge(
    'fulfill_partner_notifications_target_failing_seconds',
    'How long deliveries to the partner notification target have been failing without a break (0 when healthy).',
    (state) => (state?.failingSince ? Math.max(0, (Date.now() - Date.parse(state.failingSince)) / 1000) : 0),
  );
  gauge(
    'fulfill_partner_notifications_parked',
    'Partner notifications kept, not sent, while their target was disabled (re-sent by a resend).',
    (state) => state?.parked ?? 0,
  );
}
