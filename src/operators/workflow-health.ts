// Is a workflow stuck? A workflow whose workflow task keeps failing (a handler throws, a non-deterministic change)
// answers no query and no update until someone repairs it, so every reader (`fulfill show`, `fulfill holds`, the
// partner API) asks here first, instead of waiting out a query and blaming the worker. Cheap when all is well: one
// describe; only while a retried workflow task is pending, the history read newest first to its last task outcome.
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

/** History is read newest first, this many events a page, until the last workflow task's outcome turns up. */
const PAGE_SIZE = 200;

export interface WorkflowTaskFailing {
  workflowId: string;
  runId: string;
  /** The pending workflow task's attempt (2 and up: it has failed before). */
  attempt: number;
  /** The failure's own message (decoded: the engine encrypts failure messages). */
  message: string;
  /** e.g. WORKFLOW_WORKER_UNHANDLED_FAILURE, NON_DETERMINISTIC_ERROR. */
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

const OUTCOMES: ReadonlySet<number> = new Set([
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);

/** The run's newest workflow task outcome (completed, failed or timed out), reading its history newest first. */
async function latestOutcome(client: Client, workflowId: string, runId: string): Promise<HistoryEvent | undefined> {
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      maximumPageSize: PAGE_SIZE,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    const outcome = page.history?.events?.find((event) => OUTCOMES.has(event.eventType ?? 0));
    if (outcome) return outcome;
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return undefined;
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
 * pending, a first attempt, a routine failure, or a timeout: a worker that died or is busy, which a worker fixes and a
 * repair would not). Pass the description when the caller already has it.
 */
export async function workflowTaskFailing(
  client: Client,
  workflowId: string,
  description?: WorkflowExecutionDescription,
): Promise<WorkflowTaskFailing | undefined> {
  const current = description ?? (await client.workflow.getHandle(workflowId).describe());
  const pending = current.raw.pendingWorkflowTask;
  if (!pending || (pending.attempt ?? 1) <= 1) return undefined;
  const outcome = await latestOutcome(client, workflowId, current.runId);
  const failed = outcome?.workflowTaskFailedEventAttributes;
  if (!outcome || !failed || isRoutineWorkflowTaskFailure(failed.cause)) return undefined;
  return {
    workflowId,
    runId: current.runId,
    attempt: pending.attempt ?? 1,
    message: await workflowTaskFailureMessage(client, outcome),
    cause: causeName(failed.cause),
    failedAt: outcome.eventTime ? tsToDate(outcome.eventTime).toISOString() : null,
  };
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
