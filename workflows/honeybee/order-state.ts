// The order workflow's state transitions, pure so they can be tested without Temporal: an observation (an event or a
// poll) moves the status only forward, or sideways (`Filling` ⇄ `On Hold`) when it is newer than what set the current
// status; a late or repeated observation changes nothing. Entering and leaving a hold manage the exception, the
// escalation clock and the operator flag.
import {
  classifyOrderStatusChange,
  isKnownOrderStatus,
  isTerminalOrderStatus,
  normalizeOrderStatus,
  type OrderStatusChange,
} from '../../src/domain/honeybee-order-status.js';
import { fallbackOrderActions } from '../../src/domain/honeybee-exception-reasons.js';
import type { HoneybeeWorkflowSettings } from '../../src/domain/workflow-settings.js';
import { observationFromSnapshot, type OrderObservation } from './order-observation.js';
import type { HoneybeeOrderState, HoneybeeOrderWorkflowInput, ShipmentInfo } from './types.js';

const MAX_UNKNOWN_STATUSES = 10;

export const OrderStage = {
  Known: 'ORDER_KNOWN',
  Processing: 'ORDER_PROCESSING',
  Filling: 'ORDER_FILLING',
  OnHold: 'ORDER_ON_HOLD',
  ResolutionSubmitted: 'ORDER_RESOLUTION_SUBMITTED',
  Shipped: 'ORDER_SHIPPED',
  Delivered: 'ORDER_DELIVERED',
  Canceled: 'ORDER_CANCELED',
} as const;

export function initialOrderState(input: {
  orderNumber: string;
  patientId?: string;
  prescriptionIds?: string[];
}): HoneybeeOrderState {
  return {
    orderNumber: input.orderNumber,
    ...(input.patientId ? { patientId: input.patientId } : {}),
    prescriptionIds: [...new Set(input.prescriptionIds ?? [])],
    linkedBy: [],
    stage: OrderStage.Known,
    unknownStatuses: [],
    shipments: [],
    holdCount: 0,
    escalationLevel: 0,
    needsOperator: false,
    decisions: [],
    eventsReceived: 0,
    duplicateEvents: 0,
    lateEvents: 0,
    polls: 0,
    milestonesSent: [],
    notificationSeq: 0,
    notificationFailures: 0,
    reportFailures: 0,
  };
}

/** How observations are applied in a given run (see `applyOrderObservation`). */
export interface ObservationOptions {
  /**
   * Whether an exception Honeybee raised without `order_actions` is offered the engine's fallback actions for its
   * reason. Asked only when such an exception is met (the workflow answers with a patch: older runs replay as they
   * were recorded, with nothing offered).
   */
  fallbackActions?: () => boolean;
  /**
   * Whether a first status the engine does not know is kept for the record instead of becoming the order's status
   * (which made every later status, known or not, an `unknown` change: the order never moved again). Asked only when
   * such a first status is met (a patch, as above).
   */
  unknownFirstStatusKept?: () => boolean;
  /**
   * Whether an On Hold order whose exception Honeybee does not give, even when asked, gets a stand-in exception that
   * offers cancelling and escalates (without it, nothing could be done but wait). Asked only when that is met.
   */
  unknownHoldSettled?: () => boolean;
}

/** The name of a hold's stand-in exception (`reasonUnknown`): Honeybee has not said why. */
export const UNKNOWN_HOLD_REASON = 'On Hold, reason not given by Honeybee';

/**
 * How long a hold may go without its exception (the ORDER_EXCEPTION late or lost) before the workflow asks Honeybee,
 * and before a hold Honeybee still names no exception for gets its stand-in.
 */
export const EXCEPTION_DETAILS_GRACE_MS = 60_000;

/** A new order workflow's state: its input, and the snapshot it was started with applied like a first poll. */
export function startingOrderState(
  input: HoneybeeOrderWorkflowInput,
  now: string,
  options: ObservationOptions = {},
): HoneybeeOrderState {
  const state = initialOrderState(input);
  if (input.initialSnapshot) {
    applyOrderObservation(state, observationFromSnapshot(input.initialSnapshot, now), now, options);
  }
  return state;
}

export function isOnHold(state: Pick<HoneybeeOrderState, 'status'>): boolean {
  return state.status === 'On Hold';
}

export function isOrderEnded(state: Pick<HoneybeeOrderState, 'status'>): boolean {
  return state.status !== undefined && isTerminalOrderStatus(state.status);
}

/** The stage shown in the FulfillmentStage search attribute. */
export function orderStage(state: HoneybeeOrderState): string {
  switch (state.status) {
    case 'Processing':
      return OrderStage.Processing;
    case 'Filling':
      return OrderStage.Filling;
    case 'On Hold':
      return state.awaitingVendor ? OrderStage.ResolutionSubmitted : OrderStage.OnHold;
    case 'Shipped':
      return OrderStage.Shipped;
    case 'Delivered':
      return OrderStage.Delivered;
    case 'Canceled':
      return OrderStage.Canceled;
    default:
      return OrderStage.Known;
  }
}

export interface ObservationEffect {
  change: OrderStatusChange | 'initial' | 'none';
  /** The status changed. */
  applied: boolean;
  /** A late observation: an older status that was kept out. */
  stale: boolean;
  from?: string;
  to?: string;
  /** A new hold began (status became On Hold, or a newer exception replaced the current one). */
  newHold: boolean;
  leftHold: boolean;
  /** With `leftHold`: the exception code of the hold that ended, when it was known (the partner is told which). */
  endedExceptionCode?: string;
  /** The current hold's exception became known (with the new hold, or later). */
  exceptionLearned: boolean;
  shipmentsAdded: number;
  prescriptionsAdded: string[];
}

function timeOf(value: string | undefined): number {
  const parsed = value === undefined ? NaN : Date.parse(value);
  return Number.isNaN(parsed) ? -Infinity : parsed;
}

function sameShipment(a: ShipmentInfo, b: ShipmentInfo): boolean {
  return a.trackingNo !== undefined ? a.trackingNo === b.trackingNo : a.trackingUrl === b.trackingUrl;
}

function beginHold(state: HoneybeeOrderState, now: string): void {
  state.holdCount += 1;
  state.onHoldSince = now;
  state.escalationLevel = 0;
  delete state.exception;
  delete state.awaitingVendor;
}

function endHold(state: HoneybeeOrderState): void {
  delete state.exception;
  delete state.onHoldSince;
  delete state.awaitingVendor;
  state.escalationLevel = 0;
}

/** Applies one observation; `now` is workflow time. Mutates `state` and says what changed. */
export function applyOrderObservation(
  state: HoneybeeOrderState,
  observation: OrderObservation,
  now: string,
  options: ObservationOptions = {},
): ObservationEffect {
  const effect: ObservationEffect = {
    change: 'none',
    applied: false,
    stale: false,
    newHold: false,
    leftHold: false,
    exceptionLearned: false,
    shipmentsAdded: 0,
    prescriptionsAdded: [],
  };

  for (const id of observation.prescriptionIds) {
    if (!state.prescriptionIds.includes(id)) {
      state.prescriptionIds.push(id);
      effect.prescriptionsAdded.push(id);
    }
  }
  if (!state.patientId && observation.patientId) state.patientId = observation.patientId;

  for (const shipment of observation.shipments) {
    if (!state.shipments.some((known) => sameShipment(known, shipment))) {
      state.shipments.push(shipment);
      effect.shipmentsAdded += 1;
    }
  }

  const incoming = observation.status === undefined ? undefined : normalizeOrderStatus(observation.status);
  if (incoming !== undefined) {
    const current = state.status;
    const change: ObservationEffect['change'] =
      current !== undefined
        ? classifyOrderStatusChange(current, incoming)
        : !isKnownOrderStatus(incoming) && options.unknownFirstStatusKept?.()
          ? 'unknown'
          : 'initial';
    effect.change = change;
    const newer = timeOf(observation.at) >= timeOf(state.statusAt);
    const apply = change === 'initial' || change === 'forward' || (change === 'lateral' && newer);
    if (change === 'unknown' && !isKnownOrderStatus(incoming) && !state.unknownStatuses.includes(incoming)) {
      state.unknownStatuses.push(incoming);
      if (state.unknownStatuses.length > MAX_UNKNOWN_STATUSES) state.unknownStatuses.shift();
    }
    if (change === 'backward' || (change === 'lateral' && !newer)) effect.stale = true;
    if (apply) {
      effect.applied = true;
      effect.from = current;
      effect.to = incoming;
      state.status = incoming;
      state.statusAt = observation.at;
      if (incoming === 'On Hold') {
        beginHold(state, now);
        effect.newHold = true;
      } else if (current === 'On Hold') {
        if (state.exception) effect.endedExceptionCode = state.exception.code;
        endHold(state);
        effect.leftHold = true;
      } else {
        delete state.awaitingVendor;
      }
    } else if (change === 'same' && timeOf(observation.at) > timeOf(state.statusAt)) {
      state.statusAt = observation.at;
    }
  }

  // The exception belongs to the current hold; a stale observation's exception is an old hold's.
  if (observation.exception && isOnHold(state) && !effect.stale) {
    const known = state.exception;
    // The reason of a hold that had a stand-in is told as a new hold: the partner heard only "reason not given".
    const replaces =
      known !== undefined &&
      (known.reasonUnknown === true ||
        (timeOf(observation.at) > timeOf(known.vendorAt) &&
          // A poll repeating the hold an accepted action is still clearing is not a new hold; a new event is.
          (known.code !== observation.exception.code ||
            (state.awaitingVendor !== undefined && observation.source === 'event'))));
    if (replaces && !effect.newHold) {
      beginHold(state, now);
      effect.newHold = true;
    }
    const vendorActions = observation.actions ?? [];
    if (!state.exception) {
      state.exception = {
        source: 'order_exception',
        code: observation.exception.code,
        name: observation.exception.name,
        ...(observation.exception.message ? { message: observation.exception.message } : {}),
        actions: vendorActions,
        raisedAt: now,
        vendorAt: observation.at,
      };
      effect.exceptionLearned = true;
    } else if (vendorActions.length > 0 && (state.exception.actions.length === 0 || state.exception.fallbackActions)) {
      // Honeybee's own actions, when they come, replace the engine's fallback: they are authoritative.
      state.exception.actions = vendorActions;
      delete state.exception.fallbackActions;
      effect.exceptionLearned = true;
    }
  }
  // A hold Honeybee gives no reason for, even when asked after the grace, must still be resolvable: cancelling, at least.
  if (
    isOnHold(state) &&
    !state.exception &&
    observation.source === 'poll' &&
    !effect.stale &&
    timeOf(now) - timeOf(state.onHoldSince) >= EXCEPTION_DETAILS_GRACE_MS &&
    options.unknownHoldSettled?.()
  ) {
    state.exception = {
      source: 'order_exception',
      code: '',
      name: UNKNOWN_HOLD_REASON,
      actions: fallbackOrderActions(''),
      fallbackActions: true,
      reasonUnknown: true,
      raisedAt: now,
      vendorAt: observation.at,
    };
    effect.exceptionLearned = true;
  }
  // A hold must be resolvable: with no actions from Honeybee, offer the reason's (at least cancel_order).
  if (state.exception?.source === 'order_exception' && state.exception.actions.length === 0 && !effect.stale) {
    if (options.fallbackActions?.()) {
      state.exception.actions = fallbackOrderActions(state.exception.code);
      state.exception.fallbackActions = true;
    }
  }

  state.stage = orderStage(state);
  state.needsOperator = isOnHold(state) && state.awaitingVendor === undefined;
  return effect;
}

/**
 * When an unresolved hold escalates next (epoch ms of workflow time): `holdEscalationAfterMs` after it began, then
 * every `holdEscalationRepeatMs`; Infinity while no exception waits for an operator.
 */
export function holdEscalatesAt(
  state: HoneybeeOrderState,
  settings: Pick<HoneybeeWorkflowSettings, 'holdEscalationAfterMs' | 'holdEscalationRepeatMs'>,
): number {
  if (!state.needsOperator || !state.exception || !state.onHoldSince) return Infinity;
  return (
    Date.parse(state.onHoldSince) +
    settings.holdEscalationAfterMs +
    state.escalationLevel * settings.holdEscalationRepeatMs
  );
}
