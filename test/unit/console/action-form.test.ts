// Offered actions as forms (src/console/action-form.ts): one labelled input per field, a group per object field, the
// form's answer typed as each field's example asks, and the workflow's refusal mapped back onto the fields it names.
import { describe, expect, it } from 'vitest';
import { fieldProblems, fieldsFromForm, formFields } from '../../../src/console/action-form.js';
import type { OperatorAction } from '../../../workflows/shared/operator-messages.js';
import { EXAMPLE_LAB_ADDRESS } from '../../../workflows/lab/resolution.js';
import { honeybeeField } from '../../../workflows/honeybee/operator-actions.js';

const OVERRIDE: OperatorAction = {
  action: 'override_allergy',
  description: 'Override the allergy',
  fields: [honeybeeField('prescriber_note')],
};
const RESUBMIT: OperatorAction = {
  action: 'resubmit',
  description: 'Send a new fulfillment request',
  fields: [{ name: 'address', required: false, description: 'a corrected address', example: EXAMPLE_LAB_ADDRESS }],
};
const QUANTITY: OperatorAction = {
  action: 'change_quantity',
  description: 'Dispense another quantity',
  fields: [honeybeeField('quantity'), honeybeeField('reason')],
};

describe('formFields', () => {
  it('gives a plain field one input, required as the workflow says, with its example', () => {
    const [field] = formFields(OVERRIDE);
    expect(field).toMatchObject({
      group: false,
      inputs: [
        {
          name: 'field.prescriber_note',
          label: 'prescriber_note',
          kind: 'text',
          required: true,
          example: '<note from the prescriber>',
          value: '',
        },
      ],
    });
    expect(field?.field.description).toBe("the prescriber's note settling the exception");
  });

  it('gives an object field one input per member; a null member of the example is optional', () => {
    const [field] = formFields({ ...RESUBMIT, fields: [{ ...RESUBMIT.fields[0]!, required: true }] });
    expect(field?.group).toBe(true);
    expect(field?.inputs.map((input) => [input.name, input.required])).toEqual([
      ['field.address.streetAddress1', true],
      ['field.address.streetAddress2', true],
      ['field.address.city', true],
      ['field.address.region', true],
      ['field.address.country', true],
      ['field.address.postalCode', true],
    ]);
    const honeybeeAddress = formFields({ action: 'a', description: '', fields: [honeybeeField('address')] })[0];
    expect(honeybeeAddress?.inputs.find((input) => input.label === 'street2')?.required).toBe(false);
  });

  it('keeps what was typed and puts each refusal sentence beside the field it names', () => {
    const refusal =
      '"fields.address.country" must be an ISO 3166 two-letter country code; "fields.address.postalCode" must be a postal code';
    const fields = formFields(RESUBMIT, { 'field.address.country': 'usa', 'field.address.city': 'Salem' }, refusal);
    const byLabel = Object.fromEntries(fields[0]!.inputs.map((input) => [input.label, input]));
    expect(byLabel.country).toMatchObject({
      value: 'usa',
      problem: '"fields.address.country" must be an ISO 3166 two-letter country code',
    });
    expect(byLabel.postalCode?.problem).toBe('"fields.address.postalCode" must be a postal code');
    expect(byLabel.city).toMatchObject({ value: 'Salem' });
    expect(byLabel.city?.problem).toBeUndefined();
  });
});

describe('fieldProblems', () => {
  it('reads the validators of every workflow: field paths, missing fields, attribution', () => {
    expect([...fieldProblems('action "override_allergy" needs the field prescriber_note')]).toEqual([
      ['prescriber_note', 'prescriber_note is required'],
    ]);
    expect([...fieldProblems('action "x" needs the fields email, dob').keys()]).toEqual(['email', 'dob']);
    expect([...fieldProblems('"operator" must not be blank; "reason" is required').keys()]).toEqual([
      ':operator',
      ':reason',
    ]);
    expect(fieldProblems('action "y" is not offered for 74 Allergy Detected; offered: override_allergy').size).toBe(0);
  });
});

describe('fieldsFromForm', () => {
  it('types values by their example, leaves out empty inputs and an object with no member given', () => {
    expect(fieldsFromForm(QUANTITY, { 'field.quantity': ' 30 ', 'field.reason': '' })).toEqual({ quantity: 30 });
    expect(fieldsFromForm(QUANTITY, { 'field.quantity': 'thirty' })).toEqual({ quantity: 'thirty' });
    expect(fieldsFromForm(RESUBMIT, { 'field.address.city': '' })).toEqual({});
    expect(
      fieldsFromForm(RESUBMIT, {
        'field.address.streetAddress1': '9 New Road',
        'field.address.streetAddress2': '',
        'field.address.city': 'Salem',
        'field.address.region': 'OR',
        'field.address.country': 'US',
        'field.address.postalCode': '02110',
        'field.address.unknown': 'ignored',
        operator: 'casey',
      }),
    ).toEqual({
      address: { streetAddress1: '9 New Road', city: 'Salem', region: 'OR', country: 'US', postalCode: '02110' },
    });
  });

  it('without the action (no longer offered) sends every field as text, nested by its dots', () => {
    expect(fieldsFromForm(undefined, { 'field.a.b': 'x', 'field.c': '1', other: 'y', 'field.d': '' })).toEqual({
      a: { b: 'x' },
      c: '1',
    });
    expect(fieldsFromForm(undefined, { 'field.bad name': 'x' })).toEqual({});
  });
});
