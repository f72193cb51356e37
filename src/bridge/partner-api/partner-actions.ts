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
import { OutcomePendingError, PartnerApiError } from './errors.js';
import type { CallContext } from './operation.js';

export async function runPartnerAction(call: CallContext, subject: string, input: PartnerActionInput) {
  const key = call.idempotent?.updateId ?? randomUUID();
  const workflowId = `honeybee-partner-action-${input.action}-${subject}-${key}`;
  const client = call.client;
  await call.engine.within(async () => {
    try {
      await client.workflow.start(honeybeePartnerActionWorkflow, {
        workflowId,
        taskQueue: call.engine.settings.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (error) {
      // A retry with the key: the first run's answer is the answer.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  });
  let result: PartnerActionResult;
  try {
    result = await call.engine.outcome(
      workflowId,
      () => client.workflow.getHandle(workflowId).result() as Promise<PartnerActionResult>,
    );
  } catch (error) {
    // The action is under way at Honeybee and may still be carried out: what the documents promise for an answer
    // that never came (list first), not "Temporal could not be reached", which invites a blind retry.
    if (!(error instanceof OutcomePendingError)) throw error;
    throw new PartnerApiError(
      502,
      'vendor_unavailable',
      `Honeybee has not answered yet (${workflowId} still waits on it): the outcome is unknown; list first, or ` +
        'retry with the same Idempotency-Key for its answer',
    );
  }
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
