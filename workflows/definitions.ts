// Signal, query and update definitions: the one module that workflows and clients (bridge, CLI, partner API, tests)
// share. Input shapes live here; each workflow registers its handlers (with descriptions, which the Web UI lists)
// before its first await. Operator inputs are one JSON object, which is what the Web UI's "Send a Signal" sends.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  HoneybeeOrderLink,
  HoneybeeOrderMilestone,
  HoneybeeOrderState,
  PrescriptionState,
} from './honeybee/types.js';

// ---------------------------------------------------------------------------------------------------------------
// Vendor events (bridge → workflows, by signal-with-start)

/** A verified Honeybee webhook, as the bridge hands it to a workflow. */
export interface HoneybeeEventSignal {
  /** Honeybee's `event_id`: the de-duplication key. */
  eventId: string;
  /** Honeybee's `event_type` (an open set: unknown types are kept). */
  eventType: string;
  /** When the bridge received it (ISO 8601). */
  receivedAt: string;
  /** The bridge's request id, for the audit trail. */
  requestId: string;
  /** The webhook payload as Honeybee sent it (ids only: Honeybee webhooks carry no PHI). */
  payload: Record<string, unknown>;
}

export const honeybeeEventSignal = defineSignal<[HoneybeeEventSignal]>('honeybeeEvent');

/** A verified Onegevity webhook. Onegevity sends no event id, so the bridge derives one from topic and raw body. */
export interface OnegevityEventSignal {
  /** sha256 hex of `topic + "\n" + raw body`: the de-duplication key. */
  dedupeKey: string;
  /** e.g. `fulfillment.accepted` (an open set). */
  topic: string;
  receivedAt: string;
  requestId: string;
  payload: Record<string, unknown>;
}

export const onegevityEventSignal = defineSignal<[OnegevityEventSignal]>('onegevityEvent');

// ---------------------------------------------------------------------------------------------------------------
// Operators (Web UI signals, CLI, partner API)

/** Who did it and why: every operator input carries both, and the audit shows them. */
export interface OperatorAttribution {
  operator: string;
  reason: string;
}

/**
 * Resolve an exception with one of the offered actions: an On Hold order (`order_actions` of the ORDER_EXCEPTION
 * event), or an order creation the vendor refused (422; e.g. `update_shipping_address` with a corrected address).
 */
export interface ResolveExceptionInput extends OperatorAttribution {
  action: string;
  fields?: Record<string, unknown>;
}

/** The outcome the update returns to API/CLI callers; a rejection names the reason. */
export type ResolutionResult =
  { accepted: true; action: string; message: string } | { accepted: false; reason: string; offeredActions: string[] };

/** Signal form, for the Web UI: an invalid input is recorded in the workflow state and current details. */
export const resolveExceptionSignal = defineSignal<[ResolveExceptionInput]>('resolveException');
/** Update form, for the partner API and CLI: the validator rejects an action that was not offered, with the reason. */
export const resolveExceptionUpdate = defineUpdate<ResolutionResult, [ResolveExceptionInput]>('resolveExceptionUpdate');

/** Match a prescription's patient to the partner's patient when the directory found none or several. */
export interface MatchPatientInput extends OperatorAttribution {
  partnerPatientId: string;
}

export const matchPatientSignal = defineSignal<[MatchPatientInput]>('matchPatient');

/** Cancel at any wait: a prescription, an order (its On Hold exception's cancel action) or a lab order. */
export type CancelInput = OperatorAttribution;

export const cancelSignal = defineSignal<[CancelInput]>('cancel');

// ---------------------------------------------------------------------------------------------------------------
// Partner (partner API → prescription workflow)

/** The partner approves a fill (payment done). Without `fillNumber`, the fill currently waiting. */
export interface ApproveFillInput {
  approvedBy: string;
  fillNumber?: number;
  paymentReference?: string;
}

export const approveFillSignal = defineSignal<[ApproveFillInput]>('approveFill');

/** The partner asks for the next refill (Partner Requested Fills). */
export interface RequestRefillInput {
  requestedBy: string;
}

export const requestRefillSignal = defineSignal<[RequestRefillInput]>('requestRefill');

// ---------------------------------------------------------------------------------------------------------------
// Lab orders (Onegevity)

/** Resolve a rejected kit fulfillment: resubmit (usually with a corrected address) or cancel. */
export interface ResolveLabExceptionInput extends OperatorAttribution {
  action: 'resubmit' | 'cancel';
  /** A corrected shipping address for `resubmit` (Onegevity address shape). */
  address?: Record<string, unknown>;
}

export const resolveLabExceptionSignal = defineSignal<[ResolveLabExceptionInput]>('resolveLabException');
export const resolveLabExceptionUpdate = defineUpdate<ResolutionResult, [ResolveLabExceptionInput]>(
  'resolveLabExceptionUpdate',
);

/** What needs a human on a lab order (NeedsOperator is true exactly when one of these is set). */
export type LabAttentionKind =
  'fulfillment_rejected' | 'order_failed' | 'kit_not_activated' | 'reports_unavailable' | 'unknown_order';

/**
 * The `status` query of `labOrderWorkflow`: ids, vendor statuses and counters. No patient details (names, addresses,
 * dates of birth; the address a `resubmit` brought stays out too); only `fulfillment.rejectionReason` is vendor text.
 */
export interface LabOrderStatus {
  orderIdentifier: string;
  workflowId: string;
  /** False for an order this engine never started (a webhook for an unknown `lab…` identifier). */
  startedByEngine: boolean;
  /** CREATING_ORDER, ORDER_FAILED, FULFILLMENT_REQUESTED, ACCEPTED, REJECTED, SHIPPED, KIT_ACTIVATED, AT_LAB, RESULTS_RELEASED, CANCELED, UNKNOWN_ORDER, DISMISSED. */
  stage: string;
  /** How the order came to exist at Onegevity: created now, or adopted after a conflict or a lost answer. */
  createOutcome?: 'created' | 'adopted';
  /** Onegevity's order status, as last read. */
  orderStatus?: string;
  fulfillment: {
    requestIdentifier: string;
    /** 1 for the order's own request, n ≥ 2 for resubmission `{orderIdentifier}R{n}`. */
    attempt: number;
    status: string;
    trackingNumber?: string;
    trackingUrl?: string;
    /** Onegevity's own words, kept for the operator (encrypted like every payload; never in details or notifications). */
    rejectionReason?: string;
  };
  /** The least advanced kit element's status (UNREGISTERED … COMPLETED). */
  kitStatus: string;
  needsOperator: boolean;
  attention?: { kind: LabAttentionKind; since: string; detail: string };
  /** 0 none, 1 activation reminder(s) sent, 2 an operator was asked to step in. */
  escalationLevel: number;
  activationRemindersSent: number;
  shippedAt?: string;
  kitActivatedAt?: string;
  resultsReleasedAt?: string;
  reportIdentifiers?: string[];
  canceled?: { by: 'vendor' | 'operator'; at: string; operator?: string; canceledAtVendor?: boolean };
  events: { received: number; duplicates: number; late: number; informational: number; lastTopic?: string };
  reconcile: { reads: number; lastAt?: string };
  /** Partner notifications sent (milestone ids, e.g. `shipped`, `rejected:1`). */
  notified: string[];
  resolutions: { action: string; operator: string; reason: string; at: string; outcome: string }[];
  /** The last thing that went wrong (an operator input refused, a vendor call failed), without PHI. */
  lastProblem?: string;
}

export const labOrderStatusQuery = defineQuery<LabOrderStatus>('status');

// ---------------------------------------------------------------------------------------------------------------
// Dead letters (bridge → deadLetterWorkflow)

/** An authentic webhook that fits no workflow, kept with why. */
export interface ParkedWebhook {
  vendor: 'honeybee' | 'onegevity';
  reason: string;
  receivedAt: string;
  requestId: string;
  /** Onegevity topic, or Honeybee event type when readable. */
  topic?: string;
  /** The raw body as text (vendor webhooks carry ids, not PHI; the payload is encrypted at rest anyway). */
  body: string;
}

export const parkWebhookSignal = defineSignal<[ParkedWebhook]>('parkWebhook');

export interface ParkedWebhooks {
  vendor: string;
  total: number;
  entries: ParkedWebhook[];
}

export const parkedWebhooksQuery = defineQuery<ParkedWebhooks>('parked');

// ---------------------------------------------------------------------------------------------------------------
// Honeybee workflows among themselves (activities signal-with-start the other workflow, so neither races a start)

/** The order workflow tells its prescription workflows how the order goes (linked, on hold, shipped, ended, …). */
export const orderMilestoneSignal = defineSignal<[HoneybeeOrderMilestone]>('orderMilestone');

/** The prescription workflow that created (or adopted) an order tells the order workflow which fill it is. */
export const orderLinkedSignal = defineSignal<[HoneybeeOrderLink]>('orderLinked');

// ---------------------------------------------------------------------------------------------------------------
// Queries. Each workflow answers `status` with its own state type (see its module); this definition is the name.

export type PrescriptionStatus = PrescriptionState;

export const prescriptionStatusQuery = defineQuery<PrescriptionStatus>('status');
export const honeybeeOrderStatusQuery = defineQuery<HoneybeeOrderState>('status');

/** Every engine workflow answers `status`; clients that handle any of them (partner API, CLI) read it untyped. */
export const workflowStatusQuery = defineQuery<unknown>('status');
