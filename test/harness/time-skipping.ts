// A time-skipping environment for one test file (skipped time is global to a server, so files don't share one).
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { startTimeSkippingServer } from '../../src/temporal/dev-server.js';

export interface TimeSkippingHarness {
  env: TestWorkflowEnvironment;
  /** A worker on a fresh task queue of this server, with the run's workflow bundle. */
  createWorker(
    options?: Partial<Omit<WorkerOptions, 'connection' | 'workflowBundle' | 'workflowsPath'>>,
  ): Promise<Worker>;
  teardown(): Promise<void>;
}

export async function startTimeSkipping(): Promise<TimeSkippingHarness> {
  const server = await startTimeSkippingServer();
  return {
    env: server.env,
    createWorker: (options = {}) =>
      Worker.create({
        taskQueue: `ts-${randomUUID()}`,
        ...options,
        connection: server.env.nativeConnection,
        workflowBundle: { codePath: inject('workflowBundlePath') },
      }),
    teardown: () => server.teardown(),
  };
}
