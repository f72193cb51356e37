// What a prescription asks an operator to settle, as the exception its status and current details show: a patient
// the partner's directory could not match (or Honeybee could not find), and an order Honeybee refused to create, with
// the actions that settle each. Pure: the workflow raises them, tests read them.
import { correctedAddressMaySettle, isHoneybeeAddressCode } from '../../src/domain/honeybee-address-codes.js';
import { FailureType } from '../../src/domain/failure-types.js';
import type { HoneybeePatientMatch } from '../../activities/honeybee.js';
import { describeRefusal, type ActivityProblem } from '../shared/activity-failures.js';
import type { OfferedAction, OperatorException } from './types.js';

const MATCH_ACTIONS: OfferedAction[] = [{ action: 'matchPatient', fields: ['partnerPatientId'] }];

/** The directory found none or several: the engine never guesses. */
export function unmatchedPatientException(
  match: Exclude<HoneybeePatientMatch, { outcome: 'matched' }>,
  raisedAt: string,
): OperatorException {
  return match.outcome === 'ambiguous'
    ? {
        source: 'patient_match',
        code: 'PATIENT_AMBIGUOUS',
        name: `Ambiguous patient: ${match.candidates} partner patients match by ${match.matchedBy}`,
        actions: MATCH_ACTIONS,
        raisedAt,
      }
    : {
        source: 'patient_match',
        code: 'PATIENT_NOT_FOUND',
        name: `Patient not in the partner directory (tried ${match.tried.join(', ') || 'nothing: no usable identifiers'})`,
        actions: MATCH_ACTIONS,
        raisedAt,
      };
}

/** Honeybee did not know the patient, or could not be asked. */
export function patientLookupException(problem: ActivityProblem, raisedAt: string): OperatorException {
  const notFound = problem.type === FailureType.VendorNotFound;
  return {
    source: 'patient_match',
    code: notFound ? 'HONEYBEE_PATIENT_NOT_FOUND' : 'PATIENT_LOOKUP_FAILED',
    name: notFound ? 'Honeybee does not know this patient' : `Patient lookup failed (${describeRefusal(problem)})`,
    actions: MATCH_ACTIONS,
    raisedAt,
  };
}

const CANCEL_PRESCRIPTION: OfferedAction = {
  action: 'cancel_prescription',
  description: 'Cancel this prescription',
  fields: [],
};

/**
 * The partner supplied no patient-safety intake and the engine holds the order rather than tell the pharmacy "none
 * known": read the intake again once the partner has added it, or take it from the operator, or cancel.
 */
const PATIENT_SAFETY_ACTIONS: OfferedAction[] = [
  {
    action: 'retry_order',
    description: "Create the order again, reading the partner's intake again (once the partner has added it)",
    fields: [],
  },
  {
    action: 'provide_patient_safety',
    description:
      'Create the order with the intake given here, as the partner or the patient confirmed it (empty lists: none known)',
    fields: ['patientSafety'],
  },
  CANCEL_PRESCRIPTION,
];

/** The actions an operator may take when Honeybee refuses to create the order (or the engine holds it). */
function creationActions(problem: ActivityProblem): OfferedAction[] {
  if (problem.type === FailureType.PatientSafetyUnknown) return PATIENT_SAFETY_ACTIONS;
  const addressProblem =
    problem.codes.some(correctedAddressMaySettle) ||
    problem.fields.some((field) => field === 'address' || field.startsWith('address.'));
  return [
    ...(addressProblem
      ? [
          {
            action: 'update_shipping_address',
            description: 'Create the order with a corrected address',
            fields: ['address'],
          },
        ]
      : []),
    { action: 'retry_order', description: 'Create the order again as it is (after fixing it at Honeybee)', fields: [] },
    CANCEL_PRESCRIPTION,
  ];
}

function creationExceptionName(problem: ActivityProblem): string {
  switch (problem.type) {
    case FailureType.VendorConflict:
      return 'Order conflict: Honeybee reports an open order the engine cannot find';
    case FailureType.VendorNotFound:
      return 'Patient or prescription not found at Honeybee';
    case FailureType.InvalidInput:
      return 'Order request invalid';
    case FailureType.VendorUnauthorized:
      return 'Honeybee refused the credentials';
    case FailureType.PatientSafetyUnknown:
      return 'Patient-safety data missing';
    default:
      return problem.codes.some(isHoneybeeAddressCode) ? 'Address rejected' : 'Order refused';
  }
}

/**
 * Honeybee refused to create the fill's order (or the engine held it: no patient-safety intake): what was objected
 * to, and what an operator may do.
 */
export function orderRefusedException(problem: ActivityProblem, raisedAt: string): OperatorException {
  return {
    source: 'order_creation',
    code: problem.codes.length > 0 ? problem.codes.join(',') : problem.type,
    name: creationExceptionName(problem),
    actions: creationActions(problem),
    fields: problem.fields,
    raisedAt,
  };
}

/**
 * Automatic Processing: Honeybee has not created the fill's order, however often the engine looked. Look again (once
 * Honeybee has it, or after asking Honeybee), or cancel.
 */
export const ORDER_NOT_CREATED = 'ORDER_NOT_CREATED';

export function vendorOrderMissingException(looks: number, raisedAt: string): OperatorException {
  return {
    source: 'order_creation',
    code: ORDER_NOT_CREATED,
    name: 'Honeybee has not created the order',
    message: `no order for this prescription at Honeybee after ${looks} look(s)`,
    actions: [
      {
        action: 'retry_order',
        description: "Look for Honeybee's order again (once Honeybee has created it)",
        fields: [],
      },
      CANCEL_PRESCRIPTION,
    ],
    raisedAt,
  };
}
