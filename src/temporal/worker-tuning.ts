// The worker's capacity settings, from the environment (WORKER_* in src/config/env.ts). Unset, each is the SDK's
// default, so a deployment tunes only what it measured (docs/PERFORMANCE.md, "Worker tuning").
import type { WorkerOptions } from '@temporalio/worker';
import type { EngineConfig } from '../config/env.js';

export type WorkerTuningConfig = Pick<
  EngineConfig,
  | 'WORKER_MAX_CACHED_WORKFLOWS'
  | 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS'
  | 'WORKER_MAX_CONCURRENT_ACTIVITIES'
  | 'WORKER_STICKY_QUEUE_TIMEOUT'
>;

export type WorkerTuningOptions = Pick<
  WorkerOptions,
  | 'maxCachedWorkflows'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'stickyQueueScheduleToStartTimeout'
>;

export function workerTuningOptions(config: WorkerTuningConfig): WorkerTuningOptions {
  return {
    // `auto` (undefined) leaves the cache size to the SDK, which derives it from V8's heap limit.
    ...(config.WORKER_MAX_CACHED_WORKFLOWS === undefined
      ? {}
      : { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS }),
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    stickyQueueScheduleToStartTimeout: config.WORKER_STICKY_QUEUE_TIMEOUT,
  };
}
