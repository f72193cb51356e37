// Prescriptions (Honeybee): list, read, and the partner's and operators' inputs, each an update answered with the
// workflow's decision (200), or 409 (not now: the reason says why) / 422 (invalid). A cancellation answers 202: the
// prescription accepted it, and canceling its open order at Honeybee happens after the answer.
import { requestRefillUpdate } from '../../../../workflows/honeybee/messages.js';
import { resolveExceptionUpdate } from '../../../../workflows/shared/operator-messages.js';
import { prescriptionWorkflowId } from '../../../domain/workflow-ids.js';
import { listWorkflows } from '../listing.js';
import { defineOperation, json, type CallContext } from '../operation.js';
import { actionResult, prescriptionStatus, workflowPage, workflowRead } from '../responses.js';
import {
  approveFillBody,
  cancelBody,
  matchPatientBody,
  prescriptionListQuery,
  prescriptionParams,
  requestRefillBody,
  resolutionBody,
} from '../schemas.js';

const handleOf = (call: CallContext, prescriptionId: string) =>
  call.client.workflow.getHandle(prescriptionWorkflowId(prescriptionId));

const decided = {
  description: 'The prescription accepted the input; `message` says what it does',
  schema: actionResult,
};
const STATE_ERRORS = [404, 409, 413, 415, 422] as const;

export const prescriptionOperations = [
  defineOperation({
    operationId: 'listPrescriptions',
    method: 'GET',
    path: '/api/prescriptions',
    tag: 'Prescriptions',
    scope: 'read',
    summary: 'List prescriptions',
    description:
      'Prescription workflows, newest first, by stage and by whether they wait for a human. Ids, stages and flags ' +
      "from the engine's search attributes (no PHI).",
    query: prescriptionListQuery,
    responses: { 200: { description: 'One page', schema: workflowPage } },
    errors: [],
    handle: async ({ query }, call) =>
      json(
        200,
        await call.engine.within(() =>
          listWorkflows(call.client, { workflowType: 'prescriptionWorkflow', idPrefix: 'honeybee-rx-' }, query),
        ),
      ),
  }),
  defineOperation({
    operationId: 'getPrescription',
    method: 'GET',
    path: '/api/prescriptions/{prescriptionId}',
    tag: 'Prescriptions',
    scope: 'read',
    summary: "Read a prescription's state",
    description: "The prescription workflow's state, with the operator contract (`offeredActions`, `decisions`).",
    params: prescriptionParams,
    responses: { 200: { description: 'The state', schema: workflowRead(prescriptionStatus) } },
    errors: [404, 409],
    handle: async ({ params }, call) => json(200, await call.engine.status(handleOf(call, params.prescriptionId))),
  }),
  defineOperation({
    operationId: 'approveFill',
    method: 'POST',
    path: '/api/prescriptions/{prescriptionId}/fill-approvals',
    tag: 'Prescriptions',
    scope: 'operate',
    summary: 'Approve a fill',
    description:
      'Approves the waiting fill (or, with `fillNumber`, a later one) once payment is done (with ' +
      '`HONEYBEE_FILL_APPROVAL=partner`). 409 when fills need no approval here or that fill is past.',
    params: prescriptionParams,
    body: approveFillBody,
    responses: { 200: decided },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(
        200,
        await call.engine.decide(
          handleOf(call, params.prescriptionId),
          resolveExceptionUpdate,
          {
            action: 'approveFill',
            fields: {
              ...(body.fillNumber ? { fillNumber: body.fillNumber } : {}),
              ...(body.paymentReference ? { paymentReference: body.paymentReference } : {}),
            },
            operator: body.approvedBy,
            reason: 'fill approved by the partner',
          },
          call,
        ),
      ),
  }),
  defineOperation({
    operationId: 'requestRefill',
    method: 'POST',
    path: '/api/prescriptions/{prescriptionId}/refill-requests',
    tag: 'Prescriptions',
    scope: 'operate',
    summary: 'Request the next refill',
    description:
      'Asks for the next refill (Partner Requested Fills). 409 when none can be requested: no refills left, ' +
      'Automatic Processing (Honeybee refills by itself), or the prescription has ended.',
    params: prescriptionParams,
    body: requestRefillBody,
    responses: { 200: decided },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(200, await call.engine.decide(handleOf(call, params.prescriptionId), requestRefillUpdate, body, call)),
  }),
  defineOperation({
    operationId: 'matchPatient',
    method: 'POST',
    path: '/api/prescriptions/{prescriptionId}/patient-match',
    tag: 'Prescriptions',
    scope: 'operate',
    summary: "Settle the prescription's patient match",
    description:
      'Names the partner patient when the directory found none or several. 409 when the prescription is not ' +
      'waiting for a match (or it is already matched).',
    params: prescriptionParams,
    body: matchPatientBody,
    responses: { 200: decided },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(
        200,
        await call.engine.decide(
          handleOf(call, params.prescriptionId),
          resolveExceptionUpdate,
          {
            action: 'matchPatient',
            fields: { partnerPatientId: body.partnerPatientId },
            operator: body.operator,
            reason: body.reason,
          },
          call,
        ),
      ),
  }),
  defineOperation({
    operationId: 'resolvePrescription',
    method: 'POST',
    path: '/api/prescriptions/{prescriptionId}/resolution',
    tag: 'Prescriptions',
    scope: 'operate',
    summary: 'Resolve what the prescription waits for',
    description:
      "One of the status's `offeredActions` with its fields (e.g. `update_shipping_address` after Honeybee refused " +
      'the address at order creation; also `matchPatient`, `approveFill`, `cancel`). 409 when the action is not ' +
      'offered now, 422 when its fields are missing or invalid.',
    params: prescriptionParams,
    body: resolutionBody,
    responses: { 200: decided },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(200, await call.engine.decide(handleOf(call, params.prescriptionId), resolveExceptionUpdate, body, call)),
  }),
  defineOperation({
    operationId: 'cancelPrescription',
    method: 'POST',
    path: '/api/prescriptions/{prescriptionId}/cancellation',
    tag: 'Prescriptions',
    scope: 'operate',
    summary: 'Cancel the prescription',
    description:
      '202: the prescription accepted the cancellation and stops at whatever it waits for; canceling its open order ' +
      'at Honeybee (possible only while On Hold) happens after this answer, and `prescription.canceled` tells how ' +
      'it went. 409 when it has already ended or is being canceled.',
    params: prescriptionParams,
    body: cancelBody,
    responses: {
      202: { description: 'Accepted: the prescription is being canceled', schema: actionResult },
    },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(
        202,
        await call.engine.decide(
          handleOf(call, params.prescriptionId),
          resolveExceptionUpdate,
          { action: 'cancel', ...body },
          call,
        ),
      ),
  }),
];
