// The Honeybee workflows' actions in the operator contract's terms (workflows/shared/operator-messages.ts): each
// vendor action with its fields explained, and the prescription workflow's own actions (match the patient, approve
// the fill, cancel).
import { honeybeeFieldHelp, isDefaultedHoneybeeField } from '../../src/domain/honeybee-action-fields.js';
import type { ActionField, OperatorAction } from '../shared/operator-messages.js';
import type { OfferedAction } from './types.js';

export function honeybeeField(name: string): ActionField {
  const help = honeybeeFieldHelp(name);
  return { name, required: !isDefaultedHoneybeeField(name), description: help.description, example: help.example };
}

/** A vendor action (or one of the engine's creation actions) as the status offers it. */
export function operatorActionOf(action: OfferedAction): OperatorAction {
  return {
    action: action.action,
    description: action.description ?? '',
    fields: action.fields.map(honeybeeField),
  };
}

export const MATCH_PATIENT_ACTION: OperatorAction = {
  action: 'matchPatient',
  description: "Match the prescription's patient to a partner patient (the directory found none or several)",
  fields: [
    {
      name: 'partnerPatientId',
      required: true,
      description: "the partner's id of this patient",
      example: '<partner patient id>',
    },
  ],
};

export const APPROVE_FILL_ACTION: OperatorAction = {
  action: 'approveFill',
  description: "Approve the waiting fill on the partner's behalf (payment done)",
  fields: [
    {
      name: 'paymentReference',
      required: false,
      description: "the partner's payment reference, if any",
      example: '<payment reference>',
    },
    { ...honeybeeField('patientSafety'), required: false },
  ],
};

export const CANCEL_PRESCRIPTION_ACTION: OperatorAction = {
  action: 'cancel',
  description: 'Cancel the prescription (its open order too, where Honeybee allows it); the same as the cancel signal',
  fields: [],
};
