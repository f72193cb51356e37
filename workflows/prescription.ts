// prescriptionWorkflow (id honeybee-rx-{prescription_id}): one durable execution per Honeybee prescription, from
// RX_RECEIVED to its last fill. It matches Honeybee's patient to the partner's (or waits for an operator: it never
// guesses), then runs one fill per run: under Partner Requested Fills it waits for the fill's approval (if configured)
// and creates the order idempotently (a refusal waits for an operator's correction); under Automatic Processing it
// waits for the order Honeybee creates. It follows the order through the order workflow's milestones and, once the
// fill ends, waits for the next one (a refill request, or Honeybee's refill order) until no refills are left or the
// prescription expires, continuing as new for each fill. `cancel` ends it at any wait.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { SuppliedPatientSafety } from '../activities/honeybee.js';
import { ACTIVITY_OPTIONS } from '../src/domain/activity-options.js';
import { FailureType } from '../src/domain/failure-types.js';
import { isTerminalOrderStatus } from '../src/domain/honeybee-order-status.js';
import type { PartnerNotification } from '../src/partner/notifier.js';
import type { HoneybeeAddressInput } from '../src/vendors/honeybee/schemas.js';
import {
  approveFillSignal,
  honeybeeEventSignal,
  matchPatientSignal,
  orderMilestoneSignal,
  prescriptionStatusQuery,
  requestRefillSignal,
  requestRefillUpdate,
  type PatientSafetyInput,
} from './honeybee/messages.js';
import {
  cancelSignal,
  resolveExceptionSignal,
  resolveExceptionUpdate,
  type ResolutionResult,
} from './shared/operator-messages.js';
import { recordDecision, recordRejectedInput, type OperatorDecision } from './shared/decision-log.js';
import { handleQuery, handleSignal, handleUpdate, type RejectedInput } from './shared/handlers.js';
import { prescriptionDetails } from './honeybee/details.js';
import { EventDedupe } from './shared/event-dedupe.js';
import { activityProblem, describeRefusal } from './shared/activity-failures.js';
import { Outbox } from './shared/outbox.js';
import {
  applyOrderMilestone,
  applyRxReceived,
  boundedMilestone,
  CANCEL_BEFORE_NEXT_RUN_PATCH,
  closeFill,
  currentFillEnded,
  fillsRemaining,
  initialPrescriptionState,
  MAX_EMPTY_ORDER_LOOKS,
  MAX_PENDING_MILESTONES,
  msUntilExpiry,
  noteRequestIds,
  noteUnexpectedOrder,
  orderFollowingStage,
  PrescriptionStage,
  recordOrder,
  VENDOR_ORDER_WAIT_BOUNDED_PATCH,
} from './honeybee/prescription-state.js';
import {
  orderRefusedException,
  patientLookupException,
  unmatchedPatientException,
  vendorOrderMissingException,
} from './honeybee/prescription-exceptions.js';
import {
  ADDRESS_CORRECTION_CHECKED_PATCH,
  APPROVALS_BOUNDED_PATCH,
  createPrescriptionOperator,
  OPERATOR_MATCH_CHECKED_PATCH,
  type PartnerPatientLookup,
} from './honeybee/prescription-operator.js';
import { resolveHoneybeeSettings } from './honeybee/settings.js';
import type {
  HoneybeeOrderMilestone,
  OperatorException,
  PrescriptionState,
  PrescriptionWorkflowInput,
} from './honeybee/types.js';
import { createHoneybeeVisibilitySync, prescriptionVisibility } from './honeybee/visibility.js';
import { exceptionLabel } from './honeybee/exception-label.js';

export type { PrescriptionWorkflowInput, PrescriptionState };

const vendor = proxyActivities<Activities>(ACTIVITY_OPTIONS.honeybeeVendor);
const messaging = proxyActivities<Activities>(ACTIVITY_OPTIONS.honeybeeMessaging);
const lookups = proxyActivities<Activities>(ACTIVITY_OPTIONS.operatorLookup);

/** Runs inside a handler, so it never throws: a directory that does not answer leaves the match unchecked. */
async function lookUpPartnerPatient(partnerPatientId: string): Promise<PartnerPatientLookup> {
  try {
    return (await lookups.lookUpPartnerPatient({ partnerPatientId })).known ? 'known' : 'unknown';
  } catch {
    return 'unchecked';
  }
}

const FOLLOWING_STAGES: ReadonlySet<string> = new Set([
  PrescriptionStage.AwaitingOrder,
  PrescriptionStage.OrderInProgress,
  PrescriptionStage.OrderOnHold,
  PrescriptionStage.OrderShipped,
]);

export async function prescriptionWorkflow(input: PrescriptionWorkflowInput): Promise<PrescriptionState> {
  const settings = resolveHoneybeeSettings(input.settings);
  const { workflowId } = workflowInfo();
  const state: PrescriptionState = input.carried?.state ?? initialPrescriptionState(input, settings);
  if (!state.patientId && input.patientId) state.patientId = input.patientId;
  const dedupe = new EventDedupe(input.carried?.seenEventIds);
  const syncVisibility = createHoneybeeVisibilitySync();
  const now = () => new Date().toISOString();
  const nowMs = () => new Date().getTime();
  /** While the fill waits for the partner's approval: when that wait escalates next (the status reports it). */
  let approvalEscalatesAt: number | undefined;

  /** Milestones of an order that is not the current one, arriving after the fill ended: the next fill's order. */
  const nextFillMilestones: HoneybeeOrderMilestone[] = [...(input.carried?.pendingMilestones ?? [])];

  const notifications = new Outbox<PartnerNotification>(async (notification) => {
    try {
      await messaging.notifyPartner(notification);
    } catch {
      state.notificationFailures += 1;
    }
  });

  function notify(type: string, extra: PartnerNotification['data'] = {}): void {
    state.notificationSeq += 1;
    notifications.push({
      id: `${workflowId}:${state.notificationSeq}:${type}`,
      type,
      occurredAt: now(),
      data: {
        prescriptionId: state.prescriptionId,
        partnerPatientId: state.match?.partnerPatientId ?? null,
        fillNumber: state.fillNumber,
        fillsDelivered: state.fillsDelivered,
        stage: state.stage,
        ...extra,
      },
    });
  }

  function publish(): void {
    syncVisibility(prescriptionVisibility(state));
    setCurrentDetails(prescriptionDetails(state));
  }

  function setStage(stage: string): void {
    state.stage = stage;
    publish();
  }

  function raise(exception: OperatorException, notifyReason: string): void {
    state.exception = exception;
    state.needsOperator = true;
    notify('prescription.needs_operator', { reason: notifyReason, exception: exceptionLabel(exception) });
  }

  function clearException(): void {
    delete state.exception;
    state.needsOperator = false;
    state.escalationLevel = 0;
  }

  const operator = createPrescriptionOperator(state, {
    now,
    publish,
    intakes: input.carried?.intakes ?? [],
    checksAddressCorrection: () => patched(ADDRESS_CORRECTION_CHECKED_PATCH),
    boundsApprovals: () => patched(APPROVALS_BOUNDED_PATCH),
    lookUpPartnerPatient: (partnerPatientId) =>
      patched(OPERATOR_MATCH_CHECKED_PATCH) ? lookUpPartnerPatient(partnerPatientId) : undefined,
  });
  /** What accepted operator inputs leave for the flow: a match, a correction, a cancellation. */
  const pending = operator.pending;

  /** Stops waiting: a cancellation or the fill's order appearing ends most waits. */
  const canceled = () => pending.cancel !== undefined;

  // ------------------------------------------------------------------------------------------------ handlers

  /** Records an input its schema refused (the Web UI lets anyone type anything); nothing else changes. */
  function rejectInput(via: OperatorDecision['via'], action?: string) {
    return (rejection: RejectedInput): void => {
      recordRejectedInput(state, rejection, { via, at: now(), ...(action ? { action } : {}) });
      publish();
    };
  }

  handleSignal(
    honeybeeEventSignal,
    (event) => {
      if (!dedupe.add(event.eventId)) {
        state.duplicateEvents += 1;
        return;
      }
      state.eventsReceived += 1;
      state.lastEventType = event.eventType;
      if (event.eventType.trim().toUpperCase() === 'RX_RECEIVED') applyRxReceived(state, event);
      publish();
    },
    {
      description: 'A verified Honeybee webhook for this prescription (RX_RECEIVED), delivered by the bridge.',
      rejected: rejectInput('signal'),
    },
  );

  handleSignal(
    orderMilestoneSignal,
    (input) => {
      const milestone = boundedMilestone(input);
      const waitingForFill = state.stage === PrescriptionStage.AwaitingRefill;
      const canAdopt = !waitingForFill && !state.canceled && !state.endReason;
      const disposition = applyOrderMilestone(state, milestone, canAdopt);
      if (disposition === 'unexpected') {
        // The first report adopts the next fill's order; more than a few before the run continues are noise.
        if (waitingForFill && nextFillMilestones.length < MAX_PENDING_MILESTONES) nextFillMilestones.push(milestone);
        else noteUnexpectedOrder(state, milestone.orderNumber);
      }
      // While the flow follows the order, its stage follows the order (other stages belong to the flow's steps).
      if ((disposition === 'applied' || disposition === 'adopted') && FOLLOWING_STAGES.has(state.stage)) {
        state.stage = orderFollowingStage(state);
      }
      publish();
    },
    {
      description:
        "Internal: the order workflow reports how this prescription's order goes (linked, on hold, shipped, …).",
      rejected: rejectInput('signal'),
    },
  );

  handleSignal(matchPatientSignal, (match) => void operator.match(match, 'match'), {
    description:
      "Match this prescription's patient to a partner patient when the directory found none or several: " +
      '{"partnerPatientId", "operator", "reason"}.',
    rejected: rejectInput('match', 'matchPatient'),
  });

  handleSignal(
    approveFillSignal,
    (approval) =>
      void operator.approve(
        {
          approvedBy: approval.approvedBy,
          reason: approval.paymentReference ? `payment ${approval.paymentReference}` : 'fill approved',
          ...(approval.fillNumber ? { fillNumber: approval.fillNumber } : {}),
          ...(approval.patientSafety ? { patientSafety: approval.patientSafety } : {}),
        },
        'approve',
      ),
    {
      description:
        'The partner approves a fill (payment done): {"approvedBy", "fillNumber"?, "paymentReference"?, ' +
        '"patientSafety"?: {"medications", "healthConditions", "allergies"}}.',
      rejected: rejectInput('approve', 'approveFill'),
    },
  );

  /** Why the next refill cannot be requested now; undefined when it can. */
  function refillProblem(): string | undefined {
    if (state.mode !== 'partner_requested') return 'under Automatic Processing Honeybee creates refill orders itself';
    if (state.endReason) return `the prescription has ended (${state.endReason})`;
    return fillsRemaining(state) <= (state.currentOrder ? 1 : 0)
      ? 'no refills are left on this prescription'
      : undefined;
  }

  function requestRefill(request: { requestedBy: string }): ResolutionResult {
    const problem = refillProblem();
    if (!problem) state.refillRequested = { by: request.requestedBy, at: now() };
    recordDecision(state, {
      at: now(),
      via: 'refill',
      operator: request.requestedBy,
      reason: 'refill requested',
      action: 'requestRefill',
      outcome: problem ? 'rejected' : 'accepted',
      detail: problem ?? 'refill requested',
    });
    publish();
    return problem
      ? { accepted: false, reason: problem, offeredActions: operator.offeredActions().map((action) => action.action) }
      : { accepted: true, action: 'requestRefill', message: 'refill requested' };
  }

  handleSignal(requestRefillSignal, (request) => void requestRefill(request), {
    description: 'The partner asks for the next refill (Partner Requested Fills): {"requestedBy"}.',
    rejected: rejectInput('refill', 'requestRefill'),
  });

  handleUpdate(requestRefillUpdate, requestRefill, {
    check: () => {
      const problem = refillProblem();
      return problem ? { reason: problem } : undefined;
    },
    refused: (rejection) => {
      rejectInput('refill', 'requestRefill')(rejection);
      return { accepted: false as const, reason: rejection.problem, offeredActions: [] };
    },
    description:
      'The partner asks for the next refill (API): {"requestedBy"}; refused with the reason when none can be ' +
      'requested (no refills left, Automatic Processing, the prescription ended).',
  });

  handleSignal(resolveExceptionSignal, (resolution) => void operator.resolve(resolution, 'signal'), {
    description:
      'Resolve what the prescription waits for with one of the offered actions (status `offeredActions`): a ' +
      'corrected order (e.g. update_shipping_address with a new address), matchPatient, approveFill or cancel: ' +
      '{"action", "fields", "operator", "reason"}. An invalid input is rejected and shown in the current details.',
    rejected: rejectInput('signal'),
  });

  handleUpdate(resolveExceptionUpdate, (resolution) => operator.resolve(resolution, 'update'), {
    check: (resolution) => operator.check(resolution),
    refused: (rejection) => {
      rejectInput('update')(rejection);
      return {
        accepted: false as const,
        reason: rejection.problem,
        offeredActions: operator.offeredActions().map((action) => action.action),
      };
    },
    description:
      'Resolve what the prescription waits for (API/CLI): {"action", "fields", "operator", "reason"}; refused with ' +
      'the reason unless the action is offered now and its fields are present.',
  });

  handleSignal(cancelSignal, (cancel) => void operator.cancel(cancel, 'cancel'), {
    description:
      'Cancel the prescription at any wait: {"operator", "reason"}. An open order is canceled too when Honeybee ' +
      'allows it (On Hold); otherwise the prescription records that it could not be.',
    rejected: rejectInput('cancel', 'cancel'),
  });

  handleQuery(
    prescriptionStatusQuery,
    () => {
      const holdReason = state.needsOperator ? prescriptionVisibility(state).exceptionReason : undefined;
      return {
        ...state,
        offeredActions: operator.offeredActions(),
        ...(holdReason ? { holdReason } : {}),
        ...(holdReason && state.exception?.message ? { holdDetail: state.exception.message } : {}),
        ...(approvalEscalatesAt !== undefined ? { nextEscalationAt: new Date(approvalEscalatesAt).toISOString() } : {}),
      };
    },
    {
      description:
        'The prescription: stage, match, current order, fills, exception, offered actions (with their fields), ' +
        'decisions, counters.',
    },
  );

  // ------------------------------------------------------------------------------------------------ steps

  async function finish(stage: string, endReason: string, notificationType: string): Promise<PrescriptionState> {
    state.endReason = endReason;
    state.needsOperator = false;
    delete state.exception;
    setStage(stage);
    notify(notificationType, { reason: endReason });
    await condition(() => allHandlersFinished() && notifications.idle());
    return state;
  }

  async function finishCanceled(): Promise<PrescriptionState> {
    const request = pending.cancel ?? { operator: '(unknown)', reason: '(unknown)', at: now() };
    setStage(PrescriptionStage.Canceling);
    let orderOutcome = 'no open order';
    const order = state.currentOrder;
    if (order && !(order.status && isTerminalOrderStatus(order.status))) {
      try {
        const result = await vendor.cancelHoneybeeOrder({ orderNumber: order.orderNumber, reason: request.reason });
        if (result.outcome === 'canceled') {
          noteRequestIds(state, result.requestId);
          orderOutcome = `order ${order.orderNumber} canceled at Honeybee`;
        } else if (result.outcome === 'already_ended') {
          orderOutcome = `order ${order.orderNumber} had already ended (${result.status})`;
        } else {
          orderOutcome = `order ${order.orderNumber} could not be canceled: ${result.why}`;
        }
      } catch (error) {
        const problem = activityProblem(error);
        if (!problem) throw error;
        orderOutcome = `order ${order.orderNumber} could not be canceled (${describeRefusal(problem)})`;
      }
    }
    state.canceled = { operator: request.operator, reason: request.reason, at: request.at, orderOutcome };
    return finish(
      PrescriptionStage.Canceled,
      `canceled by ${request.operator}; ${orderOutcome}`,
      'prescription.canceled',
    );
  }

  async function matchPatient(): Promise<'matched' | 'canceled'> {
    for (;;) {
      if (canceled()) return 'canceled';
      setStage(PrescriptionStage.MatchingPatient);
      let exception: OperatorException;
      try {
        const match = await vendor.matchHoneybeePatient({ patientId: state.patientId ?? '' });
        noteRequestIds(state, match.requestId);
        if (match.outcome === 'matched') {
          state.match = { partnerPatientId: match.partnerPatientId, matchedBy: match.matchedBy };
          notify('prescription.matched', { matchedBy: match.matchedBy });
          return 'matched';
        }
        exception = unmatchedPatientException(match, now());
      } catch (error) {
        const problem = activityProblem(error);
        if (!problem) throw error;
        exception = patientLookupException(problem, now());
      }
      raise(exception, exception.code.toLowerCase());
      setStage(PrescriptionStage.AwaitingPatientMatch);
      await condition(() => pending.match !== undefined || canceled());
      if (pending.match) {
        state.match = {
          partnerPatientId: pending.match.partnerPatientId,
          matchedBy: 'operator',
          operator: pending.match.operator,
        };
        clearException();
        notify('prescription.matched', { matchedBy: 'operator' });
        return 'matched';
      }
    }
  }

  /** Partner approval of the fill, with an escalating timeout; an order that appears meanwhile ends the wait. */
  async function awaitApproval(): Promise<'approved' | 'canceled'> {
    const approved = () => state.approvedFills.includes(state.fillNumber) || state.currentOrder !== undefined;
    if (settings.fillApproval !== 'partner' || approved()) return 'approved';
    setStage(PrescriptionStage.AwaitingFillApproval);
    notify('prescription.approval_requested');
    let deadline = nowMs() + settings.fillApprovalTimeoutMs;
    try {
      for (;;) {
        approvalEscalatesAt = deadline;
        const done = await condition(() => approved() || canceled(), Math.max(1, deadline - nowMs()));
        if (canceled()) return 'canceled';
        if (done) break;
        state.escalationLevel += 1;
        state.needsOperator = true;
        notify('prescription.approval_overdue', { escalationLevel: state.escalationLevel });
        publish();
        deadline += settings.holdEscalationRepeatMs;
      }
    } finally {
      approvalEscalatesAt = undefined;
    }
    state.approvedFills = state.approvedFills.filter((fill) => fill > state.fillNumber);
    state.escalationLevel = 0;
    state.needsOperator = false;
    return 'approved';
  }

  /** Creates the fill's order (or adopts the one a lost answer left behind), waiting for an operator on a refusal. */
  async function createOrder(): Promise<'created' | 'canceled'> {
    let address: HoneybeeAddressInput | undefined;
    let given: PatientSafetyInput | undefined;
    /** The intake to send: an operator's, else the one given with the fill's approval (else the directory's). */
    const intake = (): SuppliedPatientSafety | undefined => {
      const approved = operator.intakeFor(state.fillNumber);
      if (given) return { source: 'operator', ...given };
      return approved ? { source: 'fill_approval', ...approved } : undefined;
    };
    let attempt = 0;
    while (!state.currentOrder) {
      if (canceled()) return 'canceled';
      setStage(PrescriptionStage.CreatingOrder);
      attempt += 1;
      try {
        const result = await vendor.ensureHoneybeeFillOrder({
          prescriptionId: state.prescriptionId,
          patientId: state.patientId ?? '',
          // The matched partner patient, whose intake to read (after an operator's match Honeybee's identity finds none).
          ...(state.match ? { partnerPatientId: state.match.partnerPatientId } : {}),
          fillNumber: state.fillNumber,
          recordedOrderNumbers: state.recordedOrders,
          create: true,
          shippingMethodId: settings.shippingMethodId,
          quantity: 1,
          ...(state.facts.writtenQty ? { packageSize: state.facts.writtenQty } : {}),
          ...(address ? { address } : {}),
          ...(intake() ? { patientSafety: intake() } : {}),
          settings,
        });
        noteRequestIds(state, ...result.requestIds);
        if (result.orderNumber) recordOrder(state, result.orderNumber, result.status);
        if (!state.currentOrder) continue;
        return 'created';
      } catch (error) {
        const problem = activityProblem(error);
        if (!problem) throw error;
        if (attempt > 1) {
          recordDecision(state, {
            at: now(),
            via: 'signal',
            operator: 'honeybee',
            reason: 'order creation after a correction',
            action: 'create_order',
            outcome: 'rejected',
            detail: `Honeybee refused the order again (${describeRefusal(problem)})`,
          });
        }
        raise(orderRefusedException(problem, now()), 'order_refused');
        setStage(PrescriptionStage.AwaitingOrderCorrection);
        // Held for want of an intake: the partner's approval bringing one settles it too.
        const approvedBefore = operator.intakeFor(state.fillNumber);
        const intakeArrived = () =>
          problem.type === FailureType.PatientSafetyUnknown && operator.intakeFor(state.fillNumber) !== approvedBefore;
        await condition(
          () => pending.correction !== undefined || canceled() || state.currentOrder !== undefined || intakeArrived(),
        );
        const chosen = pending.correction;
        delete pending.correction;
        clearException();
        if (chosen?.action === 'cancel_prescription') {
          pending.cancel ??= { operator: chosen.operator, reason: chosen.reason, at: chosen.at };
        }
        if (chosen?.action === 'update_shipping_address' && typeof chosen.fields.address === 'object') {
          address = chosen.fields.address as HoneybeeAddressInput;
        }
        if (chosen?.action === 'provide_patient_safety') given = chosen.fields.patientSafety as PatientSafetyInput;
      }
    }
    return 'created';
  }

  /** Looks for the fill's order at Honeybee (Automatic Processing: Honeybee creates it). */
  async function lookForVendorOrder(): Promise<void> {
    try {
      const result = await vendor.ensureHoneybeeFillOrder({
        prescriptionId: state.prescriptionId,
        patientId: state.patientId ?? '',
        fillNumber: state.fillNumber,
        recordedOrderNumbers: state.recordedOrders,
        create: false,
        shippingMethodId: settings.shippingMethodId,
        quantity: 1,
        settings,
      });
      noteRequestIds(state, ...result.requestIds);
      if (result.orderNumber) recordOrder(state, result.orderNumber, result.status);
    } catch (error) {
      if (!activityProblem(error)) throw error;
    }
  }

  /**
   * Automatic Processing: Honeybee creates the order; if its event is late or lost, look for the order. Looks that
   * keep finding nothing ask an operator (VENDOR_ORDER_WAIT_BOUNDED_PATCH), and the wait ends when the prescription
   * expires.
   */
  async function awaitVendorOrder(): Promise<'linked' | 'canceled' | 'expired'> {
    setStage(PrescriptionStage.AwaitingOrder);
    let emptyLooks = 0;
    while (!state.currentOrder) {
      const linked = await condition(
        () => state.currentOrder !== undefined || canceled(),
        settings.reconcileIntervalMs,
      );
      if (canceled()) return 'canceled';
      if (linked || !state.patientId) continue;
      await lookForVendorOrder();
      if (state.currentOrder) break;
      emptyLooks += 1;
      const expired = msUntilExpiry(state, nowMs()) <= 0;
      // Asked only when the run would otherwise look again: runs from before it looked forever, and replay so.
      if ((expired || emptyLooks >= MAX_EMPTY_ORDER_LOOKS) && patched(VENDOR_ORDER_WAIT_BOUNDED_PATCH)) {
        if (expired) return 'expired';
        const settled = await awaitVendorOrderOperator(emptyLooks);
        if (settled !== 'look_again') return settled;
        emptyLooks = 0;
        await lookForVendorOrder();
      }
    }
    return 'linked';
  }

  /** No order after many looks: flag an operator (escalating every holdEscalationRepeatMs) until one settles it. */
  async function awaitVendorOrderOperator(looks: number): Promise<'linked' | 'canceled' | 'expired' | 'look_again'> {
    raise(vendorOrderMissingException(looks, now()), 'order_not_created');
    state.escalationLevel = 1;
    publish();
    let deadline = nowMs() + settings.holdEscalationRepeatMs;
    for (;;) {
      const untilExpiry = msUntilExpiry(state, nowMs());
      if (untilExpiry <= 0) return 'expired';
      await condition(
        () => pending.correction !== undefined || canceled() || state.currentOrder !== undefined,
        Math.max(1, Math.min(deadline - nowMs(), untilExpiry)),
      );
      const chosen = pending.correction;
      delete pending.correction;
      if (chosen?.action === 'cancel_prescription') {
        pending.cancel ??= { operator: chosen.operator, reason: chosen.reason, at: chosen.at };
      }
      if (canceled()) return 'canceled';
      if (state.currentOrder || chosen) {
        clearException();
        publish();
        return state.currentOrder ? 'linked' : 'look_again';
      }
      if (nowMs() >= deadline) {
        state.escalationLevel += 1;
        notify('prescription.needs_operator', {
          reason: 'order_not_created',
          exception: state.exception ? exceptionLabel(state.exception) : null,
          escalationLevel: state.escalationLevel,
        });
        publish();
        deadline += settings.holdEscalationRepeatMs;
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ the flow

  publish();
  for (const milestone of nextFillMilestones.splice(0)) {
    applyOrderMilestone(state, milestone, true);
  }

  if (!state.match) {
    setStage(PrescriptionStage.Received);
    await condition(() => state.patientId !== undefined || canceled());
    if (canceled()) return finishCanceled();
    if ((await matchPatient()) === 'canceled') return finishCanceled();
  }

  if (state.mode === 'partner_requested') {
    if ((await awaitApproval()) === 'canceled') return finishCanceled();
    if ((await createOrder()) === 'canceled') return finishCanceled();
  } else {
    const found = await awaitVendorOrder();
    if (found === 'canceled') return finishCanceled();
    if (found === 'expired') {
      return finish(
        PrescriptionStage.Expired,
        'the prescription expired before Honeybee created its order',
        'prescription.expired',
      );
    }
  }

  setStage(orderFollowingStage(state));
  await condition(() => currentFillEnded(state) || canceled());
  if (!currentFillEnded(state)) return finishCanceled();

  // The fill ended: decide what comes next.
  const outcome = closeFill(state, now());
  if (state.facts.refillsLeft === undefined && state.patientId) {
    try {
      const found = await vendor.getHoneybeePrescription({
        patientId: state.patientId,
        prescriptionId: state.prescriptionId,
      });
      noteRequestIds(state, found.requestId);
      state.facts = { ...found.facts, ...state.facts };
    } catch (error) {
      if (!activityProblem(error)) throw error;
    }
  }
  if (fillsRemaining(state) === 0) {
    return finish(
      PrescriptionStage.Completed,
      `all ${state.fillsDelivered} fill(s) delivered; no refills left`,
      'prescription.completed',
    );
  }
  const refillWindowMs = msUntilExpiry(state, nowMs());
  if (refillWindowMs <= 0) {
    return finish(PrescriptionStage.Expired, 'the prescription expired', 'prescription.expired');
  }
  setStage(PrescriptionStage.AwaitingRefill);
  notify('prescription.awaiting_refill', { lastFillOutcome: outcome, fillsRemaining: fillsRemaining(state) });
  const nextFill = () =>
    nextFillMilestones.length > 0 || (state.mode === 'partner_requested' && state.refillRequested !== undefined);
  const triggered = await condition(() => nextFill() || canceled(), refillWindowMs);
  if (canceled()) return finishCanceled();
  if (!triggered) return finish(PrescriptionStage.Expired, 'the prescription expired', 'prescription.expired');

  // One run per fill keeps the history short.
  delete state.refillRequested;
  await condition(() => allHandlersFinished() && notifications.idle());
  // A cancel accepted while the last notifications went out was answered "the prescription will be canceled"; the
  // next run would not know of it (runs from before the patch continued, and must replay so).
  if (canceled() && patched(CANCEL_BEFORE_NEXT_RUN_PATCH)) {
    // The next fill's order, when Honeybee already made one, is the open order to cancel.
    for (const milestone of nextFillMilestones.splice(0)) applyOrderMilestone(state, milestone, true);
    return finishCanceled();
  }
  // Before the state is carried: dropping approvals out of bounds changes it.
  const intakes = operator.intakesFrom(state.fillNumber);
  return continueAsNew<typeof prescriptionWorkflow>({
    prescriptionId: state.prescriptionId,
    ...(state.patientId ? { patientId: state.patientId } : {}),
    settings,
    carried: { state, seenEventIds: dedupe.snapshot(), pendingMilestones: nextFillMilestones, intakes },
  });
}
