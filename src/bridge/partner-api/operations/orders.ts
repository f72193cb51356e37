// Orders (Honeybee): list, read, resolve an On Hold order with one of the actions its exception offered, and cancel
// (Honeybee allows it only while On Hold). Each is an update of the order's workflow, answered with Honeybee's
// outcome: 200, or 409 (not On Hold, action not offered) / 422 (fields missing, or Honeybee refused them).
import { changeShippingAddressUpdate, placePartnerHoldUpdate } from '../../../../workflows/honeybee/messages.js';
import { resolveExceptionUpdate } from '../../../../workflows/shared/operator-messages.js';
import { honeybeeOrderWorkflowId } from '../../../domain/workflow-ids.js';
import { listWorkflows } from '../listing.js';
import { defineOperation, json, type CallContext } from '../operation.js';
import { runPartnerAction } from '../partner-actions.js';
import { actionResult, orderStatus, partnerActionResult, workflowPage, workflowRead } from '../responses.js';
import {
  cancelBody,
  orderListQuery,
  orderParams,
  partnerHoldBody,
  releaseHoldBody,
  reorderBody,
  resolutionBody,
  shippingAddressBody,
} from '../schemas.js';

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
          listWorkflows(call.client, { workflowType: 'honeybeeOrderWorkflow', idPrefix: 'honeybee-order-' }, query),
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
  defineOperation({
    operationId: 'placePartnerHold',
    method: 'POST',
    path: '/api/orders/{orderNumber}/partner-hold',
    tag: 'Orders',
    scope: 'operate',
    summary: 'Place a Partner Hold on an order',
    description:
      'Puts the order On Hold at Honeybee with exception 64 (Partner Hold) while it is Processing or Filling ' +
      '(409 otherwise). The order then waits until the hold is released.',
    params: orderParams,
    body: partnerHoldBody,
    responses: { 200: { description: 'Honeybee placed the hold', schema: actionResult } },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(200, await call.engine.decide(orderHandle(call, params.orderNumber), placePartnerHoldUpdate, body, call)),
  }),
  defineOperation({
    operationId: 'releasePartnerHold',
    method: 'POST',
    path: '/api/orders/{orderNumber}/partner-hold/release',
    tag: 'Orders',
    scope: 'operate',
    summary: 'Release a Partner Hold',
    description:
      'Submits `release_hold`, the action a Partner Hold (64) offers; 409 when the order is not on a Partner Hold.',
    params: orderParams,
    body: releaseHoldBody,
    responses: { 200: decided },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(
        200,
        await call.engine.decide(
          orderHandle(call, params.orderNumber),
          resolveExceptionUpdate,
          { action: 'release_hold', ...body },
          call,
        ),
      ),
  }),
  defineOperation({
    operationId: 'changeOrderShippingAddress',
    method: 'PUT',
    path: '/api/orders/{orderNumber}/shipping_address',
    tag: 'Orders',
    scope: 'operate',
    summary: "Change an in-flight order's shipping address",
    description:
      'Sends the new address to Honeybee before the order ships (409 once it has shipped or ended). 422 when ' +
      'Honeybee refuses it: an address it cannot ship to (its codes say why), or a controlled substance (42229).',
    params: orderParams,
    body: shippingAddressBody,
    responses: { 200: { description: 'Honeybee took the address', schema: actionResult } },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(
        200,
        await call.engine.decide(orderHandle(call, params.orderNumber), changeShippingAddressUpdate, body, call),
      ),
  }),
  defineOperation({
    operationId: 'reorder',
    method: 'POST',
    path: '/api/orders/{orderNumber}/reorders',
    tag: 'Orders',
    scope: 'operate',
    summary: 'Reorder a shipped or delivered order',
    description:
      'Asks Honeybee for a new order with the same items (a lost package, say); the new order gets a workflow of ' +
      'its own. 409 when the order is not Shipped or Delivered (or unknown at Honeybee). Not idempotent at ' +
      'Honeybee: send an Idempotency-Key, and when the answer is 502 (no answer from Honeybee) list the orders ' +
      'before trying again.',
    params: orderParams,
    body: reorderBody,
    responses: { 201: { description: 'The new order', schema: partnerActionResult } },
    errors: [...STATE_ERRORS, 502],
    handle: async ({ params, body }, call) =>
      json(
        201,
        await runPartnerAction(call, params.orderNumber, {
          action: 'reorder',
          orderNumber: params.orderNumber,
          settings: { ...call.engine.settings.honeybeeSettings },
          ...body,
        }),
      ),
  }),
];
