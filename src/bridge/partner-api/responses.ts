// The partner API's answers as zod schemas: the OpenAPI document is written from them, and the contract tests
// (schemathesis against the live API) hold every answer to them. A workflow's state is open (`looseObject`): the
// fields named here are the ones a partner may rely on, and a workflow may add more.
import { z } from 'zod';
import { partnerNotificationInput } from '../../../workflows/notifications/messages.js';
import { VENDORS } from '../../domain/vendors.js';

export const errorBody = z.object({
  error: z.object({
    /** e.g. `invalid_request`, `wrong_state`, `rejected`. */
    code: z.string(),
    message: z.string(),
    /** What is wrong with the request, field by field (400). */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** What the workflow accepts instead, when it refused an action (409, 422). */
    offeredActions: z.array(z.string()).optional(),
  }),
});

const actionField = z.looseObject({
  name: z.string(),
  required: z.boolean(),
  description: z.string(),
  example: z.unknown().optional(),
});

export const offeredAction = z.looseObject({
  action: z.string(),
  description: z.string(),
  fields: z.array(actionField),
});

export const decision = z.looseObject({
  at: z.string(),
  via: z.string(),
  operator: z.string(),
  reason: z.string(),
  action: z.string(),
  outcome: z.enum(['accepted', 'rejected']),
  detail: z.string(),
  requestId: z.string().optional(),
});

/** The operator contract every workflow's status carries. */
const operatorContract = {
  offeredActions: z.array(offeredAction),
  holdReason: z.string().optional(),
  decisions: z.array(decision),
  lastRejection: decision.optional(),
};

export const prescriptionStatus = z.looseObject({
  prescriptionId: z.string(),
  stage: z.string(),
  mode: z.string(),
  fillApproval: z.string(),
  fillNumber: z.number().int(),
  fillsDelivered: z.number().int(),
  needsOperator: z.boolean(),
  escalationLevel: z.number().int(),
  match: z.looseObject({ partnerPatientId: z.string(), matchedBy: z.string() }).optional(),
  currentOrder: z.looseObject({ orderNumber: z.string(), status: z.string().optional() }).optional(),
  recordedOrders: z.array(z.string()),
  endReason: z.string().optional(),
  ...operatorContract,
});

export const orderStatus = z.looseObject({
  orderNumber: z.string(),
  stage: z.string(),
  status: z.string().optional(),
  prescriptionIds: z.array(z.string()),
  needsOperator: z.boolean(),
  escalationLevel: z.number().int(),
  shipments: z.array(z.looseObject({})),
  onHoldSince: z.string().optional(),
  ...operatorContract,
});

export const labOrderStatus = z.looseObject({
  orderIdentifier: z.string(),
  workflowId: z.string(),
  stage: z.string(),
  kitStatus: z.string(),
  needsOperator: z.boolean(),
  fulfillment: z.looseObject({ requestIdentifier: z.string(), attempt: z.number().int(), status: z.string() }),
  reportIdentifiers: z.array(z.string()).optional(),
  ...operatorContract,
});

/** A workflow's state as `GET …/{id}` answers it. */
export function workflowRead<S extends z.ZodType>(status: S) {
  return z.object({
    workflowId: z.string(),
    /** Temporal's execution status: RUNNING, COMPLETED, … */
    execution: z.string(),
    status,
  });
}

/** An operator or partner input the workflow accepted, and what it did. */
export const actionResult = z.object({
  workflowId: z.string(),
  accepted: z.literal(true),
  action: z.string(),
  message: z.string(),
});

/** One workflow in a listing: ids, stage and flags from visibility (no PHI). */
export const listedWorkflow = z.object({
  workflowId: z.string(),
  workflowType: z.string(),
  execution: z.string(),
  stage: z.string().nullable(),
  needsOperator: z.boolean(),
  prescriptionId: z.string().nullable(),
  orderNumber: z.string().nullable(),
  labOrderId: z.string().nullable(),
  exceptionReason: z.string().nullable(),
  escalationLevel: z.number().int(),
  onHoldSince: z.string().nullable(),
  startedAt: z.string(),
  closedAt: z.string().nullable(),
});

export const workflowPage = z.object({
  items: z.array(listedWorkflow),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

export const operatorQueue = z.object({
  items: z.array(
    listedWorkflow.omit({ execution: true, needsOperator: true, closedAt: true }).extend({
      workflowTaskFailing: z
        .object({ attempt: z.number().int(), cause: z.string(), failedAt: z.string().nullable() })
        .optional()
        .describe(
          'Set when the workflow is stuck rather than on hold: its workflow task keeps failing, so it answers ' +
            'nothing until an operator repairs it (`fulfill repair`); the failure message is PHI and is not listed',
        ),
    }),
  ),
  stuckScan: z
    .object({ checked: z.number().int(), truncated: z.boolean() })
    .describe(
      'Stuck workflows cannot mark themselves: the newest running ones not on hold are checked (`checked`); ' +
        '`truncated` says there were more',
    ),
  parked: z
    .object({ awaitingOperator: z.number().int() })
    .describe('Parked webhooks waiting for an operator (listed at /api/parked)'),
});

export const parkedEvent = z.looseObject({
  id: z.string().describe('`dl.<40 hex>` (a dead-letter entry) or `sp.<64 hex>` (a spooled event)'),
  source: z.enum(['dead-letter', 'spool']),
  vendor: z.enum(VENDORS),
  topic: z.string().optional(),
  reason: z.string(),
  receivedAt: z.string(),
  where: z.string().describe('The dead-letter workflow that holds it, or what the vendor was answered'),
  informational: z.boolean(),
  redriven: z.looseObject({ workflowIds: z.array(z.string()), operator: z.string(), at: z.string() }).optional(),
});

export const parkedListing = z.object({
  events: z.array(parkedEvent),
  problems: z.array(z.string()).describe('What could not be read, said rather than hidden'),
  awaitingOperator: z.number().int(),
});

export const parkedEventWithBody = z.object({
  event: parkedEvent,
  verified: z.boolean().describe("The body's sha256 is the one it was parked with"),
  body: z.string().describe('The body exactly as the vendor sent it (may hold PHI)'),
});

export const redriveOutcome = z.object({
  kind: z.literal('delivered'),
  event: parkedEvent,
  workflowIds: z.array(z.string()),
});

export const targetState = z.looseObject({
  failingSince: z.string().optional(),
  lastFailureAt: z.string().optional(),
  lastFailure: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  disabledAt: z.string().optional(),
  parked: z.number().int(),
  redelivering: z.boolean(),
  resumes: z.array(z.looseObject({ at: z.string(), operator: z.string(), reason: z.string() })),
});

export const labOrderStarted = z.object({ orderIdentifier: z.string(), workflowId: z.string(), started: z.boolean() });

/** A partner action carried out by a workflow of its own (a reorder, a patient's address). */
export const partnerActionResult = z.object({
  /** The workflow that carried it out (its history is the audit). */
  workflowId: z.string(),
  accepted: z.literal(true),
  action: z.string(),
  message: z.string(),
  /** A reorder's new order. */
  orderNumber: z.string().optional(),
  requestId: z.string().optional(),
});

export const reportList = z.object({
  orderIdentifier: z.string(),
  resultsReleasedAt: z.string().nullable(),
  /** Empty until the results are released. */
  reportIdentifiers: z.array(z.string()),
});

/** What the engine stores and sends as a notification's `data`: scalars, and lists of records (a shipped order's `shipments`). */
const notificationData = partnerNotificationInput.shape.data;

export const feedPage = z.object({
  events: z.array(
    z.object({
      /** Read again with `after` = this, to continue after this event. */
      cursor: z.string(),
      id: z.string(),
      type: z.string(),
      occurredAt: z.string(),
      workflowId: z.string(),
      data: notificationData,
    }),
  ),
  /** Where to continue (always given: the feed goes on). */
  nextCursor: z.string(),
  /** True when this page reached what the feed holds now: ask again later with `nextCursor`. */
  caughtUp: z.boolean(),
});

export const undeliveredPage = z.object({
  items: z.array(z.object({ id: z.string(), type: z.string(), occurredAt: z.string(), data: notificationData })),
  nextCursor: z.string().nullable(),
});

export const resendOutcome = z.object({
  notificationId: z.string(),
  /** The workflow that sent it (its history is the record). */
  workflowId: z.string(),
  delivered: z.boolean(),
  /** Why the partner's endpoint did not take it. */
  failure: z.string().optional(),
});
