// PHI at rest: payloads reach Temporal's SQLite database only encrypted. The same check against a client without the
// codec finds the marker, so the assertion can fail.
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { startDevServer, type StartedDevServer } from '../../src/temporal/dev-server.js';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { honeybeeEventSignal, prescriptionStatusQuery } from '../../workflows/honeybee/messages.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';

function databaseContains(dir: string, marker: string): boolean {
  // SQLite keeps recent pages in the -wal file: search every file of the database.
  return readdirSync(dir).some((file) => readFileSync(join(dir, file)).includes(marker));
}

describe('PHI at rest in the dev server database', () => {
  let server: StartedDevServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phi-db-'));
    server = await startDevServer({ dbFilename: join(dir, 'temporal.db'), ip: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.teardown();
  });

  async function sendMarker(encrypted: boolean, marker: string, workflowId: string): Promise<void> {
    const dataConverter = encrypted ? createDataConverter(testPayloadKeyConfig) : {};
    const client = new Client({ connection: server.env.connection, dataConverter });
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      taskQueue: workflowId,
      dataConverter,
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    await worker.runUntil(async () => {
      const handle = await client.workflow.signalWithStart('prescriptionWorkflow', {
        workflowId,
        taskQueue: workflowId,
        args: [{ prescriptionId: workflowId }],
        signal: honeybeeEventSignal,
        signalArgs: [
          {
            eventId: 'e1',
            eventType: 'RX_RECEIVED',
            receivedAt: new Date().toISOString(),
            requestId: 'r1',
            payload: { patient: { last_name: marker, dob: '1961-02-03' } },
          },
        ],
      });
      expect(await handle.query(prescriptionStatusQuery)).toMatchObject({ eventsReceived: 1 });
      await handle.terminate('done');
    });
  }

  it('stores no clear-text PHI when the engine data converter is used', async () => {
    const marker = `Qzxencrypted${Date.now()}`;
    await sendMarker(true, marker, 'phi-encrypted');
    expect(databaseContains(dir, marker)).toBe(false);
  });

  it('would find it without the codec (the check can fail)', async () => {
    const marker = `Qzxplain${Date.now()}`;
    await sendMarker(false, marker, 'phi-plain');
    expect(databaseContains(dir, marker)).toBe(true);
  });
});
