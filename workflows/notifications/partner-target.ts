// partnerNotificationTargetWorkflow (id partner-notifications-{hash of PARTNER_WEBHOOK_URL}): the shared, durable state
// of one notification target. Workers report deliveries that failed (and the first success after a failure); a target
// failing without a break for PARTNER_WEBHOOK_DISABLE_AFTER is disabled. While it is disabled workers send nothing and
// park each notification here instead, so the workflows that raised them move on and nothing is lost; an operator's
// `resumeDelivery` (CLI `fulfill notifications resend`, or the partner API's admin call) enables it again and re-sends
// what was parked, oldest first. Parked notifications beyond a batch move into child workflows
// (partnerNotificationBatchWorkflow), which keeps each history and each continue-as-new small. It starts on the first
// failure report and then stays, a small entity workflow that continues as new when its history grows.
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { ACTIVITY_OPTIONS } from '../../src/domain/activity-options.js';
import type { PartnerNotification } from '../../src/partner/notifier.js';
import { handleQuery, handleSignal, handleUpdate, type RejectedInput } from '../shared/handlers.js';
import {
  batchRedeliveredSignal,
  deliveryReportSignal,
  parkNotificationSignal,
  parkedNotificationsQuery,
  redeliverBatchSignal,
  resumeDeliveryUpdate,
  targetStateQuery,
  type BatchRedelivered,
  type ResumeDeliveryInput,
  type TargetState,
} from './messages.js';
import { partnerNotificationBatchWorkflow } from './parked-batch.js';

export type { DeliveryReport, ResumeDeliveryInput, TargetState } from './messages.js';

export interface PartnerTargetInput {
  /**
   * The hash in this workflow's id (`partner-notifications-{targetKey}`): batch ids derive from it, not from the
   * running id, so a history replays under any workflow id.
   */
  targetKey?: string;
  /** Parked notifications kept here before they move to a batch; default 500 (tests use a few). */
  batchSize?: number;
  /** Carried across continue-as-new. */
  carried?: {
    state: Omit<TargetState, 'parked' | 'redelivering'>;
    parked: PartnerNotification[];
    batches: { workflowId: string; count: number }[];
    batchSeq: number;
  };
}

export const TARGET_WORKFLOW_PREFIX = 'partner-notifications-';

/** See moveToBatch. */
export const BOUNDED_BATCHES_PATCH = 'notification-batches-bounded';

/** Parked notifications kept in this workflow before they move to a batch of their own (~150 KB of input). */
const DEFAULT_BATCH_SIZE = 500;
const KEPT_RESUMES = 20;

const messaging = proxyActivities<Activities>(ACTIVITY_OPTIONS.partnerRedelivery);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export async function partnerNotificationTargetWorkflow(start?: PartnerTargetInput): Promise<void> {
  // Anything but an object (someone started it by hand with garbage) starts an empty target.
  const input: PartnerTargetInput = isRecord(start) ? start : {};
  const workflowId =
    typeof input.targetKey === 'string' && /^[\w-]{1,64}$/.test(input.targetKey)
      ? `${TARGET_WORKFLOW_PREFIX}${input.targetKey}`
      : workflowInfo().workflowId;
  const batchSize =
    Number.isInteger(input.batchSize) && input.batchSize! > 0
      ? Math.min(input.batchSize!, DEFAULT_BATCH_SIZE)
      : DEFAULT_BATCH_SIZE;
  const state: Omit<TargetState, 'parked' | 'redelivering'> = input.carried?.state ?? { resumes: [] };
  const parked: PartnerNotification[] = [...(input.carried?.parked ?? [])];
  const parkedIds = new Set(parked.map((notification) => notification.id));
  const batches = [...(input.carried?.batches ?? [])];
  let batchSeq = input.carried?.batchSeq ?? 0;
  let resume: (ResumeDeliveryInput & { at: string }) | undefined;
  let redelivering = false;
  const batchReports = new Map<string, BatchRedelivered>();
  const now = () => new Date().toISOString();

  const view = (): TargetState => ({
    ...state,
    parked: parked.length + batches.reduce((sum, batch) => sum + batch.count, 0),
    redelivering,
    ...(rejected > 0 ? { rejected, lastRejection } : {}),
  });

  function failed(reason: string): void {
    const at = now();
    state.lastFailureAt = at;
    state.lastFailure = reason.slice(0, 500);
    state.failingSince ??= at;
  }

  // Inputs the schemas refuse (garbage sent by hand) change nothing: counted, the last one's problem kept.
  let rejected = 0;
  let lastRejection: string | undefined;
  const reject = (rejection: RejectedInput) => {
    rejected += 1;
    lastRejection = `${rejection.message}: ${rejection.problem}`;
  };

  handleSignal(
    deliveryReportSignal,
    (report) => {
      if (report.ok) {
        // A success clears the run of failures; a disabled target stays disabled until an operator resumes it.
        if (!state.disabledAt) {
          delete state.failingSince;
          state.lastSuccessAt = now();
        }
        return;
      }
      failed(report.reason);
      const failingFor = new Date().getTime() - new Date(state.failingSince!).getTime();
      if (!state.disabledAt && failingFor >= report.disableAfterMs) state.disabledAt = now();
    },
    {
      description: 'A worker reports a delivery that failed, or the first success after failures.',
      rejected: reject,
    },
  );
  handleSignal(
    parkNotificationSignal,
    (notification) => {
      // A worker retrying the same notification parks it once.
      if (parkedIds.has(notification.id)) return;
      parked.push(notification);
      parkedIds.add(notification.id);
    },
    { description: 'A notification not sent because the target is disabled, kept for a resend.', rejected: reject },
  );
  handleQuery(
    parkedNotificationsQuery,
    () => ({ parked: [...parked], batches: batches.map((batch) => batch.workflowId) }),
    { description: 'The notifications parked here (oldest first) and the batches holding older ones.' },
  );
  handleQuery(targetStateQuery, view, {
    description: 'Failing since, disabled since, the last failure, how many notifications are parked.',
  });
  handleUpdate(
    resumeDeliveryUpdate,
    (request) => {
      resume = { operator: request.operator.trim(), reason: request.reason.trim(), at: now() };
      // Enabled again at once: workers send new notifications directly while the parked ones are re-sent.
      delete state.disabledAt;
      delete state.failingSince;
      return view();
    },
    {
      check: () => (redelivering || resume ? { reason: 'a resend is already under way' } : undefined),
      refused: view,
      description: 'Enables the target again and re-sends the parked notifications: {"operator", "reason"}.',
    },
  );
  handleSignal(
    batchRedeliveredSignal,
    (report) => {
      batchReports.set(report.workflowId, report);
    },
    { description: 'A batch of parked notifications reports how its resend went.', rejected: reject },
  );

  async function moveToBatch(): Promise<void> {
    batchSeq += 1;
    // A batch holds batchSize notifications, however many signals one workflow task brought (runs recorded before
    // the patch moved everything parked into one batch, and still do on replay).
    const items = parked.splice(0, patched(BOUNDED_BATCHES_PATCH) ? batchSize : parked.length);
    for (const item of items) parkedIds.delete(item.id);
    const batchId = `${workflowId}-parked-${batchSeq}`;
    await startChild(partnerNotificationBatchWorkflow, {
      workflowId: batchId,
      args: [{ targetWorkflowId: workflowId, notifications: items }],
      // The batch outlives this run (continue-as-new) and waits for a resend of its own.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    batches.push({ workflowId: batchId, count: items.length });
  }

  async function redeliver(request: ResumeDeliveryInput & { at: string }): Promise<void> {
    redelivering = true;
    let redelivered = 0;
    let failure: string | undefined;
    // Oldest first: the batches, then what is parked here (including anything parked meanwhile).
    while (!failure && batches.length > 0) {
      const batch = batches[0]!;
      batchReports.delete(batch.workflowId);
      await getExternalWorkflowHandle(batch.workflowId).signal(redeliverBatchSignal);
      await condition(() => batchReports.has(batch.workflowId));
      const report = batchReports.get(batch.workflowId)!;
      redelivered += report.delivered;
      if (report.remaining > 0) {
        batch.count = report.remaining;
        failure = report.failure ?? 'the partner refused a notification';
      } else batches.shift();
    }
    while (!failure && parked.length > 0) {
      const sending = parked.slice(0, batchSize);
      // The activity answers a refusal as data; an activity failure (a non-retryable type) stops the resend the same way.
      const result = await messaging.redeliverPartnerNotifications(sending).catch((error: unknown) => ({
        delivered: 0,
        failure: error instanceof Error ? error.message : 'resend failed',
      }));
      for (const sent of parked.splice(0, result.delivered)) parkedIds.delete(sent.id);
      redelivered += result.delivered;
      failure = result.failure;
    }
    if (failure) failed(failure);
    state.resumes = [...state.resumes, { ...request, redelivered, ...(failure ? { failure } : {}) }].slice(
      -KEPT_RESUMES,
    );
    redelivering = false;
  }

  for (;;) {
    await condition(() => resume !== undefined || parked.length >= batchSize || workflowInfo().continueAsNewSuggested);
    if (parked.length >= batchSize) {
      await moveToBatch();
    } else if (resume) {
      await redeliver(resume);
      resume = undefined;
    } else {
      await condition(allHandlersFinished);
      await continueAsNew<typeof partnerNotificationTargetWorkflow>({
        ...(input.targetKey ? { targetKey: input.targetKey } : {}),
        batchSize,
        carried: { state, parked, batches, batchSeq },
      });
    }
  }
}
