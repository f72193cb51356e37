// What `fulfill repair` does to a stuck run, worked out from its history alone (pure, so it is unit-tested on
// recorded histories). The run is reset to its last good workflow task: the last WorkflowTaskCompleted before the
// failures. Temporal then replays up to that point and re-runs that task. Signals recorded after it fall in two
// groups: those delivered in the first failing task (the bad input, left out unless the operator keeps one) and those
// that arrived after it failed (good, sent again to the new run in their original order). Everything else recorded
// after the reset point (activity results, timers fired) is dropped: the workflow re-runs from there and does that
// work again (every activity of the engine is idempotent). A run a first repair started, where no task has completed
// since, is reset to that repair's own reset event instead, and the signals that repair sent again are taken for
// good unless the operator leaves one out.
import { tsToDate } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { isRoutineWorkflowTaskFailure } from './workflow-health.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

/** How `fulfill repair` marks the signals it sends again (the sender's identity, then this). */
export const SENT_AGAIN_SUFFIX = '(sent again by fulfill repair)';

export interface SignalRecord {
  eventId: number;
  name: string;
  at: string;
  /** The sender's client identity, as Temporal recorded it. */
  identity: string;
}

export interface RepairPlan {
  /**
   * The last completed workflow task, or, in a run an earlier reset started where no task has completed since, that
   * reset's own event: the run is reset to it (ResetWorkflowExecution's workflowTaskFinishEventId).
   */
  resetEventId: number;
  /** True when the reset point is the earlier reset's event (a second repair). */
  resetToEarlierReset: boolean;
  resetPointAt: string;
  /** The first failed workflow task after it. */
  failedEventId: number;
  failedAt: string;
  /** Delivered in the failing task: not applied again. */
  leftOut: SignalRecord[];
  /** Received after the task failed (or kept by the operator): sent again to the new run, oldest first. */
  resent: SignalRecord[];
  /**
   * Event ids among `resent` that an earlier repair sent again (judged good then): not taken for the bad input by
   * default; `leaveOut` leaves one out if it is.
   */
  sentAgainEarlier: number[];
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
 * operator judged good; `leaveOut`: signals an earlier repair sent again that the operator judged bad after all.
 * Refuses (RepairRefused) when there is nothing to repair or nothing good to reset to.
 */
export function planRepair(
  events: readonly HistoryEvent[],
  keep: ReadonlySet<number> = new Set(),
  leaveOut: ReadonlySet<number> = new Set(),
): RepairPlan {
  const lastCompleted = events.findLastIndex(
    (event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  );
  // A run an earlier reset started holds the old run's events up to that reset point (the signals there were applied
  // by the old run, good), then the reset event, then what that repair sent again. Resetting further back than the
  // reset event would take those applied signals for the failing task's input and leave them out.
  const lastReset = events.findLastIndex(
    (event) =>
      event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED &&
      event.workflowTaskFailedEventAttributes?.cause ===
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
  );
  // The reset event stands where the completed task it reset to was (a run reset to its first task holds none).
  const resetToEarlierReset = lastReset > lastCompleted;
  const completedAt = resetToEarlierReset ? lastReset : lastCompleted;
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
  // Only where no task has completed since the earlier reset: once one has, a signal sent again that arrives in a
  // failing task is that task's input like any other.
  const sentAgainEarlier = new Set(
    resetToEarlierReset
      ? signals
          .filter(
            (signal) => signal.eventId > eventIdOf(events[lastReset]!) && signal.identity.endsWith(SENT_AGAIN_SUFFIX),
          )
          .map((signal) => signal.eventId)
      : [],
  );
  const inFailingTask = (signal: SignalRecord) => signal.eventId < failedTaskStarted;
  const suspect = (signal: SignalRecord) =>
    inFailingTask(signal) && (!sentAgainEarlier.has(signal.eventId) || leaveOut.has(signal.eventId));
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
  const notSentAgain = [...leaveOut].filter((id) => !sentAgainEarlier.has(id) || keep.has(id));
  if (notSentAgain.length > 0) {
    throw new RepairRefused(
      `event ${notSentAgain.join(', ')} is not a signal an earlier repair sent again (those are: ${
        [...sentAgainEarlier].join(', ') || 'none'
      }); the failing task's other signals are left out already`,
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
  const resent = signals.filter((signal) => !suspect(signal) || keep.has(signal.eventId));
  return {
    resetEventId: eventIdOf(events[completedAt]!),
    resetToEarlierReset,
    resetPointAt: timeOf(events[completedAt]!),
    failedEventId: eventIdOf(events[failedAt]!),
    failedAt: timeOf(events[failedAt]!),
    leftOut: signals.filter((signal) => suspect(signal) && !keep.has(signal.eventId)),
    resent,
    sentAgainEarlier: resent.filter((signal) => sentAgainEarlier.has(signal.eventId)).map((signal) => signal.eventId),
    redone,
  };
}
