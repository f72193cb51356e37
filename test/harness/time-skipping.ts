// A time-skipping environment for one test file (skipped time is global to a server, so files don't share one).
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { startTimeSkippingServer } from '../../src/temporal/dev-server.js';
import { testPayloadKeyConfig } from './payload-keys.js';

export interface TimeSkippingHarness {
  env: TestWorkflowEnvironment;
  /** A worker on a fresh task queue of this server, with the run's workflow bundle. */
  createWorker(
    options?: Partial<Omit<WorkerOptions, 'connection' | 'workflowBundle' | 'workflowsPath'>>,
  ): Promise<Worker>;
  teardown(): Promise<void>;
}

export async function startTimeSkipping(): Promise<TimeSkippingHarness> {
  const dataConverter = createDataConverter(testPayloadKeyConfig);
  // startTimeSkippingServer registers the engine's search attributes, as the dev server does.
  const server = await startTimeSkippingServer({ dataConverter });
  return {
    env: server.env,
    createWorker: (options = {}) =>
      Worker.create({
        taskQueue: `ts-${randomUUID()}`,
        ...options,
        connection: server.env.nativeConnection,
        dataConverter,
        workflowBundle: { codePath: inject('workflowBundlePath') },
      }),
    teardown: () => server.teardown(),
  };
}

/**
 * Polls (real time) until `ok` holds; a workflow takes signals asynchronously. The deadline is generous: CI runs these
 * files beside the integration suites on two cores, where a chain of workflow tasks and activities can take many
 * seconds; only a test that is failing anyway waits it out.
 */
export async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
