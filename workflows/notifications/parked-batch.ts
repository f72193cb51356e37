// partnerNotificationBatchWorkflow (id {target workflow id}-parked-{n}): a batch of notifications parked while their
// target was disabled, moved out of the target workflow (partner-target.ts) so neither history grows without bound.
// It waits; when the target's resend reaches it, it re-sends its notifications in order, tells the target how many
// went, and ends once all did (what the partner still refused stays here for the next resend).
import { condition, getExternalWorkflowHandle, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { ACTIVITY_OPTIONS } from '../../src/domain/activity-options.js';
import type { PartnerNotification } from '../../src/partner/notifier.js';
import { handleQuery, handleSignal } from '../shared/handlers.js';
import {
  batchNotificationsQuery,
  batchRedeliveredSignal,
  parkedBatchQuery,
  partnerNotificationInput,
  redeliverBatchSignal,
} from './messages.js';

export interface PartnerNotificationBatchInput {
  targetWorkflowId: string;
  notifications: PartnerNotification[];
}

export type { BatchRedelivered } from './messages.js';

const messaging = proxyActivities<Activities>(ACTIVITY_OPTIONS.partnerRedelivery);

export async function partnerNotificationBatchWorkflow(input: PartnerNotificationBatchInput): Promise<void> {
  // Started by anything but a target (someone in the Web UI): nothing to keep.
  if (typeof input?.targetWorkflowId !== 'string') return;
  let pending = Array.isArray(input.notifications)
    ? input.notifications.filter((notification) => partnerNotificationInput.safeParse(notification).success)
    : [];
  let requested = false;
  handleSignal(
    redeliverBatchSignal,
    () => {
      requested = true;
    },
    {
      description: "The target's resend reached this batch: re-send its notifications in order.",
      // Its schema takes anything: nothing to refuse.
      rejected: () => undefined,
    },
  );
  handleQuery(batchNotificationsQuery, () => ({ notifications: [...pending] }), {
    description: "This batch's notifications still to be re-sent, oldest first.",
  });
  handleQuery(parkedBatchQuery, () => ({ targetWorkflowId: input.targetWorkflowId, remaining: pending.length }), {
    description: 'The target this batch belongs to, and how many of its notifications are still to be re-sent.',
  });

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
