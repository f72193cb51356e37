// Prescriptions through the whole engine, for the end-to-end benchmarks: the sandbox announces one (its RX_RECEIVED
// webhook goes to the bridge) and the benchmark waits for its workflow to close.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SandboxControlClient } from '../../src/sandbox/control/client.js';
import type { PrescriptionState } from '../../workflows/honeybee/types.js';

/** Not-found answers while waiting for workflows that did not exist yet (a cost the baseline never pays). */
export const waitStats = { notFoundPolls: 0 };

/**
 * Waits for a workflow id that may not exist yet (its start is still on its way) to close; follows its runs. Gives up
 * after two minutes, naming it: a benchmark that hangs says nothing. Until the id exists it asks again with a growing
 * pause: a fixed 20 ms poll cost the dev server (and this process) a not-found call every 20 ms per prescription in
 * flight, load the baseline, which starts its workflows itself, never paid.
 */
export async function waitForResult<T>(client: Client, workflowId: string): Promise<T> {
  const result = (async () => {
    for (let pauseMs = 25; ; pauseMs = Math.min(pauseMs * 2, 400)) {
      try {
        return await client.workflow.getHandle<() => Promise<T>>(workflowId).result();
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        waitStats.notFoundPolls += 1;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${workflowId} did not close within 2 minutes`)), 120_000);
  });
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
