// Orders (Honeybee): list, read, resolve an On Hold order with one of the actions its exception offered, cancel
// (Honeybee allows it only while On Hold), and the partner's own actions: a Partner Hold and its release, a new
// shipping address before the order ships (updates of the order's workflow, answered with Honeybee's outcome: 200, or
// 409 / 422 with the reason), and a reorder (a workflow of its own: the order's may have ended).
import { changeShippingAddressUpdate, placePartnerHoldUpdate } from '../../../../workflows/honeybee/messages.js';
import { resolveExceptionUpdate } from '../../../../workflows/shared/operator-messages.js';
import { honeybeeOrderWorkflowId } from '../../../domain/workflow-ids.js';
import { defineOperation, json, type CallContext } from '../operation.js';
import { runPartnerAction } from '../partner-actions.js';
import { orderStatus, partnerActionResult } from '../responses.js';
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
import { decisionOperation, listOperation, readOperation } from './common.js';

const handleOf = (call: CallContext, params: { orderNumber: string }) =>
  call.client.workflow.getHandle(honeybeeOrderWorkflowId(params.orderNumber));

const order = { tag: 'Orders', params: orderParams, handleOf } as const;
const decided = 'Honeybee accepted it; the order waits for its next status';

export const orderOperations = [
  listOperation({
    operationId: 'listOrders',
    path: '/api/orders',
    tag: 'Orders',
    summary: 'List orders',
    description:
      'Order workflows, by stage, by whether they wait for a human, by partner patient id, or by what changed since ' +
      'a time (see Listings). Ids, stages and flags only (no PHI).',
    kind: { workflowType: 'honeybeeOrderWorkflow', idPrefix: 'honeybee-order-' },
    query: orderListQuery,
  }),
  readOperation({
    ...order,
    operationId: 'getOrder',
    path: '/api/orders/{orderNumber}',
    summary: "Read an order's state",
    description: "The order workflow's state: status, exception, `offeredActions` with their fields, shipments.",
    status: orderStatus,
  }),
  decisionOperation({
    ...order,
    operationId: 'resolveOrder',
    path: '/api/orders/{orderNumber}/resolution',
    summary: 'Resolve an On Hold order',
    description:
      "One of the actions the order's exception offered (`offeredActions`), with its fields, submitted to Honeybee. " +
      '409 when the order is not On Hold or the action is not offered; 422 when a field is missing or Honeybee ' +
      'refused it.',
    body: resolutionBody,
    accepted: decided,
    message: resolveExceptionUpdate,
  }),
  decisionOperation({
    ...order,
    operationId: 'cancelOrder',
    path: '/api/orders/{orderNumber}/cancellation',
    summary: 'Cancel an order',
    description:
      "Submits `cancel_order` to Honeybee, which offers it only while the order is On Hold: 409 otherwise. The order's " +
      'end comes as `order.canceled`.',
    body: cancelBody,
    accepted: decided,
    message: resolveExceptionUpdate,
    input: (body) => ({ action: 'cancel_order', fields: { reason: body.reason }, ...body }),
  }),
  decisionOperation({
    ...order,
    operationId: 'placePartnerHold',
    path: '/api/orders/{orderNumber}/partner-hold',
    summary: 'Place a Partner Hold on an order',
    description:
      'Puts the order On Hold at Honeybee with exception 64 (Partner Hold) while it is Processing or Filling ' +
      '(409 otherwise). The order then waits until the hold is released.',
    body: partnerHoldBody,
    accepted: 'Honeybee placed the hold',
    message: placePartnerHoldUpdate,
  }),
  decisionOperation({
    ...order,
    operationId: 'releasePartnerHold',
    path: '/api/orders/{orderNumber}/partner-hold/release',
    summary: 'Release a Partner Hold',
    description:
      'Submits `release_hold`, the action a Partner Hold (64) offers; 409 when the order is not on a Partner Hold.',
    body: releaseHoldBody,
    accepted: decided,
    message: resolveExceptionUpdate,
    input: (body) => ({ action: 'release_hold', ...body }),
  }),
  decisionOperation({
    ...order,
    operationId: 'changeOrderShippingAddress',
    method: 'PUT',
    path: '/api/orders/{orderNumber}/shipping_address',
    summary: "Change an in-flight order's shipping address",
    description:
      'Sends the new address to Honeybee before the order ships (409 once it has shipped or ended). 422 when ' +
      'Honeybee refuses it: an address it cannot ship to (its codes say why), or a controlled substance (42229).',
    body: shippingAddressBody,
    accepted: 'Honeybee took the address',
    message: changeShippingAddressUpdate,
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
      'its own. 409 when Honeybee does not know the order; 422 when it is not Shipped or Delivered. Not idempotent ' +
      'at Honeybee: send an Idempotency-Key, and when the answer is 502 (no answer from Honeybee) list the orders ' +
      'before trying again.',
    params: orderParams,
    body: reorderBody,
    responses: { 201: { description: 'The new order', schema: partnerActionResult } },
    errors: [404, 409, 413, 415, 422, 502],
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
