// An operator's resolution from the console: `resolveExceptionUpdate` (the operator contract every workflow answers)
// sent by the signed-in user's own client, so Temporal records their `console:<who>` identity beside the operator name
// and reason the form carries. Every outcome comes back in words for the page: accepted; refused by the update's
// validator (nothing changed: the problems are shown beside the fields); rejected by the workflow or the vendor; the
// workflow stuck, ended or silent. A workflow that does not exist and Temporal out of reach are thrown: the console
// answers them as it does for every page (404, 503).
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { isDeadline, updateRefusal } from '../cli/operators/actions.js';
import { WorkflowTaskFailingError, assertWorkflowTaskHealthy } from '../operators/workflow-health.js';
import { resolveExceptionUpdate, type ResolveExceptionInput } from '../../workflows/shared/operator-messages.js';

/** How long the console waits for the workflow to validate and act (a vendor call included). */
const UPDATE_DEADLINE_MS = 20_000;

export type ResolveOutcome =
  | { kind: 'accepted'; message: string }
  /** Refused before anything was recorded (the update's validator): the input is wrong or not offered now. */
  | { kind: 'refused'; message: string }
  /** The workflow took it and could not carry it out (e.g. the vendor refused); recorded in its decisions. */
  | { kind: 'rejected'; message: string }
  | { kind: 'unavailable'; message: string };

export async function sendResolution(
  client: Client,
  workflowId: string,
  input: ResolveExceptionInput,
): Promise<ResolveOutcome> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const description = await assertWorkflowTaskHealthy(client, workflowId);
    if (description.status.name !== 'RUNNING') {
      return { kind: 'unavailable', message: `the workflow has already ended (${description.status.name})` };
    }
    const result = await client.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () =>
      handle.executeUpdate(resolveExceptionUpdate, { args: [input] }),
    );
    return result.accepted
      ? { kind: 'accepted', message: result.message }
      : {
          kind: 'rejected',
          message:
            result.reason + (result.offeredActions.length ? ` (offered now: ${result.offeredActions.join(', ')})` : ''),
        };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return { kind: 'refused', message: updateRefusal(error) };
    if (error instanceof WorkflowTaskFailingError) return { kind: 'unavailable', message: error.message };
    if (isDeadline(error)) {
      return {
        kind: 'unavailable',
        message:
          `no answer within ${UPDATE_DEADLINE_MS / 1000} s: the resolution may still be carried out; ` +
          'reload the page before sending it again (and check that a worker is running)',
      };
    }
    throw error;
  }
}
