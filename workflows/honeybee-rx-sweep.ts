// honeybeeRxSweepWorkflow: the reconciliation sweep a Temporal Schedule starts every HONEYBEE_RX_SWEEP_INTERVAL
// (src/temporal/honeybee-rx-sweep-schedule.ts). A prescription whose RX_RECEIVED never reached the engine (the vendor
// gave up redelivering while the bridge was down) would otherwise never be filled under Partner Requested Fills: the
// sweep pages through the Honeybee patients the engine knows (honeybee-patients.ts), asks Honeybee for each one's
// prescriptions, and starts every active one that has no workflow exactly as its RX_RECEIVED would have. The pages are
// activities (sweepKnownHoneybeePatients); this workflow only counts, and continues as new on a long sweep.
import { continueAsNew, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
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
  /** Where a continued sweep resumes. */
  offset?: number;
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
  let offset =
    typeof given.offset === 'number' && Number.isInteger(given.offset) && given.offset > 0 ? given.offset : 0;
  for (;;) {
    const page = await sweep.sweepKnownHoneybeePatients({ offset, limit: SWEEP_PAGE_SIZE, settings });
    offset += page.checked;
    totals.patientsChecked += page.checked;
    totals.patientsFailed += page.failed;
    totals.prescriptionsStarted += page.started.length;
    totals.prescriptionsTooOld += page.tooOld;
    totals.startedPrescriptionIds = [...totals.startedPrescriptionIds, ...page.started].slice(0, LISTED_STARTS);
    setCurrentDetails(
      `## Honeybee prescription sweep\n\n${totals.patientsChecked} of ${page.total} patient(s) checked, ` +
        `${totals.prescriptionsStarted} prescription(s) started, ${totals.patientsFailed} patient(s) to retry next ` +
        `sweep, ${totals.prescriptionsTooOld} too old to start`,
    );
    if (page.checked === 0 || offset >= page.total) return totals;
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof honeybeeRxSweepWorkflow>({ settings, offset, totals });
    }
  }
}
