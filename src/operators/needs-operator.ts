// What waits for an operator, oldest first, from visibility alone (search attributes: no PHI, no query to any
// workflow). Visibility lists newest first and the SQL visibility store cannot order by a custom attribute, so the
// whole list is read (up to a bound) and sorted here; stopping at `limit` first would drop the oldest holds.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  EscalationLevel,
  ExceptionReason,
  FulfillmentStage,
  HoneybeeOrderNumber,
  HoneybeePrescriptionId,
  LabOrderId,
  NeedsOperator,
  OnHoldSince,
} from '../../workflows/search-attributes.js';
import { workflowTaskFailing, type WorkflowTaskFailing } from './workflow-health.js';

export const NEEDS_OPERATOR_QUERY = "NeedsOperator = true AND ExecutionStatus = 'Running'";

/** More open holds than this is an incident, not a queue: the oldest of the first this many are shown. */
export const MAX_HOLDS_READ = 10_000;

export interface NeedsOperatorEntry {
  workflowId: string;
  workflowType: string;
  stage: string | null;
  prescriptionId: string | null;
  orderNumber: string | null;
  labOrderId: string | null;
  exceptionReason: string | null;
  escalationLevel: number;
  onHoldSince: string | null;
  startedAt: string;
  /** When the hold began: OnHoldSince, else when the run started (for a stuck workflow: when its task last failed). */
  since: string;
  /** Set when the workflow's task keeps failing (it answers nothing until `fulfill repair`). */
  workflowTaskFailing?: WorkflowTaskFailing;
}

/** What visibility says of a workflow: its ids, stage and hold (search attributes only, never PHI). */
export function visibleWorkflowOf(execution: Omit<WorkflowExecutionInfo, 'raw'>) {
  const attributes = execution.typedSearchAttributes;
  return {
    workflowId: execution.workflowId,
    workflowType: execution.type,
    stage: attributes.get(FulfillmentStage) ?? null,
    prescriptionId: attributes.get(HoneybeePrescriptionId) ?? null,
    orderNumber: attributes.get(HoneybeeOrderNumber) ?? null,
    labOrderId: attributes.get(LabOrderId) ?? null,
    exceptionReason: attributes.get(ExceptionReason) ?? null,
    escalationLevel: attributes.get(EscalationLevel) ?? 0,
    onHoldSince: attributes.get(OnHoldSince)?.toISOString() ?? null,
    startedAt: execution.startTime.toISOString(),
  };
}

function entryOf(execution: WorkflowExecutionInfo): NeedsOperatorEntry {
  const visible = visibleWorkflowOf(execution);
  return { ...visible, since: visible.onHoldSince ?? visible.startedAt };
}

/** The `limit` oldest workflows that need an operator, oldest first. */
export async function listNeedsOperator(client: Client, limit: number): Promise<NeedsOperatorEntry[]> {
  const entries: NeedsOperatorEntry[] = [];
  for await (const execution of client.workflow.list({ query: NEEDS_OPERATOR_QUERY })) {
    entries.push(entryOf(execution));
    if (entries.length >= MAX_HOLDS_READ) break;
  }
  return entries.sort((a, b) => a.since.localeCompare(b.since)).slice(0, limit);
}

// A workflow whose workflow task fails for ever cannot upsert NeedsOperator, so the query above misses it unless it
// was on hold already. Visibility does not know a pending task's attempt: the running workflows are read from it and
// each is described (one call each, and a history read for the few at attempt 2 or more). That costs, so it is
// bounded: the newest MAX_STUCK_SCAN running workflows not on hold are checked, and the answer says when there were
// more (`temporal workflow list --query "ExecutionStatus = 'Running'"` and `fulfill show <id>` check the rest).
export const STUCK_SCAN_QUERY = "ExecutionStatus = 'Running'";
export const MAX_STUCK_SCAN = 200;
const SCAN_CONCURRENCY = 8;

export interface StuckScan {
  /** Running workflows not on hold that were checked for a failing workflow task. */
  checked: number;
  /** True when there were more than MAX_STUCK_SCAN (the oldest were not checked). */
  truncated: boolean;
}

/** Running workflows not on hold whose workflow task keeps failing, among the newest `scanLimit`. */
export async function listStuckNotOnHold(
  client: Client,
  scanLimit = MAX_STUCK_SCAN,
): Promise<{ entries: NeedsOperatorEntry[]; scan: StuckScan }> {
  const candidates: WorkflowExecutionInfo[] = [];
  let truncated = false;
  for await (const execution of client.workflow.list({ query: STUCK_SCAN_QUERY })) {
    // Those on hold are listed by the query above, stuck or not.
    if (execution.typedSearchAttributes.get(NeedsOperator) === true) continue;
    if (candidates.length >= scanLimit) {
      truncated = true;
      break;
    }
    candidates.push(execution);
  }
  const entries: NeedsOperatorEntry[] = [];
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const execution = candidates[next++]!;
      let failing: WorkflowTaskFailing | undefined;
      try {
        failing = await workflowTaskFailing(client, execution.workflowId);
      } catch (error) {
        // Closed (or deleted) since it was listed: nothing to show.
        if (error instanceof WorkflowNotFoundError) continue;
        throw error;
      }
      if (!failing) continue;
      const visible = visibleWorkflowOf(execution);
      entries.push({ ...visible, since: failing.failedAt ?? visible.startedAt, workflowTaskFailing: failing });
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, candidates.length) }, worker));
  return { entries, scan: { checked: candidates.length, truncated } };
}

const recentScans = new WeakMap<
  Client,
  { at: number; result: Promise<Awaited<ReturnType<typeof listStuckNotOnHold>>> }
>();

/**
 * What waits for an operator: the holds, and the stuck workflows not on hold (bounded, see above), oldest first.
 * `stuckMaxAgeMs`: reuse a scan this recent (the console refreshes every few seconds; the scan is the costly part).
 */
export async function listNeedsOperatorOrStuck(
  client: Client,
  limit: number,
  options: { stuckMaxAgeMs?: number; scanLimit?: number } = {},
): Promise<{ entries: NeedsOperatorEntry[]; stuckScan: StuckScan }> {
  const recent = recentScans.get(client);
  const fresh = recent && options.stuckMaxAgeMs !== undefined && Date.now() - recent.at < options.stuckMaxAgeMs;
  const scan = fresh ? recent.result : listStuckNotOnHold(client, options.scanLimit);
  if (!fresh) {
    recentScans.set(client, { at: Date.now(), result: scan });
    scan.catch(() => recentScans.delete(client));
  }
  const [held, stuck] = await Promise.all([listNeedsOperator(client, limit), scan]);
  const entries = [...held, ...stuck.entries].sort((a, b) => a.since.localeCompare(b.since)).slice(0, limit);
  return { entries, stuckScan: stuck.scan };
}
