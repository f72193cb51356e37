// A time-skipping environment for one test file (skipped time is global to a server, so files don't share one).
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { ENGINE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
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
  const server = await startTimeSkippingServer({ dataConverter });
  // Like the dev server, the time-skipping server refuses to upsert search attributes it does not know.
  await server.env.connection.operatorService.addSearchAttributes({
    namespace: server.env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      ENGINE_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type) ?? 0]),
    ),
  });
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
