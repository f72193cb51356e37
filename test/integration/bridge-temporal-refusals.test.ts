// What the bridge answers when Temporal itself refuses a webhook, against a real dev server of this file's own,
// started with a small blob size limit (and a short id limit): an authentic webhook Temporal can never store gets a
// 413 or 422 naming the problem (not 503 for ever), is kept in the bridge's spool byte for byte, listed by
// `fulfill spool`, and counted in /metrics, while an ordinary one still goes through; with Temporal down, a webhook
// still gets 503 + Retry-After.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type StartedDevServer } from '../../src/temporal/dev-server.js';
import { signHoneybeeWebhook } from '../../src/vendors/honeybee/webhook-auth.js';
import { startEngine, type EngineProcesses } from '../harness/engine.js';
import { runFulfill } from '../harness/fulfill-cli.js';

const SECRET = 'refusals-test-client-secret';
const PUBLIC_URL = 'http://127.0.0.1:3000/webhooks/honeybee';
/** Temporal refuses any payload over this (its default is 2 MiB; the bridge accepts bodies up to 1 MiB). */
const BLOB_LIMIT = 64 * 1024;
/** Temporal refuses longer ids: `honeybee-rx-` + a 30-character prescription id is over it. */
const ID_LIMIT = 40;

function rxReceived(prescriptionId: string): string {
  return JSON.stringify({
    event_id: `evt-${prescriptionId}`,
    event_type: 'RX_RECEIVED',
    patient_id: 77,
    medication_requests: [{ id: prescriptionId, prescription_id: prescriptionId, refills_left: 1 }],
  });
}

/** An exception whose message is `size` random characters: the message is part of the typed event the bridge signals
 * (fields the engine does not read are dropped), and random text stays large after the codec compresses payloads. */
function orderException(orderNumber: string, size: number): string {
  return JSON.stringify({
    event_id: `evt-exception-${orderNumber}`,
    event_type: 'ORDER_EXCEPTION',
    order_number: orderNumber,
    exception: { id: 66, name: 'Allergy', message: randomBytes(size).toString('base64').slice(0, size) },
    order_actions: [{ action: 'cancel_order' }],
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface ErrorAnswer {
  error: { code: string; message: string };
  spooled?: string;
}

describe('bridge: webhooks Temporal refuses', () => {
  let server: StartedDevServer;
  let serverStopped = false;
  let engine: EngineProcesses;
  let client: Client;
  const spoolDir = join(mkdtempSync(join(tmpdir(), 'fulfill-refusals-')), 'spool');
  const base = randomInt(1_000_000, 9_000_000);

  beforeAll(async () => {
    server = await startDevServer({
      ip: '127.0.0.1',
      dynamicConfig: {
        'limit.blobSize.error': String(BLOB_LIMIT),
        'limit.blobSize.warn': String(BLOB_LIMIT / 2),
        'limit.maxIDLength': String(ID_LIMIT),
      },
    });
    engine = await startEngine({
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      // Under the id limit, like every id the engine makes for ordinary events.
      TEMPORAL_TASK_QUEUE: 'refusals',
      HONEYBEE_CLIENT_SECRET: SECRET,
      BRIDGE_SPOOL_DIR: spoolDir,
      // A schedule's workflow id (`temporal-sys-scheduler:` + its id) is over this server's short id limit.
      HONEYBEE_RX_SWEEP: 'false',
    });
    client = new Client({ connection: await Connection.connect({ address: server.address }) });
  });

  afterAll(async () => {
    await engine?.stop();
    await client?.connection.close();
    if (!serverStopped) await server?.teardown();
  });

  const post = (body: string) =>
    fetch(`${engine.bridgeUrl}/webhooks/honeybee`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-honeybee-signature': signHoneybeeWebhook(SECRET, {
          method: 'POST',
          url: PUBLIC_URL,
          body: Buffer.from(body),
        }),
      },
      body,
    });

  const spoolCli = (...args: string[]) => runFulfill(['spool', '--dir', spoolDir, ...args], {});

  async function spooledCount(code: string): Promise<number> {
    const text = await (await fetch(`${engine.bridgeUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find((candidate) => candidate.startsWith(`fulfill_webhooks_spooled_total{vendor="honeybee",code="${code}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  it('answers 413 with the reason to a webhook over the blob limit, keeps it in the spool, counts it; a normal one goes through', async () => {
    const ordinary = await post(rxReceived(String(base)));
    expect(ordinary.status).toBe(200);
    expect(await ordinary.json()).toEqual({ accepted: [`honeybee-rx-${base}`], recorded: [] });

    // Well under the bridge's own 1 MiB body limit, over Temporal's blob limit.
    const oversized = orderException(`HB${base + 1}`, 2 * BLOB_LIMIT);
    const answers = [await post(oversized), await post(oversized)];
    for (const answer of answers) {
      expect(answer.status).toBe(413);
      expect(answer.headers.get('retry-after')).toBeNull();
      const body = (await answer.json()) as ErrorAnswer;
      expect(body.error.code).toBe('payload_too_large');
      expect(body.error.message).toContain('Blob data size exceeds limit');
      expect(body.spooled).toBe(sha256(oversized));
    }
    await expect(client.workflow.getHandle(`honeybee-order-HB${base + 1}`).describe()).rejects.toThrow(/not found/i);
    expect(await spooledCount('payload_too_large')).toBe(2);

    const listed = await spoolCli('list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const listing = JSON.parse(listed.stdout) as { events: { hash: string; arrivals: number; status: number }[] };
    expect(listing.events).toEqual([
      expect.objectContaining({ hash: sha256(oversized), arrivals: 2, status: 413, topic: 'ORDER_EXCEPTION' }),
    ]);
    const words = await spoolCli('list');
    expect(words.stdout).toContain(
      `${sha256(oversized).slice(0, 16)}  honeybee  ORDER_EXCEPTION  413 payload_too_large`,
    );
    const body = await spoolCli('show', sha256(oversized).slice(0, 12), '--body');
    expect(body.code, body.stderr).toBe(0);
    expect(body.stdout).toBe(oversized);

    // An ordinary webhook after the refusal still goes through.
    expect((await post(rxReceived(String(base + 2)))).status).toBe(200);
    expect((await client.workflow.getHandle(`honeybee-rx-${base + 2}`).describe()).status.name).toBe('RUNNING');
  });

  it('answers 422 with the reason when Temporal calls an argument invalid (an id over its length limit)', async () => {
    const longId = `${base}`.padEnd(30, '7');
    const event = rxReceived(longId);
    const answer = await post(event);
    expect(answer.status).toBe(422);
    const body = (await answer.json()) as ErrorAnswer;
    expect(body.error.code).toBe('invalid_argument');
    expect(body.error.message).toMatch(/INVALID_ARGUMENT/);
    expect(body.spooled).toBe(sha256(event));
    expect(await spooledCount('invalid_argument')).toBe(1);
    const shown = await spoolCli('show', sha256(event));
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('answered 422 invalid_argument');
  });

  it('still answers 503 with Retry-After, spooling nothing, once Temporal is down', async () => {
    const before = (await spoolCli('list', '--json')).stdout;
    await server.teardown();
    serverStopped = true;
    const answer = await post(rxReceived(String(base + 3)));
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(((await answer.json()) as ErrorAnswer).error.code).toBe('temporal_unavailable');
    expect((await spoolCli('list', '--json')).stdout).toBe(before);
  });
});
