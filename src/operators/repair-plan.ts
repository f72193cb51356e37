// What `fulfill repair` does to a stuck run, worked out from its history alone (pure, so it is unit-tested on
// recorded histories). The run is reset to its last good workflow task: the last WorkflowTaskCompleted before the
// failures. Temporal then replays up to that point and re-runs that task. Signals recorded after it fall in two
// groups: those delivered in the first failing task (the bad input, left out unless the operator keeps one) and those
// that arrived after it failed (good, sent again to the new run in their original order). Everything else recorded
// after the reset point (activity results, timers fired) is dropped: the workflow re-runs from there and does that
// work again (every activity of the engine is idempotent).
import { tsToDate } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { isRoutineWorkflowTaskFailure } from './workflow-health.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const { EventType } = proto.temporal.api.enums.v1;

export interface SignalRecord {
  eventId: number;
  name: string;
  at: string;
  /** The sender's client identity, as Temporal recorded it. */
  identity: string;
}

export interface RepairPlan {
  /** The last completed workflow task: the run is reset to it (ResetWorkflowExecution's workflowTaskFinishEventId). */
  resetEventId: number;
  resetPointAt: string;
  /** The first failed workflow task after it. */
  failedEventId: number;
  failedAt: string;
  /** Delivered in the failing task: not applied again. */
  leftOut: SignalRecord[];
  /** Received after the task failed (or kept by the operator): sent again to the new run, oldest first. */
  resent: SignalRecord[];
  /** Other events after the reset point that the new run does not inherit, by type (its work is done again). */
  redone: Record<string, number>;
}

export class RepairRefused extends Error {
  override name = 'RepairRefused';
}

function eventIdOf(event: HistoryEvent): number {
  return Number(String(event.eventId ?? 0));
}

function typeName(event: HistoryEvent): string {
  return (EventType[event.eventType ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED').replace(/^EVENT_TYPE_/, '');
}

function timeOf(event: HistoryEvent): string {
  return event.eventTime ? tsToDate(event.eventTime).toISOString() : new Date(0).toISOString();
}

function signalRecord(event: HistoryEvent): SignalRecord {
  const attributes = event.workflowExecutionSignaledEventAttributes!;
  return {
    eventId: eventIdOf(event),
    name: attributes.signalName ?? '',
    at: timeOf(event),
    identity: attributes.identity ?? '',
  };
}

/** Workflow task bookkeeping: neither inherited nor redone work, so not worth listing. */
const TASK_EVENTS: ReadonlySet<number> = new Set([
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);

/**
 * The plan for a run whose history is `events` (oldest first). `keep`: event ids of signals of the failing task the
 * operator judged good. Refuses (RepairRefused) when there is nothing to repair or nothing good to reset to.
 */
export function planRepair(events: readonly HistoryEvent[], keep: ReadonlySet<number> = new Set()): RepairPlan {
  const completedAt = events.findLastIndex((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const failedAt = events.findIndex(
    (event, index) =>
      index > completedAt &&
      event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED &&
      !isRoutineWorkflowTaskFailure(event.workflowTaskFailedEventAttributes?.cause),
  );
  if (failedAt < 0) {
    throw new RepairRefused('no workflow task has failed since the last one that completed: nothing to repair');
  }
  if (completedAt < 0) {
    throw new RepairRefused(
      'its very first workflow task failed, so there is no good workflow task to reset to (the bad input came with ' +
        'the start): terminate it and start it again with a valid input',
    );
  }
  const failedTaskStarted = Number(String(events[failedAt]!.workflowTaskFailedEventAttributes?.startedEventId ?? 0));
  const signals = events
    .slice(completedAt + 1)
    .filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
    .map(signalRecord);
  const inFailingTask = (signal: SignalRecord) => signal.eventId < failedTaskStarted;
  const unknown = [...keep].filter((id) => !signals.some((signal) => signal.eventId === id && inFailingTask(signal)));
  if (unknown.length > 0) {
    throw new RepairRefused(
      `event ${unknown.join(', ')} is not a signal delivered in the failing workflow task ` +
        `(those are: ${
          signals
            .filter(inFailingTask)
            .map((signal) => signal.eventId)
            .join(', ') || 'none'
        })`,
    );
  }
  const redone: Record<string, number> = {};
  for (const event of events.slice(completedAt + 1)) {
    if (TASK_EVENTS.has(event.eventType ?? 0) || event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
      continue;
    }
    const type = typeName(event);
    redone[type] = (redone[type] ?? 0) + 1;
  }
  return {
    resetEventId: eventIdOf(events[completedAt]!),
    resetPointAt: timeOf(events[completedAt]!),
    failedEventId: eventIdOf(events[failedAt]!),
    failedAt: timeOf(events[failedAt]!),
    leftOut: signals.filter((signal) => inFailingTask(signal) && !keep.has(signal.eventId)),
    resent: signals.filter((signal) => !inFailingTask(signal) || keep.has(signal.eventId)),
    redone,
  };
}
