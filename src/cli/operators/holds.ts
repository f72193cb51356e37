// `fulfill holds`: what waits for an operator, oldest first. The list comes from visibility (search attributes only,
// no PHI; src/operators/needs-operator.ts), the offered actions and the hold's reason from each workflow's `status`
// query, the same for every workflow type (a workflow that does not answer is still listed, its actions unknown; a
// stuck one, whose workflow task keeps failing, is listed as `workflow task failing: …`, whether it was on hold or
// not: those not on hold come from a bounded scan of the running workflows, see needs-operator.ts).
import type { Client } from '@temporalio/client';
import { listNeedsOperatorOrStuck, MAX_STUCK_SCAN, type StuckScan } from '../../operators/needs-operator.js';
import { awaitingOperator, type ParkedEvents } from '../../operators/parked-events.js';
import { workflowTaskFailing, workflowTaskFailingLine } from '../../operators/workflow-health.js';
import { formatAge, print, printJson, table } from '../output.js';
import {
  holdReasonOf,
  nextEscalationOf,
  offeredActionsOf,
  QUERY_DEADLINE_MS,
  workflowStatusQuery,
} from './workflow-status.js';

export interface Hold {
  workflowId: string;
  workflowType: string;
  stage: string | null;
  orderNumber: string | null;
  prescriptionId: string | null;
  labOrderId: string | null;
  reason: string;
  escalationLevel: number;
  /** When it escalates next if nobody acts (the workflow's own deadline), when one is due. */
  nextEscalationAt: string | null;
  /** When the hold began (OnHoldSince, else when the workflow run started). */
  since: string;
  ageSeconds: number;
  /** Null when the workflow did not answer its status query. */
  actions: string[] | null;
  statusError?: string;
  /** `workflow task failing: …` when the workflow is stuck (it answers nothing until `fulfill repair`). */
  workflowTaskFailing?: string;
}

async function actionsOf(client: Client, workflowId: string) {
  try {
    const failing = await workflowTaskFailing(client, workflowId);
    if (failing) return { actions: null, error: workflowTaskFailingLine(failing), stuck: true };
    const status = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      client.workflow.getHandle(workflowId).query(workflowStatusQuery),
    );
    return {
      actions: offeredActionsOf(status).map((action) => action.action),
      holdReason: holdReasonOf(status),
      nextEscalationAt: nextEscalationOf(status),
    };
  } catch (error) {
    return { actions: null, error: error instanceof Error ? error.message : String(error) };
  }
}

export async function readHolds(
  client: Client,
  limit: number,
  options: { now?: number; stuckMaxAgeMs?: number } = {},
): Promise<{ holds: Hold[]; stuckScan: StuckScan }> {
  const now = options.now ?? Date.now();
  const { entries, stuckScan } = await listNeedsOperatorOrStuck(client, limit, {
    ...(options.stuckMaxAgeMs !== undefined ? { stuckMaxAgeMs: options.stuckMaxAgeMs } : {}),
  });
  const holds = await Promise.all(
    entries.map(async (entry): Promise<Hold> => {
      const read = entry.workflowTaskFailing
        ? { actions: null, error: workflowTaskFailingLine(entry.workflowTaskFailing), stuck: true }
        : await actionsOf(client, entry.workflowId);
      return {
        workflowId: entry.workflowId,
        workflowType: entry.workflowType,
        stage: entry.stage,
        orderNumber: entry.orderNumber,
        prescriptionId: entry.prescriptionId,
        labOrderId: entry.labOrderId,
        reason:
          (read.stuck ? read.error : entry.exceptionReason) ?? read.holdReason ?? entry.stage ?? 'needs an operator',
        escalationLevel: entry.escalationLevel,
        nextEscalationAt: read.nextEscalationAt ?? null,
        since: entry.since,
        ageSeconds: Math.max(0, Math.floor((now - Date.parse(entry.since)) / 1000)),
        actions: read.actions,
        ...(read.error ? { statusError: read.error } : {}),
        ...(read.stuck ? { workflowTaskFailing: read.error } : {}),
      };
    }),
  );
  return { holds, stuckScan };
}

export async function listHolds(client: Client, limit: number, now = Date.now()): Promise<Hold[]> {
  return (await readHolds(client, limit, { now })).holds;
}

/** Said whenever the scan for stuck workflows not on hold did not reach them all. */
export function stuckScanNote(scan: StuckScan): string | undefined {
  if (!scan.truncated) return undefined;
  return (
    `only the ${MAX_STUCK_SCAN} newest running workflows not on hold were checked for a failing workflow task; ` +
    'for the others: temporal workflow list --query "ExecutionStatus = \'Running\'", then fulfill show <id>'
  );
}

export function holdsTable(holds: readonly Hold[]): string {
  if (holds.length === 0) return 'Nothing waits for an operator.';
  const rows = holds.map((hold) => [
    hold.orderNumber ?? hold.labOrderId ?? '-',
    hold.prescriptionId ?? '-',
    hold.reason + (hold.escalationLevel > 0 ? ` (escalation ${hold.escalationLevel})` : ''),
    formatAge(hold.ageSeconds * 1000),
    hold.workflowTaskFailing
      ? 'none until repaired: fulfill repair'
      : hold.actions === null
        ? '? (no answer to the status query)'
        : hold.actions.join(', ') || '-',
    hold.workflowId,
  ]);
  return table([['order', 'prescription', 'reason', 'age', 'actions', 'workflow'], ...rows]);
}

/** Parked webhooks waiting for an operator are part of the queue: counted here, listed by `fulfill parked list`. */
export async function printHolds(
  client: Client,
  options: { limit: number; json?: boolean },
  parked: ParkedEvents,
): Promise<void> {
  const [{ holds, stuckScan }, listing] = await Promise.all([readHolds(client, options.limit), parked.list()]);
  const waiting = awaitingOperator(listing.events).length;
  if (options.json) {
    printJson({ holds, stuckScan, parked: { awaitingOperator: waiting, problems: listing.problems } });
    return;
  }
  const lines = [holdsTable(holds)];
  const note = stuckScanNote(stuckScan);
  if (note) lines.push(note);
  if (waiting > 0) lines.push(`${waiting} parked webhook(s) wait for an operator: fulfill parked list`);
  for (const problem of listing.problems) lines.push(`parked events: ${problem}`);
  print(lines.join('\n'));
}
