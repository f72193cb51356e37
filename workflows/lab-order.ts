// labOrderWorkflow (id onegevity-order-{orderIdentifier}): one durable execution per Onegevity kit order.
//
// Started by the partner (src/lab/start-lab-order.ts) with the placement (PHI, encrypted input), it creates the order
// with its fulfillment at Onegevity (idempotent: the orderIdentifier is the key; a conflict or lost answer is settled
// by reading the order back), then follows the webhooks the bridge delivers by signal-with-start, de-duplicated by
// their key and never moving backwards: fulfillment requested → accepted | rejected | canceled → shipped → kit
// activated → results released (reports listed, partner notified, done). A rejection waits for an operator
// (`resolveException`, the contract every workflow shares: resubmit with a corrected address, or cancel; the older
// `resolveLabException` still works). A kit not activated in time brings reminders, then an operator flag. A quiet
// order is read back after `reconcileIntervalMs` without events. Built from the blocks every workflow uses
// (workflows/shared: outbox, alarm, event de-duplication, visibility sync, decision log).
//
// Started by a webhook instead (no placement: an order placed outside the engine, e.g. by a patient in Onegevity's
// UI-Kit), it follows the order (`follow`): reads it as soon as an event names the patient, and tracks it to its
// results like its own orders, partner notifications included; only a resubmission needs the placement it lacks.
// Runs started before follow mode keep such an order for an operator as an "unknown order" and never act on it.
//
// `order.updated` repeats one body whenever the order gains information: each delivery asks for a read (one in
// flight, at most one more queued), never dropped as a duplicate. Milestones reach the partner in their natural order
// whatever order their events came in: a kit activated before its shipment was seen waits for a read of the order.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  workflowInfo,
} from '@temporalio/workflow';
import { ACTIVITY_OPTIONS } from '../src/domain/activity-options.js';
import { fulfillmentRequestIdentifier } from '../src/domain/lab-order-identifiers.js';
import { isRereadTopic } from '../src/domain/onegevity-events.js';
import { FulfillmentStatus, KitStatus, normalizeOnegevityStatus } from '../src/domain/onegevity-status.js';
import type { LabWorkflowSettings } from '../src/domain/workflow-settings.js';
import type { Activities } from '../activities/index.js';
import type { LabAddress, LabOrderPlacement } from '../src/lab/lab-order-request.js';
import type { PartnerNotification } from '../src/partner/notifier.js';
import {
  activateKitUpdate,
  labOrderStatusQuery,
  onegevityEventSignal,
  resolveLabExceptionSignal,
  resolveLabExceptionUpdate,
  type LabOrderStatus,
} from './lab/messages.js';
import { describeActivityFailure } from './shared/activity-failures.js';
import { Alarm } from './shared/alarm.js';
import { recordDecision, recordRejectedInput, type OperatorDecision } from './shared/decision-log.js';
import { EventDedupe } from './shared/event-dedupe.js';
import { handleQuery, handleSignal, handleUpdate, type InputRefusal, type RejectedInput } from './shared/handlers.js';
import {
  cancelSignal,
  resolveExceptionSignal,
  resolveExceptionUpdate,
  type ResolutionResult,
} from './shared/operator-messages.js';
import { Outbox } from './shared/outbox.js';
import { createVisibilitySync } from './shared/visibility-sync.js';
import { applyFulfillmentStatus, applyLabEvent, applyOrderSnapshot, requestRead } from './lab/apply.js';
import { labDeadlines, nextDeadline, nextEscalation } from './lab/deadlines.js';
import { labOrderDetails } from './lab/details.js';
import {
  activationAheadOfShipment,
  activationReminderMilestone,
  labNotification,
  needsOperatorMilestone,
  reachedMilestones,
  resolvedMilestone,
  resultsReleasedMilestone,
  type LabMilestone,
} from './lab/milestones.js';
import {
  correctedAddress as correctedAddressOf,
  labResolutionOf,
  labResolutionOfLegacy,
  labResolutionRefusal,
  offeredLabActions,
  type LabResolution,
} from './lab/resolution.js';
import {
  carriedLabOrderState,
  clearAttention,
  initialLabOrderState,
  isTerminal,
  isTracked,
  kitRank,
  labOrderStatusView,
  labStage,
  SEEN_EVENT_KEYS_LIMIT,
  setAttention,
  type LabOrderState,
} from './lab/state.js';
import { EscalationLevel, FulfillmentStage, LabOrderId, NeedsOperator } from './search-attributes.js';

export interface LabOrderWorkflowInput {
  orderIdentifier: string;
  settings: LabWorkflowSettings;
  /** The partner's order (PHI). Absent when a webhook started the workflow: an order this engine never started. */
  order?: LabOrderPlacement;
  /**
   * Without a placement: follow the order to its results (what the bridge asks since follow mode). Without it, an
   * order this engine never started is kept for an operator as an "unknown order".
   */
  follow?: boolean;
  /** Continue as new past this many history events (default HISTORY_EVENTS_PER_RUN; tests lower it). */
  historyEventsPerRun?: number;
  /** State carried across continue-as-new. */
  carried?: { state: LabOrderState; correctedAddress?: LabAddress };
}

const vendorWrites = proxyActivities<Activities>(ACTIVITY_OPTIONS.onegevityWrites);
const vendorReads = proxyActivities<Activities>(ACTIVITY_OPTIONS.onegevityReads);
const partner = proxyActivities<Activities>(ACTIVITY_OPTIONS.labPartner);
const partnerActions = proxyActivities<Activities>(ACTIVITY_OPTIONS.partnerAction);

/** Continue as new well before the history gets heavy (a lab order normally needs a few hundred events). */
const HISTORY_EVENTS_PER_RUN = 5_000;

/**
 * Runs from before the lab order used the shared outbox sent each notification from a coroutine woken by a condition
 * (after the rest of the workflow task's commands); later runs send it as it is queued.
 */
export const LAB_OUTBOX_SENDS_AT_ONCE_PATCH = 'lab-order-outbox-sends-at-once';

/** Runs from before it dropped every `order.updated` after the first as a duplicate (same body, same hash). */
export const LAB_REREAD_EVERY_ORDER_UPDATE_PATCH = 'lab-order-reread-every-order-update';

/** Runs from before it sent `kit_activated` as soon as the activation arrived, even ahead of `shipped`. */
export const LAB_MILESTONES_IN_ORDER_PATCH = 'lab-order-milestones-in-order';

/** Runs from before it kept a followed order's rejection flagged after whoever placed it sent a new request. */
export const LAB_FOLLOWED_REQUEST_SETTLES_REJECTION_PATCH = 'lab-followed-request-settles-rejection';

/** Runs from before it took `results.released` at its word, ending the order though its own read said otherwise. */
export const LAB_RESULTS_CONFIRMED_BY_READ_PATCH = 'lab-results-confirmed-by-read';

/** Runs from before it refused an event naming another order (a signal sent to the wrong workflow). */
export const LAB_EVENT_OF_OWN_ORDER_PATCH = 'lab-event-of-own-order';

/** Runs from before it asked an operator about an order it could not read, read after read. */
export const LAB_UNREADABLE_ORDER_FLAGGED_PATCH = 'lab-unreadable-order-flagged';

/** Reads in a row that fail before an operator is asked (at the reconcile interval: most of a day by default). */
const UNREADABLE_AFTER_FAILED_READS = 3;

interface PendingResolution {
  id: number;
  resolution: LabResolution;
  via: OperatorDecision['via'];
}

const describeFailure = describeActivityFailure;

function nowIso(): string {
  return new Date().toISOString();
}

export async function labOrderWorkflow(input: LabOrderWorkflowInput): Promise<LabOrderStatus> {
  const { workflowId } = workflowInfo();
  const { settings, order } = input;
  const reading = { followedRequestSettlesRejection: () => patched(LAB_FOLLOWED_REQUEST_SETTLES_REJECTION_PATCH) };
  const state: LabOrderState = input.carried
    ? carriedLabOrderState(input.carried.state)
    : initialLabOrderState({
        orderIdentifier: input.orderIdentifier,
        startedByEngine: order !== undefined,
        ...(order === undefined && input.follow === true ? { followed: true } : {}),
        ...(order ? { patientIdentifier: order.patientIdentifier } : {}),
        now: nowIso(),
      });
  let correctedAddress = input.carried?.correctedAddress;
  const pending: PendingResolution[] = [];
  const outcomes = new Map<number, ResolutionResult>();
  let resolutionIds = 0;
  let wake = false;
  const dedupe = new EventDedupe(state.seenEventKeys, SEEN_EVENT_KEYS_LIMIT);

  const enqueueResolution = (resolution: LabResolution, via: OperatorDecision['via']): number => {
    const id = ++resolutionIds;
    pending.push({ id, resolution, via });
    wake = true;
    return id;
  };

  /** Records an input its schema refused (the Web UI lets anyone type anything); nothing else changes. */
  const rejectInput =
    (via: OperatorDecision['via']) =>
    (rejection: RejectedInput): void => {
      state.lastProblem = `operator input refused: ${rejection.message}: ${rejection.problem}`;
      recordRejectedInput(state, rejection, { via, at: nowIso() });
      wake = true;
    };

  /** The update's answer to an input its schema or fields refused. */
  const refusedUpdate = (rejection: RejectedInput): ResolutionResult => {
    rejectInput('update')(rejection);
    return { accepted: false, reason: rejection.problem, offeredActions: offeredLabActions(state) };
  };

  /** Waits for the loop to carry out a resolution and answers with its outcome. */
  const resolved = async (id: number): Promise<ResolutionResult> => {
    await condition(() => outcomes.has(id));
    const outcome = outcomes.get(id) as ResolutionResult;
    outcomes.delete(id);
    return outcome;
  };

  handleSignal(
    onegevityEventSignal,
    (event) => {
      // A repeat of "read the order again" is a new request, not a duplicate (its body never changes).
      const reread = isRereadTopic(event.topic) && patched(LAB_REREAD_EVERY_ORDER_UPDATE_PATCH);
      if (!reread && !dedupe.add(event.dedupeKey)) {
        state.events.duplicates += 1;
        return;
      }
      // The bridge routes by the order the event names: one naming another order was sent here by hand.
      const named = event.orderIdentifier;
      if (named !== undefined && named !== state.orderIdentifier && patched(LAB_EVENT_OF_OWN_ORDER_PATCH)) {
        rejectInput('signal')({
          message: onegevityEventSignal.name,
          problem: `"orderIdentifier" names another order than this workflow's (${state.orderIdentifier})`,
        });
        return;
      }
      state.events.received += 1;
      state.events.lastTopic = event.topic;
      const effect = applyLabEvent(state, event, nowIso(), {
        resultsConfirmedByRead: () => patched(LAB_RESULTS_CONFIRMED_BY_READ_PATCH),
      });
      if (effect === 'late' || effect === 'other_request') state.events.late += 1;
      if (effect === 'informational') state.events.informational += 1;
      // Activated before its shipment was seen: the order's read brings the shipment (and its tracking) first.
      if (
        effect === 'applied' &&
        event.topic === 'kit.activated' &&
        activationAheadOfShipment(state) &&
        patched(LAB_MILESTONES_IN_ORDER_PATCH)
      ) {
        requestRead(state);
      }
      state.lastActivityAt = nowIso();
      wake = true;
    },
    {
      description:
        'A verified Onegevity webhook for this lab order, delivered by the bridge (de-duplicated by dedupeKey).',
      rejected: rejectInput('signal'),
    },
  );
  handleSignal(
    resolveExceptionSignal,
    (input) => {
      const read = labResolutionOf(input);
      if (read.ok) enqueueResolution(read.resolution, 'signal');
      else rejectInput('signal')({ message: resolveExceptionSignal.name, problem: read.problem, ...input });
    },
    {
      description:
        'Resolve what this lab order waits for with one of the offered actions (status `offeredActions`): ' +
        '{"action":"resubmit","fields":{"address":{…}},"operator","reason"} after a rejection (a new fulfillment ' +
        'request, with a corrected address if given), or {"action":"cancel","operator","reason"}.',
      rejected: rejectInput('signal'),
    },
  );
  handleUpdate(
    resolveExceptionUpdate,
    (input) => {
      const read = labResolutionOf(input);
      if (!read.ok) return refusedUpdate({ message: resolveExceptionUpdate.name, problem: read.problem, ...input });
      return resolved(enqueueResolution(read.resolution, 'update'));
    },
    {
      check: (input) => {
        const read = labResolutionOf(input);
        return read.ok ? labResolutionRefusal(state, read.resolution) : { reason: read.problem, kind: 'invalid' };
      },
      refused: refusedUpdate,
      description:
        'Like the resolveException signal, for the partner API and CLI: refuses an action not offered now or fields ' +
        'it does not take, and answers with the outcome at Onegevity.',
    },
  );
  // The lab order's own resolution messages, from before the shared contract: kept for running orders and histories.
  handleSignal(resolveLabExceptionSignal, (input) => void enqueueResolution(labResolutionOfLegacy(input), 'signal'), {
    description: 'Deprecated: resolveException does the same. {"action","address"?,"operator","reason"}.',
    rejected: rejectInput('signal'),
  });
  handleUpdate(
    resolveLabExceptionUpdate,
    (input) => resolved(enqueueResolution(labResolutionOfLegacy(input), 'update')),
    {
      check: (input) => labResolutionRefusal(state, input),
      refused: refusedUpdate,
      description: 'Deprecated: resolveExceptionUpdate does the same. {"action","address"?,"operator","reason"}.',
    },
  );
  handleSignal(cancelSignal, (cancel) => void enqueueResolution({ ...cancel, action: 'cancel' }, 'cancel'), {
    description:
      'Cancel this lab order {"operator","reason"}: cancels the fulfillment at Onegevity where it can ' +
      '(before shipping) and stops following the order.',
    rejected: rejectInput('cancel'),
  });
  // The partner activates the kit with its code (Onegevity's kitActivations), answered with Onegevity's outcome.
  let activationInFlight = false;
  const activationRefusal = (): InputRefusal | undefined => {
    if (!state.startedByEngine) return { reason: 'this engine never started this order: nothing to activate' };
    if (isTerminal(state)) return { reason: `the order has already ended (${labStage(state)})` };
    if (activationInFlight) return { reason: 'an activation is being submitted to Onegevity; wait for its outcome' };
    if (kitRank(state.kitStatus) >= kitRank(KitStatus.Activated)) return { reason: 'the kit is already activated' };
    if (state.fulfillment.status !== FulfillmentStatus.Shipped) {
      return { reason: `the kit has not shipped yet (fulfillment ${state.fulfillment.status})` };
    }
    return undefined;
  };
  handleUpdate(
    activateKitUpdate,
    async (input) => {
      const decision = { at: nowIso(), via: 'update' as const, operator: input.operator, reason: input.reason };
      activationInFlight = true;
      try {
        const snapshot = await partnerActions.activateLabKits({ ...ref(), activations: input.activations });
        applyOrderSnapshot(state, snapshot, nowIso(), reading);
        state.lastActivityAt = nowIso();
        const message = `Onegevity took ${input.activations.length} kit activation(s); the kit is ${state.kitStatus}`;
        recordDecision(state, { ...decision, action: 'activate_kit', outcome: 'accepted', detail: message });
        return { accepted: true as const, action: 'activate_kit', message };
      } catch (error) {
        if (isCancellation(error)) throw error;
        const reason = `Onegevity did not activate the kit: ${describeFailure(error)}`;
        state.lastProblem = reason;
        recordDecision(state, { ...decision, action: 'activate_kit', outcome: 'rejected', detail: reason });
        return { accepted: false as const, reason, offeredActions: offeredLabActions(state) };
      } finally {
        activationInFlight = false;
        wake = true;
      }
    },
    {
      check: activationRefusal,
      refused: refusedUpdate,
      description:
        'The partner activates the kit with the code printed on it: {"activations": [{"packageElementIdentifier"?, ' +
        '"activationCode"}], "operator", "reason"}. Possible once the kit has shipped.',
    },
  );
  const statusView = () => labOrderStatusView(state, workflowId, nextEscalation(labDeadlines(state, settings)));
  handleQuery(labOrderStatusQuery, statusView, {
    description: 'The lab order: stage, Onegevity statuses, tracking, what needs an operator, counters (no PHI).',
  });

  // ----------------------------------------------------------------------------------------- notifications

  // Notifications go out in order, one at a time, without holding up the order's own progress.
  const notifications = new Outbox<{ milestone: string; notification: PartnerNotification }>(
    async ({ milestone, notification }) => {
      try {
        await partner.notifyPartner(notification);
        state.notified.push(milestone);
      } catch (error) {
        if (isCancellation(error)) throw error;
        state.lastProblem = `partner notification ${notification.type} failed: ${describeFailure(error)}`;
      }
    },
    { startsOnCondition: !patched(LAB_OUTBOX_SENDS_AT_ONCE_PATCH) },
  );
  const enqueue = (milestone: LabMilestone): void => {
    if (state.milestonesQueued.includes(milestone.id)) return;
    state.milestonesQueued.push(milestone.id);
    notifications.push({ milestone: milestone.id, notification: labNotification(workflowId, milestone, nowIso()) });
  };
  const queueReachedMilestones = (): void => {
    // Asked only where the two orderings differ, so runs that never meet the case carry no marker.
    const activationWaitsForShipment = activationAheadOfShipment(state) && patched(LAB_MILESTONES_IN_ORDER_PATCH);
    for (const milestone of reachedMilestones(state, { activationWaitsForShipment })) enqueue(milestone);
  };

  // ----------------------------------------------------------------------------------------- visibility

  // A lab order always counted on the attributes it started with (a continue-as-new carries them over).
  const syncVisibility = createVisibilitySync(
    [FulfillmentStage, LabOrderId, NeedsOperator, EscalationLevel],
    () => true,
  );
  let details = '';
  const publish = (): void => {
    syncVisibility({
      [FulfillmentStage.name]: labStage(state),
      [LabOrderId.name]: state.orderIdentifier,
      [NeedsOperator.name]: state.attention !== undefined,
      [EscalationLevel.name]: state.escalationLevel,
    });
    const next = labOrderDetails(state, settings);
    if (next !== details) {
      details = next;
      setCurrentDetails(next);
    }
  };

  // ----------------------------------------------------------------------------------------- timers

  // One timer per distinct wake-up time: while events flow the reconcile deadline moves on without new timers; when
  // a timer fires the loop looks again and arms the next one.
  const alarm = new Alarm();
  const arm = (at: number | undefined): void => {
    if (at === undefined) return;
    const now = new Date().getTime();
    if (at <= now) wake = true;
    else alarm.arm(at, now);
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
      applyOrderSnapshot(state, created.order, now, reading);
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
      const startedAt = nowIso();
      state.reconcile.lastAt = startedAt;
      try {
        const snapshot = await vendorReads.getLabOrder(ref());
        if (isTracked(state)) {
          applyOrderSnapshot(state, snapshot, nowIso(), reading);
          // A followed order exists at Onegevity from its first read on: from then on it is followed like any other.
          if (state.followed && !state.orderCreated) {
            state.orderCreated = true;
            state.createOutcome = 'followed';
          }
        } else if (snapshot.status) state.orderStatus = normalizeOnegevityStatus(snapshot.status);
        state.reconcile.lastSucceededAt = startedAt;
        state.reconcile.failedInARow = 0;
        clearAttention(state, 'order_unreadable');
        if (state.resultsAnnouncedAt && !state.resultsReleasedAt && !isTerminal(state)) {
          state.lastProblem =
            `a results.released webhook arrived, but the order reads ${state.orderStatus ?? 'without a status'} ` +
            'without released results: it is read again (every 15 minutes for the first hour) until it shows them';
        }
      } catch (error) {
        if (isCancellation(error)) throw error;
        state.lastProblem = `reading the order failed: ${describeFailure(error)}`;
        const failed = (state.reconcile.failedInARow ?? 0) + 1;
        state.reconcile.failedInARow = failed;
        if (
          failed >= UNREADABLE_AFTER_FAILED_READS &&
          isTracked(state) &&
          !state.attention &&
          patched(LAB_UNREADABLE_ORDER_FLAGGED_PATCH)
        ) {
          setAttention(
            state,
            'order_unreadable',
            `Reading the order at Onegevity failed ${failed} times in a row (last: ${describeFailure(error)})`,
            nowIso(),
          );
          enqueue(needsOperatorMilestone(state, state.reconcile.reads));
        }
      }
    }
    state.lastActivityAt = nowIso();
  };

  const collectResults = async (): Promise<void> => {
    state.reportAttempts += 1;
    // One last read first: it brings tracking and milestones whose webhooks were lost or are still on their way
    // (results a webhook announced were taken only from a read just made).
    if (!state.resultsAnnouncedAt) await reconcile();
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
    if (!isTracked(state)) {
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

  const resolve = async ({ resolution, via }: PendingResolution): Promise<ResolutionResult> => {
    const at = nowIso();
    const operator = resolution.operator.trim();
    const reason = resolution.reason.trim();
    const decision = { at, via, operator, reason, action: resolution.action };
    // The state may have moved since the input arrived (an event, an earlier resolution).
    const refusal = labResolutionRefusal(state, resolution);
    if (refusal) {
      state.lastProblem = `operator input refused: ${refusal.reason}`;
      recordDecision(state, { ...decision, outcome: 'rejected', detail: refusal.reason });
      return { accepted: false, reason: refusal.reason, offeredActions: refusal.offeredActions };
    }
    const result =
      resolution.action === 'cancel'
        ? await cancelOrder(operator)
        : await resubmit(resolution.address ? correctedAddressOf(resolution.address) : undefined);
    recordDecision(
      state,
      result.accepted
        ? { ...decision, outcome: 'accepted', detail: result.message }
        : { ...decision, outcome: 'rejected', detail: `failed: ${result.reason}` },
    );
    return result;
  };

  // ----------------------------------------------------------------------------------------- the order's life

  for (;;) {
    queueReachedMilestones();
    publish();
    if (isTerminal(state)) break;
    const resolution = pending.shift();
    if (resolution) {
      outcomes.set(resolution.id, await resolve(resolution));
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
      await condition(() => notifications.idle() || pending.length > 0);
      if (pending.length === 0) await condition(() => allHandlersFinished() || pending.length > 0);
      if (pending.length > 0) continue;
      await continueAsNew<typeof labOrderWorkflow>({
        orderIdentifier: input.orderIdentifier,
        settings,
        ...(order ? { order } : {}),
        ...(input.follow !== undefined ? { follow: input.follow } : {}),
        ...(input.historyEventsPerRun ? { historyEventsPerRun: input.historyEventsPerRun } : {}),
        carried: {
          state: { ...state, seenEventKeys: dedupe.snapshot() },
          ...(correctedAddress ? { correctedAddress } : {}),
        },
      });
    }
    arm(nextDeadline(due));
    // A timer that rang while the loop was busy is spent: the loop just looked at every deadline.
    wake = false;
    alarm.consume();
    await condition(() => wake || alarm.rang || pending.length > 0);
  }

  // Inputs that arrived as the order ended get an answer instead of waiting forever.
  for (let next = pending.shift(); next; next = pending.shift()) {
    outcomes.set(next.id, {
      accepted: false,
      reason: `the order has already ended (${labStage(state)})`,
      offeredActions: [],
    });
  }
  await condition(() => notifications.idle());
  await condition(allHandlersFinished);
  return labOrderStatusView(state, workflowId);
}
