// An offered action as a form, and the form's answer as the action's `fields`. Each field of
// `offeredActions[].fields` (name, required, description, example) becomes a labelled input whose kind follows its
// example: a number, a checkbox for true/false, a group of inputs for an object (one per member, e.g. an address), a
// text box otherwise. Values are sent as typed; the workflow's update validator is the judge, and its refusal names
// the fields (`"fields.address.country" must be …`, `needs the field prescriber_note`), which are shown beside them.
// Pure: tested without a browser.
import type { ActionField, OperatorAction } from '../../workflows/shared/operator-messages.js';
import { buildFields } from '../cli/operator-fields.js';

/** The form's own names: `field.<name>` for a field, `field.<name>.<member>` inside an object field. */
export const FIELD_PREFIX = 'field.';

export type InputKind = 'text' | 'number' | 'checkbox' | 'json';

export interface FormInput {
  /** The form control's name. */
  name: string;
  label: string;
  kind: InputKind;
  required: boolean;
  /** The example, as text (a made-up value of the right shape). */
  example?: string;
  value: string;
  problem?: string;
}

export interface FormField {
  field: ActionField;
  /** One input for a plain field; one per member for an object field (rendered as a fieldset). */
  inputs: FormInput[];
  group: boolean;
  /** A problem with the field as a whole (missing, wrong type). */
  problem?: string;
}

export type SubmittedForm = Readonly<Record<string, string>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(example: unknown): InputKind {
  if (typeof example === 'number') return 'number';
  if (typeof example === 'boolean') return 'checkbox';
  if (example === undefined || example === null || typeof example === 'string') return 'text';
  return 'json';
}

function exampleText(example: unknown): string | undefined {
  if (example === undefined || example === null) return undefined;
  return typeof example === 'string' ? example : JSON.stringify(example);
}

/** Field paths the workflow's refusal names, with the sentence that names each (`address.country` → "…"). */
export function fieldProblems(refusal: string): Map<string, string> {
  const problems = new Map<string, string>();
  for (const sentence of refusal.split('; ')) {
    const quoted = /^"fields\.([\w.]+)"/.exec(sentence);
    if (quoted?.[1]) problems.set(quoted[1], sentence);
    const attribution = /^"(operator|reason)"/.exec(sentence);
    if (attribution?.[1]) problems.set(`:${attribution[1]}`, sentence);
    const missing = /needs the fields? ([\w, ]+)$/.exec(sentence);
    for (const name of missing?.[1]?.split(', ') ?? []) problems.set(name, `${name} is required`);
  }
  return problems;
}

/** The inputs of an action's form, filled with what was submitted (after a refusal) and each field's problem. */
export function formFields(action: OperatorAction, submitted: SubmittedForm = {}, refusal?: string): FormField[] {
  const problems = refusal ? fieldProblems(refusal) : new Map<string, string>();
  return action.fields.map((field) => {
    const base = `${FIELD_PREFIX}${field.name}`;
    if (isRecord(field.example)) {
      const inputs = Object.entries(field.example).map(([member, example]): FormInput => {
        const problem = problems.get(`${field.name}.${member}`);
        const text = exampleText(example);
        return {
          name: `${base}.${member}`,
          label: member,
          kind: kindOf(example),
          // Inside an example object, a null member is an optional one (e.g. a second street line).
          required: field.required && example !== null,
          ...(text !== undefined ? { example: text } : {}),
          value: submitted[`${base}.${member}`] ?? '',
          ...(problem ? { problem } : {}),
        };
      });
      const problem = problems.get(field.name);
      return { field, inputs, group: true, ...(problem ? { problem } : {}) };
    }
    const problem = problems.get(field.name);
    const text = exampleText(field.example);
    const input: FormInput = {
      name: base,
      label: field.name,
      kind: kindOf(field.example),
      required: field.required,
      ...(text !== undefined ? { example: text } : {}),
      value: submitted[base] ?? '',
      ...(problem ? { problem } : {}),
    };
    return { field, inputs: [input], group: false, ...(problem ? { problem } : {}) };
  });
}

/** A typed value as its example's type asks; text that is not of that type is sent as typed, for the validator. */
function typed(kind: InputKind, text: string): unknown {
  switch (kind) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'checkbox':
      return true;
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/**
 * The `fields` a submitted form gives: empty inputs are left out (an optional field not given), an object field with
 * no member given is left out as a whole. Without the action's definition (it is no longer offered), every
 * `field.*` input is sent as text, nested by its dots (as `fulfill resolve --field` does), so the workflow's refusal
 * says what is wrong.
 */
export function fieldsFromForm(action: OperatorAction | undefined, submitted: SubmittedForm): Record<string, unknown> {
  if (!action) {
    const given = Object.entries(submitted)
      .filter(([name, value]) => name.startsWith(FIELD_PREFIX) && value.trim() !== '')
      .map(([name, value]) => `${name.slice(FIELD_PREFIX.length)}=${value}`);
    try {
      return buildFields(given);
    } catch {
      // Names no form of ours has: send nothing, and the workflow says what the action needs.
      return {};
    }
  }
  const fields: Record<string, unknown> = {};
  for (const form of formFields(action, submitted)) {
    const given = form.inputs
      .filter((input) => input.value.trim() !== '')
      .map((input) => [input.label, typed(input.kind, input.value)] as const);
    if (given.length === 0) continue;
    fields[form.field.name] = form.group ? Object.fromEntries(given) : given[0]?.[1];
  }
  return fields;
}
