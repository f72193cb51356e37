// `fulfill holds`: what waits for an operator, oldest first. The list comes from visibility (search attributes only,
// no PHI: `NeedsOperator = true AND ExecutionStatus = 'Running'`), the offered actions from each workflow's `status`
// query (a workflow that does not answer is still listed, its actions shown as unknown).
import type { Client } from '@temporalio/client';
import {
  EscalationLevel,
  ExceptionReason,
  FulfillmentStage,
  HoneybeeOrderNumber,
  HoneybeePrescriptionId,
  LabOrderId,
  OnHoldSince,
} from '../../../workflows/search-attributes.js';
import { formatAge, print, printJson, table } from '../output.js';
import { offeredActions, QUERY_DEADLINE_MS } from './workflow-status.js';
import { workflowStatusQuery } from '../../../workflows/definitions.js';

export const HOLDS_QUERY = "NeedsOperator = true AND ExecutionStatus = 'Running'";

export interface Hold {
  workflowId: string;
  workflowType: string;
  stage: string | null;
  orderNumber: string | null;
  prescriptionId: string | null;
  labOrderId: string | null;
  reason: string;
  escalationLevel: number;
  /** When the hold began (OnHoldSince, else when the workflow run started). */
  since: string;
  ageSeconds: number;
  /** Null when the workflow did not answer its status query. */
  actions: string[] | null;
  statusError?: string;
}

async function actionsOf(client: Client, workflowId: string, workflowType: string) {
  try {
    const status = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      client.workflow.getHandle(workflowId).query(workflowStatusQuery),
    );
    const attention = (status as { attention?: { kind?: string } } | null)?.attention?.kind;
    return { actions: offeredActions(workflowType, status), attention };
  } catch (error) {
    return { actions: null, error: error instanceof Error ? error.message : String(error) };
  }
}

export async function listHolds(client: Client, limit: number, now = Date.now()): Promise<Hold[]> {
  const holds: Hold[] = [];
  for await (const execution of client.workflow.list({ query: HOLDS_QUERY })) {
    const attributes = execution.typedSearchAttributes;
    const since = attributes.get(OnHoldSince) ?? execution.startTime;
    const stage = attributes.get(FulfillmentStage) ?? null;
    const read = await actionsOf(client, execution.workflowId, execution.type);
    holds.push({
      workflowId: execution.workflowId,
      workflowType: execution.type,
      stage,
      orderNumber: attributes.get(HoneybeeOrderNumber) ?? null,
      prescriptionId: attributes.get(HoneybeePrescriptionId) ?? null,
      labOrderId: attributes.get(LabOrderId) ?? null,
      reason: attributes.get(ExceptionReason) ?? read.attention ?? stage ?? 'needs an operator',
      escalationLevel: attributes.get(EscalationLevel) ?? 0,
      since: since.toISOString(),
      ageSeconds: Math.max(0, Math.floor((now - since.getTime()) / 1000)),
      actions: read.actions,
      ...(read.error ? { statusError: read.error } : {}),
    });
    if (holds.length >= limit) break;
  }
  return holds.sort((a, b) => a.since.localeCompare(b.since));
}

export function holdsTable(holds: readonly Hold[]): string {
  if (holds.length === 0) return 'Nothing waits for an operator.';
  const rows = holds.map((hold) => [
    hold.orderNumber ?? hold.labOrderId ?? '-',
    hold.prescriptionId ?? '-',
    hold.reason + (hold.escalationLevel > 0 ? ` (escalation ${hold.escalationLevel})` : ''),
    formatAge(hold.ageSeconds * 1000),
    hold.actions === null ? '? (no answer to the status query)' : hold.actions.join(', ') || '-',
    hold.workflowId,
  ]);
  return table([['order', 'prescription', 'reason', 'age', 'actions', 'workflow'], ...rows]);
}

export async function printHolds(client: Client, options: { limit: number; json?: boolean }): Promise<void> {
  const holds = await listHolds(client, options.limit);
  if (options.json) printJson({ holds });
  else print(holdsTable(holds));
}
