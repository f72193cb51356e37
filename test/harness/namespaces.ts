// A namespace of its own on the run's dev server, with the engine's search attributes, for a test that counts or
// lists every workflow of a type and must find only its own (engines sharing a namespace keep their own dead-letter
// days, feed and patient index, but visibility queries by type see every engine's).
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { ENGINE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { testPayloadKeyConfig } from './payload-keys.js';
import { temporalAddress } from './temporal.js';

export interface TestNamespace {
  namespace: string;
  /** A client of that namespace (encrypting with the test key). */
  client: Client;
  close(): Promise<void>;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not there yet: the server refreshes its namespace registry periodically.
    }
    if (Date.now() > deadline) throw new Error(`the dev server did not make ${what} available within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function createTestNamespace(prefix: string): Promise<TestNamespace> {
  const namespace = `${prefix}-${randomUUID().slice(0, 8)}`;
  const connection = await Connection.connect({ address: temporalAddress() });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    await until(async () => Boolean(await connection.workflowService.describeNamespace({ namespace })), namespace);
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        ENGINE_SEARCH_ATTRIBUTES.map((key) => [
          key.name,
          proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`],
        ]),
      ),
    });
    await until(async () => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      return ENGINE_SEARCH_ATTRIBUTES.every((key) => customAttributes?.[key.name] !== undefined);
    }, `the search attributes of ${namespace}`);
    const client = new Client({ connection, namespace, dataConverter: createDataConverter(testPayloadKeyConfig) });
    // The frontend's namespace cache lags the registration: wait until a call through it succeeds.
    await until(async () => {
      await client.workflow.count();
      return true;
    }, `${namespace} to the frontend`);
    return { namespace, client, close: () => connection.close() };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
