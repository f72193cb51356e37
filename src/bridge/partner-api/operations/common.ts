// The shapes most operations share: a listing of one workflow type, a read of one workflow's state, and an input to
// one workflow answered with its decision (an operator contract update).
import type { WorkflowHandle } from '@temporalio/client';
import type { z } from 'zod';
import type { UpdateMessage } from '../../../../workflows/shared/messages.js';
import { listWorkflows, type WorkflowKind } from '../listing.js';
import {
  defineOperation,
  json,
  type CallContext,
  type ErrorStatus,
  type Operation,
  type OperationTag,
} from '../operation.js';
import { actionResult, workflowPage, workflowRead } from '../responses.js';
import type { prescriptionListQuery } from '../schemas.js';

/** What an input to a workflow may answer besides the common errors. */
export const STATE_ERRORS: readonly ErrorStatus[] = [404, 409, 413, 415, 422, 504];

export function listOperation(options: {
  operationId: string;
  path: string;
  tag: OperationTag;
  summary: string;
  description: string;
  kind: WorkflowKind;
  query: typeof prescriptionListQuery;
}): Operation {
  return defineOperation({
    ...options,
    method: 'GET',
    scope: 'read',
    responses: { 200: { description: 'One page', schema: workflowPage } },
    // 409 `feed_gap`: `updatedSince` reads the event feed.
    errors: [409],
    handle: async ({ query }, call) =>
      json(
        200,
        await call.engine.within(() => listWorkflows(call.client, call.engine.settings.taskQueue, options.kind, query)),
      ),
  });
}

export function readOperation<P extends z.ZodType>(options: {
  operationId: string;
  path: string;
  tag: OperationTag;
  summary: string;
  description: string;
  params: P;
  status: z.ZodType;
  handleOf: (call: CallContext, params: z.output<P>) => WorkflowHandle;
}): Operation {
  return defineOperation({
    ...options,
    method: 'GET',
    scope: 'read',
    responses: { 200: { description: 'The state', schema: workflowRead(options.status) } },
    errors: [404, 409],
    handle: async ({ params }, call) => json(200, await call.engine.status(options.handleOf(call, params))),
  });
}

/** An input to one workflow, sent as `message` and answered with the workflow's decision (`status` when accepted). */
export function decisionOperation<P extends z.ZodType, B extends z.ZodType>(options: {
  operationId: string;
  method?: 'POST' | 'PUT';
  path: string;
  tag: OperationTag;
  summary: string;
  description: string;
  params: P;
  body: B;
  accepted: string;
  status?: 200 | 202;
  message: UpdateMessage;
  handleOf: (call: CallContext, params: z.output<P>) => WorkflowHandle;
  input?: (body: z.output<B>) => unknown;
}): Operation {
  const status = options.status ?? 200;
  return defineOperation({
    operationId: options.operationId,
    method: options.method ?? 'POST',
    path: options.path,
    tag: options.tag,
    scope: 'operate',
    summary: options.summary,
    description: options.description,
    params: options.params,
    body: options.body,
    responses: { [status]: { description: options.accepted, schema: actionResult } },
    errors: STATE_ERRORS,
    handle: async ({ params, body }, call) =>
      json(
        status,
        await call.engine.decide(
          options.handleOf(call, params),
          options.message,
          options.input ? options.input(body) : body,
          call,
        ),
      ),
  });
}
