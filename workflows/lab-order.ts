// labOrderWorkflow (id onegevity-order-{orderIdentifier}): one durable execution per Onegevity kit order.
//
// Started by the partner (src/lab/start-lab-order.ts) with the placement (PHI, encrypted input), it creates the order
// with its fulfillment at Onegevity (idempotent: the orderIdentifier is the key; a conflict or lost answer is settled
// by reading the order back), then follows the webhooks the bridge delivers by signal-with-start, de-duplicated by
// their key and never moving backwards: fulfillment requested → accepted | rejected | canceled → shipped → kit
// activated → results released (reports listed, partner notified, done). A rejection waits for an operator
// (`resolveLabException`: resubmit with a corrected address, or cancel). A kit not activated in time brings reminders,
// then an operator flag. A quiet order is read back after `reconcileIntervalMs` without events.
//
// Started by a webhook instead (no placement: an order this engine never started), it keeps the events for an
// operator as an "unknown order", reads the order once when it learns the patient, and never acts on it.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { z } from 'zod';
import { ACTIVITY_OPTIONS } from '../src/domain/activity-options.js';
import { fulfillmentRequestIdentifier } from '../src/domain/lab-order-identifiers.js';
import { FulfillmentStatus, normalizeOnegevityStatus } from '../src/domain/onegevity-status.js';
import type { LabWorkflowSettings } from '../src/domain/workflow-settings.js';
import type { Activities } from '../activities/index.js';
import type { LabAddress, LabOrderPlacement } from '../src/lab/lab-order-request.js';
import type { PartnerNotification } from '../src/partner/notifier.js';
import {
  labOrderStatusQuery,
  onegevityEventSignal,
  resolveLabExceptionSignal,
  resolveLabExceptionUpdate,
  type LabOrderStatus,
  type resolveLabExceptionInput,
} from './lab/messages.js';
import { cancelSignal, type ResolutionResult } from './shared/operator-messages.js';
import { handleQuery, handleSignal, handleUpdate, type RejectedInput } from './shared/handlers.js';
import { applyFulfillmentStatus, applyLabEvent, applyOrderSnapshot } from './lab/apply.js';
import { labDeadlines, nextDeadline } from './lab/deadlines.js';
import { labOrderDetails } from './lab/details.js';
import {
  activationReminderMilestone,
  labNotification,
  needsOperatorMilestone,
  reachedMilestones,
  resolvedMilestone,
  resultsReleasedMilestone,
  type LabMilestone,
} from './lab/milestones.js';
import { correctedAddress as correctedAddressOf, labResolutionRefusal, offeredLabActions } from './lab/resolution.js';
import {
  clearAttention,
  initialLabOrderState,
  isTerminal,
  labOrderStatusView,
  labStage,
  recordResolution,
  rememberEventKey,
  setAttention,
  type LabOrderState,
} from './lab/state.js';
import { EscalationLevel, FulfillmentStage, LabOrderId, NeedsOperator } from './search-attributes.js';

export interface LabOrderWorkflowInput {
  orderIdentifier: string;
  settings: LabWorkflowSettings;
  /** The partner's order (PHI). Absent when a webhook started the workflow: an order this engine never started. */
  order?: LabOrderPlacement;
  /** Continue as new past this many history events (default HISTORY_EVENTS_PER_RUN; tests lower it). */
  historyEventsPerRun?: number;
  /** State carried across continue-as-new. */
  carried?: { state: LabOrderState; correctedAddress?: LabAddress };
}

const vendorWrites = proxyActivities<Activities>(ACTIVITY_OPTIONS.onegevityWrites);
const vendorReads = proxyActivities<Activities>(ACTIVITY_OPTIONS.onegevityReads);
const partner = proxyActivities<Activities>(ACTIVITY_OPTIONS.labPartner);

/** Continue as new well before the history gets heavy (a lab order normally needs a few hundred events). */
const HISTORY_EVENTS_PER_RUN = 5_000;

interface PendingResolution {
  id: number;
  input: z.output<typeof resolveLabExceptionInput>;
}

/** What went wrong in an activity, for the operator and the state: failure type and message (never PHI). */
function describeFailure(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}

function nowIso(): string {
  return new Date().toISOString();
}

export async function labOrderWorkflow(input: LabOrderWorkflowInput): Promise<LabOrderStatus> {
  const { workflowId } = workflowInfo();
  const { settings, order } = input;
  const state: LabOrderState =
    input.carried?.state ??
    initialLabOrderState({
      orderIdentifier: input.orderIdentifier,
      startedByEngine: order !== undefined,
      ...(order ? { patientIdentifier: order.patientIdentifier } : {}),
      now: nowIso(),
    });
  let correctedAddress = input.carried?.correctedAddress;
  const pending: PendingResolution[] = [];
  const outcomes = new Map<number, ResolutionResult>();
  let resolutionIds = 0;
  let wake = false;
  const outbox: { milestone: string; notification: PartnerNotification }[] = [];
  let sending = false;

  const enqueueResolution = (resolution: PendingResolution['input']): number => {
    const id = ++resolutionIds;
    pending.push({ id, input: resolution });
    wake = true;
    return id;
  };

  /** Records an input its schema refused (the Web UI lets anyone type anything); nothing else changes. */
  const rejectInput = (rejection: RejectedInput): void => {
    state.lastProblem = `operator input refused: ${rejection.message}: ${rejection.problem}`;
    recordResolution(state, {
      action: rejection.action ?? rejection.message,
      operator: rejection.operator ?? '?',
      reason: rejection.reason ?? '?',
      at: nowIso(),
      outcome: `refused: ${rejection.message}: ${rejection.problem}`,
    });
    wake = true;
  };

  handleSignal(
    onegevityEventSignal,
    (event) => {
      if (!rememberEventKey(state, event.dedupeKey)) {
        state.events.duplicates += 1;
        return;
      }
      state.events.received += 1;
      state.events.lastTopic = event.topic;
      const effect = applyLabEvent(state, event, nowIso());
      if (effect === 'late' || effect === 'other_request') state.events.late += 1;
      if (effect === 'informational') state.events.informational += 1;
      state.lastActivityAt = nowIso();
      wake = true;
    },
    {
      description:
        'A verified Onegevity webhook for this lab order, delivered by the bridge (de-duplicated by dedupeKey).',
      rejected: rejectInput,
    },
  );
  handleSignal(resolveLabExceptionSignal, (resolution) => void enqueueResolution(resolution), {
    description:
      'Resolve what this lab order waits for: {"action":"resubmit","address":{…},"operator","reason"} after a ' +
      'rejection (a new fulfillment request with the corrected address), or {"action":"cancel","operator","reason"}.',
    rejected: rejectInput,
  });
  handleUpdate(
    resolveLabExceptionUpdate,
    async (resolution): Promise<ResolutionResult> => {
      const id = enqueueResolution(resolution);
      await condition(() => outcomes.has(id));
      const outcome = outcomes.get(id) as ResolutionResult;
      outcomes.delete(id);
      return outcome;
    },
    {
      check: (resolution) => labResolutionRefusal(state, resolution),
      refused: (rejection): ResolutionResult => {
        rejectInput(rejection);
        return { accepted: false, reason: rejection.problem, offeredActions: offeredLabActions(state) };
      },
      description:
        'Like the resolveLabException signal, for the partner API and CLI: refuses an action not offered now, ' +
        'and answers with the outcome at Onegevity.',
    },
  );
  handleSignal(cancelSignal, (cancel) => void enqueueResolution({ ...cancel, action: 'cancel' }), {
    description:
      'Cancel this lab order {"operator","reason"}: cancels the fulfillment at Onegevity where it can ' +
      '(before shipping) and stops following the order.',
    rejected: rejectInput,
  });
  handleQuery(labOrderStatusQuery, () => labOrderStatusView(state, workflowId), {
    description: 'The lab order: stage, Onegevity statuses, tracking, what needs an operator, counters (no PHI).',
  });

  // ----------------------------------------------------------------------------------------- notifications

  const enqueue = (milestone: LabMilestone): void => {
    if (state.milestonesQueued.includes(milestone.id)) return;
    state.milestonesQueued.push(milestone.id);
    outbox.push({ milestone: milestone.id, notification: labNotification(workflowId, milestone, nowIso()) });
  };
  const queueReachedMilestones = (): void => {
    for (const milestone of reachedMilestones(state)) enqueue(milestone);
  };

  // Notifications go out in order, one at a time, without holding up the order's own progress.
  const deliverNotifications = async (): Promise<void> => {
    for (;;) {
      await condition(() => outbox.length > 0);
      const next = outbox[0] as (typeof outbox)[number];
      sending = true;
      try {
        await partner.notifyPartner(next.notification);
        state.notified.push(next.milestone);
      } catch (error) {
        if (isCancellation(error)) throw error;
        state.lastProblem = `partner notification ${next.notification.type} failed: ${describeFailure(error)}`;
      }
      outbox.shift();
      sending = false;
    }
  };
  void deliverNotifications();

  // ----------------------------------------------------------------------------------------- visibility

  const published = {
    stage: workflowInfo().typedSearchAttributes.get(FulfillmentStage),
    orderId: workflowInfo().typedSearchAttributes.get(LabOrderId),
    needsOperator: workflowInfo().typedSearchAttributes.get(NeedsOperator),
    escalation: workflowInfo().typedSearchAttributes.get(EscalationLevel),
  };
  let details = '';
  const publish = (): void => {
    const stage = labStage(state);
    const needsOperator = state.attention !== undefined;
    const updates: SearchAttributeUpdatePair[] = [];
    if (published.stage !== stage) updates.push({ key: FulfillmentStage, value: stage });
    if (published.orderId !== state.orderIdentifier) updates.push({ key: LabOrderId, value: state.orderIdentifier });
    if (published.needsOperator !== needsOperator) updates.push({ key: NeedsOperator, value: needsOperator });
    if (published.escalation !== state.escalationLevel) {
      updates.push({ key: EscalationLevel, value: state.escalationLevel });
    }
    // Only changes are upserted: each upsert is a billed action.
    if (updates.length > 0) {
      upsertSearchAttributes(updates);
      Object.assign(published, {
        stage,
        orderId: state.orderIdentifier,
        needsOperator,
        escalation: state.escalationLevel,
      });
    }
    const next = labOrderDetails(state, settings);
    if (next !== details) {
      details = next;
      setCurrentDetails(next);
    }
  };

  // ----------------------------------------------------------------------------------------- timers

  // One timer per distinct wake-up time: while events flow the reconcile deadline moves on without new timers; when
  // a timer fires the loop looks again and arms the next one.
  const armed = new Set<number>();
  const arm = (at: number | undefined): void => {
    if (at === undefined) return;
    const now = new Date().getTime();
    if (at <= now) {
      wake = true;
      return;
    }
    for (const time of armed) if (time <= at) return;
    armed.add(at);
    void sleep(at - now).then(() => {
      armed.delete(at);
      wake = true;
    });
  };

  // ----------------------------------------------------------------------------------------- vendor work

  const ref = () => ({ patientIdentifier: state.patientIdentifier ?? '', orderIdentifier: state.orderIdentifier });

  const fulfillmentInformation = (placement: LabOrderPlacement, address?: LabAddress) => ({
    ...placement.fulfillmentInformation,
    shippingAddress: address ?? correctedAddress ?? placement.fulfillmentInformation.shippingAddress,
  });

  const createOrder = async (placement: LabOrderPlacement): Promise<string | undefined> => {
    try {
      const created = await vendorWrites.createLabOrder({
        patientIdentifier: placement.patientIdentifier,
        request: {
          orderIdentifier: state.orderIdentifier,
          packageIdentifier: placement.packageIdentifier,
          patientInformation: placement.patientInformation,
          fulfillmentInformation: fulfillmentInformation(placement),
          ...(placement.notes !== undefined ? { notes: placement.notes } : {}),
        },
      });
      const now = nowIso();
      state.orderCreated = true;
      state.createOutcome = created.outcome;
      applyOrderSnapshot(state, created.order, now);
      clearAttention(state, 'order_failed');
      state.lastActivityAt = now;
      return undefined;
    } catch (error) {
      if (isCancellation(error)) throw error;
      const problem = describeFailure(error);
      state.createFailures += 1;
      setAttention(
        state,
        'order_failed',
        `Onegevity did not create order ${state.orderIdentifier}: ${problem}`,
        nowIso(),
      );
      state.lastProblem = problem;
      enqueue(needsOperatorMilestone(state, state.createFailures));
      return problem;
    }
  };

  const reconcile = async (): Promise<void> => {
    state.readRequested = false;
    if (state.patientIdentifier) {
      state.reconcile.reads += 1;
      state.reconcile.lastAt = nowIso();
      try {
        const snapshot = await vendorReads.getLabOrder(ref());
        if (state.startedByEngine) applyOrderSnapshot(state, snapshot, nowIso());
        else if (snapshot.status) state.orderStatus = normalizeOnegevityStatus(snapshot.status);
      } catch (error) {
        if (isCancellation(error)) throw error;
        state.lastProblem = `reading the order failed: ${describeFailure(error)}`;
      }
    }
    state.lastActivityAt = nowIso();
  };

  const collectResults = async (): Promise<void> => {
    state.reportAttempts += 1;
    // One last read first: it brings tracking and milestones whose webhooks were lost or are still on their way.
    await reconcile();
    queueReachedMilestones();
    try {
      const reports = await vendorWrites.listLabReports(ref());
      state.reportIdentifiers = reports.reportIdentifiers;
      clearAttention(state, 'reports_unavailable');
      enqueue(resultsReleasedMilestone(state));
    } catch (error) {
      if (isCancellation(error)) throw error;
      const problem = describeFailure(error);
      state.lastProblem = problem;
      const first = state.attention?.kind !== 'reports_unavailable';
      setAttention(state, 'reports_unavailable', `Listing the released reports failed: ${problem}`, nowIso());
      if (first) enqueue(needsOperatorMilestone(state, state.reportAttempts));
      state.lastActivityAt = nowIso();
    }
  };

  // ----------------------------------------------------------------------------------------- operator actions

  const cancelOrder = async (operator: string): Promise<ResolutionResult> => {
    const now = nowIso();
    if (!state.startedByEngine) {
      state.dismissed = { at: now, operator };
      clearAttention(state);
      return {
        accepted: true,
        action: 'cancel',
        message: 'closed this unknown-order record (nothing sent to Onegevity)',
      };
    }
    let canceledAtVendor = false;
    let message = 'canceled: the engine no longer follows this order';
    const status = state.fulfillment.status;
    if (state.orderCreated && (status === FulfillmentStatus.Requested || status === FulfillmentStatus.Accepted)) {
      try {
        const result = await vendorWrites.cancelLabFulfillment({
          requestIdentifier: state.fulfillment.requestIdentifier,
        });
        canceledAtVendor = result.canceled;
        if (result.canceled) {
          state.fulfillment.status = FulfillmentStatus.Canceled;
          message = `canceled fulfillment request ${state.fulfillment.requestIdentifier} at Onegevity`;
        } else {
          if (result.status) applyFulfillmentStatus(state, result.status, {}, now);
          message = `Onegevity could not cancel (request is ${result.status ?? 'unknown'}); the engine stops following`;
        }
      } catch (error) {
        if (isCancellation(error)) throw error;
        const problem = describeFailure(error);
        state.lastProblem = `cancel at Onegevity failed: ${problem}`;
        return {
          accepted: false,
          reason: `Onegevity did not cancel: ${problem}`,
          offeredActions: offeredLabActions(state),
        };
      }
    }
    state.canceled = { by: 'operator', at: nowIso(), operator, canceledAtVendor };
    clearAttention(state);
    return { accepted: true, action: 'cancel', message };
  };

  const resubmit = async (address: LabAddress | undefined): Promise<ResolutionResult> => {
    const placement = order as LabOrderPlacement;
    if (!state.orderCreated) {
      if (address) correctedAddress = address;
      clearAttention(state, 'order_failed');
      const problem = await createOrder(placement);
      return problem
        ? {
            accepted: false,
            reason: `Onegevity did not create the order: ${problem}`,
            offeredActions: offeredLabActions(state),
          }
        : { accepted: true, action: 'resubmit', message: `order ${state.orderIdentifier} created at Onegevity` };
    }
    const previous = { ...state.fulfillment };
    const attempt = state.requestsMade + 1;
    state.requestsMade = attempt;
    const requestIdentifier = fulfillmentRequestIdentifier(state.orderIdentifier, attempt);
    // The new request is current before it is sent, so its webhooks count even if they overtake the answer.
    state.fulfillment = { requestIdentifier, attempt, status: FulfillmentStatus.Requested };
    try {
      const result = await vendorWrites.requestLabFulfillment({
        requestIdentifier,
        orderIdentifier: state.orderIdentifier,
        patientIdentifier: placement.patientIdentifier,
        fulfillmentInformation: fulfillmentInformation(placement, address),
      });
      if (address) correctedAddress = address;
      if (result.status) applyFulfillmentStatus(state, result.status, {}, nowIso());
      clearAttention(state, 'fulfillment_rejected');
      state.lastActivityAt = nowIso();
      enqueue(resolvedMilestone(state));
      return {
        accepted: true,
        action: 'resubmit',
        message: `fulfillment request ${requestIdentifier} sent to Onegevity (${result.outcome})`,
      };
    } catch (error) {
      if (isCancellation(error)) throw error;
      state.fulfillment = previous;
      const problem = describeFailure(error);
      state.lastProblem = `resubmission ${requestIdentifier} failed: ${problem}`;
      return {
        accepted: false,
        reason: `Onegevity refused ${requestIdentifier}: ${problem}`,
        offeredActions: offeredLabActions(state),
      };
    }
  };

  const resolve = async (resolution: PendingResolution['input']): Promise<ResolutionResult> => {
    const at = nowIso();
    const operator = resolution.operator.trim();
    const reason = resolution.reason.trim();
    // The state may have moved since the input arrived (an event, an earlier resolution).
    const refusal = labResolutionRefusal(state, resolution);
    if (refusal) {
      state.lastProblem = `operator input refused: ${refusal.reason}`;
      recordResolution(state, {
        action: resolution.action,
        operator,
        reason,
        at,
        outcome: `refused: ${refusal.reason}`,
      });
      return { accepted: false, reason: refusal.reason, offeredActions: refusal.offeredActions };
    }
    const result =
      resolution.action === 'cancel'
        ? await cancelOrder(operator)
        : await resubmit(resolution.address ? correctedAddressOf(resolution.address) : undefined);
    recordResolution(state, {
      action: resolution.action,
      operator,
      reason,
      at,
      outcome: result.accepted ? result.message : `failed: ${result.reason}`,
    });
    return result;
  };

  // ----------------------------------------------------------------------------------------- the order's life

  for (;;) {
    queueReachedMilestones();
    publish();
    if (isTerminal(state)) break;
    const resolution = pending.shift();
    if (resolution) {
      outcomes.set(resolution.id, await resolve(resolution.input));
      continue;
    }
    // Events may overtake the create answer (a rejection included): only a failed creation waits for an operator.
    if (order && !state.orderCreated && state.attention?.kind !== 'order_failed') {
      await createOrder(order);
      continue;
    }
    const now = new Date().getTime();
    const due = labDeadlines(state, settings);
    const reconcileDue = due.reconcileAt !== undefined && due.reconcileAt <= now;
    if (state.resultsReleasedAt && !state.reportIdentifiers && (state.reportAttempts === 0 || reconcileDue)) {
      await collectResults();
      continue;
    }
    if (state.readRequested || reconcileDue) {
      await reconcile();
      continue;
    }
    if (due.reminderAt !== undefined && due.reminderAt <= now) {
      state.activationRemindersSent += 1;
      state.escalationLevel = Math.max(state.escalationLevel, 1);
      enqueue(activationReminderMilestone(state));
      continue;
    }
    if (due.operatorAt !== undefined && due.operatorAt <= now) {
      state.activationOperatorAskedAt = nowIso();
      setAttention(
        state,
        'kit_not_activated',
        `The kit of ${state.orderIdentifier} has not been activated since it shipped`,
        nowIso(),
      );
      state.escalationLevel = 2;
      enqueue(needsOperatorMilestone(state, 1));
      continue;
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.historyEventsPerRun ?? HISTORY_EVENTS_PER_RUN)) {
      // Notifications are sent and handlers finished first; an operator input arriving meanwhile is served first.
      await condition(() => (outbox.length === 0 && !sending) || pending.length > 0);
      if (pending.length === 0) await condition(() => allHandlersFinished() || pending.length > 0);
      if (pending.length > 0) continue;
      await continueAsNew<typeof labOrderWorkflow>({
        orderIdentifier: input.orderIdentifier,
        settings,
        ...(order ? { order } : {}),
        ...(input.historyEventsPerRun ? { historyEventsPerRun: input.historyEventsPerRun } : {}),
        carried: { state, ...(correctedAddress ? { correctedAddress } : {}) },
      });
    }
    arm(nextDeadline(due));
    wake = false;
    await condition(() => wake || pending.length > 0);
  }

  // Inputs that arrived as the order ended get an answer instead of waiting forever.
  for (let next = pending.shift(); next; next = pending.shift()) {
    outcomes.set(next.id, {
      accepted: false,
      reason: `the order has already ended (${labStage(state)})`,
      offeredActions: [],
    });
  }
  await condition(() => outbox.length === 0 && !sending);
  await condition(allHandlersFinished);
  return labOrderStatusView(state, workflowId);
}
