// The `fulfill resolve` line `fulfill show` prints for an offered action: pasted (placeholders filled in), its
// `--field` arguments must build fields the workflow accepts.
import { describe, expect, it } from 'vitest';
import { resolveHint } from '../../../src/cli/operators/show.js';
import { buildFields } from '../../../src/cli/operator-fields.js';
import { operatorActionOf } from '../../../workflows/honeybee/operator-actions.js';
import { honeybeeShippingAddressInput, patientSafetyInput } from '../../../workflows/honeybee/messages.js';

/** The `--field` arguments of a hint as a POSIX shell would pass them (single quotes, `'\''` for a quote). */
function fieldArguments(hint: string): string[] {
  return [...hint.matchAll(/--field ('(?:[^']|'\\'')*'|\S+)/g)].map(([, word]) =>
    word!.startsWith("'") ? word!.slice(1, -1).replace(/'\\''/g, "'") : word!,
  );
}

describe('resolveHint', () => {
  it('gives the patient-safety intake whole, as JSON the workflow accepts', () => {
    const hint = resolveHint('HB1', operatorActionOf({ action: 'provide_patient_safety', fields: ['patientSafety'] }));
    expect(hint).toMatch(/^fulfill resolve HB1 --action provide_patient_safety --field 'patientSafety:=\{/);
    const fields = buildFields(fieldArguments(hint));
    expect(patientSafetyInput.safeParse(fields.patientSafety).error).toBeUndefined();
  });

  it('gives an address whole, and a text field as name=<value>', () => {
    const hint = resolveHint('HB1', operatorActionOf({ action: 'correct_address', fields: ['address', 'email'] }));
    const [address, email] = fieldArguments(hint);
    expect(email).toBe('email=<value>');
    const fields = buildFields([address!]);
    expect(honeybeeShippingAddressInput.safeParse(fields.address).error).toBeUndefined();
  });

  it('leaves out fields the engine fills in (reason)', () => {
    const hint = resolveHint('HB1', operatorActionOf({ action: 'cancel_order', fields: ['reason'] }));
    expect(hint).toBe('fulfill resolve HB1 --action cancel_order --operator <you> --reason <why>');
  });
});
