// `fulfill lab order --file` against the run's dev server: it starts labOrderWorkflow with the engine's identifier,
// the initial search attributes and the placement in the (encrypted) input; a retry with the same requestKey finds
// the same order. No worker polls this task queue: the test checks what was started, then terminates it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import { inject } from 'vitest';
import { main } from '../../src/cli/main.js';
import { isLabOrderIdentifier } from '../../src/domain/lab-order-identifiers.js';
import { EscalationLevel, FulfillmentStage, LabOrderId, NeedsOperator } from '../../workflows/search-attributes.js';
import { labOrderRequest } from '../harness/lab-orders.js';
import { TEST_PAYLOAD_KEYS } from '../harness/payload-keys.js';
import { connectTestClient, temporalAddress, uniqueTaskQueue } from '../harness/temporal.js';

const dir = mkdtempSync(join(tmpdir(), 'fulfill-lab-cli-'));
let client: Client;

beforeAll(async () => {
  client = await connectTestClient();
});
afterAll(async () => {
  await client?.connection.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fulfill(args: string[], env: Record<string, string>) {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(['node', 'fulfill', ...args]), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('fulfill lab order', () => {
  it('starts the lab order workflow, and a retry with the same requestKey finds it', async () => {
    const env = {
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('lab-cli'),
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      ONEGEVITY_PACKAGE_IDENTIFIER: 'KIT-CLI',
    };
    const path = join(dir, 'request.json');
    writeFileSync(path, JSON.stringify(labOrderRequest('P-CLI-1', { requestKey: `cli-${Date.now()}` })));

    const first = await fulfill(['lab', 'order', '--file', path, '--json'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const started = JSON.parse(first.stdout) as { orderIdentifier: string; workflowId: string; started: boolean };
    expect(isLabOrderIdentifier(started.orderIdentifier)).toBe(true);
    expect(started).toEqual({
      orderIdentifier: started.orderIdentifier,
      workflowId: `onegevity-order-${started.orderIdentifier}`,
      started: true,
    });

    const handle = client.workflow.getHandle(started.workflowId);
    try {
      const description = await handle.describe();
      expect(description.type).toBe('labOrderWorkflow');
      expect(description.taskQueue).toBe(env.TEMPORAL_TASK_QUEUE);
      const attributes = description.typedSearchAttributes;
      expect([
        attributes.get(LabOrderId),
        attributes.get(FulfillmentStage),
        attributes.get(NeedsOperator),
        attributes.get(EscalationLevel),
      ]).toEqual([started.orderIdentifier, 'CREATING_ORDER', false, 0]);
      // The input is the placement, defaults filled in; the history holds it encrypted (the test client decrypts).
      const history = await handle.fetchHistory();
      const startEvent = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      const raw = startEvent?.input?.payloads?.[0];
      expect(Buffer.from(raw?.data ?? new Uint8Array()).toString('utf8')).not.toContain('Kitowska');
      const input = await decodeFromPayloadsAtIndex(client.options.loadedDataConverter, 0, startEvent?.input?.payloads);
      expect(input).toMatchObject({
        orderIdentifier: started.orderIdentifier,
        order: {
          patientIdentifier: 'P-CLI-1',
          packageIdentifier: 'KIT-CLI',
          patientInformation: { lastName: 'Kitowska' },
        },
      });

      const again = await fulfill(['lab', 'order', '--file', path], env);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(
        `Lab order ${started.orderIdentifier} was already started by this requestKey (workflow ${started.workflowId}).\n`,
      );
    } finally {
      await handle.terminate('test done');
    }
  });
});
