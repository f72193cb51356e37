// Reading a workflow as an operator sees it: its `status` query (every engine workflow answers one, with the operator
// contract: offered actions with their fields, hold reason, decisions), and its current details (the markdown the Web
// UI shows). Ids, stages and actions only: the status of Honeybee and lab workflows holds no patient data by
// construction.
import type { Client } from '@temporalio/client';
import {
  workflowStatusQuery,
  type OperatorAction,
  type OperatorStatus,
} from '../../../workflows/shared/operator-messages.js';
import { CommandFailure } from '../temporal-session.js';

export { workflowStatusQuery };

/** How long a query may take: a workflow whose worker is down never answers. */
export const QUERY_DEADLINE_MS = 10_000;

export interface WorkflowReading {
  status: unknown;
  currentDetails: string;
}

function noAnswer(workflowId: string, taskQueue: string, error: unknown): CommandFailure {
  const why = error instanceof Error ? error.message : String(error);
  return new CommandFailure(
    `${workflowId} did not answer its status query (${why}). Is a worker polling task queue ${taskQueue}? ` +
      'Start one with `npm run worker` (or `npm run dev`).',
  );
}

export async function readWorkflow(client: Client, workflowId: string, taskQueue: string): Promise<WorkflowReading> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, async () => {
      const [status, metadata] = await Promise.all([
        handle.query(workflowStatusQuery),
        handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata'),
      ]);
      return { status, currentDetails: metadata.currentDetails ?? '' };
    });
  } catch (error) {
    throw noAnswer(workflowId, taskQueue, error);
  }
}

export async function readStatus(client: Client, workflowId: string, taskQueue: string): Promise<unknown> {
  try {
    return await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      client.workflow.getHandle(workflowId).query(workflowStatusQuery),
    );
  } catch (error) {
    throw noAnswer(workflowId, taskQueue, error);
  }
}

/** The actions a workflow's status offers now (none for a status that is not the engine's). */
export function offeredActionsOf(status: unknown): OperatorAction[] {
  const offered = (status as Partial<OperatorStatus> | null)?.offeredActions;
  return Array.isArray(offered) ? offered : [];
}

/** Why a workflow waits for an operator, as its status says. */
export function holdReasonOf(status: unknown): string | undefined {
  const reason = (status as Partial<OperatorStatus> | null)?.holdReason;
  return typeof reason === 'string' ? reason : undefined;
}

/** When the wait escalates next, as its status says (ISO time). */
export function nextEscalationOf(status: unknown): string | undefined {
  const at = (status as Partial<OperatorStatus> | null)?.nextEscalationAt;
  return typeof at === 'string' ? at : undefined;
}
