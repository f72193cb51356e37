// The messages of labOrderWorkflow, each with the one schema its input must satisfy: the bridge's Onegevity events,
// the lab order's own resolution message (kept for running orders and recorded histories; the operator contract every
// workflow shares is in workflows/shared/operator-messages.ts) and its `status` query.
import { z } from 'zod';
import {
  ONEGEVITY_TOPIC_MAX_LENGTH,
  onegevityEventFromPayload,
  type OnegevityEvent,
} from '../../src/domain/onegevity-events.js';
import { presence } from '../shared/input-problems.js';
import { attribution, operatorText, type OperatorStatus, type ResolutionResult } from '../shared/operator-messages.js';
import { queryMessage, signalMessage, updateMessage } from '../shared/messages.js';
import { sharedSchema } from '../shared/shared-schemas.js';

// ---------------------------------------------------------------------------------------------------------------
// Vendor events (bridge → workflow, by signal-with-start)

const arrival = sharedSchema('lab/messages:arrival', () => ({
  /** sha256 hex of `topic + "\n" + raw body`: the de-duplication key (Onegevity sends no event id). */
  dedupeKey: operatorText(200),
  /** e.g. `fulfillment.accepted` (an open set). */
  topic: operatorText(ONEGEVITY_TOPIC_MAX_LENGTH),
  receivedAt: z.string().max(64),
  requestId: z.string().max(200),
}));

/** A verified Onegevity webhook as the bridge hands it over: typed and normalized (src/domain/onegevity-events.ts). */
const typedOnegevityEvent = sharedSchema(
  'lab/messages:typedOnegevityEvent',
  () =>
    z.object({
      ...arrival,
      /** A typed event carries no raw payload: one that does is the older shape below. */
      payload: z.never().optional(),
      orderIdentifier: z.string().optional(),
      requestorId: z.string().optional(),
      patientIdentifier: z.string().optional(),
      trackingNumber: z.string().optional(),
      trackingUrl: z.string().optional(),
      reason: z.string().optional(),
    }) satisfies z.ZodType<OnegevityEvent>,
);

/** The shape the bridge sent before it typed events (the raw payload), read with the bridge's own function. */
const payloadOnegevityEvent = sharedSchema('lab/messages:payloadOnegevityEvent', () =>
  z
    .object({ ...arrival, payload: z.record(z.string(), z.unknown()) })
    .transform(({ payload, ...event }) => onegevityEventFromPayload(payload, event)),
);

/** A verified Onegevity webhook; the workflow's handler sees the typed event. */
export const onegevityEventInput = sharedSchema('lab/messages:onegevityEventInput', () =>
  z.union([typedOnegevityEvent, payloadOnegevityEvent]),
);

export const onegevityEventSignal = signalMessage('onegevityEvent', onegevityEventInput);

// ---------------------------------------------------------------------------------------------------------------
// Operators

const str = () => z.string(presence('a string'));
const text = (max: number) => str().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

/**
 * A shipping address in Onegevity's shape: the partner's request and an operator's correction. ASSUMED (as the
 * sandbox): ISO 3166 two-letter countries and short alphanumeric postal codes. Messages name fields, never values.
 */
export const labAddressSchema = sharedSchema('lab/messages:labAddressSchema', () =>
  z.strictObject(
    {
      streetAddress1: text(100),
      streetAddress2: str().trim().max(100).nullish(),
      city: text(60),
      region: text(60),
      country: str().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code'),
      postalCode: str()
        .trim()
        .regex(/^[A-Za-z0-9 -]{3,10}$/, 'must be a postal code'),
    },
    presence('an object'),
  ),
);

const labResolutionShape = () => ({
  action: z.enum(['resubmit', 'cancel']),
  /** A corrected shipping address for `resubmit`. */
  address: labAddressSchema.optional(),
  ...attribution,
});

/**
 * Resolve a rejected kit fulfillment: resubmit (usually with a corrected address) or cancel. Deprecated: kept for lab
 * orders and histories that use it; `resolveException` {action, fields: {address}} does the same on every workflow.
 */
export const resolveLabExceptionInput = sharedSchema('lab/messages:resolveLabExceptionInput', () =>
  z.object(labResolutionShape()).refine((input) => input.address === undefined || input.action === 'resubmit', {
    message: 'goes only with "resubmit"',
    path: ['address'],
  }),
);

/**
 * What a new resolution must also be: nothing beside the action, its address and who and why (a misspelt `adress` was
 * dropped without a word, and the kit sent again to the address just rejected).
 */
const closedResolveLabExceptionInput = sharedSchema('lab/messages:closedResolveLabExceptionInput', () =>
  z.strictObject(labResolutionShape()),
);
export type ResolveLabExceptionInput = z.input<typeof resolveLabExceptionInput>;

export const resolveLabExceptionSignal = signalMessage('resolveLabException', resolveLabExceptionInput, {
  closed: closedResolveLabExceptionInput,
});
export const resolveLabExceptionUpdate = updateMessage<ResolutionResult, typeof resolveLabExceptionInput>(
  'resolveLabExceptionUpdate',
  resolveLabExceptionInput,
  { closed: closedResolveLabExceptionInput },
);

/**
 * The partner activates the kit with the code printed on it (Onegevity's `kitActivations`). Without a
 * packageElementIdentifier, the order's one kit element waiting for activation is meant.
 */
export const activateKitInput = sharedSchema('lab/messages:activateKitInput', () =>
  z.object({
    activations: z
      .array(
        z.strictObject({
          packageElementIdentifier: z
            .string(presence('a string'))
            .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -')
            .optional(),
          activationCode: z.string(presence('a string')).regex(/^[A-Za-z0-9-]{4,64}$/, 'must be an activation code'),
        }),
        presence('a list'),
      )
      .min(1, 'needs at least one activation')
      .max(20, 'at most 20 at once'),
    ...attribution,
  }),
);
export type ActivateKitInput = z.input<typeof activateKitInput>;

export const activateKitUpdate = updateMessage<ResolutionResult, typeof activateKitInput>(
  'activateKit',
  activateKitInput,
);

// ---------------------------------------------------------------------------------------------------------------
// Status

/** What needs a human on a lab order (NeedsOperator is true exactly when one of these is set). */
export type LabAttentionKind =
  | 'fulfillment_rejected'
  | 'order_failed'
  | 'kit_not_activated'
  | 'reports_unavailable'
  | 'unknown_order'
  | 'order_unreadable';

/**
 * The `status` query of `labOrderWorkflow`: ids, vendor statuses, counters and the operator contract (offered actions,
 * decisions). No patient details (names, addresses, dates of birth; the address a `resubmit` brought stays out too);
 * only `fulfillment.rejectionReason` is vendor text.
 */
export interface LabOrderStatus extends OperatorStatus {
  orderIdentifier: string;
  workflowId: string;
  /** False for an order this engine never started (its first webhook started the workflow). */
  startedByEngine: boolean;
  /** An order placed outside the engine that it follows to its results (false for its own, or an "unknown order"). */
  followed: boolean;
  /** CREATING_ORDER, ORDER_FAILED, FOLLOWING, FULFILLMENT_REQUESTED, ACCEPTED, REJECTED, SHIPPED, KIT_ACTIVATED, AT_LAB, RESULTS_RELEASED, CANCELED, UNKNOWN_ORDER, DISMISSED. */
  stage: string;
  /** How the order came to exist at Onegevity: created now, adopted after a conflict or a lost answer, or followed. */
  createOutcome?: 'created' | 'adopted' | 'followed';
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
  /** A `results.released` webhook arrived, but no read of the order has shown the results yet. */
  resultsAnnouncedAt?: string;
  reportIdentifiers?: string[];
  canceled?: { by: 'vendor' | 'operator'; at: string; operator?: string; canceledAtVendor?: boolean };
  events: {
    received: number;
    duplicates: number;
    late: number;
    informational: number;
    lastTopic?: string;
    /** `order.updated` deliveries, each a request to read the order again (never dropped as duplicates). */
    rereadRequests?: number;
  };
  /** Reads of the order; `coalesced` counts read requests that joined a read already queued. */
  reconcile: { reads: number; lastAt?: string; lastSucceededAt?: string; coalesced?: number; failedInARow?: number };
  /** Partner notifications sent (milestone ids, e.g. `shipped`, `rejected:1`). */
  notified: string[];
  /** The last thing that went wrong (an operator input refused, a vendor call failed), without PHI. */
  lastProblem?: string;
}

export const labOrderStatusQuery = queryMessage<LabOrderStatus>('status');
