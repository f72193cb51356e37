// What waits for an operator, oldest first, from visibility alone (search attributes: no PHI, no query to any
// workflow). Visibility lists newest first and the SQL visibility store cannot order by a custom attribute, so the
// whole list is read (up to a bound) and sorted here; stopping at `limit` first would drop the oldest holds.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  EscalationLevel,
  ExceptionReason,
  FulfillmentStage,
  HoneybeeOrderNumber,
  HoneybeePrescriptionId,
  LabOrderId,
  OnHoldSince,
} from '../../workflows/search-attributes.js';

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
  /** When the hold began: OnHoldSince, else when the run started. */
  since: string;
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
