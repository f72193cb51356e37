// Helpers for tests against the run's dev server: a client, a worker on a unique task queue, and env for child
// processes pointing at the same server.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { testPayloadKeyConfig } from './payload-keys.js';

export function temporalAddress(): string {
  return inject('temporalAddress');
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

export async function connectTestClient(): Promise<Client> {
  const connection = await Connection.connect({ address: temporalAddress() });
  return new Client({
    connection,
    namespace: inject('temporalNamespace'),
    dataConverter: createDataConverter(testPayloadKeyConfig),
  });
}

export interface TestWorker {
  worker: Worker;
  taskQueue: string;
  /** Runs `fn` while the worker polls, then shuts it down. */
  runUntil<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** An in-process worker on a unique task queue, using the run's workflow bundle. */
export async function createTestWorker(
  options: Partial<Omit<WorkerOptions, 'connection' | 'workflowBundle' | 'workflowsPath'>> & {
    connection?: NativeConnection;
  } = {},
): Promise<TestWorker> {
  const connection = options.connection ?? (await NativeConnection.connect({ address: temporalAddress() }));
  const taskQueue = options.taskQueue ?? uniqueTaskQueue();
  const worker = await Worker.create({
    ...options,
    connection,
    taskQueue,
    dataConverter: createDataConverter(testPayloadKeyConfig),
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  return {
    worker,
    taskQueue,
    runUntil: (fn) => worker.runUntil(fn),
    close: async () => {
      if (!options.connection) await connection.close();
    },
  };
}

/** A workflow's history events (its latest run), decoded as the client's converter allows. */
export async function historyOf(client: Client, workflowId: string) {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}
