// partnerNotificationBatchWorkflow (id {target workflow id}-parked-{n}): a batch of notifications parked while their
// target was disabled, moved out of the target workflow (partner-target.ts) so neither history grows without bound.
// It waits; when the target's resend reaches it, it re-sends its notifications in order, tells the target how many
// went, and ends once all did (what the partner still refused stays here for the next resend).
import {
  condition,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { ACTIVITY_OPTIONS } from '../../src/domain/activity-options.js';
import type { PartnerNotification } from '../../src/partner/notifier.js';

export interface PartnerNotificationBatchInput {
  targetWorkflowId: string;
  notifications: PartnerNotification[];
}

export interface BatchRedelivered {
  workflowId: string;
  delivered: number;
  remaining: number;
  failure?: string;
}

export const redeliverBatchSignal = defineSignal('redeliverBatch');
export const batchRedeliveredSignal = defineSignal<[BatchRedelivered]>('batchRedelivered');
export const parkedBatchQuery = defineQuery<{ targetWorkflowId: string; remaining: number }>('parkedBatch');

const messaging = proxyActivities<Activities>(ACTIVITY_OPTIONS.partnerRedelivery);

export function isPartnerNotification(value: unknown): value is PartnerNotification {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof PartnerNotification, unknown>>;
  return (
    typeof candidate.id === 'string' &&
    candidate.id.length > 0 &&
    typeof candidate.type === 'string' &&
    typeof candidate.occurredAt === 'string' &&
    typeof candidate.data === 'object' &&
    candidate.data !== null &&
    !Array.isArray(candidate.data)
  );
}

export async function partnerNotificationBatchWorkflow(input: PartnerNotificationBatchInput): Promise<void> {
  // Started by anything but a target (someone in the Web UI): nothing to keep.
  if (typeof input?.targetWorkflowId !== 'string') return;
  let pending = Array.isArray(input.notifications) ? input.notifications.filter(isPartnerNotification) : [];
  let requested = false;
  setHandler(
    redeliverBatchSignal,
    () => {
      requested = true;
    },
    { description: "The target's resend reached this batch: re-send its notifications in order." },
  );
  setHandler(parkedBatchQuery, () => ({ targetWorkflowId: input.targetWorkflowId, remaining: pending.length }));

  while (pending.length > 0) {
    await condition(() => requested);
    requested = false;
    const result = await messaging
      .redeliverPartnerNotifications(pending)
      .catch((error: unknown) => ({ delivered: 0, failure: error instanceof Error ? error.message : 'resend failed' }));
    pending = pending.slice(result.delivered);
    await getExternalWorkflowHandle(input.targetWorkflowId).signal(batchRedeliveredSignal, {
      workflowId: workflowInfo().workflowId,
      delivered: result.delivered,
      remaining: pending.length,
      ...(result.failure ? { failure: result.failure } : {}),
    });
  }
}
