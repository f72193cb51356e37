// The prescription workflow's pure parts: its initial state, what an RX_RECEIVED tells it, how an order milestone
// moves the current fill (never backwards), and the refill arithmetic.
import { isTerminalOrderStatus, normalizeOrderStatus } from '../../src/domain/honeybee-order-status.js';
import type { HoneybeeWorkflowSettings } from '../../src/domain/workflow-settings.js';
import type { HoneybeeEvent } from '../../src/domain/honeybee-events.js';
import { boundedText } from '../../src/domain/bounded-text.js';
import { MAX_LABEL_LENGTH } from './exception-label.js';
import type { HoneybeeOrderMilestone, PrescriptionFacts, PrescriptionState } from './types.js';

export const PrescriptionStage = {
  Received: 'RX_RECEIVED',
  MatchingPatient: 'MATCHING_PATIENT',
  AwaitingPatientMatch: 'AWAITING_PATIENT_MATCH',
  AwaitingFillApproval: 'AWAITING_FILL_APPROVAL',
  CreatingOrder: 'CREATING_ORDER',
  AwaitingOrderCorrection: 'AWAITING_ORDER_CORRECTION',
  AwaitingOrder: 'AWAITING_ORDER',
  OrderInProgress: 'ORDER_IN_PROGRESS',
  OrderOnHold: 'ORDER_ON_HOLD',
  OrderShipped: 'ORDER_SHIPPED',
  AwaitingRefill: 'AWAITING_REFILL',
  Canceling: 'CANCELING',
  Completed: 'COMPLETED',
  Expired: 'EXPIRED',
  Canceled: 'CANCELED',
} as const;

/**
 * A cancel accepted after the refill wait ended, while the run finished its last notifications, ends the prescription
 * there. Runs from before it continued as new, and the next run knew nothing of the cancel.
 */
export const CANCEL_BEFORE_NEXT_RUN_PATCH = 'prescription-cancel-before-next-run';

/**
 * Automatic Processing: after MAX_EMPTY_ORDER_LOOKS looks that found no order for the fill, the prescription asks an
 * operator (escalating) and, past its expiry, ends EXPIRED. Runs from before it looked every reconcile interval
 * forever, unflagged.
 */
export const VENDOR_ORDER_WAIT_BOUNDED_PATCH = 'prescription-vendor-order-wait-bounded';
/** Looks for Honeybee's order, one every reconcile interval, before an operator is asked (a day at 6 h). */
export const MAX_EMPTY_ORDER_LOOKS = 4;

/** Without an expiry date from Honeybee, a prescription waits this long for a refill (a typical prescription's life). */
export const DEFAULT_REFILL_WINDOW_MS = 365 * 86_400_000;
const MAX_FILLS_KEPT = 24;
const MAX_REQUEST_IDS = 20;
const MAX_UNEXPECTED_ORDERS = 10;

export function initialPrescriptionState(
  input: { prescriptionId: string; patientId?: string },
  settings: HoneybeeWorkflowSettings,
): PrescriptionState {
  return {
    prescriptionId: input.prescriptionId,
    ...(input.patientId ? { patientId: input.patientId } : {}),
    stage: PrescriptionStage.Received,
    mode: settings.mode,
    fillApproval: settings.fillApproval,
    facts: {},
    fillNumber: 1,
    fillsDelivered: 0,
    fills: [],
    recordedOrders: [],
    unexpectedOrders: [],
    approvedFills: [],
    needsOperator: false,
    escalationLevel: 0,
    decisions: [],
    eventsReceived: 0,
    duplicateEvents: 0,
    notificationSeq: 0,
    notificationFailures: 0,
    vendorRequestIds: [],
  };
}

/** The patient id and the prescription's facts an RX_RECEIVED carries (facts already known are kept). */
export function applyRxReceived(state: PrescriptionState, event: HoneybeeEvent): void {
  if (!state.patientId && event.patientId) state.patientId = event.patientId;
  const request = event.prescriptions.find((candidate) => candidate.prescriptionId === state.prescriptionId);
  if (!request) return;
  const facts: PrescriptionFacts = state.facts;
  if (facts.refillsLeft === undefined && request.refillsLeft !== undefined) facts.refillsLeft = request.refillsLeft;
  if (facts.expireDate === undefined && request.expireDate !== undefined) facts.expireDate = request.expireDate;
  if (facts.writtenQty === undefined && request.writtenQty !== undefined) facts.writtenQty = request.writtenQty;
  if (facts.daysSupply === undefined && request.daysSupply !== undefined) facts.daysSupply = request.daysSupply;
}

/** Parcels an order report may carry into the prescription's state (an order ships in one or two). */
export const MAX_MILESTONE_PARCELS = 5;
/** Reports of the next fill's order kept while the fill waits to continue as new (the first one adopts it). */
export const MAX_PENDING_MILESTONES = 10;
const MAX_STATUS_LENGTH = 100;
const MAX_TIME_LENGTH = 64;
const MAX_TRACKING_FIELD_LENGTH = 100;
const MAX_TRACKING_URL_LENGTH = 500;

function withText<K extends string>(key: K, text: string | undefined, max: number): Partial<Record<K, string>> {
  return text === undefined ? {} : ({ [key]: boundedText(text, max) } as Partial<Record<K, string>>);
}

/**
 * An order report cut to what the state keeps and carries into the next run. The order workflow's reports are within
 * these bounds already (so recorded histories apply the same), but anyone can send orderMilestone from the Web UI, and
 * unbounded text would grow the state past the payload limit or a search attribute past its size.
 */
export function boundedMilestone(milestone: HoneybeeOrderMilestone): HoneybeeOrderMilestone {
  const { status, at, exceptionReason, tracking, ...rest } = milestone;
  return {
    ...rest,
    ...(status !== undefined ? { status: boundedText(status, MAX_STATUS_LENGTH) } : {}),
    at: boundedText(at, MAX_TIME_LENGTH),
    ...(exceptionReason !== undefined ? { exceptionReason: boundedText(exceptionReason, MAX_LABEL_LENGTH) } : {}),
    ...(tracking !== undefined
      ? {
          tracking: tracking.slice(0, MAX_MILESTONE_PARCELS).map((parcel) => ({
            ...withText('trackingNo', parcel.trackingNo, MAX_TRACKING_FIELD_LENGTH),
            ...withText('trackingUrl', parcel.trackingUrl, MAX_TRACKING_URL_LENGTH),
            ...withText('carrier', parcel.carrier, MAX_TRACKING_FIELD_LENGTH),
            ...withText('shippedAt', parcel.shippedAt, MAX_TIME_LENGTH),
          })),
        }
      : {}),
  };
}

export type MilestoneDisposition = 'applied' | 'late' | 'adopted' | 'earlier_fill' | 'unexpected';

/**
 * Applies a milestone of the current order (a late one, by the order workflow's sequence, changes nothing). An order
 * that is not current is adopted when the prescription is waiting for one (`canAdopt`), ignored when an earlier fill
 * recorded it, and otherwise reported as unexpected (the caller decides: the next fill's order, or an anomaly).
 */
export function applyOrderMilestone(
  state: PrescriptionState,
  milestone: HoneybeeOrderMilestone,
  canAdopt: boolean,
): MilestoneDisposition {
  const current = state.currentOrder;
  let disposition: MilestoneDisposition;
  if (current && current.orderNumber === milestone.orderNumber) {
    if (milestone.seq <= current.seq) return 'late';
    disposition = 'applied';
  } else if (state.recordedOrders.includes(milestone.orderNumber)) {
    return 'earlier_fill';
  } else if (!current && canAdopt) {
    state.recordedOrders.push(milestone.orderNumber);
    state.currentOrder = { orderNumber: milestone.orderNumber, seq: 0 };
    disposition = 'adopted';
  } else {
    return 'unexpected';
  }
  const order = state.currentOrder;
  if (!order) return disposition;
  order.seq = milestone.seq;
  order.milestone = milestone.milestone;
  if (milestone.status) order.status = normalizeOrderStatus(milestone.status);
  if (order.status === 'On Hold' && milestone.exceptionReason) order.exceptionReason = milestone.exceptionReason;
  else delete order.exceptionReason;
  if (milestone.tracking && milestone.tracking.length > 0) order.tracking = milestone.tracking;
  return disposition;
}

/** Records an order the prescription created or adopted through its own activity. */
export function recordOrder(state: PrescriptionState, orderNumber: string, status?: string): void {
  if (!state.recordedOrders.includes(orderNumber)) state.recordedOrders.push(orderNumber);
  if (!state.currentOrder) {
    state.currentOrder = { orderNumber, seq: 0, ...(status ? { status: normalizeOrderStatus(status) } : {}) };
  } else if (state.currentOrder.orderNumber !== orderNumber) {
    noteUnexpectedOrder(state, orderNumber);
  }
}

export function noteUnexpectedOrder(state: PrescriptionState, orderNumber: string): void {
  if (state.unexpectedOrders.includes(orderNumber)) return;
  state.unexpectedOrders.push(orderNumber);
  if (state.unexpectedOrders.length > MAX_UNEXPECTED_ORDERS) state.unexpectedOrders.shift();
}

export function currentFillEnded(state: PrescriptionState): boolean {
  const status = state.currentOrder?.status;
  return status !== undefined && isTerminalOrderStatus(status);
}

/** The stage while an order is current and open. */
export function orderFollowingStage(state: PrescriptionState): string {
  switch (state.currentOrder?.status) {
    case 'On Hold':
      return PrescriptionStage.OrderOnHold;
    case 'Shipped':
      return PrescriptionStage.OrderShipped;
    default:
      return PrescriptionStage.OrderInProgress;
  }
}

/** Moves the ended current order into the fill history; returns how it ended. */
export function closeFill(state: PrescriptionState, endedAt: string): 'delivered' | 'canceled' {
  const order = state.currentOrder;
  const outcome = order?.status === 'Delivered' ? 'delivered' : 'canceled';
  state.fills.push({
    fillNumber: state.fillNumber,
    ...(order ? { orderNumber: order.orderNumber } : {}),
    outcome,
    endedAt,
    ...(order?.tracking ? { tracking: order.tracking } : {}),
  });
  if (state.fills.length > MAX_FILLS_KEPT) state.fills.shift();
  if (outcome === 'delivered') state.fillsDelivered += 1;
  delete state.currentOrder;
  // A canceled fill is not used up: the next request asks for the same fill again.
  state.fillNumber = state.fillsDelivered + 1;
  return outcome;
}

/** Fills still possible: the first fill plus `refills_left` refills (as of receipt), minus those delivered. */
export function fillsRemaining(state: PrescriptionState): number {
  return Math.max(0, 1 + (state.facts.refillsLeft ?? 0) - state.fillsDelivered);
}

/** Milliseconds until the prescription expires (end of its expire_date, UTC); the default window without one. */
export function msUntilExpiry(state: PrescriptionState, nowMs: number): number {
  const date = state.facts.expireDate;
  const end = date ? Date.parse(`${date}T23:59:59.999Z`) : NaN;
  if (Number.isNaN(end)) return DEFAULT_REFILL_WINDOW_MS;
  return end - nowMs;
}

export function noteRequestIds(state: PrescriptionState, ...ids: (string | undefined | null)[]): void {
  for (const id of ids) if (id) state.vendorRequestIds.push(id);
  while (state.vendorRequestIds.length > MAX_REQUEST_IDS) state.vendorRequestIds.shift();
}
