// The lab order's durable state, kept by labOrderWorkflow and carried across continue-as-new: ids, vendor statuses,
// what needs a human, counters. No PHI: the placement (names, address, …) stays in the workflow input and an operator's
// corrected address in a separate carried value, so the state can be shown by the `status` query as it is.
import { fulfillmentRequestIdentifier } from '../../src/domain/lab-order-identifiers.js';
import { FulfillmentStatus, KitStatus } from '../../src/domain/onegevity-status.js';
import type { DecisionLog, OperatorDecision } from '../shared/decision-log.js';
import type { LabAttentionKind, LabOrderStatus } from './messages.js';
import { labOperatorActions } from './resolution.js';

export const LabStage = {
  CreatingOrder: 'CREATING_ORDER',
  OrderFailed: 'ORDER_FAILED',
  FulfillmentRequested: 'FULFILLMENT_REQUESTED',
  Accepted: 'ACCEPTED',
  Rejected: 'REJECTED',
  Shipped: 'SHIPPED',
  KitActivated: 'KIT_ACTIVATED',
  AtLab: 'AT_LAB',
  ResultsReleased: 'RESULTS_RELEASED',
  Canceled: 'CANCELED',
  /** A followed order (placed outside the engine) before its first read. */
  Following: 'FOLLOWING',
  UnknownOrder: 'UNKNOWN_ORDER',
  Dismissed: 'DISMISSED',
} as const;
export type LabStage = (typeof LabStage)[keyof typeof LabStage];

export interface LabAttention {
  kind: LabAttentionKind;
  since: string;
  /** Ids, statuses, failure types and field names only. */
  detail: string;
}

export interface LabOrderState extends DecisionLog {
  orderIdentifier: string;
  startedByEngine: boolean;
  /**
   * An order placed outside the engine (e.g. in the patient's browser with Onegevity's UI-Kit) that its first webhook
   * started in follow mode: read and tracked to its results like the engine's own. Absent in runs from before follow
   * mode, whose unknown orders only wait for an operator.
   */
  followed?: boolean;
  /** The partner's patient id (the vendor's URL needs it). Known from the input, or from events for unknown orders. */
  patientIdentifier?: string;
  /** The order exists at Onegevity (created or adopted by the engine, or a followed order read once). */
  orderCreated: boolean;
  createOutcome?: 'created' | 'adopted' | 'followed';
  /** Order creation attempts that failed for good (each asks an operator). */
  createFailures: number;
  orderStatus?: string;
  fulfillment: {
    requestIdentifier: string;
    attempt: number;
    status: string;
    trackingNumber?: string;
    trackingUrl?: string;
    rejectionReason?: string;
  };
  /** Fulfillment requests the engine has asked for (the next resubmission is attempt requestsMade + 1). */
  requestsMade: number;
  kitStatus: string;
  shippedAt?: string;
  kitActivatedAt?: string;
  resultsReleasedAt?: string;
  /**
   * When a `results.released` webhook said the results were out, before a read of the order showed them: the results
   * are taken as released (and the partner told) only once a read does (LAB_RESULTS_CONFIRMED_BY_READ_PATCH).
   */
  resultsAnnouncedAt?: string;
  reportIdentifiers?: string[];
  reportAttempts: number;
  canceled?: { by: 'vendor' | 'operator'; at: string; operator?: string; canceledAtVendor?: boolean };
  dismissed?: { at: string; operator: string };
  attention?: LabAttention;
  escalationLevel: number;
  activationRemindersSent: number;
  /** When the kit had waited for activation long enough that an operator was asked to step in. */
  activationOperatorAskedAt?: string;
  /** When the order last showed a sign of life (an event or a read): the reconcile poll waits for quiet after it. */
  lastActivityAt: string;
  /** An event (order.updated, or a first patientIdentifier on an unknown order) asked for a read of the order. */
  readRequested: boolean;
  events: {
    received: number;
    duplicates: number;
    late: number;
    informational: number;
    lastTopic?: string;
    /** `order.updated` deliveries taken as "read the order again" (never dropped as duplicates). */
    rereadRequests?: number;
  };
  /** De-duplication keys of recent events (bounded; carried across continue-as-new). */
  seenEventKeys: string[];
  reconcile: {
    reads: number;
    /** When the last read started. */
    lastAt?: string;
    /** When the last read that succeeded started (it saw the order as it was then or later). */
    lastSucceededAt?: string;
    /** Read requests that found a read already queued and joined it (one read in flight, at most one more queued). */
    coalesced?: number;
    /** Reads that failed since the last that succeeded: enough of them ask an operator (`order_unreadable`). */
    failedInARow?: number;
  };
  /** Milestone ids handed to the partner notifier (queued or sent), so each is sent once. */
  milestonesQueued: string[];
  notified: string[];
  lastProblem?: string;
}

/** How many de-duplication keys an order remembers; an order sees a few dozen events in its life. */
export const SEEN_EVENT_KEYS_LIMIT = 500;

export function initialLabOrderState(options: {
  orderIdentifier: string;
  startedByEngine: boolean;
  /** Started by a webhook in follow mode (no placement): tracked like the engine's own orders. */
  followed?: boolean;
  patientIdentifier?: string;
  now: string;
}): LabOrderState {
  const followed = !options.startedByEngine && options.followed === true;
  return {
    orderIdentifier: options.orderIdentifier,
    startedByEngine: options.startedByEngine,
    ...(followed ? { followed } : {}),
    ...(options.patientIdentifier ? { patientIdentifier: options.patientIdentifier } : {}),
    orderCreated: false,
    createFailures: 0,
    fulfillment: {
      requestIdentifier: fulfillmentRequestIdentifier(options.orderIdentifier, 1),
      attempt: 1,
      status: FulfillmentStatus.Requested,
    },
    requestsMade: 1,
    kitStatus: KitStatus.Unregistered,
    reportAttempts: 0,
    escalationLevel: 0,
    activationRemindersSent: 0,
    lastActivityAt: options.now,
    readRequested: false,
    events: { received: 0, duplicates: 0, late: 0, informational: 0 },
    seenEventKeys: [],
    reconcile: { reads: 0 },
    milestonesQueued: [],
    notified: [],
    decisions: [],
    ...(options.startedByEngine || followed
      ? {}
      : {
          attention: {
            kind: 'unknown_order',
            since: options.now,
            detail: `Onegevity sent events for ${options.orderIdentifier}, an order this engine never started`,
          },
        }),
  };
}

const KIT_RANK: Readonly<Record<string, number>> = {
  [KitStatus.Unregistered]: 1,
  [KitStatus.NotActivated]: 2,
  [KitStatus.Activated]: 3,
  [KitStatus.AtLab]: 4,
  [KitStatus.Completed]: 5,
};

/** Whether the engine follows this order to its end: its own, or one placed elsewhere that it follows. */
export function isTracked(state: LabOrderState): boolean {
  return state.startedByEngine || state.followed === true;
}

/** The kit status rank (0 for a status we do not know). */
export function kitRank(status: string): number {
  return KIT_RANK[status] ?? 0;
}

export function isTerminal(state: LabOrderState): boolean {
  return Boolean(state.canceled || state.dismissed || (state.resultsReleasedAt && state.reportIdentifiers));
}

/** Where the order is, for the FulfillmentStage search attribute and the status query. */
export function labStage(state: LabOrderState): LabStage {
  if (state.dismissed) return LabStage.Dismissed;
  if (state.canceled) return LabStage.Canceled;
  if (!isTracked(state)) return LabStage.UnknownOrder;
  if (state.resultsReleasedAt) return LabStage.ResultsReleased;
  if (!state.orderCreated) {
    if (!state.startedByEngine) return LabStage.Following;
    return state.attention?.kind === 'order_failed' ? LabStage.OrderFailed : LabStage.CreatingOrder;
  }
  if (kitRank(state.kitStatus) >= kitRank(KitStatus.AtLab)) return LabStage.AtLab;
  if (kitRank(state.kitStatus) >= kitRank(KitStatus.Activated)) return LabStage.KitActivated;
  switch (state.fulfillment.status) {
    case FulfillmentStatus.Shipped:
      return LabStage.Shipped;
    case FulfillmentStatus.Rejected:
      return LabStage.Rejected;
    case FulfillmentStatus.Accepted:
      return LabStage.Accepted;
    default:
      return LabStage.FulfillmentRequested;
  }
}

/** A lab order's state before it kept a decision log (a continue-as-new from an older run): `resolutions`. */
interface LegacyLabOrderState extends Omit<LabOrderState, 'decisions'> {
  decisions?: OperatorDecision[];
  resolutions?: { action: string; operator: string; reason: string; at: string; outcome: string }[];
}

/** The state a run carries into the next, as this version keeps it. */
export function carriedLabOrderState(carried: LegacyLabOrderState): LabOrderState {
  const { resolutions, decisions, ...state } = carried;
  return {
    ...state,
    decisions:
      decisions ??
      (resolutions ?? []).map((record) => ({
        at: record.at,
        via: 'signal' as const,
        operator: record.operator,
        reason: record.reason,
        action: record.action,
        outcome: /^(refused|failed)\b/.test(record.outcome) ? ('rejected' as const) : ('accepted' as const),
        detail: record.outcome,
      })),
  };
}

export function setAttention(state: LabOrderState, kind: LabAttentionKind, detail: string, now: string): void {
  state.attention = { kind, since: state.attention?.kind === kind ? state.attention.since : now, detail };
}

export function clearAttention(state: LabOrderState, kind?: LabAttentionKind): void {
  if (!state.attention || (kind && state.attention.kind !== kind)) return;
  delete state.attention;
  state.escalationLevel = 0;
}

/** The attention's own words, and Onegevity's reason when it rejected the kit. */
function holdDetail(attention: NonNullable<LabOrderState['attention']>, state: LabOrderState): string {
  const rejection = attention.kind === 'fulfillment_rejected' ? state.fulfillment.rejectionReason : undefined;
  return rejection ? `${attention.detail}. Onegevity says: ${rejection}` : attention.detail;
}

/** `nextEscalationAt`: when the order escalates next on its own (epoch ms; deadlines.ts), if it will. */
export function labOrderStatusView(
  state: LabOrderState,
  workflowId: string,
  nextEscalationAt?: number,
): LabOrderStatus {
  return {
    orderIdentifier: state.orderIdentifier,
    workflowId,
    startedByEngine: state.startedByEngine,
    followed: state.followed === true,
    stage: labStage(state),
    ...(state.createOutcome ? { createOutcome: state.createOutcome } : {}),
    ...(state.orderStatus ? { orderStatus: state.orderStatus } : {}),
    fulfillment: { ...state.fulfillment },
    kitStatus: state.kitStatus,
    needsOperator: state.attention !== undefined,
    ...(state.attention ? { attention: { ...state.attention } } : {}),
    escalationLevel: state.escalationLevel,
    activationRemindersSent: state.activationRemindersSent,
    ...(state.shippedAt ? { shippedAt: state.shippedAt } : {}),
    ...(state.kitActivatedAt ? { kitActivatedAt: state.kitActivatedAt } : {}),
    ...(state.resultsReleasedAt ? { resultsReleasedAt: state.resultsReleasedAt } : {}),
    ...(state.resultsAnnouncedAt && !state.resultsReleasedAt ? { resultsAnnouncedAt: state.resultsAnnouncedAt } : {}),
    ...(state.reportIdentifiers ? { reportIdentifiers: [...state.reportIdentifiers] } : {}),
    ...(state.canceled ? { canceled: { ...state.canceled } } : {}),
    events: { ...state.events },
    reconcile: { ...state.reconcile },
    notified: [...state.notified],
    ...(state.lastProblem ? { lastProblem: state.lastProblem } : {}),
    offeredActions: labOperatorActions(state),
    ...(state.attention ? { holdReason: state.attention.kind, holdDetail: holdDetail(state.attention, state) } : {}),
    ...(nextEscalationAt !== undefined ? { nextEscalationAt: new Date(nextEscalationAt).toISOString() } : {}),
    decisions: state.decisions.map((decision) => ({ ...decision })),
    ...(state.lastRejection ? { lastRejection: { ...state.lastRejection } } : {}),
  };
}
