// Search attributes of the Honeybee workflows, kept in step with their state: only what changed is upserted (each
// upsert is a history event and a billed action), and nothing in them is PHI (stages, vendor ids, exception reasons,
// flags). Whoever starts a workflow may give its first attributes with the start (free, and no upsert at all when the
// workflow's first state shows the same): the sync begins from what the workflow started with.
import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributePair, SearchAttributeUpdatePair, TypedSearchAttributes } from '@temporalio/common';
import {
  EscalationLevel,
  ExceptionReason,
  FulfillmentStage,
  HoneybeeOrderNumber,
  HoneybeePrescriptionId,
  NeedsOperator,
  OnHoldSince,
} from '../search-attributes.js';
import type { HoneybeeEventSignal } from './messages.js';
import { observationFromEvent } from './order-observation.js';
import { applyOrderObservation, isOnHold, orderStage, startingOrderState } from './order-state.js';
import { initialPrescriptionState, PrescriptionStage } from './prescription-state.js';
import { resolveHoneybeeSettings } from './settings.js';
import type {
  HoneybeeOrderState,
  HoneybeeOrderWorkflowInput,
  PrescriptionState,
  PrescriptionWorkflowInput,
} from './types.js';

export interface HoneybeeVisibility {
  stage: string;
  prescriptionId?: string;
  orderNumber?: string;
  /** e.g. "74 Allergy Detected". */
  exceptionReason?: string;
  needsOperator: boolean;
  escalationLevel: number;
  onHoldSince?: string;
}

type Value = string | number | boolean | undefined;

/** What an order workflow shows for its state. */
export function orderVisibility(state: HoneybeeOrderState): HoneybeeVisibility {
  const onHold = isOnHold(state);
  return {
    stage: orderStage(state),
    orderNumber: state.orderNumber,
    ...(state.prescriptionIds[0] ? { prescriptionId: state.prescriptionIds[0] } : {}),
    ...(onHold && state.exception ? { exceptionReason: `${state.exception.code} ${state.exception.name}` } : {}),
    needsOperator: onHold && state.awaitingVendor === undefined,
    escalationLevel: state.escalationLevel,
    ...(state.onHoldSince ? { onHoldSince: state.onHoldSince } : {}),
  };
}

/** What a prescription workflow shows for its state. */
export function prescriptionVisibility(state: PrescriptionState): HoneybeeVisibility {
  const reason = state.exception
    ? `${state.exception.code} ${state.exception.name}`
    : state.stage === PrescriptionStage.AwaitingFillApproval && state.escalationLevel > 0
      ? 'Fill approval overdue'
      : state.currentOrder?.status === 'On Hold'
        ? state.currentOrder.exceptionReason
        : undefined;
  return {
    stage: state.stage,
    prescriptionId: state.prescriptionId,
    ...(state.currentOrder ? { orderNumber: state.currentOrder.orderNumber } : {}),
    ...(reason ? { exceptionReason: reason } : {}),
    needsOperator: state.needsOperator,
    escalationLevel: state.escalationLevel,
  };
}

/** The attributes to start a workflow with, so its first state costs no upsert. */
export function startSearchAttributes(visibility: HoneybeeVisibility): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: FulfillmentStage, value: visibility.stage },
    { key: NeedsOperator, value: visibility.needsOperator },
    { key: EscalationLevel, value: visibility.escalationLevel },
  ];
  if (visibility.prescriptionId) pairs.push({ key: HoneybeePrescriptionId, value: visibility.prescriptionId });
  if (visibility.orderNumber) pairs.push({ key: HoneybeeOrderNumber, value: visibility.orderNumber });
  if (visibility.exceptionReason) pairs.push({ key: ExceptionReason, value: visibility.exceptionReason });
  if (visibility.onHoldSince) pairs.push({ key: OnHoldSince, value: new Date(visibility.onHoldSince) });
  return pairs;
}

/** The search attributes to start an order workflow with: those of its first state (`now`: the start time, ISO). */
export function orderStartSearchAttributes(input: HoneybeeOrderWorkflowInput, now: string): SearchAttributePair[] {
  return startSearchAttributes(orderVisibility(startingOrderState(input, now)));
}

/**
 * The search attributes to start an order workflow with when a webhook starts it (the bridge): those of its state
 * once that first event is applied, as the workflow's handler applies it. Where they differ from the workflow's own
 * (an On Hold order's hold time is the workflow's clock), the workflow upserts the difference, as it would anyway.
 */
export function orderEventStartSearchAttributes(
  input: HoneybeeOrderWorkflowInput,
  event: HoneybeeEventSignal,
  now: string,
): SearchAttributePair[] {
  const state = startingOrderState(input, now);
  const observation = observationFromEvent(event);
  if (observation) applyOrderObservation(state, observation, now);
  return startSearchAttributes(orderVisibility(state));
}

/** The search attributes to start a prescription workflow with: those of its first state. */
export function prescriptionStartSearchAttributes(input: PrescriptionWorkflowInput): SearchAttributePair[] {
  return startSearchAttributes(
    prescriptionVisibility(initialPrescriptionState(input, resolveHoneybeeSettings(input.settings))),
  );
}

/** The values a workflow started with, in the sync's terms. */
function startedWith(attributes: TypedSearchAttributes): Map<string, Value> {
  const applied = new Map<string, Value>();
  const seed = (name: string, value: Value) => {
    if (value !== undefined) applied.set(name, value);
  };
  seed('stage', attributes.get(FulfillmentStage));
  seed('prescriptionId', attributes.get(HoneybeePrescriptionId));
  seed('orderNumber', attributes.get(HoneybeeOrderNumber));
  seed('exceptionReason', attributes.get(ExceptionReason));
  seed('needsOperator', attributes.get(NeedsOperator));
  seed('escalationLevel', attributes.get(EscalationLevel));
  seed('onHoldSince', attributes.get(OnHoldSince)?.toISOString());
  return applied;
}

/**
 * Runs recorded before the sync began from the start attributes upserted their first state even when they had started
 * with it (a continue-as-new carries the attributes over), and must keep doing so on replay.
 */
export const VISIBILITY_SEEDED_FROM_START_PATCH = 'visibility-sync-seeded-from-start-attributes';

/** What the sync may take as already upserted: the start attributes, for runs that began after the patch. */
function alreadyApplied(): Map<string, Value> {
  const seeded = startedWith(workflowInfo().typedSearchAttributes);
  // Asked only when it changes anything: a run that starts bare behaves the same either way and records no marker.
  if (seeded.size === 0 || !patched(VISIBILITY_SEEDED_FROM_START_PATCH)) return new Map();
  return seeded;
}

/**
 * Returns a function that upserts the attributes whose value differs from the last one upserted (or, before any, from
 * the one the workflow started with).
 */
export function createVisibilitySync(): (visibility: HoneybeeVisibility) => void {
  const applied = alreadyApplied();
  return (visibility) => {
    const updates: SearchAttributeUpdatePair[] = [];
    const changed = (name: string, value: Value): boolean => {
      if (applied.get(name) === value) return false;
      // Never set: nothing to clear.
      if (value === undefined && !applied.has(name)) return false;
      applied.set(name, value);
      return true;
    };
    if (changed('stage', visibility.stage)) updates.push({ key: FulfillmentStage, value: visibility.stage });
    if (changed('prescriptionId', visibility.prescriptionId)) {
      updates.push({ key: HoneybeePrescriptionId, value: visibility.prescriptionId ?? null });
    }
    if (changed('orderNumber', visibility.orderNumber)) {
      updates.push({ key: HoneybeeOrderNumber, value: visibility.orderNumber ?? null });
    }
    if (changed('exceptionReason', visibility.exceptionReason)) {
      updates.push({ key: ExceptionReason, value: visibility.exceptionReason ?? null });
    }
    if (changed('needsOperator', visibility.needsOperator)) {
      updates.push({ key: NeedsOperator, value: visibility.needsOperator });
    }
    if (changed('escalationLevel', visibility.escalationLevel)) {
      updates.push({ key: EscalationLevel, value: visibility.escalationLevel });
    }
    if (changed('onHoldSince', visibility.onHoldSince)) {
      updates.push({
        key: OnHoldSince,
        value: visibility.onHoldSince === undefined ? null : new Date(visibility.onHoldSince),
      });
    }
    if (updates.length > 0) upsertSearchAttributes(updates);
  };
}
