// Which operator actions a lab order offers now, and whether a well-formed input (its schema,
// workflows/lab/messages.ts, checked the shape and the address) is one of them. The same check backs the update's
// validator (the caller hears why at once) and the signal form (the refusal is recorded in the state and the current
// details). Messages name fields, never values: a corrected address is PHI.
import type { LabAddress } from '../../src/lab/lab-order-request.js';
import type { InputRefusal } from '../shared/handlers.js';
import type { ResolveLabExceptionInput } from './messages.js';
import { isTerminal, type LabOrderState } from './state.js';

export type LabAction = 'resubmit' | 'cancel';

export function offeredLabActions(state: LabOrderState): LabAction[] {
  if (isTerminal(state)) return [];
  const kind = state.attention?.kind;
  const rejected = kind === 'fulfillment_rejected' && state.orderCreated;
  if (state.startedByEngine && (rejected || kind === 'order_failed')) {
    return ['resubmit', 'cancel'];
  }
  return ['cancel'];
}

/** Why `input` cannot be carried out now; undefined when it can. */
export function labResolutionRefusal(
  state: LabOrderState,
  input: Pick<ResolveLabExceptionInput, 'action'>,
): (InputRefusal & { offeredActions: LabAction[] }) | undefined {
  const offeredActions = offeredLabActions(state);
  if (offeredActions.length === 0) return { reason: 'the order has already ended: nothing to resolve', offeredActions };
  if (!offeredActions.includes(input.action)) {
    return { reason: `"${input.action}" is not offered now; offered: ${offeredActions.join(', ')}`, offeredActions };
  }
  return undefined;
}

/** The corrected address as the workflow keeps it (the schema trimmed it; an empty second line is left out). */
export function correctedAddress(address: NonNullable<ResolveLabExceptionInput['address']>): LabAddress {
  const street2 = address.streetAddress2?.trim();
  return {
    streetAddress1: address.streetAddress1.trim(),
    ...(street2 ? { streetAddress2: street2 } : {}),
    city: address.city.trim(),
    region: address.region.trim(),
    country: address.country,
    postalCode: address.postalCode.trim(),
  };
}
