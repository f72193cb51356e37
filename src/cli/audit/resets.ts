// Resets in the audit. A reset (by `fulfill repair`, or any other client) ends the old run (terminated) and starts a
// new one whose history begins with a copy of the old run's events up to the reset point, then a workflow task failed
// with cause RESET_WORKFLOW that carries the reason. The audit shows the reset once, with who and why when
// `fulfill repair` recorded them, and the copied events once (from the old run).
import proto from '@temporalio/proto';
import { parseRepairReason } from '../../operators/repair-reason.js';
import type { DecodedEvent } from './decode.js';
import type { AuditRunEvents, TimelineEntry } from './timeline.js';

type EntryFields = Omit<TimelineEntry, 'at' | 'workflowId' | 'runId' | 'eventId'>;

const RESET_CAUSE = proto.temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW;

function isResetEvent(event: DecodedEvent): boolean {
  const cause = event.attributes.cause;
  return (
    event.type === 'WORKFLOW_TASK_FAILED' &&
    (cause === RESET_CAUSE || cause === 'WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW')
  );
}

/** The entry for a new run's reset event; undefined for any other event. */
export function resetEntry(event: DecodedEvent): EntryFields | undefined {
  if (!isResetEvent(event)) return undefined;
  const message = event.failure?.message ?? '';
  const base = typeof event.attributes.baseRunId === 'string' ? event.attributes.baseRunId : '?';
  const repair = parseRepairReason(message);
  if (!repair) return { kind: 'run.reset', summary: `reset from run ${base}`, reason: message || '(no reason given)' };
  return {
    kind: 'run.reset',
    summary: `reset from run ${base} by fulfill repair (${repair.details})`,
    operator: repair.operator,
    reason: repair.reason,
    via: 'fulfill repair',
  };
}

/** The entry for an old run's termination by `fulfill repair`; undefined for any other termination. */
export function repairTermination(attributes: Record<string, unknown>): EntryFields | undefined {
  const repair = parseRepairReason(typeof attributes.reason === 'string' ? attributes.reason : undefined);
  if (!repair) return undefined;
  return {
    kind: 'run.terminated',
    summary: 'terminated by fulfill repair: the workflow goes on in a new run',
    operator: repair.operator,
    reason: repair.reason,
    via: 'fulfill repair',
  };
}

/**
 * Each reset run without the events it copied from a base run the audit also has. A run reset twice holds the first
 * reset event among its copied events (from the run the second repair reset), so the cut is at the last reset whose
 * base run is here: everything before it is told by that base run already.
 */
export function withoutCopiedEvents(runs: readonly AuditRunEvents[]): AuditRunEvents[] {
  const present = new Set(runs.map((run) => run.runId));
  return runs.map((run) => {
    const reset = run.events.findLast(
      (event) =>
        isResetEvent(event) &&
        typeof event.attributes.baseRunId === 'string' &&
        present.has(event.attributes.baseRunId),
    );
    if (!reset) return run;
    return { ...run, events: run.events.filter((event) => event.eventId >= reset.eventId) };
  });
}
