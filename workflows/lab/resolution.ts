// Which operator actions a lab order offers now (with their fields, explained), and whether an input is one of them:
// `resolveException` {action, fields} (the operator contract every workflow shares) and the older
// `resolveLabException` {action, address} come to the same resolution. The same checks back the update's validator
// (the caller hears why at once) and the signal form (the refusal is recorded in the decision log and the current
// details). Messages name fields, never values: a corrected address is PHI.
import { z } from 'zod';
import type { LabAddress } from '../../src/lab/lab-order-request.js';
import { parseActionFields, type InputRefusal } from '../shared/handlers.js';
import { quotedActionName } from '../shared/input-problems.js';
import type { OperatorAction, ResolveExceptionInput } from '../shared/operator-messages.js';
import { labAddressSchema, type resolveLabExceptionInput } from './messages.js';
import { isTerminal, isTracked, type LabOrderState } from './state.js';
import { sharedSchema } from '../shared/shared-schemas.js';

export type LabAction = 'resubmit' | 'cancel';

/** A lab order's resolution, whichever message brought it. */
export interface LabResolution {
  action: string;
  operator: string;
  reason: string;
  address?: z.output<typeof labAddressSchema>;
}

export function offeredLabActions(state: LabOrderState): LabAction[] {
  if (isTerminal(state)) return [];
  const kind = state.attention?.kind;
  const rejected = kind === 'fulfillment_rejected' && state.orderCreated;
  if (state.startedByEngine && (rejected || kind === 'order_failed')) {
    return ['resubmit', 'cancel'];
  }
  return ['cancel'];
}

/** What an order placed outside the engine needs instead of `resubmit`, which takes the placement it lacks. */
export const RESUBMIT_ELSEWHERE = 'whoever placed it sends Onegevity a new fulfillment request';

/** A made-up address of the right shape, for examples (never a patient's). */
export const EXAMPLE_LAB_ADDRESS = {
  streetAddress1: '1 Example Street',
  streetAddress2: 'Apt 2',
  city: 'Springfield',
  region: 'IL',
  country: 'US',
  postalCode: '62701',
};

/** The offered actions as the status lists them, with their fields explained. */
export function labOperatorActions(state: LabOrderState): OperatorAction[] {
  return offeredLabActions(state).map((action) =>
    action === 'resubmit'
      ? {
          action,
          description: state.orderCreated
            ? 'Send Onegevity a new fulfillment request ({orderIdentifier}R{n}), usually with a corrected address'
            : 'Create the order at Onegevity again, optionally with a corrected address',
          fields: [
            {
              name: 'address',
              required: false,
              description:
                'a corrected shipping address {streetAddress1, streetAddress2?, city, region, country, postalCode}; ' +
                'without it the address on file is used',
              example: EXAMPLE_LAB_ADDRESS,
            },
          ],
        }
      : {
          action,
          description: isTracked(state)
            ? 'Cancel the fulfillment at Onegevity where it can (before shipping) and stop following the order'
            : 'Close this unknown-order record (nothing is sent to Onegevity)',
          fields: [],
        },
  );
}

/** The fields each lab action takes. */
const ACTION_FIELDS: Readonly<Record<LabAction, z.ZodType<{ address?: LabResolution['address'] }>>> = sharedSchema(
  'lab/resolution:ACTION_FIELDS',
  () => ({
    resubmit: z.strictObject({ address: labAddressSchema.optional() }),
    cancel: z.strictObject({}),
  }),
);

function isLabAction(action: string): action is LabAction {
  return Object.hasOwn(ACTION_FIELDS, action);
}

/** A resolveException input as a lab resolution, or what is wrong with its fields. */
export function labResolutionOf(
  input: ResolveExceptionInput,
): { ok: true; resolution: LabResolution } | { ok: false; problem: string } {
  const base = { action: input.action, operator: input.operator, reason: input.reason };
  // An action the lab does not know is refused as not offered (with what is), not as a field problem.
  if (!isLabAction(input.action)) return { ok: true, resolution: base };
  const fields = parseActionFields(ACTION_FIELDS[input.action], input.fields);
  if (!fields.ok) return { ok: false, problem: fields.problem };
  return { ok: true, resolution: { ...base, ...(fields.value.address ? { address: fields.value.address } : {}) } };
}

/** The older resolveLabException input as a lab resolution (its schema checked the address already). */
export function labResolutionOfLegacy(input: z.output<typeof resolveLabExceptionInput>): LabResolution {
  return {
    action: input.action,
    operator: input.operator,
    reason: input.reason,
    ...(input.address ? { address: input.address } : {}),
  };
}

/** Why `resolution` cannot be carried out now; undefined when it can. */
export function labResolutionRefusal(
  state: LabOrderState,
  resolution: Pick<LabResolution, 'action'>,
): (InputRefusal & { offeredActions: LabAction[] }) | undefined {
  const offeredActions = offeredLabActions(state);
  if (offeredActions.length === 0) return { reason: 'the order has already ended: nothing to resolve', offeredActions };
  if (!(offeredActions as string[]).includes(resolution.action)) {
    const named = quotedActionName(resolution.action) ?? 'the action given';
    const offered = `offered: ${offeredActions.join(', ')}`;
    if (resolution.action === 'resubmit' && !state.startedByEngine) {
      const why = `it has no placement to resubmit with; ${RESUBMIT_ELSEWHERE}`;
      return {
        reason: `${named} is not offered for an order placed outside the engine (${why}); ${offered}`,
        offeredActions,
      };
    }
    return { reason: `${named} is not offered now; ${offered}`, offeredActions };
  }
  return undefined;
}

/** The corrected address as the workflow keeps it (trimmed; an empty second line is left out). */
export function correctedAddress(address: NonNullable<LabResolution['address']>): LabAddress {
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
