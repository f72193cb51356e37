// The bridge's webhook answers, through a real bridge process, worker process and dev server: forged, malformed,
// oversized, wrong content type, unroutable (parked in the dead-letter workflow), for a workflow that already ended
// (recorded, not restarted), and Temporal unreachable (503 with Retry-After).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { deadLetterWorkflowId } from '../../src/domain/workflow-ids.js';
import { engineKey } from '../../src/temporal/engine-key.js';
import { signHoneybeeWebhook } from '../../src/vendors/honeybee/webhook-auth.js';
import { signOnegevityWebhook } from '../../src/vendors/onegevity/webhook-auth.js';
import { parkedWebhooksQuery } from '../../workflows/dead-letter/messages.js';
import { prescriptionStatusQuery } from '../../workflows/honeybee/messages.js';
import { engineEnv, startBridgeProcess, startEngine, type EngineProcesses } from '../harness/engine.js';
import { createTestNamespace, type TestNamespace } from '../harness/namespaces.js';

const HONEYBEE_SECRET = 'bridge-test-client-secret';
const ONEGEVITY_SECRET = 'bridge-test-onegevity-secret';
const PUBLIC_URL = 'http://127.0.0.1:3000/webhooks/honeybee';

let sequence = 0;
function rxReceived(prescriptionId: string, eventId = `evt-${prescriptionId}-${sequence++}`): string {
  return JSON.stringify({
    event_id: eventId,
    event_type: 'RX_RECEIVED',
    patient_id: 77,
    medication_requests: [{ id: Number(prescriptionId), prescription_id: Number(prescriptionId), refills_left: 1 }],
  });
}

describe('bridge webhook answers', () => {
  let engine: EngineProcesses;
  let client: Client;
  let namespace: TestNamespace;

  beforeAll(async () => {
    // Its own namespace: this test reads the dead-letter workflow, which is per namespace and day.
    namespace = await createTestNamespace('bridge');
    client = namespace.client;
    engine = await startEngine({
      TEMPORAL_NAMESPACE: namespace.namespace,
      HONEYBEE_CLIENT_SECRET: HONEYBEE_SECRET,
      ONEGEVITY_WEBHOOK_SECRETS: ONEGEVITY_SECRET,
      BRIDGE_BODY_LIMIT_BYTES: '4096',
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await namespace?.close();
  });

  const honeybee = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${engine.bridgeUrl}/webhooks/honeybee`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-honeybee-signature': signHoneybeeWebhook(HONEYBEE_SECRET, {
          method: 'POST',
          url: PUBLIC_URL,
          body: Buffer.from(body),
        }),
        ...headers,
      },
      body,
    });

  /**
   * What this engine's dead letters of yesterday and today (UTC) hold: a webhook is parked in the day the bridge
   * received it, which is yesterday when it came just before midnight and the test asks just after.
   */
  async function parkedReasons(vendor: 'honeybee' | 'onegevity'): Promise<string[]> {
    const reasons: string[] = [];
    const now = Date.now();
    for (const at of [now - 86_400_000, now]) {
      const day = new Date(at).toISOString().slice(0, 10);
      const handle = client.workflow.getHandle(
        deadLetterWorkflowId(vendor, engineKey(engine.env.TEMPORAL_TASK_QUEUE as string), day),
      );
      try {
        reasons.push(...(await handle.query(parkedWebhooksQuery)).entries.map((entry) => entry.reason));
      } catch (error) {
        // Nothing parked that day.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    return reasons;
  }

  it('delivers a signed event and answers with the workflow it reached and a request id', async () => {
    const response = await honeybee(rxReceived('7000001'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: ['honeybee-rx-7000001'], recorded: [] });
    expect(response.headers.get('x-request-id')).toMatch(/.+/);
  });

  it('refuses a forged signature and a body changed after signing with 401, starting nothing', async () => {
    const body = rxReceived('7000002');
    const forged = await honeybee(body, { 'x-honeybee-signature': 'Zm9yZ2VkCg==' });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: { code: 'unauthorized', message: 'webhook authentication failed' } });
    const signature = signHoneybeeWebhook(HONEYBEE_SECRET, {
      method: 'POST',
      url: PUBLIC_URL,
      body: Buffer.from(body),
    });
    const replayed = await honeybee(body.replace('7000002', '7000003'), { 'x-honeybee-signature': signature });
    expect(replayed.status).toBe(401);
    for (const id of ['7000002', '7000003']) {
      await expect(client.workflow.getHandle(`honeybee-rx-${id}`).describe()).rejects.toThrow(/not found/i);
    }
  });

  it('answers 415 to a wrong content type, 413 to an oversized body, 400 to signed malformed JSON', async () => {
    const wrongType = await honeybee(rxReceived('7000004'), { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    const oversized = await honeybee(JSON.stringify({ pad: 'x'.repeat(5000) }));
    expect(oversized.status).toBe(413);
    const malformed = await honeybee('{"event_id": "e", ');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('malformed_json');
    // None of them reached Temporal.
    await expect(client.workflow.getHandle('honeybee-rx-7000004').describe()).rejects.toThrow(/not found/i);
  });

  it('parks an authentic event it cannot route (202), in the dead-letter workflow, with the reason', async () => {
    const unknown = await honeybee(JSON.stringify({ event_id: 'u-1', event_type: 'PRICE_CHANGED', patient_id: 1 }));
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toMatchObject({ parked: true, reason: 'no route for event type PRICE_CHANGED' });
    const invalid = await honeybee(JSON.stringify({ event_type: 'RX_RECEIVED' }));
    expect(invalid.status).toBe(202);
    expect(await parkedReasons('honeybee')).toEqual(
      expect.arrayContaining(['no route for event type PRICE_CHANGED', expect.stringMatching(/^invalid event: /)]),
    );
  });

  it('parks an authentic order event whose order number is unfit for a workflow id (202), naming the field only', async () => {
    // Delivered, it made a workflow the partner API cannot address and a webhook-id header no client sends.
    const odd = await honeybee(
      JSON.stringify({
        event_id: 'odd-1',
        event_type: 'ORDER_EXCEPTION',
        order_number: 'Ünï😀\nB',
        exception: { id: 64, name: 'Partner Hold' },
      }),
    );
    expect(odd.status).toBe(202);
    const reason = 'ORDER_EXCEPTION names an order_number unfit for a workflow id (letters, digits, _ and -; 1 to 64)';
    expect(await odd.json()).toMatchObject({ parked: true, reason });
    expect(await parkedReasons('honeybee')).toContain(reason);
    await expect(client.workflow.getHandle('honeybee-order-Ünï😀\nB').describe()).rejects.toThrow(/not found/i);
  });

  it('records an event for a workflow that already ended instead of starting a new run', async () => {
    expect((await honeybee(rxReceived('7000005'))).status).toBe(200);
    const handle = client.workflow.getHandle('honeybee-rx-7000005');
    await handle.query(prescriptionStatusQuery);
    await handle.terminate('test: prescription ended');
    const late = await honeybee(rxReceived('7000005'));
    expect(late.status).toBe(202);
    expect(await late.json()).toEqual({ accepted: [], recorded: ['honeybee-rx-7000005'] });
    expect((await handle.describe()).status.name).toBe('TERMINATED');
    expect(await parkedReasons('honeybee')).toContain('workflow honeybee-rx-7000005 has already ended');
  });

  it('parks an Onegevity event without a topic, and refuses a forged one', async () => {
    const body = JSON.stringify({ id: 1, orderIdentifier: 'lab0123456789abcdef01234567' });
    const signature = signOnegevityWebhook(ONEGEVITY_SECRET, Buffer.from(body));
    const noTopic = await fetch(`${engine.bridgeUrl}/webhooks/onegevity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-onegevity-signature': signature },
      body,
    });
    expect(noTopic.status).toBe(202);
    expect(await parkedReasons('onegevity')).toContain('no topic (X-Onegevity-Topic or /webhooks/onegevity/{topic})');
    const forged = await fetch(`${engine.bridgeUrl}/webhooks/onegevity/kit.activated`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-onegevity-signature': signature.replace(/^./, 'A') },
      body: body.replace('01', '02'),
    });
    expect(forged.status).toBe(401);
  });

  it('parks an Onegevity topic longer than a lab order takes (202), listed with its start, never delivered', async () => {
    const order = 'lab0123456789abcdef0123abcd';
    const post = (payload: unknown, topic: { header: string } | { path: string }) => {
      const body = JSON.stringify(payload);
      return fetch(`${engine.bridgeUrl}/webhooks/onegevity${'path' in topic ? `/${topic.path}` : ''}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...('header' in topic ? { 'x-onegevity-topic': topic.header } : {}),
          'x-onegevity-signature': signOnegevityWebhook(ONEGEVITY_SECRET, Buffer.from(body)),
        },
        body,
      });
    };
    // One its lab order's signal schema would refuse; one with nothing to route on whose whole topic would outgrow
    // the dead letter's reason.
    const forOrder = await post({ id: 1, orderIdentifier: order }, { header: `t.${'x'.repeat(150)}` });
    expect(forOrder.status).toBe(202);
    expect(await forOrder.json()).toMatchObject({ parked: true });
    const bare = await post({ id: 2 }, { header: `t.${'y'.repeat(2_500)}` });
    expect(bare.status).toBe(202);
    expect(await parkedReasons('onegevity')).toEqual(
      expect.arrayContaining([
        `a topic of 152 characters, longer than any a lab order takes (100): "t.${'x'.repeat(38)}…"`,
        `a topic of 2502 characters, longer than any a lab order takes (100): "t.${'y'.repeat(38)}…"`,
      ]),
    );
    await expect(client.workflow.getHandle(`onegevity-order-${order}`).describe()).rejects.toThrow(/not found/i);
    // On the per-topic path the router refuses a segment over 100 characters before anything is read: 4xx, not taken.
    expect((await post({ id: 3, orderIdentifier: order }, { path: `t.${'z'.repeat(150)}` })).status).toBe(414);
  });

  it("answers what the router refuses in the bridge's own error shape, without echoing the path", async () => {
    const long = await fetch(`${engine.bridgeUrl}/api/prescriptions/${'9'.repeat(3_000)}`);
    expect(long.status).toBe(414);
    const longBody = await long.text();
    expect(JSON.parse(longBody)).toEqual({
      error: {
        code: 'uri_too_long',
        message: 'a path segment is longer than any id the bridge takes (100 characters)',
      },
    });
    expect(longBody).not.toContain('999');
    expect(long.headers.get('x-request-id')).toBeTruthy();
    const bad = await fetch(`${engine.bridgeUrl}/api/prescriptions/%E0%A4%A`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_url');
  });
});

describe('bridge with Temporal unreachable', () => {
  it('still starts, and answers a valid webhook 503 with Retry-After so the vendor retries', async () => {
    const { process: bridge, url } = await startBridgeProcess(
      engineEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1', HONEYBEE_CLIENT_SECRET: HONEYBEE_SECRET }),
    );
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', temporal: 'unreachable' });
      const body = rxReceived('7000006');
      const response = await fetch(`${url}/webhooks/honeybee`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-honeybee-signature': signHoneybeeWebhook(HONEYBEE_SECRET, {
            method: 'POST',
            url: PUBLIC_URL,
            body: Buffer.from(body),
          }),
        },
        body,
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      await bridge.stop();
    }
  });
});
