// honeybeeRxSweepWorkflow: the reconciliation sweep a Temporal Schedule starts every HONEYBEE_RX_SWEEP_INTERVAL
// (src/temporal/honeybee-rx-sweep-schedule.ts). A prescription whose RX_RECEIVED never reached the engine (the vendor
// gave up redelivering while the bridge was down) would otherwise never be filled under Partner Requested Fills: the
// sweep pages through the Honeybee patients the engine knows (honeybee-patients.ts, segment after segment), asks Honeybee for each one's
// prescriptions, and starts every active one that has no workflow exactly as its RX_RECEIVED would have. The pages are
// activities (sweepKnownHoneybeePatients); this workflow only counts, and continues as new on a long sweep.
import { continueAsNew, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { SweepCursor } from '../activities/honeybee-reconcile.js';
import { ACTIVITY_OPTIONS } from '../src/domain/activity-options.js';
import type { HoneybeeWorkflowSettings } from '../src/domain/workflow-settings.js';
import { resolveHoneybeeSettings } from './honeybee/settings.js';

const sweep = proxyActivities<Activities>(ACTIVITY_OPTIONS.honeybeeSweep);

/** Patients per activity: small enough that one slow vendor page does not hold the others for long. */
export const SWEEP_PAGE_SIZE = 25;
/** How many started prescription ids the result lists (the count is exact). */
const LISTED_STARTS = 100;

export interface HoneybeeRxSweepInput {
  /** The settings a prescription started by the sweep runs with (what the bridge would have given it). */
  settings: HoneybeeWorkflowSettings;
  /** Where a continued sweep resumes: the registry segment, and the offset in it. */
  offset?: number;
  segment?: number;
  totals?: HoneybeeRxSweepTotals;
}

export interface HoneybeeRxSweepTotals {
  patientsChecked: number;
  /** Patients whose prescriptions could not be read this time (the next sweep reads them again). */
  patientsFailed: number;
  prescriptionsStarted: number;
  startedPrescriptionIds: string[];
  /** Active prescriptions without a workflow left alone because they were received too long ago. */
  prescriptionsTooOld: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function carriedTotals(value: unknown): HoneybeeRxSweepTotals | undefined {
  if (!isRecord(value)) return undefined;
  const counts = ['patientsChecked', 'patientsFailed', 'prescriptionsStarted', 'prescriptionsTooOld'] as const;
  if (!counts.every((key) => Number.isInteger(value[key])) || !Array.isArray(value.startedPrescriptionIds)) {
    return undefined;
  }
  return value as unknown as HoneybeeRxSweepTotals;
}

function wholeNumber(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}

/** The next page's place from a page's answer; null (done) too when the answer is not one. */
function cursorFrom(value: unknown): SweepCursor | null {
  if (!isRecord(value)) return null;
  const { segment, offset } = value;
  if (!Number.isInteger(segment) || !Number.isInteger(offset)) return null;
  return { segment: wholeNumber(segment), offset: wholeNumber(offset) };
}

export async function honeybeeRxSweepWorkflow(input: HoneybeeRxSweepInput): Promise<HoneybeeRxSweepTotals> {
  // The schedule sends a well-formed input; one started by hand is read like the other Honeybee workflows' (missing
  // settings take the engine's defaults) rather than failing a workflow task.
  const given: Record<string, unknown> = isRecord(input) ? input : {};
  const settings = resolveHoneybeeSettings(isRecord(given.settings) ? given.settings : undefined);
  const totals: HoneybeeRxSweepTotals = carriedTotals(given.totals) ?? {
    patientsChecked: 0,
    patientsFailed: 0,
    prescriptionsStarted: 0,
    startedPrescriptionIds: [],
    prescriptionsTooOld: 0,
  };
  let offset = wholeNumber(given.offset);
  let segment = wholeNumber(given.segment);
  for (;;) {
    const page = await sweep.sweepKnownHoneybeePatients({ offset, limit: SWEEP_PAGE_SIZE, settings, segment });
    // A worker of an older version answers without `next`: it read the first segment, which the sweep pages by offset.
    const next = page.next === undefined ? undefined : cursorFrom(page.next);
    if (next) ({ segment, offset } = next);
    else if (next === undefined) offset += page.checked;
    totals.patientsChecked += page.checked;
    totals.patientsFailed += page.failed;
    totals.prescriptionsStarted += page.started.length;
    totals.prescriptionsTooOld += page.tooOld;
    totals.startedPrescriptionIds = [...totals.startedPrescriptionIds, ...page.started].slice(0, LISTED_STARTS);
    setCurrentDetails(
      `## Honeybee prescription sweep\n\n${totals.patientsChecked} patient(s) checked` +
        (segment > 0 ? ` (registry segment ${segment})` : ` of ${page.total}`) +
        ', ' +
        `${totals.prescriptionsStarted} prescription(s) started, ${totals.patientsFailed} patient(s) to retry next ` +
        `sweep, ${totals.prescriptionsTooOld} too old to start`,
    );
    if (next === null || (next === undefined && (page.checked === 0 || offset >= page.total))) return totals;
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof honeybeeRxSweepWorkflow>({
        settings,
        offset,
        totals,
        ...(segment > 0 ? { segment } : {}),
      });
    }
  }
}
