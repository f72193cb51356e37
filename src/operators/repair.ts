// `fulfill repair`: a stuck run is reset to its last good workflow task (repair-plan.ts) with every signal left out of
// the reset (Temporal would otherwise apply the bad one again), then the good signals are sent again to the new run
// with their original input, header and order. Both steps carry request ids derived from the run and the event, so
// running the repair again after an interruption (on the old run id) finishes the job without doing any of it twice.
import { createHash } from 'node:crypto';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import proto from '@temporalio/proto';
import { planRepair, RepairRefused, SENT_AGAIN_SUFFIX, type RepairPlan } from './repair-plan.js';
import {
  AmbiguousRepairRecord,
  formatRepairReason,
  leftOutEventIds,
  parseRepairReason,
  type RepairAttribution,
} from './repair-reason.js';
import { workflowTaskFailing, type WorkflowTaskFailing } from './workflow-health.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const { EventType, ResetReapplyExcludeType } = proto.temporal.api.enums.v1;

export interface RepairRequest extends RepairAttribution {
  workflowId: string;
  /** A run of the workflow (default: the current one); the old run's id resumes an interrupted repair. */
  runId?: string;
  /** Event ids of signals delivered in the failing task to keep after all. */
  keep?: readonly number[];
  /** Event ids of signals an earlier repair sent again (kept by default) to leave out after all. */
  leaveOut?: readonly number[];
  dryRun?: boolean;
}

export interface RepairOutcome {
  workflowId: string;
  /** The run that was (or would be) reset. */
  runId: string;
  /** Why it is stuck (absent when resuming a repair: the old run has ended). */
  failing?: WorkflowTaskFailing;
  plan: RepairPlan;
  /** What the history records as the reset's reason. */
  recordedReason: string;
  dryRun: boolean;
  /** The new run (absent on a dry run). */
  newRunId?: string;
  /** True when this call finished a repair an earlier call had begun. */
  resumed: boolean;
}

/** A stable request id (UUID-shaped) for one step of one repair, so a repeated step is recognised as one. */
function requestId(...parts: (string | number)[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function eventIdOf(event: HistoryEvent): number {
  return Number(String(event.eventId ?? 0));
}

async function sendAgain(
  client: Client,
  workflowId: string,
  baseRunId: string,
  newRunId: string,
  events: readonly HistoryEvent[],
  signals: RepairPlan['resent'],
): Promise<void> {
  for (const signal of signals) {
    const attributes = events.find(
      (event) => eventIdOf(event) === signal.eventId,
    )?.workflowExecutionSignaledEventAttributes;
    if (!attributes) throw new Error(`signal event ${signal.eventId} is missing from the history of run ${baseRunId}`);
    await client.workflowService.signalWorkflowExecution({
      namespace: client.options.namespace,
      workflowExecution: { workflowId, runId: newRunId },
      signalName: attributes.signalName,
      input: attributes.input,
      header: attributes.header,
      identity: `${attributes.identity || 'unknown sender'} ${SENT_AGAIN_SUFFIX}`,
      requestId: requestId('fulfill-repair-signal', baseRunId, signal.eventId),
    });
  }
}

function terminationReason(events: readonly HistoryEvent[]): string | undefined {
  const last = events.at(-1);
  return last?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED
    ? (last.workflowExecutionTerminatedEventAttributes?.reason ?? undefined)
    : undefined;
}

async function resume(
  client: Client,
  request: RepairRequest,
  description: WorkflowExecutionDescription,
  events: readonly HistoryEvent[],
): Promise<RepairOutcome> {
  const reason = terminationReason(events);
  const recorded = parseRepairReason(reason);
  const newRunId = description.raw.workflowExtendedInfo?.resetRunId;
  if (!reason || !recorded || !newRunId) {
    throw new RepairRefused(
      `run ${description.runId} is ${description.status.name}: only a running workflow whose workflow task fails ` +
        'can be repaired (or a run an interrupted `fulfill repair` reset)',
    );
  }
  // What the interrupted repair left out (its --keep-signal choices included), from what it recorded, read against
  // this run's own signals so that no signal name can change which ones are sent again.
  const found = planRepair(events);
  const signals = [...found.leftOut, ...found.resent].sort((a, b) => a.eventId - b.eventId);
  let leftOut: Set<number>;
  try {
    leftOut = new Set(leftOutEventIds(recorded, signals));
  } catch (error) {
    if (!(error instanceof AmbiguousRepairRecord)) throw error;
    throw new RepairRefused(
      `${error.message}: nothing is sent again; send the good signals to run ${newRunId} by hand ` +
        '(`fulfill audit` lists them)',
    );
  }
  const plan: RepairPlan = {
    ...found,
    leftOut: signals.filter((signal) => leftOut.has(signal.eventId)),
    resent: signals.filter((signal) => !leftOut.has(signal.eventId)),
  };
  if (!request.dryRun) {
    await sendAgain(client, request.workflowId, description.runId, newRunId, events, plan.resent);
  }
  return {
    workflowId: request.workflowId,
    runId: description.runId,
    plan,
    recordedReason: reason,
    dryRun: request.dryRun ?? false,
    newRunId,
    resumed: true,
  };
}

export async function repairWorkflow(client: Client, request: RepairRequest): Promise<RepairOutcome> {
  const handle = client.workflow.getHandle(request.workflowId, request.runId);
  const description = await handle.describe();
  const history = await client.workflow.getHandle(request.workflowId, description.runId).fetchHistory();
  const events = history.events ?? [];
  if (description.status.name !== 'RUNNING') return resume(client, request, description, events);

  const failing = await workflowTaskFailing(client, request.workflowId, description);
  if (!failing) {
    throw new RepairRefused(
      `${request.workflowId} is running and its workflow task is not failing: nothing to repair ` +
        '(`fulfill show` says what it waits for)',
    );
  }
  const plan = planRepair(events, new Set(request.keep ?? []), new Set(request.leaveOut ?? []));
  const recordedReason = formatRepairReason(request, plan);
  const outcome: RepairOutcome = {
    workflowId: request.workflowId,
    runId: description.runId,
    failing,
    plan,
    recordedReason,
    dryRun: request.dryRun ?? false,
    resumed: false,
  };
  if (request.dryRun) return outcome;

  const resetPoint = events.find((event) => eventIdOf(event) === plan.resetEventId)!;
  const { runId: newRunId } = await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId: request.workflowId, runId: description.runId },
    reason: recordedReason,
    workflowTaskFinishEventId: resetPoint.eventId,
    requestId: requestId('fulfill-repair-reset', description.runId, plan.resetEventId),
    resetReapplyExcludeTypes: [ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL],
    identity: `fulfill repair (${request.operator})`,
  });
  // The old run's history is final now, with any signal that arrived during the reset (Temporal records it as the
  // run ends): send again from that.
  const final = (await client.workflow.getHandle(request.workflowId, description.runId).fetchHistory()).events ?? [];
  const sent = planRepair(final, new Set(request.keep ?? []), new Set(request.leaveOut ?? []));
  await sendAgain(client, request.workflowId, description.runId, newRunId, final, sent.resent);
  return { ...outcome, plan: sent, newRunId };
}
