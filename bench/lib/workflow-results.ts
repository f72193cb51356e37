// Waiting for a benchmark's workflows and reading their histories, shared by the end-to-end and cluster benchmarks.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';

export type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

/**
 * Waits for a workflow id that may not exist yet (its start is still on its way) to close; follows its runs. Gives up
 * after two minutes, naming it: a benchmark that hangs says nothing. Until the id exists it asks again with a growing
 * pause (`onNotFound` counts those asks): a fixed 20 ms poll cost the server (and this process) a not-found call every
 * 20 ms per prescription in flight, load the baseline, which starts its workflows itself, never paid.
 */
export async function waitForResult<T>(client: Client, workflowId: string, onNotFound?: () => void): Promise<T> {
  const result = (async () => {
    for (let pauseMs = 25; ; pauseMs = Math.min(pauseMs * 2, 400)) {
      try {
        return await client.workflow.getHandle<() => Promise<T>>(workflowId).result();
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        onNotFound?.();
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

/** Every run of a workflow id, newest first (a continue-as-new chain, walked back from the latest run). */
export async function historiesOf(client: Client, workflowId: string): Promise<History[]> {
  const histories: History[] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.push(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    if (!runId) return histories;
  }
}
