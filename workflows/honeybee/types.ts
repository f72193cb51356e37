// The shapes the Honeybee workflows share with their activities, the bridge, clients and tests: workflow inputs,
// the state each workflow answers its `status` query with, and the compact vendor views activities return. Pure
// types: no PHI goes into search attributes or current details, but this state (encrypted at rest like every payload)
// may hold the vendor's free-text exception message.
import type { HoneybeeWorkflowSettings } from '../../src/domain/workflow-settings.js';
import type { OperatorDecision } from '../shared/decision-log.js';
import type { OperatorStatus } from '../shared/operator-messages.js';
import type { HoneybeeOrderLink, HoneybeeOrderMilestone, PatientSafetyInput } from './messages.js';

export type { HoneybeeOrderLink, HoneybeeOrderMilestone, OperatorDecision };

import type { OfferedAction, ShipmentInfo } from '../../src/domain/honeybee-events.js';

export type { OfferedAction, ShipmentInfo };

/** Something only a human can settle: an On Hold order, an order the vendor refused to create, an unmatched patient. */
export interface OperatorException {
  source: 'order_exception' | 'order_creation' | 'patient_match';
  /** The vendor's exception id (74) or error codes ("42230"). */
  code: string;
  /** e.g. "Allergy Detected", "Address not found": shown to operators and in the ExceptionReason search attribute. */
  name: string;
  /** The vendor's free text. Kept in the (encrypted) state only: never in current details or search attributes. */
  message?: string;
  /** Authoritative: only these are accepted. */
  actions: OfferedAction[];
  /**
   * Honeybee raised the exception without actions, so `actions` are the engine's fallback for its reason
   * (src/domain/honeybee-exception-reasons.ts); Honeybee's own replace them when they come.
   */
  fallbackActions?: true;
  /**
   * The order is On Hold and Honeybee gave no reason, not even when asked (a poll): the engine holds the place of the
   * exception (no code, only cancelling offered) so the hold can be settled and escalates; the real one replaces it.
   */
  reasonUnknown?: true;
  /** Workflow time when the engine learned of it. */
  raisedAt: string;
  /** The vendor's time for it (the event's timestamp), to tell a newer exception from a late copy. */
  vendorAt?: string;
  /** The ORDER_EXCEPTION event that raised it, when one did. */
  eventId?: string;
  /** Field names the vendor objected to (creation refusals). */
  fields?: string[];
}

// ------------------------------------------------------------------------------------------------------------------
// Order workflow

export interface HoneybeeOrderWorkflowInput {
  orderNumber: string;
  patientId?: string;
  prescriptionIds?: string[];
  settings?: HoneybeeWorkflowSettings;
  /**
   * The order as Honeybee answered the prescription's activity that created or adopted it, moments before: taken as
   * the first poll, so the workflow need not ask again at once.
   */
  initialSnapshot?: HoneybeeOrderSnapshot;
  /** Set by continue-as-new. */
  carried?: HoneybeeOrderCarried;
}

export interface HoneybeeOrderCarried {
  state: HoneybeeOrderState;
  seenEventIds: string[];
}

/** The order workflow's `status`: its state and the operator contract (offered actions, hold reason). */
export type HoneybeeOrderStatus = HoneybeeOrderState & OperatorStatus;

export interface HoneybeeOrderState {
  orderNumber: string;
  patientId?: string;
  prescriptionIds: string[];
  /** Prescriptions that linked this order themselves (they need no `linked` report back). */
  linkedBy: string[];
  fillNumber?: number;
  stage: string;
  /** Canonical overall status (`On Hold`, …) or an unknown value as the vendor wrote it. */
  status?: string;
  /** Timestamp of the event (or poll) that set `status`: decides `Filling` ⇄ `On Hold`. */
  statusAt?: string;
  /** Unknown statuses seen, kept for the record (they change nothing). */
  unknownStatuses: string[];
  shipments: ShipmentInfo[];
  exception?: OperatorException;
  /** Counts holds: an On Hold notification and escalation belong to one hold. */
  holdCount: number;
  onHoldSince?: string;
  escalationLevel: number;
  needsOperator: boolean;
  /** An order action was accepted by Honeybee; the order waits for its next status. */
  awaitingVendor?: { action: string; since: string };
  decisions: OperatorDecision[];
  lastRejection?: OperatorDecision;
  eventsReceived: number;
  duplicateEvents: number;
  lateEvents: number;
  lastEventType?: string;
  lastEventAt?: string;
  /** Workflow time of the last event or poll: the reconcile timer counts from here. */
  lastHeardAt?: string;
  polls: number;
  lastPollRequestId?: string;
  /** Why the last poll failed (a vendor refusal), if it did. */
  lastPollError?: string;
  /** Milestones already told to the partner and the prescriptions (by name and hold), so none goes twice. */
  milestonesSent: string[];
  notificationSeq: number;
  notificationFailures: number;
  reportFailures: number;
}

// ------------------------------------------------------------------------------------------------------------------
// Prescription workflow

export interface PrescriptionWorkflowInput {
  prescriptionId: string;
  patientId?: string;
  settings?: HoneybeeWorkflowSettings;
  /** Set by continue-as-new (one run per fill). */
  carried?: PrescriptionCarried;
}

export interface PrescriptionCarried {
  state: PrescriptionState;
  seenEventIds: string[];
  /** A milestone of the next fill's order that arrived before the previous run ended. */
  pendingMilestones: HoneybeeOrderMilestone[];
  /** Patient-safety intakes given with the approval of this fill or a later one. */
  intakes?: FillIntake[];
}

/**
 * The patient-safety intake the partner gave with a fill's approval, for that fill's order. Kept apart from the state
 * the `status` query answers (it is patient data), and carried to the run of the fill it was given for.
 */
export interface FillIntake {
  fillNumber: number;
  patientSafety: PatientSafetyInput;
}

export interface PrescriptionFacts {
  refillsLeft?: number;
  expireDate?: string;
  writtenQty?: number;
  daysSupply?: number;
}

export interface FillRecord {
  fillNumber: number;
  orderNumber?: string;
  outcome: 'delivered' | 'canceled';
  endedAt: string;
  tracking?: ShipmentInfo[];
}

/** The prescription workflow's `status`: its state and the operator contract (offered actions, hold reason). */
export type PrescriptionStatus = PrescriptionState & OperatorStatus;

export interface PrescriptionState {
  prescriptionId: string;
  patientId?: string;
  stage: string;
  mode: HoneybeeWorkflowSettings['mode'];
  fillApproval: HoneybeeWorkflowSettings['fillApproval'];
  facts: PrescriptionFacts;
  match?: { partnerPatientId: string; matchedBy: string; operator?: string };
  fillNumber: number;
  fillsDelivered: number;
  fills: FillRecord[];
  /** Every order number created or adopted for this prescription (across fills): never adopted twice. */
  recordedOrders: string[];
  currentOrder?: {
    orderNumber: string;
    status?: string;
    milestone?: string;
    seq: number;
    exceptionReason?: string;
    tracking?: ShipmentInfo[];
  };
  /** Orders for this prescription that were neither created nor adopted for a fill (kept for an operator to see). */
  unexpectedOrders: string[];
  approvedFills: number[];
  refillRequested?: { by: string; at: string };
  exception?: OperatorException;
  needsOperator: boolean;
  escalationLevel: number;
  decisions: OperatorDecision[];
  lastRejection?: OperatorDecision;
  canceled?: { operator: string; reason: string; at: string; orderOutcome?: string };
  endReason?: string;
  eventsReceived: number;
  duplicateEvents: number;
  lastEventType?: string;
  notificationSeq: number;
  notificationFailures: number;
  /** Vendor X-Request-Ids of the calls made for this fill, newest last (bounded). */
  vendorRequestIds: string[];
}

// ------------------------------------------------------------------------------------------------------------------
// Vendor views returned by activities (ids, statuses and codes; patient data never leaves the activity)

export interface HoneybeeOrderSnapshot {
  orderNumber: string;
  patientId?: string;
  status?: string;
  prescriptionIds: string[];
  dispenseStatuses: string[];
  shipments: ShipmentInfo[];
  exception?: { id?: string; name?: string; message?: string };
  actions: OfferedAction[];
  requestId?: string;
  fromCache: boolean;
}
