// Orders (Honeybee): list, read, resolve an On Hold order with one of the actions its exception offered, and cancel
// (Honeybee allows it only while On Hold). Each is an update of the order's workflow, answered with Honeybee's
// outcome: 200, or 409 (not On Hold, action not offered) / 422 (fields missing, or Honeybee refused them).
import { resolveExceptionUpdate } from '../../../../workflows/shared/operator-messages.js';
import { honeybeeOrderWorkflowId } from '../../../domain/workflow-ids.js';
import { listWorkflowPage } from '../listing.js';
import { defineOperation, json, type CallContext } from '../operation.js';
import { actionResult, orderStatus, workflowPage, workflowRead } from '../responses.js';
import { cancelBody, orderListQuery, orderParams, resolutionBody } from '../schemas.js';

export const orderHandle = (call: CallContext, orderNumber: string) =>
  call.client.workflow.getHandle(honeybeeOrderWorkflowId(orderNumber));

const decided = { description: 'Honeybee accepted it; the order waits for its next status', schema: actionResult };
const STATE_ERRORS = [404, 409, 413, 415, 422] as const;

export const orderOperations = [
  defineOperation({
    operationId: 'listOrders',
    method: 'GET',
    path: '/api/orders',
    tag: 'Orders',
    scope: 'read',
    summary: 'List orders',
    description: 'Order workflows, newest first, by stage and by whether they wait for a human (no PHI).',
    query: orderListQuery,
    responses: { 200: { description: 'One page', schema: workflowPage } },
    errors: [],
    handle: async ({ query }, call) =>
      json(
        200,
        await call.engine.within(() =>
          listWorkflowPage(
            call.client,
            { workflowType: 'honeybeeOrderWorkflow', stage: query.stage, needsOperator: query.needsOperator },
            query,
          ),
        ),
      ),
  }),
  defineOperation({
    operationId: 'getOrder',
    method: 'GET',
    path: '/api/orders/{orderNumber}',
    tag: 'Orders',
    scope: 'read',
    summary: "Read an order's state",
    description: "The order workflow's state: status, exception, `offeredActions` with their fields, shipments.",
    params: orderParams,
    responses: { 200: { description: 'The state', schema: workflowRead(orderStatus) } },
    errors: [404, 409],
    handle: async ({ params }, call) => json(200, await call.engine.status(orderHandle(call, params.orderNumber))),
  }),
  defineOperation({
    operationId: 'resolveOrder',
    method: 'POST',
    path: '/api/orders/{orderNumber}/resolution',
    tag: 'Orders',
    scope: 'operate',
    summary: 'Resolve an On Hold order',
    description:
      "One of the actions the order's exception offered (`offeredActions`), with its fields, submitted to Honeybee. " +
      '409 when the order is not On Hold or the action is not offered; 422 when a field is missing or Honeybee ' +
      'refused it.',
    params: orderParams,
    body: resolutionBody,
    responses: { 200: decided },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(200, await call.engine.decide(orderHandle(call, params.orderNumber), resolveExceptionUpdate, body, call)),
  }),
  defineOperation({
    operationId: 'cancelOrder',
    method: 'POST',
    path: '/api/orders/{orderNumber}/cancellation',
    tag: 'Orders',
    scope: 'operate',
    summary: 'Cancel an order',
    description:
      "Submits `cancel_order` to Honeybee, which offers it only while the order is On Hold: 409 otherwise. The order's " +
      'end comes as `order.canceled`.',
    params: orderParams,
    body: cancelBody,
    responses: { 200: decided },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(
        200,
        await call.engine.decide(
          orderHandle(call, params.orderNumber),
          resolveExceptionUpdate,
          { action: 'cancel_order', fields: { reason: body.reason }, ...body },
          call,
        ),
      ),
  }),
];
