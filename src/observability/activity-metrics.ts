// An activity interceptor for the worker's metrics: retries (attempts after the first) of every activity, and for
// notifyPartner, the notification's outcome and the business milestone it announces (counted on the first attempt
// only, so a retried notification is one milestone).
import type { Context } from '@temporalio/activity';
import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  ActivityInterceptorsFactory,
  Next,
} from '@temporalio/worker';
import type { Counter } from 'prom-client';
import { z } from 'zod';
import type { Activities } from '../../activities/index.js';
import type { EngineMetrics } from './engine-metrics.js';
import { milestoneIncrements, notificationTypeLabel } from './milestone-metrics.js';

const NOTIFY_PARTNER: keyof Activities = 'notifyPartner';

/** Only what the metrics read; anything else in the input is ignored, and an input that does not fit is not counted. */
const notificationScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
// Mirrors NotificationValue: a scalar, or a list of flat records (an order's shipments). A narrower schema here would
// silently stop counting any notification that carries such a list.
const notificationInput = z.object({
  type: z.string(),
  data: z.record(z.string(), z.union([notificationScalar, z.array(z.record(z.string(), notificationScalar))])),
});

const notifyResult = z.object({ delivered: z.boolean() }).loose();

class ActivityMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly metrics: EngineMetrics,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { activityType, attempt } = this.ctx.info;
    if (attempt > 1) this.metrics.activityRetries.inc({ activity: activityType });
    if (activityType !== NOTIFY_PARTNER) return next(input);

    const notification = notificationInput.safeParse(input.args[0]);
    if (!notification.success) return next(input);
    if (attempt === 1) {
      for (const { counter, labels } of milestoneIncrements(notification.data)) {
        (this.metrics[counter] as Counter<string>).inc(labels);
      }
    }
    const type = notificationTypeLabel(notification.data.type);
    try {
      const result = await next(input);
      const delivered = notifyResult.safeParse(result).data?.delivered ?? false;
      this.metrics.partnerNotifications.inc({ type, outcome: delivered ? 'sent' : 'logged' });
      return result;
    } catch (error) {
      this.metrics.partnerNotifications.inc({ type, outcome: 'failed' });
      throw error;
    }
  }
}

export function activityMetricsInterceptors(metrics: EngineMetrics): ActivityInterceptorsFactory {
  return (ctx) => ({ inbound: new ActivityMetricsInterceptor(ctx, metrics) });
}
