// Partner actions that belong to no running workflow (a reorder, a patient's shipping address) run in a workflow of
// their own (workflows/partner-api/partner-action.ts): the bridge starts it and waits for its answer, so the history
// records who asked for what and what Honeybee said. With an Idempotency-Key the workflow id derives from it, so a
// retry that lost its recorded answer finds the first run's result instead of acting twice.
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import {
  honeybeePartnerActionWorkflow,
  type PartnerActionInput,
  type PartnerActionResult,
} from '../../../workflows/partner-api/partner-action.js';
import { PartnerApiError } from './errors.js';
import type { CallContext } from './operation.js';

export async function runPartnerAction(call: CallContext, subject: string, input: PartnerActionInput) {
  const key = call.idempotent?.updateId ?? randomUUID();
  const workflowId = `honeybee-partner-action-${input.action}-${subject}-${key}`;
  const client = call.client;
  const result = await call.engine.within(async (): Promise<PartnerActionResult> => {
    try {
      return await client.workflow.execute(honeybeePartnerActionWorkflow, {
        workflowId,
        taskQueue: call.engine.settings.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      return (await client.workflow.getHandle(workflowId).result()) as PartnerActionResult;
    }
  });
  if (result.accepted) return { workflowId, ...result };
  switch (result.kind) {
    case 'state':
      throw new PartnerApiError(409, 'wrong_state', result.reason);
    case 'invalid':
      throw new PartnerApiError(422, 'rejected', result.reason);
    default:
      throw new PartnerApiError(502, 'vendor_unavailable', result.reason);
  }
}
