// Prescriptions (Honeybee): list, read, and the partner's and operators' inputs, each an update answered with the
// workflow's decision (200), or 409 (not now: the reason says why) / 422 (invalid). A cancellation answers 202: the
// prescription accepted it, and canceling its open order at Honeybee happens after the answer.
import { requestRefillUpdate } from '../../../../workflows/honeybee/messages.js';
import { resolveExceptionUpdate } from '../../../../workflows/shared/operator-messages.js';
import { prescriptionWorkflowId } from '../../../domain/workflow-ids.js';
import type { CallContext } from '../operation.js';
import { prescriptionStatus } from '../responses.js';
import {
  approveFillBody,
  cancelBody,
  matchPatientBody,
  prescriptionListQuery,
  prescriptionParams,
  requestRefillBody,
  resolutionBody,
} from '../schemas.js';
import { decisionOperation, listOperation, readOperation } from './common.js';

const handleOf = (call: CallContext, params: { prescriptionId: string }) =>
  call.client.workflow.getHandle(prescriptionWorkflowId(params.prescriptionId));

const prescription = { tag: 'Prescriptions', params: prescriptionParams, handleOf } as const;
const decided = 'The prescription accepted the input; `message` says what it does';

export const prescriptionOperations = [
  listOperation({
    operationId: 'listPrescriptions',
    path: '/api/prescriptions',
    tag: 'Prescriptions',
    summary: 'List prescriptions',
    description:
      'Prescription workflows, by stage, by whether they wait for a human, by partner patient id, or by what ' +
      'changed since a time (see Listings). Ids, stages and flags only (no PHI).',
    kind: { workflowType: 'prescriptionWorkflow', idPrefix: 'honeybee-rx-' },
    query: prescriptionListQuery,
  }),
  readOperation({
    ...prescription,
    operationId: 'getPrescription',
    path: '/api/prescriptions/{prescriptionId}',
    summary: "Read a prescription's state",
    description: "The prescription workflow's state, with the operator contract (`offeredActions`, `decisions`).",
    status: prescriptionStatus,
  }),
  decisionOperation({
    ...prescription,
    operationId: 'approveFill',
    path: '/api/prescriptions/{prescriptionId}/fill-approvals',
    summary: 'Approve a fill',
    description:
      'Approves the waiting fill (or, with `fillNumber`, a later one) once payment is done (with ' +
      "`HONEYBEE_FILL_APPROVAL=partner`). With `patientSafety` (the patient's intake) the fill's order carries it " +
      "instead of the partner directory's, and an order held for want of one is settled. 409 when fills need no " +
      "approval here, that fill is past, beyond the prescription's fills or more than 3 past the current one; an " +
      'intake over 2,000 characters an entry (32,000 in all, as JSON) is refused as invalid.',
    body: approveFillBody,
    accepted: decided,
    message: resolveExceptionUpdate,
    input: (body) => ({
      action: 'approveFill',
      fields: {
        ...(body.fillNumber ? { fillNumber: body.fillNumber } : {}),
        ...(body.paymentReference ? { paymentReference: body.paymentReference } : {}),
        ...(body.patientSafety ? { patientSafety: body.patientSafety } : {}),
      },
      operator: body.approvedBy,
      reason: 'fill approved by the partner',
    }),
  }),
  decisionOperation({
    ...prescription,
    operationId: 'requestRefill',
    path: '/api/prescriptions/{prescriptionId}/refill-requests',
    summary: 'Request the next refill',
    description:
      'Asks for the next refill (Partner Requested Fills). 409 when none can be requested: no refills left, ' +
      'Automatic Processing (Honeybee refills by itself), or the prescription has ended.',
    body: requestRefillBody,
    accepted: decided,
    message: requestRefillUpdate,
  }),
  decisionOperation({
    ...prescription,
    operationId: 'matchPatient',
    path: '/api/prescriptions/{prescriptionId}/patient-match',
    summary: "Settle the prescription's patient match",
    description:
      'Names the partner patient when the directory found none or several. 409 when the prescription is not ' +
      'waiting for a match (or it is already matched); 422 when the partner directory does not know the patient ' +
      '(it is looked up first; if the directory does not answer within 30 s, the match is taken and says so).',
    body: matchPatientBody,
    accepted: decided,
    message: resolveExceptionUpdate,
    input: ({ partnerPatientId, ...who }) => ({ action: 'matchPatient', fields: { partnerPatientId }, ...who }),
  }),
  decisionOperation({
    ...prescription,
    operationId: 'resolvePrescription',
    path: '/api/prescriptions/{prescriptionId}/resolution',
    summary: 'Resolve what the prescription waits for',
    description:
      "One of the status's `offeredActions` with its fields (e.g. `update_shipping_address` after Honeybee refused " +
      'the address at order creation; also `matchPatient`, `approveFill`, `cancel`). 409 when the action is not ' +
      'offered now, 422 when its fields are missing or invalid.',
    body: resolutionBody,
    accepted: decided,
    message: resolveExceptionUpdate,
  }),
  decisionOperation({
    ...prescription,
    operationId: 'cancelPrescription',
    path: '/api/prescriptions/{prescriptionId}/cancellation',
    summary: 'Cancel the prescription',
    description:
      '202: the prescription accepted the cancellation and stops at whatever it waits for; canceling its open order ' +
      'at Honeybee (possible only while On Hold) happens after this answer, and `prescription.canceled` tells how ' +
      'it went. 409 when it has already ended or is being canceled.',
    body: cancelBody,
    accepted: 'Accepted: the prescription is being canceled',
    status: 202,
    message: resolveExceptionUpdate,
    input: (body) => ({ action: 'cancel', ...body }),
  }),
];
