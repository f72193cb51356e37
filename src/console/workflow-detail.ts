// One workflow as the console's detail page shows it: its execution and search attributes, whether its workflow task
// is failing (src/operators/workflow-health.ts: a stuck workflow answers nothing), its `status` (the operator contract:
// offered actions with their fields, hold reason, next escalation, decisions) and what happened, from the audit
// (src/cli/audit: the same collection and timeline as `fulfill audit`, decoded with the bridge's payload keys).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { collectAudit } from '../cli/audit/collect.js';
import type { PayloadDecoder } from '../cli/audit/decode.js';
import type { TimelineEntry } from '../cli/audit/timeline.js';
import { QUERY_DEADLINE_MS } from '../cli/operators/workflow-status.js';
import { candidateTargets, type Target } from '../cli/workflow-targets.js';
import type { Vendor } from '../domain/vendors.js';
import { workflowTaskFailing, type WorkflowTaskFailing } from '../operators/workflow-health.js';
import { workflowStatusQuery, type OperatorStatus } from '../../workflows/shared/operator-messages.js';
import {
  EscalationLevel,
  ExceptionReason,
  FulfillmentStage,
  NeedsOperator,
  OnHoldSince,
} from '../../workflows/search-attributes.js';

export type ConsoleStatus = OperatorStatus;

export interface WorkflowDetail {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** RUNNING, COMPLETED, … */
  execution: string;
  startTime: string;
  closeTime: string | null;
  /** The business object: prescription, order or lab order, and its id. */
  subject?: Target;
  vendor?: Vendor;
  stage?: string;
  exceptionReason?: string;
  escalationLevel: number;
  needsOperator: boolean;
  onHoldSince?: string;
  /** Set when its workflow task keeps failing: nothing can be resolved until it is repaired. */
  failing?: WorkflowTaskFailing;
  status: ConsoleStatus | null;
  statusError?: string;
  timeline: TimelineEntry[];
  timelineError?: string;
}

/** Workflow ids carry their vendor: `honeybee-…`, `onegevity-…`. */
export function vendorOfWorkflow(workflowId: string): Vendor | undefined {
  if (workflowId.startsWith('honeybee-')) return 'honeybee';
  if (workflowId.startsWith('onegevity-')) return 'onegevity';
  return undefined;
}

function subjectOf(workflowId: string): Target | undefined {
  try {
    return candidateTargets(workflowId).find((candidate) => candidate.workflowId === workflowId);
  } catch {
    return undefined;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The workflow's latest run as an operator needs it; undefined when there is no such workflow. */
export async function readWorkflowDetail(
  client: Client,
  decoder: PayloadDecoder,
  workflowId: string,
): Promise<WorkflowDetail | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const attributes = description.typedSearchAttributes;
  const subject = subjectOf(workflowId);
  const vendor = vendorOfWorkflow(workflowId);
  const failing = await workflowTaskFailing(client, workflowId, description);

  const [status, audit] = await Promise.all([
    failing
      ? Promise.resolve({ status: null })
      : client
          .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(workflowStatusQuery))
          .then((value) => ({ status: value }))
          .catch((error: unknown) => ({ status: null, error: `no answer to the status query: ${message(error)}` })),
    collectAudit(client, workflowId, decoder)
      .then((report) => ({ timeline: report.timeline }))
      .catch((error: unknown) => ({ timeline: [], error: message(error) })),
  ]);

  const stage = attributes.get(FulfillmentStage);
  const exceptionReason = attributes.get(ExceptionReason);
  const onHoldSince = attributes.get(OnHoldSince);
  return {
    workflowId,
    runId: description.runId,
    workflowType: description.type,
    execution: description.status.name,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString() ?? null,
    ...(subject ? { subject } : {}),
    ...(vendor ? { vendor } : {}),
    ...(stage ? { stage } : {}),
    ...(exceptionReason ? { exceptionReason } : {}),
    escalationLevel: attributes.get(EscalationLevel) ?? 0,
    needsOperator: attributes.get(NeedsOperator) ?? false,
    ...(onHoldSince ? { onHoldSince: onHoldSince.toISOString() } : {}),
    ...(failing ? { failing } : {}),
    status: status.status,
    ...('error' in status && status.error ? { statusError: status.error } : {}),
    timeline: audit.timeline,
    ...('error' in audit && audit.error ? { timelineError: audit.error } : {}),
  };
}
