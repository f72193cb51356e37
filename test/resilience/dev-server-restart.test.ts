// Resilience to Temporal going away: a stack on a dev server of its own, persisted in a SQLite file, stopped mid-run
// and started again on the same file and the same port. While it is down the bridge answers webhooks 503 with
// Retry-After (the sandbox's delivery records show it, and a signed webhook sent by the test sees the header), new
// prescriptions keep arriving, and orders keep moving at the vendor. Afterwards the vendor's redeliveries get
// through and every prescription finishes: nothing lost, none filled twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type StartedDevServer } from '../../src/temporal/dev-server.js';
import { freePort } from '../harness/ports.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import {
  checkRun,
  printSummary,
  resilienceSeed,
  RUN_ENGINE_ENV,
  RUN_SANDBOX_ENV,
  runRows,
  startPrescriptions,
  waitUntilAllClosed,
  waitUntilNoWebhookPending,
} from './prescription-run.js';

const BEFORE = Number(process.env.RESILIENCE_RESTART_PRESCRIPTIONS ?? 100);
const WHILE_DOWN = 20;
/** Real time Temporal stays down: several sandbox order steps and webhook redeliveries fall inside it. */
const DOWN_MS = 15_000;

describe('resilience: Temporal dev server stopped and restarted', () => {
  const seed = resilienceSeed();
  let dir: string;
  let dbFilename: string;
  let port: number;
  let server: StartedDevServer | undefined;
  let stack: EngineStack;

  const startServer = () => startDevServer({ dbFilename, port, ip: '127.0.0.1' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'resilience-temporal-'));
    dbFilename = join(dir, 'temporal.db');
    port = await freePort();
    server = await startServer();
    stack = await startStack({
      temporal: { address: server.address, namespace: 'default' },
      engine: RUN_ENGINE_ENV,
      // The sandbox's default webhook timeout (the harness's 5 s would cut off the bridge's 503, which comes when its
      // own 5 s for Temporal run out). The sandbox delivers one webhook at a time per target, so while Temporal is
      // down each attempt holds the queue for those 5 s.
      sandbox: { ...RUN_SANDBOX_ENV, SANDBOX_SEED: String(seed + 2), SANDBOX_WEBHOOK_TIMEOUT: '10s' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await server?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`prescriptions in flight and arriving while Temporal is down all finish once it is back, with zero duplicate fills`, async () => {
    const before = await startPrescriptions(stack, BEFORE);
    // Stop it mid-run: some prescriptions finished, most in flight.
    await waitUntilAllClosed(stack, before.slice(0, Math.ceil(BEFORE / 5)), {
      timeoutMs: 300_000,
      pollMs: 500,
      orders: false,
    });
    const { deliveries: delivered } = await stack.control.webhooks({ vendor: 'honeybee' });
    const received = delivered.find((d) => d.eventType === 'RX_RECEIVED' && d.state === 'delivered');
    expect(received).toBeDefined();

    await server!.teardown();
    server = undefined;
    const downAt = Date.now();
    const whileDown = await startPrescriptions(stack, WHILE_DOWN);
    // A signed webhook (an authentic delivery, byte for byte) while Temporal is down: 503, come back later.
    const refused = await fetch(`${stack.bridgeUrl}/webhooks/honeybee`, {
      method: 'POST',
      headers: received!.headers,
      body: received!.body,
    });
    const refusedBody = (await refused.json()) as { error?: { code?: string; message?: string } };
    const readyWhileDown = (await fetch(`${stack.bridgeUrl}/readyz`)).status;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, DOWN_MS - (Date.now() - downAt))));
    const { deliveries: duringOutage } = await stack.control.webhooks({ vendor: 'honeybee' });
    const refusedDuringOutage = duringOutage.filter((d) => d.attempts.some((a) => a.status === 503)).length;

    server = await startServer();
    const downMs = Date.now() - downAt;
    const all = [...before, ...whileDown];
    const progress = await waitUntilAllClosed(stack, all, { timeoutMs: 1_200_000 });
    const check = await checkRun(stack, all);
    await waitUntilNoWebhookPending(stack);
    const { deliveries } = await stack.control.webhooks({ vendor: 'honeybee' });
    const answered503 = deliveries.filter((d) => d.attempts.some((a) => a.status === 503));
    const thenDelivered = answered503.filter((d) => d.state === 'delivered');
    const attempts503 = deliveries.reduce((n, d) => n + d.attempts.filter((a) => a.status === 503).length, 0);
    printSummary(
      `dev server stopped ${(downMs / 1000).toFixed(1)} s mid-run, restarted on ${dbFilename} port ${port} (RESILIENCE_SEED=${seed})`,
      [
        ...runRows(check, progress.elapsedMs),
        ['prescriptions started before the stop / while down', `${before.length} / ${whileDown.length}`],
        [
          'test webhook while down: status, Retry-After, code',
          `${refused.status}, ${refused.headers.get('retry-after')}, ${refusedBody.error?.code}`,
        ],
        ['bridge /readyz while down', readyWhileDown],
        ['sandbox webhooks answered 503 (deliveries / attempts)', `${answered503.length} / ${attempts503}`],
        ['… of them delivered after the restart', thenDelivered.length],
        ['sandbox webhooks failed for good', deliveries.filter((d) => d.state === 'failed').length],
      ],
    );

    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refusedBody.error?.code).toBe('temporal_unavailable');
    expect(refusedBody.error?.message).toBeTruthy();
    expect(readyWhileDown).toBe(503);
    expect(refusedDuringOutage).toBeGreaterThanOrEqual(1);
    expect(attempts503).toBeGreaterThanOrEqual(2);
    expect(thenDelivered.length).toBe(answered503.length);
    expect(deliveries.filter((d) => d.state !== 'delivered')).toEqual([]);
    expect(check.problems).toEqual([]);
    expect(check.duplicateFills).toEqual([]);
    expect(check.prescriptionsCompleted).toBe(all.length);
    expect(check.ordersDelivered).toBe(all.length);
    expect(check.sandboxOrdersDelivered).toBe(all.length);
  });
});
