// How a repair is recorded in the workflow's history: Temporal keeps the reset's reason twice, as the old run's
// termination reason and as the new run's first failed workflow task (cause RESET_WORKFLOW); it keeps no identity of
// its own (both are recorded as the server's). So the reason names who and why, in a shape the audit reads back.
// Stored in clear text like workflow ids: no patient details in an operator's reason.
import type { RepairPlan, SignalRecord } from './repair-plan.js';

const PREFIX = 'fulfill repair by ';
const LIST_START = /^reset to event (\d+); left out: /;
const LIST_END = '; every later signal sent again';

export interface RepairAttribution {
  operator: string;
  reason: string;
}

export interface RecordedRepair extends RepairAttribution {
  /** `reset to event 8; left out: note #9; every later signal sent again` */
  details: string;
}

/**
 * A signal name as the reason lists it. Names are free text (anyone with the Web UI can send `x #12, y; z]`), so the
 * characters that delimit the list are replaced: a name cannot add, hide or move an event id in the record.
 */
export function listedName(name: string): string {
  const cleaned = name.replace(/[#;,[\]\p{Cc}]/gu, '_');
  return cleaned.length > 60 ? `${cleaned.slice(0, 59)}…` : cleaned;
}

function eventList(signals: RepairPlan['leftOut']): string {
  return signals.map((signal) => `${listedName(signal.name)} #${signal.eventId}`).join(', ') || 'none';
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
    `[reset to event ${plan.resetEventId}; left out: ${eventList(plan.leftOut)}${LIST_END}]`
  );
}

export class AmbiguousRepairRecord extends Error {
  override name = 'AmbiguousRepairRecord';
}

/**
 * The event ids a recorded repair left out, read against the signals of the run it reset (`signals`: those after the
 * reset point). The list is matched as a whole, each entry to one of those signals by its name and id, in order. Each
 * entry ends with its own event id, which fixes its name, so even reasons written before names were cleaned (raw
 * names, which may hold `, ` or ` #12`) have one reading; a list that fits none (or, defensively, several) throws
 * AmbiguousRepairRecord, since a guess could send the poison signal again or drop a good one.
 */
export function leftOutEventIds(
  repair: RecordedRepair,
  signals: readonly Pick<SignalRecord, 'eventId' | 'name'>[],
): number[] {
  const start = LIST_START.exec(repair.details);
  if (!start || !repair.details.endsWith(LIST_END)) {
    throw new AmbiguousRepairRecord(`the recorded repair "${repair.details}" does not list what it left out`);
  }
  const list = repair.details.slice(start[0].length, -LIST_END.length);
  if (list === 'none') return [];
  const sorted = [...signals].sort((a, b) => a.eventId - b.eventId);
  const tokens = sorted.map((signal) => [
    ...new Set([`${listedName(signal.name)} #${signal.eventId}`, `${signal.name} #${signal.eventId}`]),
  ]);
  // readings(pos, from): how many ways (0, 1 or 2+) list[pos..] is a ", "-joined run of tokens of signals from `from`.
  const memo = new Map<string, { count: number; ids: number[] }>();
  const readings = (pos: number, from: number): { count: number; ids: number[] } => {
    const key = `${pos}:${from}`;
    const known = memo.get(key);
    if (known) return known;
    let found: { count: number; ids: number[] } = { count: 0, ids: [] };
    for (let index = from; index < sorted.length && found.count < 2; index += 1) {
      for (const token of tokens[index]!) {
        if (!list.startsWith(token, pos)) continue;
        const end = pos + token.length;
        const rest =
          end === list.length
            ? { count: 1, ids: [] }
            : list.startsWith(', ', end)
              ? readings(end + 2, index + 1)
              : { count: 0, ids: [] };
        if (rest.count === 0) continue;
        found =
          found.count === 0
            ? { count: rest.count, ids: [sorted[index]!.eventId, ...rest.ids] }
            : { count: found.count + rest.count, ids: found.ids };
        if (found.count >= 2) break;
      }
    }
    memo.set(key, found);
    return found;
  };
  const result = readings(0, 0);
  if (result.count === 1) return result.ids;
  throw new AmbiguousRepairRecord(
    result.count === 0
      ? `the recorded repair left out "${list}", which does not match the signals of the run it reset`
      : `the recorded repair left out "${list}", which more than one set of the run's signals matches (signal names ` +
          'holding ", " or " #")',
  );
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
