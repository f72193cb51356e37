// The messages of deadLetterWorkflow: the bridge parks an authentic webhook that fits no workflow, an operator's
// re-drive marks one as handed on, operators read the run's entries with `parked` (src/operators/parked-events.ts
// reads every run of every day and finds a body in its own signal event).
import { z } from 'zod';
import { operatorText } from '../shared/operator-messages.js';
import { queryMessage, signalMessage } from '../shared/messages.js';
import { VENDORS } from '../../src/domain/vendors.js';
import { sharedSchema } from '../shared/shared-schemas.js';

const sha256Hex = sharedSchema('dead-letter/messages:sha256Hex', () =>
  z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lowercase hex'),
);

/** The longest reason a parked webhook keeps (the bridge bounds what it writes to this). */
export const PARK_REASON_MAX_LENGTH = 2000;
/** The longest topic (Onegevity topic, Honeybee event type) a parked webhook keeps. */
export const PARK_TOPIC_MAX_LENGTH = 200;

/** An authentic webhook that fits no workflow, kept with why. */
export const parkedWebhookInput = sharedSchema('dead-letter/messages:parkedWebhookInput', () =>
  z.object({
    vendor: z.enum(VENDORS),
    reason: operatorText(PARK_REASON_MAX_LENGTH),
    receivedAt: z.string().max(64),
    requestId: z.string().max(200),
    /** Onegevity topic, or Honeybee event type when readable. */
    topic: z.string().max(PARK_TOPIC_MAX_LENGTH).optional(),
    /** The raw body as text (vendor webhooks carry ids, not PHI; the payload is encrypted at rest anyway). */
    body: z.string(),
    /**
     * sha256 of the raw body, from the bridge (since bounded state): what the entry is listed and found by. The body
     * itself stays in this signal's event, never in the workflow's state.
     */
    bodyHash: sha256Hex.optional(),
  }),
);
export type ParkedWebhook = z.output<typeof parkedWebhookInput>;

export const parkWebhookSignal = signalMessage('parkWebhook', parkedWebhookInput);

/** A parked event handed on to the workflows it routes to now (`fulfill parked redrive`). */
export const parkedRedrivenInput = sharedSchema('dead-letter/messages:parkedRedrivenInput', () =>
  z.object({
    /** The parked event's id (`dl.` + 40 hex, or a spooled one's `sp.` + its sha256: src/operators/parked-events.ts). */
    id: z.string().regex(/^(dl\.[0-9a-f]{40}|sp\.[0-9a-f]{64})$/, 'a parked event id (dl. + 40 hex, or sp. + 64 hex)'),
    workflowIds: z.array(z.string().min(1).max(300)).min(1).max(20),
    operator: operatorText(200),
    at: z.string().max(64),
  }),
);
export type ParkedRedriven = z.output<typeof parkedRedrivenInput>;

export const parkedRedrivenSignal = signalMessage('parkedRedriven', parkedRedrivenInput);

/** One entry as `parked` lists it since bounded state: no body (it is in the signal's event), its hash and size. */
export interface ParkedWebhookSummary {
  vendor: ParkedWebhook['vendor'];
  reason: string;
  receivedAt: string;
  requestId: string;
  topic?: string;
  bodyHash?: string;
  /** Length of the body as text. */
  bytes: number;
}

export interface ParkedWebhooks {
  vendor: string;
  /** Parked in this workflow id's runs so far (this run and those it continued from). */
  total: number;
  /**
   * This run's entries. Runs from before bounded state list full entries (body included) and carry the last few into
   * the next run; bounded runs list summaries of their own entries only.
   */
  entries: (ParkedWebhook | ParkedWebhookSummary)[];
  /** Re-drives recorded in this run (bounded runs only). */
  redriven?: ParkedRedriven[];
  /** Inputs refused this run (not a webhook: garbage sent by hand), and the last one's problem. */
  rejected: number;
  lastRejection?: { at: string; problem: string };
}

export const parkedWebhooksQuery = queryMessage<ParkedWebhooks>('parked');
