// The worker process: runs workflows/ and activities/ on the configured task queue. Scale out by running more copies.
import { Client } from '@temporalio/client';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { requireHttpsOutsideDevelopment } from '../src/config/env.js';
import { createLogger } from '../src/observability/logger.js';
import { startWorkerObservability } from '../src/observability/worker-observability.js';
import { announceReady, loadConfigOrExit, runMain, StartFailure } from '../src/runtime/process.js';
import { connectWorkerConnection } from '../src/temporal/client.js';
import { describeTemporalConnection } from '../src/temporal/connection-options.js';
import { createDataConverter } from '../src/temporal/data-converter.js';
import { isUnreachable, unreachableMessage } from '../src/temporal/unreachable.js';
import { workerTuningOptions } from '../src/temporal/worker-tuning.js';
import { workflowBundlerOptions, workflowsEntry } from '../src/temporal/workflow-bundle.js';
import { ensureHoneybeeRxSweepSchedule } from '../src/temporal/honeybee-rx-sweep-schedule.js';
import { assertEngineSearchAttributes } from '../src/temporal/search-attribute-check.js';
import { buildActivityDependencies } from '../src/runtime/dependencies.js';

function workflowsSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  const bundle = process.env.WORKFLOW_BUNDLE_PATH;
  if (bundle) return { workflowBundle: { codePath: bundle } };
  return { workflowsPath: workflowsEntry(), bundlerOptions: workflowBundlerOptions() };
}

runMain('worker', async () => {
  // The worker calls the vendors and the partner: outside development only over https.
  const config = loadConfigOrExit(process.env, requireHttpsOutsideDevelopment);
  const logger = createLogger('worker', config.LOG_LEVEL);
  // Before the first native connection: it installs the Temporal Runtime (logs through pino, SDK metrics) and binds
  // the metrics endpoint.
  const observability = await startWorkerObservability(config, logger);
  const dataConverter = createDataConverter(config);
  const connection = await connectWorkerConnection(config).catch((error: unknown) => {
    throw isUnreachable(error) ? new StartFailure(unreachableMessage(config)) : error;
  });
  await assertEngineSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  // Activities that hand work to other workflows use a client on the worker's own (native) connection: no second
  // connection, and no pure-JS gRPC on the worker's CPU.
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter,
    interceptors: observability.clientInterceptors,
  });
  // The reconciliation sweep's schedule (RX_RECEIVED lost for good): created, or updated to this configuration.
  const sweepSchedule = await ensureHoneybeeRxSweepSchedule(client, config);
  logger.info({ schedule: sweepSchedule, every: config.HONEYBEE_RX_SWEEP_INTERVAL }, 'honeybee rx sweep scheduled');
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter,
    activities: createActivities(buildActivityDependencies(config, logger, client)),
    ...workerTuningOptions(config),
    ...observability.workerOptions,
    ...workflowsSource(),
  });
  observability.attach({ worker, connection, client });
  announceReady('worker', {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    temporal: describeTemporalConnection(config),
    ...(observability.metricsUrl ? { metrics: `${observability.metricsUrl}/metrics` } : {}),
  });
  // Worker.run resolves after SIGINT/SIGTERM (the SDK's shutdown signals) once in-flight tasks finish.
  await worker.run();
  await connection.close();
  await observability.stop();
  logger.info('stopped');
});
