// The messages of the partner notification target (partner-target.ts) and its parked batches (parked-batch.ts):
// workers report deliveries and park notifications while the target is disabled; an operator resumes delivery; a
// batch reports how its resend went.
import { z } from 'zod';
import { attribution } from '../shared/operator-messages.js';
import type { SignalDefinition } from '@temporalio/common';
import { queryMessage, signalMessage, updateMessage, type SignalMessage } from '../shared/messages.js';
import { sharedSchema } from '../shared/shared-schemas.js';

const scalar = sharedSchema('notifications/messages:scalar', () =>
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);

/** A partner notification as workers send it (ids, statuses and tracking only, no PHI). */
export const partnerNotificationInput = sharedSchema('notifications/messages:partnerNotificationInput', () =>
  z.object({
    id: z.string().min(1).max(500),
    type: z.string().min(1).max(200),
    occurredAt: z.string().min(1).max(64),
    data: z.record(z.string(), z.union([scalar, z.array(z.record(z.string(), scalar)).max(100)])),
  }),
);

/** A worker's account of one delivery. `disableAfterMs` is that worker's PARTNER_WEBHOOK_DISABLE_AFTER. */
export const deliveryReportInput = sharedSchema('notifications/messages:deliveryReportInput', () =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true) }),
    z.object({ ok: z.literal(false), reason: z.string().max(2000), disableAfterMs: z.number().positive() }),
  ]),
);
export type DeliveryReport = z.output<typeof deliveryReportInput>;

export const resumeDeliveryInput = sharedSchema('notifications/messages:resumeDeliveryInput', () =>
  z.object(attribution),
);
export type ResumeDeliveryInput = z.input<typeof resumeDeliveryInput>;

export interface TargetState {
  /** When the current run of failures began (workflow time); absent while deliveries succeed. */
  failingSince?: string;
  lastFailureAt?: string;
  lastFailure?: string;
  lastSuccessAt?: string;
  /** Set when the target was disabled: notifications are parked until an operator resumes delivery. */
  disabledAt?: string;
  /** Notifications parked and not yet re-sent (in this workflow and its batches). */
  parked: number;
  /** A resend under way. */
  redelivering: boolean;
  /** The last resumes, newest last: who, why, and how many were re-sent. */
  resumes: { at: string; operator: string; reason: string; redelivered: number; failure?: string }[];
  /** Inputs refused (garbage sent by hand), and the last one's problem. */
  rejected?: number;
  lastRejection?: string;
}

export const deliveryReportSignal = signalMessage('deliveryReport', deliveryReportInput);
export const parkNotificationSignal = signalMessage('parkNotification', partnerNotificationInput);
export const targetStateQuery = queryMessage<TargetState>('targetState');
export const resumeDeliveryUpdate = updateMessage<TargetState, typeof resumeDeliveryInput>(
  'resumeDelivery',
  resumeDeliveryInput,
);

export const batchRedeliveredInput = sharedSchema('notifications/messages:batchRedeliveredInput', () =>
  z.object({
    workflowId: z.string().min(1).max(300),
    delivered: z.number().int().min(0),
    remaining: z.number().int().min(0),
    failure: z.string().max(2000).optional(),
  }),
);
export type BatchRedelivered = z.output<typeof batchRedeliveredInput>;

/**
 * The target's resend reached a batch. Senders send it without input (as recorded histories do); whatever input comes
 * is ignored.
 */
export const redeliverBatchSignal: SignalMessage<z.ZodUnknown> & SignalDefinition<[]> = signalMessage(
  'redeliverBatch',
  sharedSchema('notifications/messages:redeliverBatchInput', () => z.unknown()),
) as SignalMessage<z.ZodUnknown> & SignalDefinition<[]>;
export const batchRedeliveredSignal = signalMessage('batchRedelivered', batchRedeliveredInput);
export const parkedBatchQuery = queryMessage<{ targetWorkflowId: string; remaining: number }>('parkedBatch');

export type ParkedNotification = z.output<typeof partnerNotificationInput>;
/** The notifications a target keeps itself (oldest first) and its batches (oldest first), for the partner's list. */
export const parkedNotificationsQuery = queryMessage<{ parked: ParkedNotification[]; batches: string[] }>(
  'parkedNotifications',
);
/** A batch's notifications still to be re-sent, oldest first. */
export const batchNotificationsQuery = queryMessage<{ notifications: ParkedNotification[] }>('batchNotifications');

/** One notification sent again on its own (partner API): who asked and why, for the record. */
export const resendNotificationInput = sharedSchema('notifications/messages:resendNotificationInput', () =>
  z.object({ notification: partnerNotificationInput, ...attribution }),
);
export type ResendNotificationInput = z.input<typeof resendNotificationInput>;
