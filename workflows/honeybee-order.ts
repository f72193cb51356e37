// honeybeeOrderWorkflow (id honeybee-order-{order_number}): follows one Honeybee order from the moment the engine
// knows it (an order event through the bridge, or the prescription workflow that created it) to Delivered or
// Canceled. Events are de-duplicated by event id and never move the status backwards; an On Hold order waits for an
// operator's resolveException (only the offered actions), escalating to the partner while nobody acts; a quiet order
// is reconciled by polling GET /orders/{order_number}. Milestones go to the partner (notifications) and to the
// order's prescription workflows (orderMilestone signals).
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  workflowInfo,
} from '@temporalio/workflow';
import { ACTIVITY_OPTIONS } from '../src/domain/activity-options.js';
import { FailureType } from '../src/domain/failure-types.js';
import type { Activities } from '../activities/index.js';
import type { PartnerNotification } from '../src/partner/notifier.js';
import {
  changeShippingAddressUpdate,
  honeybeeEventSignal,
  honeybeeOrderStatusQuery,
  orderLinkedSignal,
  placePartnerHoldUpdate,
} from './honeybee/messages.js';
import {
  cancelSignal,
  resolveExceptionSignal,
  resolveExceptionUpdate,
  type OperatorAction,
  type ResolutionResult,
  type ResolveExceptionInput,
} from './shared/operator-messages.js';
import { recordDecision, recordRejectedInput, type OperatorDecision } from './shared/decision-log.js';
import { handleQuery, handleSignal, handleUpdate, type InputRefusal, type RejectedInput } from './shared/handlers.js';
import { orderDetails } from './honeybee/details.js';
import { EventDedupe } from './shared/event-dedupe.js';
import { activityProblem, describeRefusal } from './shared/activity-failures.js';
import { observationFromEvent, observationFromSnapshot } from './honeybee/order-observation.js';
import {
  applyOrderObservation,
  EXCEPTION_DETAILS_GRACE_MS,
  holdEscalatesAt,
  isOnHold,
  isOrderEnded,
  startingOrderState,
  type ObservationEffect,
} from './honeybee/order-state.js';
import { Alarm } from './shared/alarm.js';
import { Outbox } from './shared/outbox.js';
import { operatorActionOf } from './honeybee/operator-actions.js';
import { checkResolution, fieldValueProblem, offeredActionNames } from './honeybee/resolution.js';
import { resolveHoneybeeSettings } from './honeybee/settings.js';
import { laterShipmentsKey, shipmentNotificationData, shipmentsToldKey } from './honeybee/shipment-notifications.js';
import type { HoneybeeOrderMilestone, HoneybeeOrderState, HoneybeeOrderWorkflowInput } from './honeybee/types.js';
import { createHoneybeeVisibilitySync, orderVisibility } from './honeybee/visibility.js';
import { exceptionLabel } from './honeybee/exception-label.js';

/** See `linkReportsHeld`. */
export const LINK_REPORT_WAITS_FOR_LINK_PATCH = 'link-report-waits-for-link';
/** An exception raised without actions offers the engine's fallback for its reason (workflows/honeybee/order-state.ts). */
export const EXCEPTION_FALLBACK_ACTIONS_PATCH = 'order-exception-fallback-actions';
/** A first status the engine does not know is kept for the record, not made the order's status (order-state.ts). */
export const UNKNOWN_FIRST_STATUS_KEPT_PATCH = 'order-unknown-first-status-kept';
/** An On Hold order Honeybee gives no exception for, even when asked, offers cancelling and escalates (order-state.ts). */
export const UNKNOWN_HOLD_SETTLED_PATCH = 'order-unknown-hold-settled';
/** A parcel shipped after the first `order.shipped` is told in an `order.shipped` of its own (see `announce`). */
export const LATER_SHIPMENTS_TOLD_PATCH = 'order-later-shipments-told';

export type { HoneybeeOrderWorkflowInput, HoneybeeOrderState };

const vendor = proxyActivities<Activities>(ACTIVITY_OPTIONS.honeybeeVendor);
const operatorCall = proxyActivities<Activities>(ACTIVITY_OPTIONS.honeybeeOperatorAction);
const messaging = proxyActivities<Activities>(ACTIVITY_OPTIONS.honeybeeMessaging);

interface MilestoneReport {
  prescriptionIds: string[];
  milestone: HoneybeeOrderMilestone;
}

export async function honeybeeOrderWorkflow(input: HoneybeeOrderWorkflowInput): Promise<HoneybeeOrderState> {
  const settings = resolveHoneybeeSettings(input.settings);
  const { workflowId } = workflowInfo();
  const now = () => new Date().toISOString();
  const observing = {
    fallbackActions: () => patched(EXCEPTION_FALLBACK_ACTIONS_PATCH),
    unknownFirstStatusKept: () => patched(UNKNOWN_FIRST_STATUS_KEPT_PATCH),
    unknownHoldSettled: () => patched(UNKNOWN_HOLD_SETTLED_PATCH),
  };
  // Before any handler runs: events that came with the start apply on top of the snapshot, as after a poll.
  const state: HoneybeeOrderState = input.carried?.state ?? startingOrderState(input, now(), observing);
  const dedupe = new EventDedupe(input.carried?.seenEventIds);
  const syncVisibility = createHoneybeeVisibilitySync();
  state.lastHeardAt ??= now();

  /** Set by handlers: the main loop re-plans its timers. */
  let changed = false;
  let pollRequested = false;
  let resolutionInFlight = false;
  const alarm = new Alarm();

  const notifications = new Outbox<PartnerNotification>(async (notification) => {
    try {
      await messaging.notifyPartner(notification);
    } catch {
      state.notificationFailures += 1;
    }
  });
  const reports = new Outbox<MilestoneReport>(async (report) => {
    try {
      await messaging.reportHoneybeeOrderMilestone({
        prescriptionIds: report.prescriptionIds,
        linkedBy: report.prescriptionIds.filter((id) => state.linkedBy.includes(id)),
        ...(state.patientId ? { patientId: state.patientId } : {}),
        settings,
        milestone: report.milestone,
      });
    } catch {
      state.reportFailures += 1;
    }
  });

  function exceptionReason(): string | undefined {
    return state.exception ? exceptionLabel(state.exception) : undefined;
  }

  function publish(): void {
    const visibility = orderVisibility(state);
    state.stage = visibility.stage;
    state.needsOperator = visibility.needsOperator;
    syncVisibility(visibility);
    setCurrentDetails(orderDetails(state));
  }

  /** Runs `send` once per key over the whole life of the order (keys are carried across continue-as-new). */
  function once(key: string, send: () => void): void {
    if (state.milestonesSent.includes(key)) return;
    state.milestonesSent.push(key);
    send();
  }

  function notify(key: string, type: string, extra: PartnerNotification['data'] = {}): void {
    notifications.push({
      id: `${workflowId}:${key}`,
      type,
      occurredAt: now(),
      data: {
        orderNumber: state.orderNumber,
        prescriptionIds: state.prescriptionIds.join(','),
        status: state.status ?? null,
        ...extra,
      },
    });
  }

  function report(milestone: HoneybeeOrderMilestone['milestone'], prescriptionIds = state.prescriptionIds): void {
    if (prescriptionIds.length === 0) return;
    state.notificationSeq += 1;
    const reason = exceptionReason();
    reports.push({
      prescriptionIds: [...prescriptionIds],
      milestone: {
        orderNumber: state.orderNumber,
        milestone,
        ...(state.status ? { status: state.status } : {}),
        seq: state.notificationSeq,
        at: now(),
        ...(reason ? { exceptionReason: reason } : {}),
        ...(state.shipments.length > 0 ? { tracking: state.shipments } : {}),
      },
    });
  }

  /** `order.shipped` once the order ships, with every parcel; again for each parcel that ships after it. */
  function announceShipments(): void {
    const count = state.shipments.length;
    if (!state.milestonesSent.includes('shipped')) {
      once('shipped', () => notify('shipped', 'order.shipped', shipmentNotificationData(state.shipments)));
      state.milestonesSent.push(shipmentsToldKey(count));
      return;
    }
    const later = laterShipmentsKey(state.milestonesSent, count);
    if (later && patched(LATER_SHIPMENTS_TOLD_PATCH)) {
      once(later, () => notify(later, 'order.shipped', shipmentNotificationData(state.shipments)));
    }
  }

  /**
   * Partner Requested Fills: the prescription that created this order links it itself (orderLinked), usually moments
   * after Honeybee's own announcement of the order started this run. A `linked` report sent from that announcement
   * would cost an activity and a signal the prescription does not need, so a run started by a webhook (not by the
   * prescription's activity, which brings the order's first snapshot) holds the report until the workflow wakes
   * again (the link, the next event, a poll or the reconcile timer), then sends it only to prescriptions that have not
   * linked the order themselves. Asked only in such runs; older runs replay as recorded.
   */
  let linkReportsHeld =
    settings.mode === 'partner_requested' &&
    !input.initialSnapshot &&
    !input.carried &&
    patched(LINK_REPORT_WAITS_FOR_LINK_PATCH);

  /** Each prescription learns of its order once, unless it created or adopted the order itself. */
  function announceLinks(): void {
    if (linkReportsHeld) return;
    const toLink = state.prescriptionIds.filter(
      (id) => !state.linkedBy.includes(id) && !state.milestonesSent.includes(`linked:${id}`),
    );
    for (const id of toLink) state.milestonesSent.push(`linked:${id}`);
    if (toLink.length > 0) report('linked', toLink);
  }

  function releaseLinkReports(): void {
    if (!linkReportsHeld) return;
    linkReportsHeld = false;
    announceLinks();
  }

  /** Tells the partner and the prescriptions what an observation changed. */
  function announce(effect: ObservationEffect): void {
    if (state.prescriptionIds.length > 0) once('created', () => notify('created', 'order.created'));
    announceLinks();
    if (isOnHold(state) && state.exception && !state.awaitingVendor) {
      once(`on_hold:${state.holdCount}`, () => {
        notify(`on_hold:${state.holdCount}`, 'order.on_hold', {
          exceptionId: state.exception?.code || null,
          exceptionName: state.exception?.name ?? null,
          offeredActions: offeredActionNames(state.exception).join(','),
        });
      });
    }
    if (effect.leftHold && effect.to !== 'Canceled') {
      once(`resolved:${state.holdCount}`, () =>
        notify(`resolved:${state.holdCount}`, 'order.resolved', { exceptionId: effect.endedExceptionCode || null }),
      );
    }
    if (state.status === 'Shipped' || state.status === 'Delivered') announceShipments();
    if (state.status === 'Delivered') {
      once('delivered', () => {
        notify('delivered', 'order.delivered', shipmentNotificationData(state.shipments));
        report('delivered');
      });
    }
    if (state.status === 'Canceled') {
      once('canceled', () => {
        notify('canceled', 'order.canceled');
        report('canceled');
      });
    }
  }

  function observe(effect: ObservationEffect): void {
    if (effect.stale) state.lateEvents += 1;
    announce(effect);
    changed = true;
    publish();
  }

  function blockedReason(): string | undefined {
    if (resolutionInFlight) return 'a resolution is being submitted to Honeybee; wait for its outcome';
    if (state.awaitingVendor) {
      // A refusal, though it names an acceptance: the earlier action is what the order waits on.
      return (
        `nothing more can be done until the order's next status: an earlier ${state.awaitingVendor.action} was ` +
        'already accepted by Honeybee'
      );
    }
    if (!isOnHold(state)) {
      return `order ${state.orderNumber} is ${state.status ?? 'not known yet'}, not On Hold: there is nothing to resolve`;
    }
    if (!state.exception)
      return "the hold's exception is not known yet (the order is being reconciled); try again shortly";
    return undefined;
  }

  /** Who and what an input named, as far as it did (a refused input may lack any of them). */
  type Attribution = Partial<Pick<RejectedInput, 'operator' | 'reason' | 'action'>>;

  function reject(via: OperatorDecision['via'], input: Attribution, reason: string): ResolutionResult {
    recordDecision(state, {
      at: now(),
      via,
      operator: input.operator ?? '(missing)',
      reason: input.reason ?? '(missing)',
      action: input.action ?? '(missing)',
      outcome: 'rejected',
      detail: reason,
    });
    publish();
    return { accepted: false, reason, offeredActions: offeredActionNames(state.exception) };
  }

  /** Records an input its schema refused (the Web UI lets anyone type anything); nothing else changes. */
  function rejectInput(via: OperatorDecision['via'], action?: string) {
    return (rejection: RejectedInput): void => {
      recordRejectedInput(state, rejection, { via, at: now(), ...(action ? { action } : {}) });
      publish();
    };
  }

  /** Polls Honeybee and applies what it says (unless an event arrived meanwhile: the event is at least as fresh). */
  async function reconcile(): Promise<void> {
    const eventsBefore = state.eventsReceived;
    try {
      const snapshot = await vendor.getHoneybeeOrder({ orderNumber: state.orderNumber });
      state.polls += 1;
      if (snapshot.requestId) state.lastPollRequestId = snapshot.requestId;
      state.lastHeardAt = now();
      if (state.eventsReceived !== eventsBefore) return;
      // A poll is the vendor's present: newer than whatever set the current status.
      const at = state.statusAt && state.statusAt > now() ? state.statusAt : now();
      observe(applyOrderObservation(state, observationFromSnapshot(snapshot, at), now(), observing));
    } catch (error) {
      // Not found, unreadable, refused: try again at the next interval (and keep the reason in the audit trail).
      state.lastHeardAt = now();
      const problem = activityProblem(error);
      if (!problem) throw error;
      state.lastPollError = `${problem.type}: ${describeRefusal(problem)}`;
    }
  }

  async function resolve(input: ResolveExceptionInput, via: 'signal' | 'update' | 'cancel'): Promise<ResolutionResult> {
    const check = checkResolution(state.exception, input, blockedReason());
    if (!check.ok) return reject(via, input, check.reason);
    const action = check.action.action;
    resolutionInFlight = true;
    publish();
    try {
      const result = await operatorCall.submitHoneybeeOrderAction({
        orderNumber: state.orderNumber,
        action,
        fields: check.fields,
      });
      state.awaitingVendor = { action, since: now() };
      recordDecision(state, {
        at: now(),
        via,
        operator: input.operator,
        reason: input.reason,
        action,
        outcome: 'accepted',
        detail: `Honeybee accepted ${action}`,
        ...(result.requestId ? { requestId: result.requestId } : {}),
      });
      if (action !== 'cancel_order') {
        once(`resolved:${state.holdCount}`, () =>
          notify(`resolved:${state.holdCount}`, 'order.resolved', {
            action,
            exceptionId: state.exception?.code || null,
          }),
        );
      }
      return { accepted: true, action, message: `Honeybee accepted ${action}; the order waits for its next status` };
    } catch (error) {
      const problem = activityProblem(error);
      if (!problem) throw error;
      if (problem.type === FailureType.VendorConflict) {
        // 409: Honeybee says the order is not On Hold any more (our action may have gone through on an earlier try).
        await reconcile();
        if (!isOnHold(state)) {
          recordDecision(state, {
            at: now(),
            via,
            operator: input.operator,
            reason: input.reason,
            action,
            outcome: 'accepted',
            detail: `the order had already left On Hold (now ${state.status ?? '?'})`,
          });
          return { accepted: true, action, message: `order ${state.orderNumber} is now ${state.status ?? '?'}` };
        }
        return reject(
          via,
          input,
          `Honeybee refused ${action}: the order is not On Hold there (${describeRefusal(problem)})`,
        );
      }
      if (problem.type === FailureType.VendorRejected || problem.type === FailureType.InvalidInput) {
        return reject(
          via,
          input,
          `Honeybee refused ${action} (${describeRefusal(problem)}); correct the fields and resolve again`,
        );
      }
      return reject(via, input, `Honeybee could not be reached (${problem.type}); nothing was changed, try again`);
    } finally {
      resolutionInFlight = false;
      changed = true;
      publish();
    }
  }

  handleSignal(
    honeybeeEventSignal,
    (event) => {
      state.lastHeardAt = now();
      if (!dedupe.add(event.eventId)) {
        state.duplicateEvents += 1;
        return;
      }
      state.eventsReceived += 1;
      state.lastEventType = event.eventType;
      state.lastEventAt = event.receivedAt;
      const observation = observationFromEvent(event);
      if (!observation) {
        changed = true;
        publish();
        return;
      }
      const effect = applyOrderObservation(state, observation, now(), observing);
      if (effect.exceptionLearned && state.exception && observation.eventType === 'ORDER_EXCEPTION') {
        state.exception.eventId = event.eventId;
      }
      observe(effect);
    },
    {
      description: 'A verified Honeybee order webhook (RX_UPDATED, SHIPMENT_UPDATED, ORDER_EXCEPTION) from the bridge.',
      rejected: rejectInput('signal'),
    },
  );

  handleSignal(
    orderLinkedSignal,
    (link) => {
      if (!state.linkedBy.includes(link.prescriptionId)) state.linkedBy.push(link.prescriptionId);
      state.fillNumber ??= link.fillNumber;
      if (!state.patientId && link.patientId) state.patientId = link.patientId;
      const added = state.prescriptionIds.includes(link.prescriptionId) ? [] : [link.prescriptionId];
      state.prescriptionIds.push(...added);
      observe({
        change: 'none',
        applied: false,
        stale: false,
        newHold: false,
        leftHold: false,
        exceptionLearned: false,
        shipmentsAdded: 0,
        prescriptionsAdded: added,
      });
    },
    {
      description: 'Internal: the prescription workflow that created or adopted this order names its fill.',
      rejected: rejectInput('signal'),
    },
  );

  handleSignal(resolveExceptionSignal, (resolution) => resolve(resolution, 'signal').then(() => undefined), {
    description:
      'Resolve the On Hold exception with one of its offered actions: {"action", "fields", "operator", "reason"}. ' +
      'An invalid input is rejected and shown in the current details.',
    rejected: rejectInput('signal'),
  });

  handleUpdate(resolveExceptionUpdate, (resolution) => resolve(resolution, 'update'), {
    check: (resolution) => {
      const check = checkResolution(state.exception, resolution, blockedReason());
      const problem = check.ok ? fieldValueProblem(check.fields) : check.reason;
      if (!problem) return undefined;
      return {
        reason: problem,
        offeredActions: offeredActionNames(state.exception),
        kind: check.ok ? 'invalid' : check.kind,
      };
    },
    refused: (rejection) => reject('update', rejection, rejection.problem),
    description:
      'Resolve the On Hold exception (API/CLI): {"action", "fields", "operator", "reason"}; refused with the reason ' +
      'unless the action was offered and its fields are present. Returns what Honeybee said.',
  });

  handleSignal(
    cancelSignal,
    async (cancel) => {
      if (!isOnHold(state) || !offeredActionNames(state.exception).includes('cancel_order')) {
        reject(
          'cancel',
          { ...cancel, action: 'cancel_order' },
          `Honeybee offers cancel_order only while the order is On Hold; order ${state.orderNumber} is ${
            state.status ?? 'not known yet'
          }${isOnHold(state) && state.exception ? ' and this exception does not offer it' : ''}`,
        );
        return;
      }
      await resolve({ ...cancel, action: 'cancel_order', fields: { reason: cancel.reason } }, 'cancel');
    },
    {
      description: 'Cancel the order: {"operator", "reason"}. Possible while it is On Hold (cancel_order).',
      rejected: rejectInput('cancel', 'cancel_order'),
    },
  );

  // The partner's own actions on the order (partner API): each an update that runs one call at Honeybee and answers
  // with its outcome. One at a time, and never while a resolution is being submitted.
  let partnerActionInFlight: string | undefined;

  function partnerActionBlocked(): string | undefined {
    if (partnerActionInFlight) return `${partnerActionInFlight} is being submitted to Honeybee; wait for its outcome`;
    if (resolutionInFlight) return 'a resolution is being submitted to Honeybee; wait for its outcome';
    return undefined;
  }

  function holdRefusal(): InputRefusal | undefined {
    const blocked = partnerActionBlocked();
    if (blocked) return { reason: blocked };
    if (state.status !== 'Processing' && state.status !== 'Filling') {
      return {
        reason: `order ${state.orderNumber} is ${state.status ?? 'not known yet'}: a Partner Hold can be placed only while it is Processing or Filling`,
      };
    }
    return undefined;
  }

  function addressRefusal(): InputRefusal | undefined {
    const blocked = partnerActionBlocked();
    if (blocked) return { reason: blocked };
    if (state.status === undefined || ['Shipped', 'Delivered', 'Canceled'].includes(state.status)) {
      return {
        reason: `order ${state.orderNumber} is ${state.status ?? 'not known yet'}: its shipping address can change only before it ships`,
      };
    }
    return undefined;
  }

  /** Runs one partner action at Honeybee and records it; a refusal is answered with Honeybee's reason. */
  async function partnerAction(
    input: { operator: string; reason: string },
    action: string,
    call: () => Promise<{ requestId?: string }>,
    done: string,
  ): Promise<ResolutionResult> {
    partnerActionInFlight = action;
    try {
      const result = await call();
      recordDecision(state, {
        at: now(),
        via: 'update',
        operator: input.operator,
        reason: input.reason,
        action,
        outcome: 'accepted',
        detail: done,
        ...(result.requestId ? { requestId: result.requestId } : {}),
      });
      // Read the order at once: the change shows before its webhook arrives.
      pollRequested = true;
      return { accepted: true, action, message: done };
    } catch (error) {
      const problem = activityProblem(error);
      if (!problem) throw error;
      const reason =
        problem.type === FailureType.VendorUnavailable || problem.type === FailureType.VendorRateLimited
          ? `Honeybee could not be reached (${problem.type}); nothing was changed, try again`
          : `Honeybee refused ${action} (${describeRefusal(problem)})`;
      return reject('update', { ...input, action }, reason);
    } finally {
      partnerActionInFlight = undefined;
      changed = true;
      publish();
    }
  }

  handleUpdate(
    placePartnerHoldUpdate,
    (input) =>
      partnerAction(
        input,
        'place_partner_hold',
        () => operatorCall.placeHoneybeePartnerHold({ orderNumber: state.orderNumber, reason: input.reason }),
        'Honeybee placed the order on Partner Hold (64); release it with release_hold',
      ),
    {
      check: holdRefusal,
      refused: (rejection) => reject('update', rejection, rejection.problem),
      description:
        'The partner places its own hold on the order (exception 64, Partner Hold): {"operator", "reason"}. Possible ' +
        'while the order is Processing or Filling; released with the release_hold action.',
    },
  );

  handleUpdate(
    changeShippingAddressUpdate,
    (input) =>
      partnerAction(
        input,
        'change_shipping_address',
        () =>
          operatorCall.changeHoneybeeOrderShippingAddress({ orderNumber: state.orderNumber, address: input.address }),
        'Honeybee took the new shipping address',
      ),
    {
      check: addressRefusal,
      refused: (rejection) => reject('update', rejection, rejection.problem),
      description:
        'Change the order\'s shipping address before it ships: {"address": {street1, city, state, zip, …}, ' +
        '"operator", "reason"}. Honeybee refuses it for a controlled substance (42229) or an address it cannot ship to.',
    },
  );

  /** What resolveException accepts now: the hold's actions, unless a resolution is under way. */
  function offeredActions(): OperatorAction[] {
    if (blockedReason()) return [];
    return (state.exception?.actions ?? []).map(operatorActionOf);
  }

  handleQuery(
    honeybeeOrderStatusQuery,
    () => {
      const holdReason = state.needsOperator ? (exceptionReason() ?? 'On Hold') : undefined;
      const escalatesAt = holdEscalatesAt(state, settings);
      return {
        ...state,
        offeredActions: offeredActions(),
        ...(holdReason ? { holdReason } : {}),
        ...(holdReason && state.exception?.message ? { holdDetail: state.exception.message } : {}),
        ...(Number.isFinite(escalatesAt) ? { nextEscalationAt: new Date(escalatesAt).toISOString() } : {}),
      };
    },
    {
      description:
        'The order: status, exception and offered actions (with their fields), decisions, shipments, counters.',
    },
  );

  publish();
  // Started by an event that names no prescription (ORDER_EXCEPTION) or names no status: ask Honeybee at once.
  if (state.prescriptionIds.length === 0 || state.status === undefined) pollRequested = true;

  while (!isOrderEnded(state)) {
    if (pollRequested) {
      pollRequested = false;
      await reconcile();
      releaseLinkReports();
      continue;
    }
    const nowMs = new Date().getTime();
    const heard = Date.parse(state.lastHeardAt ?? now());
    const quietLimit =
      isOnHold(state) && !state.exception
        ? Math.min(settings.reconcileIntervalMs, EXCEPTION_DETAILS_GRACE_MS)
        : settings.reconcileIntervalMs;
    const reconcileAt = heard + quietLimit;
    const escalateAt = holdEscalatesAt(state, settings);
    const due = Math.min(reconcileAt, escalateAt);
    if (due > nowMs) {
      alarm.arm(due, nowMs);
      changed = false;
      await condition(
        () =>
          changed ||
          pollRequested ||
          alarm.rang ||
          isOrderEnded(state) ||
          (workflowInfo().continueAsNewSuggested && !resolutionInFlight),
      );
      alarm.consume();
      releaseLinkReports();
      if (workflowInfo().continueAsNewSuggested && !resolutionInFlight && !isOrderEnded(state)) break;
      continue;
    }
    if (escalateAt <= new Date().getTime()) {
      state.escalationLevel += 1;
      const level = state.escalationLevel;
      notify(`escalated:${state.holdCount}:${level}`, 'order.escalated', {
        escalationLevel: level,
        exceptionId: state.exception?.code || null,
        exceptionName: state.exception?.name ?? null,
        onHoldSince: state.onHoldSince ?? null,
      });
      publish();
      continue;
    }
    await reconcile();
    releaseLinkReports();
  }
  releaseLinkReports();

  if (!isOrderEnded(state)) {
    // History grew long (a hold waiting for weeks): carry on in a fresh run with the same state.
    await condition(() => allHandlersFinished() && notifications.idle() && reports.idle());
    return continueAsNew<typeof honeybeeOrderWorkflow>({
      orderNumber: state.orderNumber,
      ...(state.patientId ? { patientId: state.patientId } : {}),
      prescriptionIds: state.prescriptionIds,
      settings,
      carried: { state, seenEventIds: dedupe.snapshot() },
    });
  }
  publish();
  await condition(() => allHandlersFinished() && notifications.idle() && reports.idle());
  return state;
}
