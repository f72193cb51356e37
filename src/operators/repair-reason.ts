// How a repair is recorded in the workflow's history: Temporal keeps the reset's reason twice, as the old run's
// termination reason and as the new run's first failed workflow task (cause RESET_WORKFLOW); it keeps no identity of
// its own (both are recorded as the server's). So the reason names who and why, in a shape the audit reads back.
// Stored in clear text like workflow ids: no patient details in an operator's reason.
import type { RepairPlan } from './repair-plan.js';

const PREFIX = 'fulfill repair by ';

export interface RepairAttribution {
  operator: string;
  reason: string;
}

export interface RecordedRepair extends RepairAttribution {
  /** `reset to event 8; left out: note #9; every later signal sent again` */
  details: string;
}

function eventList(signals: RepairPlan['leftOut']): string {
  return signals.map((signal) => `${signal.name} #${signal.eventId}`).join(', ') || 'none';
}

/**
 * The signals sent again are not listed: one may still arrive while the old run is being reset (Temporal adds it to
 * the old run's history as it ends it), and it is sent again too.
 */
export function formatRepairReason(
  attribution: RepairAttribution,
  plan: Pick<RepairPlan, 'resetEventId' | 'leftOut'>,
): string {
  return (
    `${PREFIX}${attribution.operator}: ${attribution.reason} ` +
    `[reset to event ${plan.resetEventId}; left out: ${eventList(plan.leftOut)}; every later signal sent again]`
  );
}

/** The event ids a recorded repair left out. */
export function leftOutEventIds(repair: RecordedRepair): number[] {
  const list = /; left out: ([^;]*);/.exec(repair.details)?.[1] ?? '';
  return [...list.matchAll(/#(\d+)/g)].map((match) => Number(match[1]));
}

/** The operator, reason and details of a reset `fulfill repair` made; undefined for any other text. */
export function parseRepairReason(text: string | undefined): RecordedRepair | undefined {
  if (!text?.startsWith(PREFIX) || !text.endsWith(']')) return undefined;
  const rest = text.slice(PREFIX.length, -1);
  const colon = rest.indexOf(': ');
  const bracket = rest.lastIndexOf(' [reset to event ');
  if (colon <= 0 || bracket <= colon) return undefined;
  return { operator: rest.slice(0, colon), reason: rest.slice(colon + 2, bracket), details: rest.slice(bracket + 2) };
}
