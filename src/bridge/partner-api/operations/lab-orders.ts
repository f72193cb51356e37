// Lab orders (Onegevity): place, list, read, resolve a rejected fulfillment, cancel, activate the kit, and the
// results. Placing starts the workflow (201, or 200 for a retried requestKey); the inputs are updates answered with
// Onegevity's outcome; a report streams through the bridge, recorded first (lab-reports.ts).
import { activateKitUpdate } from '../../../../workflows/lab/messages.js';
import { resolveExceptionUpdate } from '../../../../workflows/shared/operator-messages.js';
import { ONEGEVITY_REPORT_DOCUMENT_TYPE } from '../../../vendors/onegevity/client.js';
import { labOrderWorkflowId } from '../../../domain/workflow-ids.js';
import { labOrderRequestSchema, LabOrderRequestError, parseLabOrderRequest } from '../../../lab/lab-order-request.js';
import { LabOrderConflictError, startLabOrder } from '../../../lab/start-lab-order.js';
import { PartnerApiError } from '../errors.js';
import { reportDocument, reportList } from '../lab-reports.js';
import { defineOperation, json, type CallContext } from '../operation.js';
import { actionResult, labOrderStarted, labOrderStatus, reportList as reportListSchema } from '../responses.js';
import {
  cancelBody,
  kitActivationBody,
  labOrderListQuery,
  labOrderParams,
  labResolutionBody,
  reportParams,
} from '../schemas.js';
import { decisionOperation, listOperation, readOperation, STATE_ERRORS } from './common.js';

const handleOf = (call: CallContext, params: { orderIdentifier: string }) =>
  call.client.workflow.getHandle(labOrderWorkflowId(params.orderIdentifier));

const lab = { tag: 'Lab orders', params: labOrderParams, handleOf } as const;
const decided = 'Onegevity accepted it; `message` says what was done';

export const labOrderOperations = [
  defineOperation({
    operationId: 'placeLabOrder',
    method: 'POST',
    path: '/api/lab-orders',
    tag: 'Lab orders',
    scope: 'operate',
    summary: 'Order a lab-test kit',
    description:
      'Starts a kit order; the engine picks the `orderIdentifier` (no PHI). With a `requestKey` (or an ' +
      'Idempotency-Key, from which one is derived) a retry finds the order it started (200, `started: false`); ' +
      'the same key with another request is 409.',
    body: labOrderRequestSchema,
    readBody: (value) => {
      try {
        return parseLabOrderRequest(value);
      } catch (error) {
        if (!(error instanceof LabOrderRequestError)) throw error;
        throw new PartnerApiError(400, 'invalid_request', 'invalid lab order request', [...error.issues]);
      }
    },
    responses: {
      201: { description: 'Started', schema: labOrderStarted },
      200: { description: 'The order this requestKey had already started', schema: labOrderStarted },
    },
    errors: [409, 413, 415],
    handle: async ({ body }, call) => {
      const request = call.idempotent && !body.requestKey ? { ...body, requestKey: call.idempotent.requestKey } : body;
      try {
        const started = await call.engine.within(() =>
          startLabOrder(call.client, call.engine.settings.taskQueue, request, call.engine.settings.labSettings),
        );
        return json(started.started ? 201 : 200, started);
      } catch (error) {
        if (error instanceof LabOrderConflictError) throw new PartnerApiError(409, 'conflict', error.message);
        throw error;
      }
    },
  }),
  listOperation({
    operationId: 'listLabOrders',
    path: '/api/lab-orders',
    tag: 'Lab orders',
    summary: 'List lab orders',
    description:
      'Lab order workflows, by stage, by whether they wait for a human, by partner patient id, or by what changed ' +
      'since a time (see Listings). Ids, stages and flags only (no PHI).',
    kind: { workflowType: 'labOrderWorkflow', idPrefix: 'onegevity-order-' },
    query: labOrderListQuery,
  }),
  readOperation({
    ...lab,
    operationId: 'getLabOrder',
    path: '/api/lab-orders/{orderIdentifier}',
    summary: "Read a lab order's state",
    description:
      'Stage, Onegevity statuses, tracking, what needs an operator, report ids (no patient details). An order ' +
      'placed outside the engine that it follows reads the same, with `followed: true`.',
    status: labOrderStatus,
  }),
  defineOperation({
    operationId: 'resolveLabOrder',
    method: 'POST',
    path: '/api/lab-orders/{orderIdentifier}/resolution',
    tag: 'Lab orders',
    scope: 'operate',
    summary: 'Resolve a rejected kit fulfillment',
    description:
      '`resubmit` (with `fields.address` to correct the address) or `cancel`. A top-level `address` is still ' +
      'taken as `fields.address`. 409 when the action is not offered now; an order placed outside the engine ' +
      'offers only `cancel` (a resubmission needs the placement the engine does not have).',
    params: labOrderParams,
    body: labResolutionBody,
    responses: { 200: { description: decided, schema: actionResult } },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) => {
      const { address, ...input } = body;
      const fields = address === undefined ? input.fields : { ...input.fields, address };
      return json(
        200,
        await call.engine.decide(handleOf(call, params), resolveExceptionUpdate, { ...input, fields }, call),
      );
    },
  }),
  decisionOperation({
    ...lab,
    operationId: 'cancelLabOrder',
    path: '/api/lab-orders/{orderIdentifier}/cancellation',
    summary: 'Cancel a lab order',
    description:
      'Cancels the fulfillment at Onegevity where it still can (before shipping) and stops following the order. ' +
      '409 when the order has already ended.',
    body: cancelBody,
    accepted: decided,
    message: resolveExceptionUpdate,
    input: (body) => ({ action: 'cancel', ...body }),
  }),
  decisionOperation({
    ...lab,
    operationId: 'activateKit',
    path: '/api/lab-orders/{orderIdentifier}/kit-activations',
    summary: 'Activate a kit with its activation code',
    description:
      "Sends the code printed on the kit to Onegevity (its order's `kitActivations`). Without " +
      '`packageElementIdentifier`, the one kit element waiting for activation is meant. 409 before the kit has ' +
      'shipped, once it is activated, or for an order placed outside the engine; 422 when Onegevity refuses the code ' +
      "(the answer names the field, not Onegevity's words; the sandbox takes codes like `TH-AB12CD`: two capital " +
      'letters, a dash, 4 to 12 capital letters or digits).',
    body: kitActivationBody,
    accepted: 'Onegevity took the activation',
    message: activateKitUpdate,
  }),
  defineOperation({
    operationId: 'listLabReports',
    method: 'GET',
    path: '/api/lab-orders/{orderIdentifier}/reports',
    tag: 'Lab orders',
    scope: 'read',
    summary: "A lab order's report ids",
    description:
      'The reports Onegevity released for the order (empty until the results are released), an order placed ' +
      'outside the engine included.',
    params: labOrderParams,
    responses: { 200: { description: 'The report ids', schema: reportListSchema } },
    errors: [404, 409],
    handle: async ({ params }, call) => json(200, await reportList(call, params.orderIdentifier)),
  }),
  defineOperation({
    operationId: 'getLabReport',
    method: 'GET',
    path: '/api/lab-orders/{orderIdentifier}/reports/{reportIdentifier}',
    tag: 'Lab orders',
    scope: 'read',
    summary: 'Download a lab report',
    description:
      "The report's document (a PDF), streamed from Onegevity through the engine. Each download is recorded first " +
      '(workflow `onegevity-report-access-…`: the report, the key, the time); without the record nothing is sent. ' +
      'Not cached (`Cache-Control: no-store`). Only for orders the engine placed: it reads the report through the ' +
      "order's placement, so an order placed outside the engine is 409 (its report ids are listed).",
    params: reportParams,
    responses: { 200: { description: 'The report', contentType: ONEGEVITY_REPORT_DOCUMENT_TYPE } },
    errors: [404, 409, 502],
    handle: async ({ params }, call) => reportDocument(call, params.orderIdentifier, params.reportIdentifier),
  }),
];
