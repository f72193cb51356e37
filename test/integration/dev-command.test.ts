// The README's start command: `fulfill dev` brings up the dev server (SQLite, Web UI), the sandbox vendors (no real
// vendor credentials are set), the worker and the bridge; a signed webhook, from curl or from the sandbox, reaches a
// workflow; Ctrl-C stops everything, as do signals to the command alone; a second start reuses the same data, the
// sandbox's included.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { SandboxControlClient } from '../../src/sandbox/control/client.js';
import { honeybeeRxSweepScheduleId } from '../../src/domain/workflow-ids.js';
import { signHoneybeeWebhook } from '../../src/vendors/honeybee/webhook-auth.js';
import { prescriptionStatusQuery } from '../../workflows/honeybee/messages.js';
import {
  ctrlC,
  devChildPids,
  devCommandEnv,
  isRunning,
  outputWith,
  signalTwiceWhileStopping,
  startDev,
} from '../harness/dev-command.js';
import { pollUntil } from '../harness/honeybee.js';
import { jsonOf, runFulfill } from '../harness/fulfill-cli.js';
import { childPids } from '../../bench/lib/cpu.js';
import { freePort } from '../harness/ports.js';

describe('fulfill dev', () => {
  it('starts the engine, serves a signed webhook, stops on Ctrl-C and keeps its data across restarts', async () => {
    const dev = await devCommandEnv('fulfill-dev-');
    const { bridgeUrl, sandboxUrl } = dev;
    const uiPort = dev.ports.ui;
    const codecPort = dev.ports.codec;
    const metricsPort = dev.ports.metrics;
    const env: NodeJS.ProcessEnv = { ...dev.env, HONEYBEE_CLIENT_SECRET: 'dev-test-secret' };

    const first = await startDev(env);
    expect(first.output()).toContain(`Temporal Web UI   http://127.0.0.1:${uiPort}`);
    expect(first.output()).toContain(`Bridge            ${bridgeUrl}`);
    // The operator console on the bridge; the banner and its sign-in page name the sandbox's dev key.
    expect(first.output()).toContain(
      `Operator console  ${bridgeUrl}/console   (sign in with the sandbox's partner API key sandbox-partner-key)`,
    );
    const signIn = await fetch(`${bridgeUrl}/console`);
    expect(new URL(signIn.url).pathname).toBe('/console/sign-in');
    expect(await signIn.text()).toContain('<code>sandbox-partner-key</code>');
    expect((await fetch(`${bridgeUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);
    // Where the metrics are: the bridge's and the worker's (engine and Temporal SDK metrics on one endpoint).
    const workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
    expect(first.output()).toContain(`Metrics           ${bridgeUrl}/metrics   ${workerMetrics}`);
    // The SDK's pollers appear a moment after the worker's ready line (later still on a loaded machine).
    const metrics = await pollUntil(
      'the worker pollers in its metrics',
      async () => (await fetch(workerMetrics)).text(),
      (text) => /^temporal_num_pollers\{/m.test(text),
      30_000,
    );
    expect(metrics).toMatch(/^temporal_num_pollers\{/m);
    expect(metrics).toContain('fulfill_worker_polling');
    // The codec service has a listener of its own (the bridge serves no codec), open on loopback in development, and
    // the UI on its own port may call it (CORS for that origin).
    const codecUrl = `http://127.0.0.1:${codecPort}`;
    expect(first.output()).toContain(`Codec service     ${codecUrl}   (open on loopback, no token`);
    const bridgeCodec = await fetch(`${bridgeUrl}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bridgeCodec.status).toBe(404);
    const preflight = await fetch(`${codecUrl}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: `http://localhost:${uiPort}`,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(`http://localhost:${uiPort}`);

    // Without real vendor credentials the sandbox is up, and it signs with the secret the bridge verifies with.
    expect(first.output()).toContain(`Sandbox vendors   ${sandboxUrl}`);
    const sandbox = new SandboxControlClient(sandboxUrl);
    expect(await sandbox.health()).toMatchObject({ status: 'ok' });
    const scenario = await sandbox.runScenario('happy-path');
    const prescriptionId = scenario.prescriptionIds![0]!;
    const [delivery] = await sandbox.waitForWebhooks(
      { eventType: 'RX_RECEIVED' },
      (all) => all.some((d) => d.state === 'delivered' || d.state === 'failed'),
      30_000,
    );
    expect(delivery?.target).toBe(`${bridgeUrl}/webhooks/honeybee`);
    expect(delivery?.attempts.at(-1)).toMatchObject({ status: 200 });

    // The notification commands next to it need no PARTNER_WEBHOOK_URL: they find the sandbox partner's target (its
    // port is the sandbox's) where `fulfill dev` left it in DATA_DIR.
    const notificationStatus = await runFulfill(['notifications', 'status', '--json'], env);
    expect(notificationStatus.code, notificationStatus.stderr).toBe(0);
    expect(jsonOf(notificationStatus)).toMatchObject({ parked: 0 });
    const resend = await runFulfill(['notifications', 'resend', '--reason', 'dev check'], env);
    // It reached the target: one that never failed has nothing to resend (exit 1, not the usage error's 2).
    expect(resend.stderr).toContain('The target never failed');
    expect(resend.code).toBe(1);

    const body = JSON.stringify({
      event_id: 'dev-evt-1',
      event_type: 'RX_RECEIVED',
      patient_id: 1,
      medication_requests: [{ id: 555001 }],
    });
    const signature = signHoneybeeWebhook('dev-test-secret', {
      method: 'POST',
      url: `${bridgeUrl}/webhooks/honeybee`,
      body: Buffer.from(body),
    });
    const response = await fetch(`${bridgeUrl}/webhooks/honeybee`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-honeybee-signature': signature },
      body,
    });
    expect(response.status).toBe(200);

    expect(await ctrlC(first)).toBe(0);
    expect(await outputWith(first, 'Stopped.')).toContain('Stopped.');
    await expect(fetch(`${bridgeUrl}/healthz`)).rejects.toThrow();

    const second = await startDev(env);
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
    try {
      // The key file `fulfill dev` generated on its first start, reused by the second.
      const dataConverter = createDataConverter({
        PAYLOAD_KEYS: [],
        PAYLOAD_KEY_FILE: join(env.DATA_DIR!, 'payload-keys.json'),
        PAYLOAD_CURRENT_KEY_ID: undefined,
      });
      const client = new Client({ connection, dataConverter });
      const status = await client.workflow.getHandle('honeybee-rx-555001').query(prescriptionStatusQuery);
      expect(status).toMatchObject({ prescriptionId: '555001', eventsReceived: 1 });
      const fromSandbox = await client.workflow
        .getHandle(`honeybee-rx-${prescriptionId}`)
        .query(prescriptionStatusQuery);
      expect(fromSandbox).toMatchObject({ prescriptionId: String(prescriptionId), lastEventType: 'RX_RECEIVED' });
      // Its worker made the reconciliation sweep's schedule (docs/OPERATIONS.md), on the default task queue.
      const sweep = await client.schedule.getHandle(honeybeeRxSweepScheduleId('fulfillment')).describe();
      expect(sweep.action).toMatchObject({ workflowType: 'honeybeeRxSweepWorkflow', taskQueue: 'fulfillment' });
      // The restarted sandbox remembers the patient it generated.
      const { patients } = await sandbox.patients();
      expect(patients.map((patient) => patient.id)).toEqual([scenario.patient.id]);
    } finally {
      await connection.close();
    }
    // Stopped by a signal to the command alone (an IDE's stop button, a process manager), twice: the second comes while
    // it stops, as a second Ctrl-C or the same signal passed on by npm or tsx would. Every child still ends.
    const children = [
      ...devChildPids(second, 'temporal', 'start-dev'),
      ...['workers/sandbox.ts', 'workers/worker.ts', 'workers/bridge.ts', 'workers/codec.ts'].flatMap((entry) =>
        devChildPids(second, 'node', entry),
      ),
    ];
    expect(children).toHaveLength(5);
    try {
      await signalTwiceWhileStopping(second, 'SIGINT');
      expect(await second.exited).toBe(0);
      expect(await outputWith(second, 'Stopped.')).toContain('Stopped.');
      expect(children.filter(isRunning)).toEqual([]);
    } finally {
      for (const pid of children.filter(isRunning)) process.kill(pid, 'SIGKILL');
    }
  });

  it('stops everything when the command that started it ends alone (npm run dev killed: its shell passes nothing on)', async () => {
    const dev = await devCommandEnv('fulfill-dev-orphan-');
    const run = await startDev(dev.env, [], { underShell: true });
    const [devPid] = childPids(run.child.pid!, 'node');
    expect(devPid).toBeDefined();
    const children = [
      ...childPids(devPid!, 'temporal'),
      ...childPids(devPid!, 'node'), // sandbox, worker, bridge, codec
    ];
    expect(children).toHaveLength(5);
    try {
      process.kill(run.child.pid!, 'SIGTERM'); // the shell alone, as npm's forwarded signal ends it
      expect(await run.exited).toBe(null);
      await pollUntil(
        'fulfill dev stopped',
        async () => run.output(),
        (out) => out.includes('Stopped.'),
        30_000,
      );
      expect(run.output()).toContain('The process that started fulfill dev');
      await pollUntil(
        'every process gone',
        async () => [devPid!, ...children].filter(isRunning),
        (left) => left.length === 0,
        15_000,
      );
    } finally {
      for (const pid of [devPid!, ...children].filter(isRunning)) process.kill(pid, 'SIGKILL');
    }
  });

  it('refuses to start, naming the variable, when a port it needs is taken', async () => {
    const blocker = createServer();
    const bridgePort = await freePort();
    await new Promise<void>((resolve) => blocker.listen(bridgePort, '127.0.0.1', resolve));
    try {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'fulfill-dev-busy-')),
        TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
        TEMPORAL_UI_PORT: String(await freePort()),
        BRIDGE_PORT: String(bridgePort),
      };
      await expect(startDev(env)).rejects.toThrow(
        new RegExp(`Ports already in use: BRIDGE_PORT \\(127.0.0.1:${bridgePort}\\)`),
      );
    } finally {
      blocker.close();
    }
  });
});
