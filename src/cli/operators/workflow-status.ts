// Reading a workflow as an operator sees it: its `status` query (every engine workflow answers one), its current
// details (the markdown the Web UI shows), and the actions it offers now, by workflow type. Ids, stages and actions
// only: the status of Honeybee and lab workflows holds no patient data by construction.
import type { Client } from '@temporalio/client';
import { workflowStatusQuery, type LabOrderStatus } from '../../../workflows/definitions.js';
import type { HoneybeeOrderState, PrescriptionState } from '../../../workflows/honeybee/types.js';
import { CommandFailure } from '../temporal-session.js';

/** How long a query may take: a workflow whose worker is down never answers. */
export const QUERY_DEADLINE_MS = 10_000;

export interface WorkflowReading {
  status: unknown;
  currentDetails: string;
}

export async function readWorkflow(client: Client, workflowId: string, taskQueue: string): Promise<WorkflowReading> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, async () => {
      const [status, metadata] = await Promise.all([
        handle.query(workflowStatusQuery),
        handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata'),
      ]);
      return { status, currentDetails: metadata.currentDetails ?? '' };
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new CommandFailure(
      `${workflowId} did not answer its status query (${why}). Is a worker polling task queue ${taskQueue}? ` +
        'Start one with `npm run worker` (or `npm run dev`).',
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const LAB_TERMINAL_STAGES = new Set(['RESULTS_RELEASED', 'CANCELED', 'DISMISSED']);

/**
 * The operator actions a workflow offers now, from its status. Orders: the On Hold exception's actions. Prescriptions:
 * the exception's actions (a refused creation, or `matchPatient`), and `cancel` until the prescription ends. Lab
 * orders: `resubmit` after a rejection or a failed creation of an order the engine started, `cancel` until the end
 * (the rule of workflows/lab/resolution.ts `offeredLabActions`, read from the status view).
 */
export function offeredActions(workflowType: string, status: unknown): string[] {
  if (!isRecord(status)) return [];
  switch (workflowType) {
    case 'honeybeeOrderWorkflow': {
      const order = status as unknown as HoneybeeOrderState;
      if (order.status !== 'On Hold' || !order.exception || order.awaitingVendor) return [];
      return order.exception.actions.map((action) => action.action);
    }
    case 'prescriptionWorkflow': {
      const prescription = status as unknown as PrescriptionState;
      if (prescription.endReason) return [];
      const actions = prescription.exception?.actions.map((action) => action.action) ?? [];
      if (prescription.stage === 'AWAITING_FILL_APPROVAL') actions.push('approveFill');
      return [...actions, 'cancel'];
    }
    case 'labOrderWorkflow': {
      const lab = status as unknown as LabOrderStatus;
      if (LAB_TERMINAL_STAGES.has(lab.stage)) return [];
      const kind = lab.attention?.kind;
      const resubmittable = lab.startedByEngine && (kind === 'fulfillment_rejected' || kind === 'order_failed');
      return resubmittable ? ['resubmit', 'cancel'] : ['cancel'];
    }
    default:
      return [];
  }
}

/** The fields each offered action requires (Honeybee orders and prescriptions; lab `resubmit` takes an address). */
export function actionFields(workflowType: string, status: unknown): Record<string, string[]> {
  if (!isRecord(status)) return {};
  if (workflowType === 'labOrderWorkflow') return { resubmit: ['address (optional)'], cancel: [] };
  const exception = (status as { exception?: { actions?: { action: string; fields: string[] }[] } }).exception;
  return Object.fromEntries((exception?.actions ?? []).map((action) => [action.action, action.fields]));
}
