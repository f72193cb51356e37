// The operator contract every engine workflow answers the same way: its `status` query lists `offeredActions` (each
// with its fields, explained); `resolveException` (signal, for the Web UI's "Send a Signal") and
// `resolveExceptionUpdate` (update, for the CLI and the partner API: refused with the reason, answered with the
// outcome) take one of them, with that action's fields; `cancel` cancels at any wait. Every input is one JSON object
// carrying who (`operator`) and why (`reason`); every input and what became of it is in the status's `decisions`.
import { z } from 'zod';
import type { OperatorDecision } from './decision-log.js';
import { queryMessage, signalMessage, updateMessage } from './messages.js';
import { boundedJson } from './json-value.js';
import { sharedSchema } from './shared-schemas.js';

/** Text an operator must give: not blank, bounded (the state keeps it). */
export function operatorText(max: number) {
  return (
    z
      .string()
      .max(max)
      .refine((value) => value.trim() !== '', 'must not be blank')
      // What the refinement means, for the partner API's OpenAPI document (zod cannot write a refinement there).
      .meta({ pattern: '\\S' })
  );
}

/** Who did it and why: every operator input carries both, and the audit shows them. */
export const attribution = sharedSchema('shared/operator-messages:attribution', () => ({
  operator: operatorText(200),
  reason: operatorText(2000),
}));

export const resolveExceptionInput = sharedSchema('shared/operator-messages:resolveExceptionInput', () =>
  z.object({
    /** One of the actions the status offers now. */
    action: operatorText(64),
    /** The action's fields (`offeredActions[].fields`); a `reason` field defaults to the operator's reason. */
    fields: z.record(z.string(), z.unknown()).nullish(),
    ...attribution,
  }),
);
export type ResolveExceptionInput = z.input<typeof resolveExceptionInput>;

/**
 * What a new resolution must also be: its `fields` bounded JSON (an unbounded value passed, then overflowed the stack
 * wherever it was serialized). Histories hold inputs that only `resolveExceptionInput` read.
 */
export const strictResolveExceptionInput = sharedSchema('shared/operator-messages:strictResolveExceptionInput', () =>
  resolveExceptionInput.extend({ fields: boundedJson(z.record(z.string(), z.unknown())).nullish() }),
);

/**
 * What a new resolution must also be: nothing beside the action, its fields and who and why. A field put beside
 * `fields` (an `address` at the top) was dropped without a word and the action carried out without it.
 */
export const closedResolveExceptionInput = sharedSchema('shared/operator-messages:closedResolveExceptionInput', () =>
  z.strictObject(resolveExceptionInput.shape),
);

export const cancelInput = sharedSchema('shared/operator-messages:cancelInput', () => z.object(attribution));
export type CancelInput = z.input<typeof cancelInput>;

/** Who did it and why, as the partner API and CLI send it. */
export type OperatorAttribution = CancelInput;

/** The outcome the update returns to API/CLI callers; a rejection names the reason. */
export type ResolutionResult =
  { accepted: true; action: string; message: string } | { accepted: false; reason: string; offeredActions: string[] };

/** Signal form, for the Web UI: an invalid input is recorded in the decision log and current details. */
export const resolveExceptionSignal = signalMessage('resolveException', resolveExceptionInput, {
  strict: strictResolveExceptionInput,
  closed: closedResolveExceptionInput,
});
/** Update form, for the partner API and CLI: the validator refuses an invalid input or an action not offered. */
export const resolveExceptionUpdate = updateMessage<ResolutionResult, typeof resolveExceptionInput>(
  'resolveExceptionUpdate',
  resolveExceptionInput,
  { strict: strictResolveExceptionInput, closed: closedResolveExceptionInput },
);

/**
 * What a new cancel must also be: who and why, nothing else. A resolution pasted into the cancel box (its `action`,
 * its `fields`) was taken as a cancel; histories hold cancels that only `cancelInput` read.
 */
export const strictCancelInput = sharedSchema('shared/operator-messages:strictCancelInput', () =>
  z.strictObject(attribution),
);

/** Cancel at any wait: a prescription, an order (its On Hold exception's cancel action) or a lab order. */
export const cancelSignal = signalMessage('cancel', cancelInput, { strict: strictCancelInput });

// ---------------------------------------------------------------------------------------------------------------
// What every workflow's `status` answers, besides its own state

/** One field of an offered action, explained for whoever fills it in (Web UI, CLI, partner API). */
export interface ActionField {
  name: string;
  required: boolean;
  description: string;
  /** A made-up value of the right shape (never patient data). */
  example?: unknown;
}

/** An action `resolveException` accepts now. */
export interface OperatorAction {
  action: string;
  description: string;
  fields: ActionField[];
}

export interface OperatorStatus {
  /** What `resolveException` accepts now (empty: nothing to resolve). */
  offeredActions: OperatorAction[];
  /** Why the workflow waits for an operator, in a few words (no PHI); absent when it does not. */
  holdReason?: string;
  /**
   * What the vendor or the engine said about it, in words, for the operator settling it (may quote the vendor's free
   * text: it stays in the encrypted query result, never in current details or search attributes).
   */
  holdDetail?: string;
  /**
   * When the wait escalates next (ISO time: the partner is told and `EscalationLevel` goes up), if nobody acts before;
   * absent when no escalation is due. The workflow's own deadline, so operator tools need not re-derive it.
   */
  nextEscalationAt?: string;
  /** Every operator and partner input and what became of it (bounded), newest last. */
  decisions: OperatorDecision[];
  lastRejection?: OperatorDecision;
}

/**
 * Every engine workflow answers `status` with its own state and these fields: clients that handle any workflow type
 * (CLI, partner API) read the operator contract through this definition. Each workflow's messages define its own,
 * fully typed.
 */
export const workflowStatusQuery = queryMessage<OperatorStatus & Record<string, unknown>>('status');
