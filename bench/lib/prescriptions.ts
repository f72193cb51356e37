// Prescriptions through the whole engine, for the end-to-end benchmarks: the sandbox announces one (its RX_RECEIVED
// webhook goes to the bridge) and the benchmark waits for its workflow to close.
import type { Client } from '@temporalio/client';
import type { SandboxControlClient } from '../../src/sandbox/control/client.js';
import type { PrescriptionState } from '../../workflows/honeybee/types.js';
import { waitForResult as waitForWorkflowResult } from './workflow-results.js';

/** Not-found answers while waiting for workflows that did not exist yet (a cost the baseline never pays). */
export const waitStats = { notFoundPolls: 0 };

/** Waits for a workflow to close, counting the not-found answers while its start is on its way. */
export function waitForResult<T>(client: Client, workflowId: string): Promise<T> {
  return waitForWorkflowResult<T>(client, workflowId, () => {
    waitStats.notFoundPolls += 1;
  });
}

/** One prescription through the engine: the sandbox announces it (RX_RECEIVED webhook) and it runs to the end. */
export function enginePrescription(control: SandboxControlClient, client: Client) {
  return async (record: string[]): Promise<void> => {
    const scenario = await control.runScenario('happy-path', { refills: 0 });
    const prescriptionId = scenario.prescriptionIds?.[0];
    if (prescriptionId === undefined) throw new Error('the happy-path scenario made no prescription');
    const state = await waitForResult<PrescriptionState>(client, `honeybee-rx-${prescriptionId}`);
    if (state.stage !== 'COMPLETED' || state.fillsDelivered !== 1) {
      throw new Error(`prescription ${prescriptionId} ended ${state.stage} with ${state.fillsDelivered} fill(s)`);
    }
    record.push(String(prescriptionId));
  };
}
