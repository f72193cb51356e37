// Whether a well-formed resolveException input (its schema, workflows/shared/operator-messages.ts, checked it is
// attributed and shaped right) can be carried out now, shared by the signal handler (the Web UI: a rejection is
// recorded in the state and the current details) and the update validator (API/CLI: the caller gets the reason):
// the action is one the exception offered, and every field that action requires is present. The vendor checks the
// values themselves (an update's validator first refuses a text field given anything but text: fieldValueProblem);
// its refusal is a rejection the operator sees too.
import { isDefaultedHoneybeeField, isTextHoneybeeField } from '../../src/domain/honeybee-action-fields.js';
import { ownEntry } from '../../src/domain/own-entry.js';
import { quotedActionName } from '../shared/input-problems.js';
import type { ResolveExceptionInput } from '../shared/operator-messages.js';
import type { OfferedAction, OperatorException } from './types.js';
import { exceptionLabel } from './exception-label.js';

/** A refusal is `state` (nothing to resolve now, the action not offered) or `invalid` (the action's fields missing). */
export type ResolutionCheck =
  | { ok: true; action: OfferedAction; fields: Record<string, unknown> }
  | { ok: false; reason: string; kind: 'state' | 'invalid' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function filled(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

function namedAction(action: string): string {
  const quoted = quotedActionName(action);
  return quoted ? `action ${quoted}` : 'the action given';
}

export function offeredActionNames(exception: OperatorException | undefined): string[] {
  return exception?.actions.map((action) => action.action) ?? [];
}

/**
 * Checks a well-formed `input` against the open exception. `blocked` is why nothing can be resolved right now (no open exception,
 * a resolution already in flight), when that is the case.
 */
export function checkResolution(
  exception: OperatorException | undefined,
  input: ResolveExceptionInput,
  blocked?: string,
): ResolutionCheck {
  const { action, fields, reason } = input;
  if (blocked) return { ok: false, reason: blocked, kind: 'state' };
  if (!exception) return { ok: false, reason: 'there is no open exception to resolve', kind: 'state' };
  const offered = exception.actions.find((candidate) => candidate.action === action.trim());
  if (!offered) {
    return {
      ok: false,
      reason: `${namedAction(action)} is not offered for ${exceptionLabel(exception)}; offered: ${
        offeredActionNames(exception).join(', ') || 'none'
      }`,
      kind: 'state',
    };
  }
  // A `reason` field (cancel_order) defaults to the operator's reason, so a cancellation needs no repetition.
  const given: Record<string, unknown> = { ...(isRecord(fields) ? fields : {}) };
  for (const name of offered.fields.filter(isDefaultedHoneybeeField)) {
    if (!filled(ownEntry(given, name))) given[name] = reason;
  }
  // The field names are the vendor's: one named `constructor` or `toString` is missing until the operator gives it.
  const field = (name: string) => ownEntry(given, name);
  const missing = offered.fields.filter((name) => !filled(field(name)));
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `action "${offered.action}" needs the field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      kind: 'invalid',
    };
  }
  const picked = Object.fromEntries(offered.fields.map((name) => [name, field(name)]));
  return { ok: true, action: offered, fields: picked };
}

/**
 * Why an update's fields cannot go to Honeybee as they are (a text field given a number, a list or an object), named
 * for the caller; undefined when they can. Update validators only: a signal's handler replays, and takes what it
 * took when it ran (the vendor's refusal is then the rejection the operator sees).
 */
export function fieldValueProblem(fields: Record<string, unknown>): string | undefined {
  for (const [name, value] of Object.entries(fields)) {
    if (isTextHoneybeeField(name) && typeof value !== 'string') return `"fields.${name}" must be text`;
  }
  return undefined;
}
