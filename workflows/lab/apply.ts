// How a webhook or a read of the order moves a lab order's state: forward only (the pure orderings of
// src/domain/onegevity-status.ts), so a late, repeated or reordered event never undoes anything. Fulfillment events
// count only for the current fulfillment request; an earlier request's events (a rejected R1 after R2 was sent) are
// late. Pure: the workflow calls these from its handlers and loop.
import { fulfillmentRequestIdentifier } from '../../src/domain/lab-order-identifiers.js';
import { ownEntry } from '../../src/domain/own-entry.js';
import {
  classifyFulfillmentStatusChange,
  classifyKitStatusChange,
  FulfillmentStatus,
  KitStatus,
  LabOrderStatus,
  normalizeOnegevityStatus,
} from '../../src/domain/onegevity-status.js';
import type { LabOrderSnapshot } from '../../activities/lab.js';
import type { OnegevityEvent } from '../../src/domain/onegevity-events.js';
import { clearAttention, isTracked, kitRank, setAttention, type LabOrderState } from './state.js';

/**
 * - `applied`: the state moved forward (or gained tracking it lacked).
 * - `late`: nothing new (an earlier status, or an earlier fulfillment request's event).
 * - `read_requested`: the event says something changed without saying what; the workflow reads the order.
 * - `informational`: recorded only (order.created, patient events, unknown topics, any event of an order kept for an
 *   operator as unknown).
 * - `other_request`: a fulfillment event for a request identifier this order never made.
 */
export type LabEventEffect = 'applied' | 'late' | 'read_requested' | 'informational' | 'other_request';

const FULFILLMENT_TOPICS: Readonly<Record<string, string>> = {
  'fulfillment.requested': FulfillmentStatus.Requested,
  'fulfillment.accepted': FulfillmentStatus.Accepted,
  'fulfillment.rejected': FulfillmentStatus.Rejected,
  'fulfillment.canceled': FulfillmentStatus.Canceled,
  'fulfillment.shipped': FulfillmentStatus.Shipped,
};

export interface FulfillmentExtras {
  trackingNumber?: string;
  trackingUrl?: string;
  reason?: string;
}

/** Moves the kit forward; reaching ACTIVATED ends the activation reminders and their operator flag. */
export function applyKitStatus(state: LabOrderState, incoming: string, now: string): boolean {
  const status = normalizeOnegevityStatus(incoming);
  if (classifyKitStatusChange(state.kitStatus, status) !== 'forward') return false;
  state.kitStatus = status;
  if (kitRank(status) >= kitRank(KitStatus.Activated)) {
    state.kitActivatedAt ??= now;
    clearAttention(state, 'kit_not_activated');
    state.escalationLevel = state.attention ? state.escalationLevel : 0;
  }
  return true;
}

/** Moves the current fulfillment request forward, with what each status brings (rejection, tracking, cancel). */
export function applyFulfillmentStatus(
  state: LabOrderState,
  incoming: string,
  extras: FulfillmentExtras,
  now: string,
): boolean {
  const status = normalizeOnegevityStatus(incoming);
  const fulfillment = state.fulfillment;
  const change = classifyFulfillmentStatusChange(fulfillment.status, status);
  if (change === 'same') {
    // A repeat of SHIPPED may carry the tracking a first, thinner report lacked.
    if (status !== FulfillmentStatus.Shipped || fulfillment.trackingNumber || !extras.trackingNumber) return false;
    fulfillment.trackingNumber = extras.trackingNumber;
    if (extras.trackingUrl) fulfillment.trackingUrl = extras.trackingUrl;
    return true;
  }
  if (change !== 'forward') return false;
  fulfillment.status = status;
  switch (status) {
    case FulfillmentStatus.Rejected:
      if (extras.reason) fulfillment.rejectionReason = extras.reason;
      setAttention(
        state,
        'fulfillment_rejected',
        `Onegevity rejected fulfillment request ${fulfillment.requestIdentifier} (attempt ${fulfillment.attempt})`,
        now,
      );
      break;
    case FulfillmentStatus.Shipped:
      if (extras.trackingNumber) fulfillment.trackingNumber = extras.trackingNumber;
      if (extras.trackingUrl) fulfillment.trackingUrl = extras.trackingUrl;
      state.shippedAt ??= now;
      applyKitStatus(state, KitStatus.NotActivated, now);
      break;
    case FulfillmentStatus.Canceled:
      state.canceled ??= { by: 'vendor', at: now };
      break;
  }
  return true;
}

/** Results are out: the kit is done and the workflow fetches the reports. */
export function markResultsReleased(state: LabOrderState, now: string): boolean {
  if (state.resultsReleasedAt) return false;
  state.resultsReleasedAt = now;
  applyKitStatus(state, KitStatus.Completed, now);
  return true;
}

/** Whether `requestorId` is one of this order's earlier fulfillment requests. */
function isEarlierRequest(state: LabOrderState, requestorId: string | undefined): boolean {
  if (!requestorId) return false;
  for (let attempt = 1; attempt < state.fulfillment.attempt; attempt++) {
    if (fulfillmentRequestIdentifier(state.orderIdentifier, attempt) === requestorId) return true;
  }
  return false;
}

/** Asks for a read of the order; a request that finds one already queued joins it (the read is idempotent). */
export function requestRead(state: LabOrderState): void {
  if (state.readRequested) state.reconcile.coalesced = (state.reconcile.coalesced ?? 0) + 1;
  state.readRequested = true;
}

/** How an event is applied in a given run. */
export interface LabEventOptions {
  /**
   * Whether `results.released` waits for a read of the order to show the results before the order takes them as
   * released (and tells the partner of every milestone they imply). Asked only when the results are not yet released.
   */
  resultsConfirmedByRead?: () => boolean;
}

export function applyLabEvent(
  state: LabOrderState,
  event: OnegevityEvent,
  now: string,
  options: LabEventOptions = {},
): LabEventEffect {
  const patientIdentifier = event.patientIdentifier;
  if (!state.patientIdentifier && patientIdentifier) {
    state.patientIdentifier = patientIdentifier;
    // An order this engine did not start: read it, to follow it (or so the operator sees where an unknown one stands).
    if (!state.startedByEngine) requestRead(state);
  }
  // An unknown order (from before follow mode) is kept for an operator: nothing is notified or decided on its events.
  if (!isTracked(state)) return 'informational';

  // The topic is the sender's (an unsigned header, or anyone's Web UI signal): `constructor` is an unknown topic.
  const fulfillmentStatus = ownEntry(FULFILLMENT_TOPICS, event.topic);
  if (fulfillmentStatus) {
    const requestorId = event.requestorId;
    if (requestorId !== state.fulfillment.requestIdentifier) {
      return isEarlierRequest(state, requestorId) ? 'late' : 'other_request';
    }
    const extras: FulfillmentExtras = {};
    if (event.trackingNumber) extras.trackingNumber = event.trackingNumber;
    if (event.trackingUrl) extras.trackingUrl = event.trackingUrl;
    if (event.reason) extras.reason = event.reason;
    return applyFulfillmentStatus(state, fulfillmentStatus, extras, now) ? 'applied' : 'late';
  }
  switch (event.topic) {
    case 'kit.activated':
      return applyKitStatus(state, KitStatus.Activated, now) ? 'applied' : 'late';
    case 'results.released':
      if (state.resultsReleasedAt) return 'late';
      // A webhook is a hint: an early, misrouted or forged one must not end the order on its own word.
      if (options.resultsConfirmedByRead?.()) {
        state.resultsAnnouncedAt ??= now;
        requestRead(state);
        return 'read_requested';
      }
      return markResultsReleased(state, now) ? 'applied' : 'late';
    case 'order.updated':
      state.events.rereadRequests = (state.events.rereadRequests ?? 0) + 1;
      requestRead(state);
      return 'read_requested';
    default:
      return 'informational';
  }
}

/** The least advanced kit element (the kit as a whole is only as far as its slowest element). */
export function leastKitStatus(statuses: readonly string[]): string | undefined {
  let least: string | undefined;
  for (const raw of statuses) {
    const status = normalizeOnegevityStatus(raw);
    if (kitRank(status) === 0) continue;
    if (least === undefined || kitRank(status) < kitRank(least)) least = status;
  }
  return least;
}

/**
 * A followed order's fulfillment request is whatever the order shows (whoever placed it chose the identifier): the
 * order's latest request becomes the current one. A new request after one the order had already moved on is the next
 * attempt.
 */
function followRequestOf(
  state: LabOrderState,
  requestIdentifier: string | null | undefined,
  options: SnapshotOptions,
): void {
  if (!state.followed || !requestIdentifier || requestIdentifier === state.fulfillment.requestIdentifier) return;
  const previous = state.fulfillment;
  const attempt =
    previous.status === FulfillmentStatus.Requested && !state.orderCreated ? previous.attempt : previous.attempt + 1;
  state.fulfillment = { requestIdentifier, attempt, status: FulfillmentStatus.Requested };
  state.requestsMade = Math.max(state.requestsMade, attempt);
  // The rejection was the earlier request's: whoever placed the order answered it with this one.
  if (state.attention?.kind === 'fulfillment_rejected' && options.followedRequestSettlesRejection?.()) {
    clearAttention(state, 'fulfillment_rejected');
  }
}

/** How a read of the order is applied in a given run. */
export interface SnapshotOptions {
  /**
   * Whether a followed order's new fulfillment request settles the earlier one's rejection (the operator flag). Asked
   * only when that is met (the workflow answers with a patch: runs from before it replay as recorded).
   */
  followedRequestSettlesRejection?: () => boolean;
}

/** Applies a read of the order (creation answer, reconcile poll, final read before the results). */
export function applyOrderSnapshot(
  state: LabOrderState,
  snapshot: LabOrderSnapshot,
  now: string,
  options: SnapshotOptions = {},
): boolean {
  let changed = false;
  if (snapshot.status) state.orderStatus = normalizeOnegevityStatus(snapshot.status);
  const fulfillment = snapshot.fulfillment;
  followRequestOf(state, fulfillment?.requestIdentifier, options);
  // The order shows its latest fulfillment request; an older one (read before a resubmission landed) says nothing.
  if (fulfillment?.status && fulfillment.requestIdentifier === state.fulfillment.requestIdentifier) {
    const extras: FulfillmentExtras = {};
    if (fulfillment.trackingNumber) extras.trackingNumber = fulfillment.trackingNumber;
    if (fulfillment.trackingUrl) extras.trackingUrl = fulfillment.trackingUrl;
    if (fulfillment.rejectionReason) extras.reason = fulfillment.rejectionReason;
    changed = applyFulfillmentStatus(state, fulfillment.status, extras, now) || changed;
  }
  const kit = leastKitStatus(snapshot.kitStatuses);
  if (kit) changed = applyKitStatus(state, kit, now) || changed;
  const orderStatus = snapshot.status ? normalizeOnegevityStatus(snapshot.status) : undefined;
  if (orderStatus === LabOrderStatus.ResultsReleased || snapshot.completed) {
    changed = markResultsReleased(state, now) || changed;
  }
  if (orderStatus === LabOrderStatus.Canceled && !state.canceled && !state.resultsReleasedAt) {
    state.canceled = { by: 'vendor', at: now };
    changed = true;
  }
  return changed;
}
