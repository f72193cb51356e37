// What the fields of Honeybee's order actions mean (the `fields` of an ORDER_EXCEPTION's `order_actions`, and the
// corrected address or the patient-safety intake of an order the engine could not create; docs/VENDOR-FACTS.md), with a made-up example of each: the workflows explain
// them in their status and current details. Field names are the vendor's; an unknown one is shown as it is.

import { ownEntry } from './own-entry.js';

export interface FieldHelp {
  description: string;
  example: unknown;
}

const FIELDS: Readonly<Record<string, FieldHelp>> = {
  address: {
    description: 'the shipping address to use instead: {street1, street2, city, state, zip}',
    example: { street1: '<street>', street2: null, city: '<city>', state: 'CA', zip: '94107' },
  },
  email: { description: "the patient's corrected email address", example: '<patient email>' },
  dob: { description: "the patient's corrected date of birth (YYYY-MM-DD)", example: 'YYYY-MM-DD' },
  quantity: { description: 'the quantity to dispense instead (a number)', example: 30 },
  name: { description: 'the ship-to name, at most 35 characters', example: '<ship-to name, at most 35 characters>' },
  prescriber_note: {
    description: "the prescriber's note settling the exception",
    example: '<note from the prescriber>',
  },
  reason: { description: 'why (defaults to your reason)', example: '<why>' },
  patientSafety: {
    description:
      "the patient's intake as the partner or the patient confirmed it: {medications, healthConditions, allergies}, " +
      'each a list of names or objects; an empty list means none known',
    example: { medications: ['<medication>'], healthConditions: [], allergies: ['<allergy>'] },
  },
};

export function honeybeeFieldHelp(field: string): FieldHelp {
  // The field names come from Honeybee's order_actions.
  return ownEntry(FIELDS, field) ?? { description: `${field}, as Honeybee asks for it`, example: `<${field}>` };
}

/** A field Honeybee asks for that the engine fills itself when it is missing. */
export function isDefaultedHoneybeeField(field: string): boolean {
  return field === 'reason';
}

/** A field Honeybee takes as text: a known one whose example is text (an unknown one's kind is the vendor's to judge). */
export function isTextHoneybeeField(field: string): boolean {
  return typeof ownEntry(FIELDS, field)?.example === 'string';
}
