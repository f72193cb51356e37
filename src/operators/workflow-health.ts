// Is a workflow stuck? A workflow whose workflow task keeps failing (a handler throws, a non-deterministic change)
// answers no query and no update until someone repairs it, so every reader (`fulfill show`, `fulfill holds`, the
// partner API) asks here first, instead of waiting out a query and blaming the worker. Cheap when all is well: one
// describe, and only while a workflow task is pending a page of history read newest first.
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import { tsToDate } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

/**
 * Failures the server or the SDK cause in the normal course of things (a signal raced a completion, a sticky worker
 * went away, a reset): the next attempt runs normally, so they are not a stuck workflow.
 */
const ROUTINE_CAUSES: ReadonlySet<number> = new Set([
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FAILOVER_CLOSE_COMMAND,
]);

/** How many of the newest events to look through for the last workflow task's outcome. */
const RECENT_EVENTS = 200;

export interface WorkflowTaskFailing {
  workflowId: string;
  runId: string;
  /** The pending workflow task's attempt (2 and up: it has failed before). */
  attempt: number;
  /** The failure's own message (decoded: the engine encrypts failure messages). */
  message: string;
  /** e.g. WORKFLOW_WORKER_UNHANDLED_FAILURE, NON_DETERMINISTIC_ERROR, or TIMED_OUT. */
  cause: string;
  /** When the latest failed attempt was recorded. */
  failedAt: string | null;
}

/** The one line every reader shows: `workflow task failing: <error>`. */
export function workflowTaskFailingLine(failing: Pick<WorkflowTaskFailing, 'message'>): string {
  return `workflow task failing: ${failing.message}`;
}

/** Thrown where a reader needs the workflow to answer and it cannot until it is repaired. */
export class WorkflowTaskFailingError extends Error {
  override name = 'WorkflowTaskFailingError';

  constructor(readonly failing: WorkflowTaskFailing) {
    super(workflowTaskFailingLine(failing));
  }
}

export function isRoutineWorkflowTaskFailure(cause: number | null | undefined): boolean {
  return ROUTINE_CAUSES.has(cause ?? 0);
}

function causeName(cause: number | null | undefined): string {
  return (WorkflowTaskFailedCause[cause ?? 0] ?? 'UNSPECIFIED').replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, '');
}

/** The newest workflow task outcome among `events` (newest first): completed, failed or timed out. */
function latestOutcome(events: readonly HistoryEvent[]): HistoryEvent | undefined {
  return events.find((event) =>
    [
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
    ].includes(event.eventType ?? 0),
  );
}

/** The decoded message of a workflow task failure (the failure converter moved it into an encrypted payload). */
export async function workflowTaskFailureMessage(client: Client, event: HistoryEvent): Promise<string> {
  const failure = event.workflowTaskFailedEventAttributes?.failure;
  try {
    const error = await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failure);
    return error?.message || failure?.message || '(no message)';
  } catch (error) {
    return `${failure?.message ?? '(no message)'} (could not decode it: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * What is wrong with the workflow's current run, if its workflow task is failing; undefined when it is not (no task
 * pending, or a first attempt). Pass the description when the caller already has it.
 */
export async function workflowTaskFailing(
  client: Client,
  workflowId: string,
  description?: WorkflowExecutionDescription,
): Promise<WorkflowTaskFailing | undefined> {
  const current = description ?? (await client.workflow.getHandle(workflowId).describe());
  const pending = current.raw.pendingWorkflowTask;
  if (!pending || (pending.attempt ?? 1) <= 1) return undefined;
  const { history } = await client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: client.options.namespace,
    execution: { workflowId, runId: current.runId },
    maximumPageSize: RECENT_EVENTS,
  });
  const outcome = latestOutcome(history?.events ?? []);
  const failedAt = outcome?.eventTime ? tsToDate(outcome.eventTime).toISOString() : null;
  const base = { workflowId, runId: current.runId, attempt: pending.attempt ?? 1, failedAt };
  if (outcome?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) {
    return {
      ...base,
      cause: 'TIMED_OUT',
      message: 'timed out (no worker completed it in time: a worker crashed, or the task blocks)',
    };
  }
  const failed = outcome?.workflowTaskFailedEventAttributes;
  if (!outcome || !failed) {
    // A task retried without a recorded failure among the newest events: still not healthy, say what we know.
    return { ...base, cause: 'UNKNOWN', message: `attempt ${base.attempt} pending; no recent failure recorded` };
  }
  if (isRoutineWorkflowTaskFailure(failed.cause)) return undefined;
  return { ...base, cause: causeName(failed.cause), message: await workflowTaskFailureMessage(client, outcome) };
}

/** Throws WorkflowTaskFailingError when the workflow is stuck, so a caller fails fast with the reason. */
export async function assertWorkflowTaskHealthy(
  client: Client,
  workflowId: string,
  description?: WorkflowExecutionDescription,
): Promise<WorkflowExecutionDescription> {
  const current = description ?? (await client.workflow.getHandle(workflowId).describe());
  const failing = await workflowTaskFailing(client, workflowId, current);
  if (failing) throw new WorkflowTaskFailingError(failing);
  return current;
}
