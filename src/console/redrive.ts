// Re-driving a parked event from the console: the same `redrive` as `fulfill parked redrive` and `/api/parked/{id}/
// redrive` (src/operators/parked-events.ts), sent with the operator's own console identity, so every door refuses
// alike (its body altered, re-driven already, still routing nowhere, its workflow ended) and records the re-drive in
// the dead letter, out of the operator queue. Temporal's answers become words for the page.
import { TemporalRefusedError, TemporalUnavailableError } from '../bridge/temporal-delivery.js';
import type { ParkedEvents } from '../operators/parked-events.js';

export interface RedriveOutcome {
  /** True when a workflow has it now. */
  delivered: boolean;
  /** The workflows that have it now. */
  workflowIds: string[];
  summary: string;
}

/** The outcome as the page says it. */
export function redriveHeadline(outcome: RedriveOutcome): string {
  return `${outcome.delivered ? 'Re-driven' : 'Not re-driven'}: ${outcome.summary}`;
}

/** Re-drives parked event `id` for `operator`; undefined when there is no such event. */
export async function redriveFromConsole(
  parked: ParkedEvents,
  id: string,
  operator: string,
): Promise<RedriveOutcome | undefined> {
  try {
    const outcome = await parked.redrive(id, operator);
    if (!outcome) return undefined;
    return outcome.kind === 'delivered'
      ? { delivered: true, workflowIds: outcome.workflowIds, summary: `delivered to ${outcome.workflowIds.join(', ')}` }
      : { delivered: false, workflowIds: [], summary: outcome.reason };
  } catch (error) {
    if (error instanceof TemporalUnavailableError) {
      return { delivered: false, workflowIds: [], summary: 'Temporal could not take it now: try again later' };
    }
    if (error instanceof TemporalRefusedError) {
      return { delivered: false, workflowIds: [], summary: `Temporal refused it (${error.code}): ${error.message}` };
    }
    throw error;
  }
}
