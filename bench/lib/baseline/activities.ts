// The baseline's activities: nothing, except the two that link its workflows by signal-with-start, as the engine's
// ensureHoneybeeFillOrder and reportHoneybeeOrderMilestone do.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { baselineOrderId, baselinePrescriptionId, type BaselineShape } from './shape.js';

export function createBaselineActivities(client: Client) {
  return {
    async baselineNoop(): Promise<void> {},

    async baselineStartOrder(request: { prescriptionId: string; shape: BaselineShape }): Promise<void> {
      const prescriptionWorkflowId = baselinePrescriptionId(request.prescriptionId);
      await client.workflow.signalWithStart('baselineOrderWorkflow', {
        workflowId: baselineOrderId(request.prescriptionId),
        taskQueue: Context.current().info.taskQueue,
        args: [{ prescriptionWorkflowId, shape: request.shape }],
        signal: 'baselineLinked',
        signalArgs: [{ prescriptionWorkflowId }],
      });
    },

    async baselineReport(request: { prescriptionWorkflowId: string }): Promise<void> {
      await client.workflow
        .getHandle(request.prescriptionWorkflowId)
        .signal('baselineMilestone', { milestone: 'delivered' });
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
