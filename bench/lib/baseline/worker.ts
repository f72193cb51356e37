// The baseline's worker process: the same Worker defaults as workers/worker.ts, running only the baseline workflows
// (bundled from bench/lib/baseline/workflows.ts) with the default data converter. Started by bench:end-to-end.
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { announceReady, runMain } from '../../../src/runtime/process.js';
import { createBaselineActivities } from './activities.js';

runMain('baseline-worker', async () => {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const taskQueue = process.env.BASELINE_TASK_QUEUE;
  if (!taskQueue) throw new Error('BASELINE_TASK_QUEUE is required');
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    activities: createBaselineActivities(new Client({ connection: clientConnection })),
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  });
  announceReady('baseline-worker', { taskQueue });
  await worker.run();
  await connection.close();
  await clientConnection.close();
});
