// Search attributes of the Honeybee workflows, kept in step with their state: only what changed is upserted (each
// upsert is a history event and a billed action), and nothing in them is PHI (stages, vendor ids, exception reasons,
// flags). Whoever starts a workflow may give its first attributes with the start (free, and no upsert at all when the
// workflow's first state shows the same): the sync begins from what the workflow started with.
import { patched } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import {
  EscalationLevel,
  ExceptionReason,
  FulfillmentStage,
  HoneybeeOrderNumber,
  HoneybeePrescriptionId,
  NeedsOperator,
  OnHoldSince,
} from '../search-attributes.js';
import { createVisibilitySync, type VisibilityValue } from '../shared/visibility-sync.js';
import type { HoneybeeEvent } from '../../src/domain/honeybee-events.js';
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
import { exceptionLabel, MAX_LABEL_LENGTH } from './exception-label.js';
import { boundedText } from '../../src/domain/bounded-text.js';

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

/** What an order workflow shows for its state. */
export function orderVisibility(state: HoneybeeOrderState): HoneybeeVisibility {
  const onHold = isOnHold(state);
  return {
    stage: orderStage(state),
    orderNumber: state.orderNumber,
    ...(state.prescriptionIds[0] ? { prescriptionId: state.prescriptionIds[0] } : {}),
    ...(onHold && state.exception ? { exceptionReason: exceptionLabel(state.exception) } : {}),
    needsOperator: onHold && state.awaitingVendor === undefined,
    escalationLevel: state.escalationLevel,
    ...(state.onHoldSince ? { onHoldSince: state.onHoldSince } : {}),
  };
}

/** What a prescription workflow shows for its state. */
export function prescriptionVisibility(state: PrescriptionState): HoneybeeVisibility {
  const reason = state.exception
    ? exceptionLabel(state.exception)
    : state.stage === PrescriptionStage.AwaitingFillApproval && state.escalationLevel > 0
      ? 'Fill approval overdue'
      : state.currentOrder?.status === 'On Hold' && state.currentOrder.exceptionReason
        ? // The order workflow's reports carry its bounded label, but anyone can send orderMilestone from the Web UI:
          // an attribute value over the server's limit gets the workflow terminated. Labels within it are unchanged.
          boundedText(state.currentOrder.exceptionReason, MAX_LABEL_LENGTH)
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
  event: HoneybeeEvent,
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

/**
 * Runs recorded before the sync began from the start attributes upserted their first state even when they had started
 * with it (a continue-as-new carries the attributes over), and must keep doing so on replay.
 */
export const VISIBILITY_SEEDED_FROM_START_PATCH = 'visibility-sync-seeded-from-start-attributes';

/** The Honeybee workflows' attributes, in upsert order. */
const HONEYBEE_KEYS = [
  FulfillmentStage,
  HoneybeePrescriptionId,
  HoneybeeOrderNumber,
  ExceptionReason,
  NeedsOperator,
  EscalationLevel,
  OnHoldSince,
] as const;

function attributeValues(visibility: HoneybeeVisibility): Record<string, VisibilityValue> {
  return {
    [FulfillmentStage.name]: visibility.stage,
    [HoneybeePrescriptionId.name]: visibility.prescriptionId,
    [HoneybeeOrderNumber.name]: visibility.orderNumber,
    [ExceptionReason.name]: visibility.exceptionReason,
    [NeedsOperator.name]: visibility.needsOperator,
    [EscalationLevel.name]: visibility.escalationLevel,
    [OnHoldSince.name]: visibility.onHoldSince,
  };
}

/**
 * Returns a function that upserts the attributes whose value differs from the last one upserted (or, before any, from
 * the one the workflow started with: asked only when it changes anything, so a run that starts bare records no
 * marker).
 */
export function createHoneybeeVisibilitySync(): (visibility: HoneybeeVisibility) => void {
  const sync = createVisibilitySync(
    HONEYBEE_KEYS,
    (started) => started.size > 0 && patched(VISIBILITY_SEEDED_FROM_START_PATCH),
  );
  return (visibility) => sync(attributeValues(visibility));
}
