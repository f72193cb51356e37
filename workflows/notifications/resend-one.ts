// partnerNotificationResendWorkflow (id partner-notification-resend-{uuid}): one notification sent to the partner
// again on request (partner API), straight to its endpoint whatever the target's state, and kept in a history of its
// own: which notification, who asked, why, and whether the partner took it. It changes nothing else (a parked copy
// stays parked for the full resend; the partner de-duplicates by the notification id).
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { ACTIVITY_OPTIONS } from '../../src/domain/activity-options.js';
import { describeActivityFailure } from '../shared/activity-failures.js';
import { parseMessageInput } from '../shared/handlers.js';
import { resendNotificationInput, type ResendNotificationInput } from './messages.js';

export interface ResendOutcome {
  delivered: boolean;
  failure?: string;
}

const messaging = proxyActivities<Activities>(ACTIVITY_OPTIONS.partnerAction);

export async function partnerNotificationResendWorkflow(input: ResendNotificationInput): Promise<ResendOutcome> {
  const parsed = parseMessageInput('partnerNotificationResendWorkflow', resendNotificationInput, input);
  if (!parsed.ok) return { delivered: false, failure: parsed.rejection.problem };
  try {
    const result = await messaging.redeliverPartnerNotifications([parsed.value.notification]);
    return result.delivered === 1 ? { delivered: true } : { delivered: false, failure: result.failure ?? 'not sent' };
  } catch (error) {
    return { delivered: false, failure: describeActivityFailure(error) };
  }
}
