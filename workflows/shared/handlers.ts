// The only way a workflow registers a handler (lint forbids `setHandler` elsewhere in workflows/): every signal and
// update input is parsed with its message's schema before the workflow sees it, so a handler never reads an
// unvalidated input and never throws on one. An invalid signal goes to the workflow's `rejected` callback (which
// records it in the decision log and the current details, changing nothing else); an invalid update is refused by its
// validator with a message naming the fields, before anything is written to history. Queries take no input: whatever
// a caller sends is ignored.
import { ApplicationFailure, patched, setHandler } from '@temporalio/workflow';
import { z } from 'zod';
import { FailureType } from '../../src/domain/failure-types.js';
import { describeInputProblems } from './input-problems.js';
import type { LookupMessage, QueryMessage, SignalMessage, UpdateMessage } from './messages.js';

/** An input a schema refused, as a workflow records it. */
export interface RejectedInput {
  /** The signal or update name. */
  message: string;
  /** What is wrong: field names and what they must be, never the values sent. */
  problem: string;
  /** The attribution and action the input carried, when they are text (for the decision log). */
  operator?: string;
  reason?: string;
  action?: string;
}

/** Why a well-formed input cannot be carried out now (an action not offered, nothing to resolve). */
export interface InputRefusal {
  reason: string;
  offeredActions?: string[];
  /**
   * `state` (the default): the workflow's present state does not allow it; `invalid`: the input itself is wrong for
   * what it asks (an action's fields missing or malformed). Carried in the refusal's details (RefusalDetails).
   */
  kind?: RefusalKind;
}

export type RefusalKind = 'state' | 'invalid';

/** The details of an update validator's refusal (ApplicationFailure.details[0]). */
export interface RefusalDetails {
  refusal: RefusalKind;
  offeredActions?: string[];
}

const ATTRIBUTION_LIMITS = { operator: 200, reason: 2000, action: 64 } as const;

function textField(input: unknown, name: keyof typeof ATTRIBUTION_LIMITS): string | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const value: unknown = Object.getOwnPropertyDescriptor(input, name)?.value;
  return typeof value === 'string' && value.trim() !== '' ? value.slice(0, ATTRIBUTION_LIMITS[name]) : undefined;
}

/** The expected shape, for an input that is not an object at all: `{"operator", "reason"}`. */
function shapeOf(schema: z.ZodType): string {
  // An object's keys; a union's (typed events, or the older shape) are those of its first, current, shape.
  const { shape, options } = schema as { shape?: Record<string, unknown>; options?: z.ZodType[] };
  if (shape)
    return `{${Object.keys(shape)
      .map((key) => `"${key}"`)
      .join(', ')}}`;
  return options?.[0] ? shapeOf(options[0]) : '';
}

type Parsed<S extends z.ZodType> = { ok: true; value: z.output<S> } | { ok: false; rejection: RejectedInput };

/** Parses the first argument a sender gave (none at all reads as undefined, like an empty Web UI input box). */
export function parseMessageInput<S extends z.ZodType>(name: string, schema: S, input: unknown): Parsed<S> {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  const operator = textField(input, 'operator');
  const reason = textField(input, 'reason');
  const action = textField(input, 'action');
  return {
    ok: false,
    rejection: {
      message: name,
      problem: describeInputProblems(parsed.error, shapeOf(schema)),
      ...(operator ? { operator } : {}),
      ...(reason ? { reason } : {}),
      ...(action ? { action } : {}),
    },
  };
}

/**
 * Parses the `fields` of a resolveException input against the chosen action's own schema; problems name the fields
 * as `"fields.<name>"`. Missing fields read as an empty object.
 */
export function parseActionFields<S extends z.ZodType>(
  schema: S,
  fields: Record<string, unknown> | null | undefined,
): { ok: true; value: z.output<S> } | { ok: false; problem: string } {
  const parsed = z.object({ fields: schema }).safeParse({ fields: fields ?? {} }, { reportInput: true });
  if (parsed.success) return { ok: true, value: (parsed.data as { fields: z.output<S> }).fields };
  return { ok: false, problem: describeInputProblems(parsed.error, shapeOf(schema)) };
}

export interface SignalHandlerOptions {
  /** Listed by the Web UI's "Send a Signal". */
  description: string;
  /** Records an input the schema refused. Must not throw. */
  rejected: (rejection: RejectedInput) => void;
}

/**
 * A signal whose input its message's `strict` schema refuses is rejected from this patch on; runs that took such an
 * input before it replay as they ran. Asked only for such an input, so no other history records it.
 */
export const STRICT_SIGNAL_INPUT_PATCH = 'signal-input-strict';

/** The same for a message's `closed` schema (fields beside the ones it names): a patch of its own, asked alike. */
export const CLOSED_SIGNAL_INPUT_PATCH = 'signal-input-closed';

export function handleSignal<S extends z.ZodType>(
  message: SignalMessage<S>,
  handler: (input: z.output<S>) => void | Promise<void>,
  options: SignalHandlerOptions,
): void {
  setHandler(
    message,
    (input: unknown) => {
      const parsed = parseMessageInput(message.name, message.input, input);
      if (!parsed.ok) return options.rejected(parsed.rejection);
      if (message.strict) {
        const strict = parseMessageInput(message.name, message.strict, input);
        if (!strict.ok && patched(STRICT_SIGNAL_INPUT_PATCH)) return options.rejected(strict.rejection);
      }
      if (message.closed) {
        const closed = parseMessageInput(message.name, message.closed, input);
        if (!closed.ok && patched(CLOSED_SIGNAL_INPUT_PATCH)) return options.rejected(closed.rejection);
      }
      return handler(parsed.value);
    },
    { description: options.description },
  );
}

export interface UpdateHandlerOptions<S extends z.ZodType, Result> {
  description: string;
  /** Why a well-formed input cannot be carried out now; undefined when it can. Runs in the validator. */
  check?: (input: z.output<S>) => InputRefusal | undefined;
  /**
   * The answer to an input the schema refuses inside the handler: only reachable when replaying an update an older
   * version accepted (validators do not run on replay), so the handler must answer rather than throw.
   */
  refused: (rejection: RejectedInput) => Result;
}

/**
 * An update validator's refusal: always InputRefused (its message travels unencoded for the Web UI,
 * src/temporal/failure-converter.ts); the details say whether the state or the input is at fault, which the partner
 * API answers as 409 or 422.
 */
function refuse(reason: string, offeredActions?: string[], kind: RefusalKind = 'invalid'): never {
  const details: RefusalDetails = { refusal: kind, ...(offeredActions ? { offeredActions } : {}) };
  throw ApplicationFailure.create({
    type: FailureType.InputRefused,
    message: reason,
    nonRetryable: true,
    details: [details],
  });
}

export function handleUpdate<S extends z.ZodType, Result>(
  message: UpdateMessage<S, Result>,
  handler: (input: z.output<S>) => Result | Promise<Result>,
  options: UpdateHandlerOptions<S, Result>,
): void {
  setHandler(
    message,
    (input: unknown) => {
      const parsed = parseMessageInput(message.name, message.input, input);
      if (!parsed.ok) return options.refused(parsed.rejection);
      return handler(parsed.value);
    },
    {
      description: options.description,
      validator: (input: unknown) => {
        const parsed = parseMessageInput(message.name, message.input, input);
        if (!parsed.ok) refuse(parsed.rejection.problem);
        // Only here: the handler, which replays, reads inputs as they were accepted when they were.
        for (const tightened of [message.strict, message.closed]) {
          const parsedAgain = tightened && parseMessageInput(message.name, tightened, input);
          if (parsedAgain && !parsedAgain.ok) refuse(parsedAgain.rejection.problem);
        }
        const refusal = options.check?.(parsed.value);
        if (refusal) refuse(refusal.reason, refusal.offeredActions, refusal.kind ?? 'state');
      },
    },
  );
}

export function handleQuery<Result>(
  message: QueryMessage<Result>,
  handler: () => Result,
  options: { description: string },
): void {
  setHandler(message, () => handler(), { description: options.description });
}

/**
 * A query that takes an input (a lookup by key): the input is parsed with the message's schema, and one it refuses
 * fails the query with the problem, an InputRefused (a query is never recorded, so nothing else changes).
 */
export function handleLookup<S extends z.ZodType, Result>(
  message: LookupMessage<S, Result>,
  handler: (input: z.output<S>) => Result,
  options: { description: string },
): void {
  setHandler(
    message,
    (input: unknown) => {
      const parsed = parseMessageInput(message.name, message.input, input);
      // As a validator refuses: InputRefused travels in the clear, so a CLI without the codec reads the problem.
      if (!parsed.ok) refuse(`${message.name}: ${parsed.rejection.problem}`);
      return handler(parsed.value);
    },
    { description: options.description },
  );
}
