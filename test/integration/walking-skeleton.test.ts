// The pipes, through real processes: a signed RX_RECEIVED POSTed to the bridge process reaches a
// prescriptionWorkflow (honeybee-rx-{prescription_id}) by signal-with-start in the worker process, and a query
// returns its state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { signHoneybeeWebhook } from '../../src/vendors/honeybee/webhook-auth.js';
import { prescriptionStatusQuery } from '../../workflows/honeybee/messages.js';
import { startEngine, type EngineProcesses } from '../harness/engine.js';
import { connectTestClient } from '../harness/temporal.js';

const CLIENT_SECRET = 'skeleton-client-secret';

describe('walking skeleton: webhook → bridge → signal-with-start → workflow → query', () => {
  let engine: EngineProcesses;
  let client: Client;

  beforeAll(async () => {
    engine = await startEngine({ HONEYBEE_CLIENT_SECRET: CLIENT_SECRET });
    client = await connectTestClient();
  });

  afterAll(async () => {
    await engine?.stop();
    await client?.connection.close();
  });

  async function postSigned(body: string, url = `${engine.bridgeUrl}/webhooks/honeybee`) {
    // The bridge verifies against its public URL (BRIDGE_PUBLIC_URL, test/harness/engine.ts), not the ephemeral port
    // we reach it on.
    const signature = signHoneybeeWebhook(CLIENT_SECRET, {
      method: 'POST',
      url: 'http://127.0.0.1:3000/webhooks/honeybee',
      body: Buffer.from(body),
    });
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-honeybee-signature': signature },
      body,
    });
  }

  it('starts the workflow from a signed RX_RECEIVED and answers its status query', async () => {
    const prescriptionId = String(Date.now());
    const body = JSON.stringify({
      event_id: `evt-${prescriptionId}`,
      event_type: 'RX_RECEIVED',
      patient_id: 987,
      medication_requests: [{ id: Number(prescriptionId), prescription_id: Number(prescriptionId), refills_left: 2 }],
    });
    const response = await postSigned(body);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(await response.json()).toEqual({ accepted: [`honeybee-rx-${prescriptionId}`], recorded: [] });

    const handle = client.workflow.getHandle(`honeybee-rx-${prescriptionId}`);
    const status = await handle.query(prescriptionStatusQuery);
    expect(status).toMatchObject({ prescriptionId, eventsReceived: 1, lastEventType: 'RX_RECEIVED' });
    const description = await handle.describe();
    expect(description.type).toBe('prescriptionWorkflow');
    expect(description.taskQueue).toBe(engine.env.TEMPORAL_TASK_QUEUE);
  });

  it('refuses an unsigned webhook and starts nothing', async () => {
    const prescriptionId = `${Date.now()}9`;
    const response = await fetch(`${engine.bridgeUrl}/webhooks/honeybee`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event_id: 'x', event_type: 'RX_RECEIVED', medication_requests: [{ id: prescriptionId }] }),
    });
    expect(response.status).toBe(401);
    await expect(client.workflow.getHandle(`honeybee-rx-${prescriptionId}`).describe()).rejects.toThrow(/not found/i);
  });
});
