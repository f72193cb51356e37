// Which operator actions a lab order offers now, and whether an operator's input is one of them. The same check backs
// the update's validator (the caller hears why at once) and the signal form (the refusal is recorded in the state and
// the current details). Messages name fields, never values: a corrected address is PHI.
import type { LabAddress } from '../../src/lab/lab-order-request.js';
import { isTerminal, type LabOrderState } from './state.js';

export type LabAction = 'resubmit' | 'cancel';

export type LabResolutionCheck =
  | { ok: true; action: LabAction; operator: string; reason: string; address?: LabAddress }
  | { ok: false; reason: string; offeredActions: LabAction[] };

export function offeredLabActions(state: LabOrderState): LabAction[] {
  if (isTerminal(state)) return [];
  const kind = state.attention?.kind;
  const rejected = kind === 'fulfillment_rejected' && state.orderCreated;
  if (state.startedByEngine && (rejected || kind === 'order_failed')) {
    return ['resubmit', 'cancel'];
  }
  return ['cancel'];
}

const ADDRESS_TEXT_FIELDS = ['streetAddress1', 'city', 'region'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max;
}

/** The problems of a corrected address (Onegevity's shape), by field name; none when it is usable. */
export function addressProblems(address: unknown): string[] {
  if (!isRecord(address)) return ['address must be an object'];
  const problems: string[] = [];
  for (const name of ADDRESS_TEXT_FIELDS) {
    if (!nonEmpty(address[name], 100)) problems.push(`address.${name} is required (text up to 100 characters)`);
  }
  const street2 = address.streetAddress2;
  if (street2 !== undefined && street2 !== null && (typeof street2 !== 'string' || street2.length > 100)) {
    problems.push('address.streetAddress2 must be text up to 100 characters');
  }
  if (typeof address.country !== 'string' || !/^[A-Z]{2}$/.test(address.country)) {
    problems.push('address.country must be an ISO 3166 two-letter country code');
  }
  if (typeof address.postalCode !== 'string' || !/^[A-Za-z0-9 -]{3,10}$/.test(address.postalCode.trim())) {
    problems.push('address.postalCode must be a postal code');
  }
  const known = new Set<string>([...ADDRESS_TEXT_FIELDS, 'streetAddress2', 'country', 'postalCode']);
  const unknown = Object.keys(address).filter((key) => !known.has(key));
  if (unknown.length > 0) problems.push(`address has unknown field(s) ${unknown.join(', ')}`);
  return problems;
}

function toAddress(address: Record<string, unknown>): LabAddress {
  const street2 = typeof address.streetAddress2 === 'string' ? address.streetAddress2.trim() : undefined;
  return {
    streetAddress1: String(address.streetAddress1).trim(),
    ...(street2 ? { streetAddress2: street2 } : {}),
    city: String(address.city).trim(),
    region: String(address.region).trim(),
    country: String(address.country),
    postalCode: String(address.postalCode).trim(),
  };
}

export function checkLabResolution(state: LabOrderState, input: unknown): LabResolutionCheck {
  const offeredActions = offeredLabActions(state);
  const refuse = (reason: string): LabResolutionCheck => ({ ok: false, reason, offeredActions });
  if (!isRecord(input)) return refuse('the input must be one JSON object {action, operator, reason, address?}');
  const { action, operator, reason, address } = input;
  if (!nonEmpty(operator, 200)) return refuse('operator is required (who you are, up to 200 characters)');
  if (!nonEmpty(reason, 1000)) return refuse('reason is required (why, up to 1000 characters)');
  if (action !== 'resubmit' && action !== 'cancel') return refuse('action must be "resubmit" or "cancel"');
  if (offeredActions.length === 0) return refuse('the order has already ended: nothing to resolve');
  if (!offeredActions.includes(action)) {
    return refuse(`"${action}" is not offered now; offered: ${offeredActions.join(', ')}`);
  }
  if (address !== undefined && action !== 'resubmit') return refuse('address goes only with "resubmit"');
  if (address !== undefined) {
    const problems = addressProblems(address);
    if (problems.length > 0) return refuse(problems.join('; '));
  }
  return {
    ok: true,
    action,
    operator: operator.trim(),
    reason: reason.trim(),
    ...(isRecord(address) ? { address: toAddress(address) } : {}),
  };
}
