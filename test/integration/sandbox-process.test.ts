// The sandbox as its own process (workers/sandbox.ts, port 0, ready line), driven by the `fulfill sandbox` CLI with its
// exit codes; its state surviving a restart; and the seed making a run repeatable.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/temporal/binaries.js';
import { startSandboxProcess, startTestSandbox, STEP_MS, type SandboxProcess } from '../harness/sandbox.js';
import { HoneybeeHttp, minimalOrderBody } from '../harness/vendor-http.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function fulfill(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sandbox process and CLI', () => {
  let sandbox: SandboxProcess;

  beforeAll(async () => {
    sandbox = await startSandboxProcess();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('announces its URL in the ready line and answers the control API', async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.process.ready).toMatchObject({ msg: 'ready', control: `${sandbox.url}/__sandbox`, seed: 1 });
    const health = await sandbox.control.health();
    expect(health).toMatchObject({ status: 'ok', seed: 1, stepDelayMs: STEP_MS, workflowMode: 'partner_requested' });
  });

  it('fulfill sandbox: scenario, faults, advance, counters, webhooks and patients, in words or JSON', async () => {
    const url = ['sandbox', '--url', sandbox.url];
    const scenario = await fulfill([...url, '--json', 'scenario', 'exception-74', '--mode', 'automatic']);
    expect(scenario.code, scenario.stderr).toBe(0);
    const result = JSON.parse(scenario.stdout) as { orderNumber: string; prescriptionIds: number[] };
    expect(result.orderNumber).toMatch(/^HB/);

    const faults = await fulfill([...url, 'faults', 'set', '--endpoint', 'honeybee.getOrder', '--rate-503', '1']);
    expect(faults.code, faults.stderr).toBe(0);
    expect(faults.stdout).toContain('honeybee.getOrder');
    expect((await sandbox.control.faults()).faults).toHaveLength(1);
    expect((await fulfill([...url, 'faults', 'clear'])).stdout).toContain('No faults');
    expect((await sandbox.control.faults()).faults).toEqual([]);

    const advance = await fulfill([...url, 'advance', '1h']);
    expect(advance.code, advance.stderr).toBe(0);
    expect(advance.stdout).toMatch(/Sandbox time is now/);
    const { orders } = await sandbox.control.honeybeeOrders();
    expect(orders.find((record) => record.order.order_number === result.orderNumber)?.order.status).toBe('On Hold');

    const counters = await fulfill([...url, '--json', 'counters']);
    expect(counters.code).toBe(0);
    const parsed = JSON.parse(counters.stdout) as { honeybee: { ordersPerFill: Record<string, unknown> } };
    expect(parsed.honeybee.ordersPerFill[result.prescriptionIds[0]!]).toEqual({ 1: 1 });
    expect((await fulfill([...url, 'counters'])).stdout).toContain(
      `prescription ${result.prescriptionIds[0]}: fill 1: 1`,
    );

    const webhooks = await fulfill([...url, 'webhooks', '--type', 'ORDER_EXCEPTION']);
    expect(webhooks.code).toBe(0);
    expect(webhooks.stdout).toContain(result.orderNumber);
    const sending = await fulfill([...url, 'webhooks', 'set', '--concurrency', '4']);
    expect(sending.code, sending.stderr).toBe(0);
    expect(sending.stdout).toContain('4 in flight');
    expect((await sandbox.control.configureWebhooks({})).settings.policy.concurrency).toBe(4);
    expect((await fulfill([...url, 'webhooks', 'set', '--concurrency', '0'])).code).toBe(2);
    const patients = await fulfill([...url, 'patients']);
    expect(patients.stdout).toContain('exception-74');
    const orderList = await fulfill([...url, 'orders']);
    expect(orderList.stdout).toContain('74 Allergy Detected');
  });

  it('settings: a step delay of 0 runs an order through at once; the mode switches to Automatic Processing', async () => {
    const set = await fulfill([
      'sandbox',
      '--url',
      sandbox.url,
      'settings',
      '--step-delay',
      '0',
      '--mode',
      'automatic',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('Step delay 0 ms, Honeybee workflow automatic');
    try {
      const result = await sandbox.control.runScenario('happy-path');
      expect(result.orderNumber).toMatch(/^HB/);
      const deadline = Date.now() + 10_000;
      let status: string | undefined;
      while (status !== 'Delivered' && Date.now() < deadline) {
        const { orders } = await sandbox.control.honeybeeOrders();
        status = orders.find((record) => record.order.order_number === result.orderNumber)?.order.status;
        if (status !== 'Delivered') await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(status).toBe('Delivered');
    } finally {
      await sandbox.control.updateSettings({ stepDelay: '1h', workflowMode: 'partner_requested' });
    }
    expect((await sandbox.control.settings()).settings).toEqual({
      stepDelayMs: STEP_MS,
      workflowMode: 'partner_requested',
      rxResponseShape: 'medication_requests-list',
      exceptionEventType: 'ORDER_EXCEPTION',
      exceptionActions: 'listed',
      onegevityOrderUpdates: 'every-change',
    });
  });

  it('exits 2 on bad usage and 1 when the sandbox cannot be reached', async () => {
    const url = ['sandbox', '--url', sandbox.url];
    const unknown = await fulfill([...url, 'scenario', 'no-such-scenario']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown scenario "no-such-scenario"');
    const missingReason = await fulfill([...url, 'scenario', 'exception']);
    expect(missingReason.code).toBe(2);
    expect(missingReason.stderr).toContain('needs a reason');
    const badRate = await fulfill([...url, 'faults', 'set', '--endpoint', 'honeybee.*', '--rate-503', '2']);
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toContain('expected a rate from 0 to 1');
    const noTarget = await fulfill([...url, 'faults', 'set', '--rate-503', '1']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('needs --endpoint, --path or --webhook');
    const badDuration = await fulfill([...url, 'advance', 'soon']);
    expect(badDuration.code).toBe(2);
    const unreachable = await fulfill(['sandbox', '--url', 'http://127.0.0.1:9', 'status']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach the sandbox at http://127.0.0.1:9');
  });

  it('keeps its state across a restart in DATA_DIR, resumes order steps, and never reissues an id', async () => {
    const first = await startSandboxProcess();
    let second: SandboxProcess | undefined;
    try {
      const scenario = await first.control.runScenario('happy-path');
      const hb = new HoneybeeHttp(first.url);
      const created = await hb.request('POST', '/orders', {
        body: minimalOrderBody(scenario.patient.honeybeePatientId!, scenario.prescriptionIds!),
      });
      expect(created.status).toBe(201);
      const orderNumber = (created.body as { order: { order_number: string } }).order.order_number;
      const oldToken = await hb.authorize();
      await first.close();
      expect(existsSync(join(first.dataDir, 'sandbox-state.json'))).toBe(true);

      second = await startSandboxProcess({ DATA_DIR: first.dataDir });
      const restarted = new HoneybeeHttp(second.url);
      expect((await restarted.request('GET', `/orders/${orderNumber}`, { token: oldToken })).status).toBe(401);
      const order = await restarted.request('GET', `/orders/${orderNumber}`);
      expect(order.status).toBe(200);
      expect((await second.control.patients()).patients.map((patient) => patient.id)).toEqual([scenario.patient.id]);
      await second.control.advance(STEP_MS);
      const moved = await restarted.request('GET', `/orders/${orderNumber}`);
      expect((moved.body as { order: { status: string } }).order.status).toBe('Filling');
      const next = await second.control.runScenario('happy-path');
      expect(next.patient.honeybeePatientId).not.toBe(scenario.patient.honeybeePatientId);
      expect(next.prescriptionIds).not.toEqual(scenario.prescriptionIds);
      const { deliveries } = await second.control.webhooks({ vendor: 'honeybee' });
      expect(deliveries.filter((delivery) => delivery.eventType === 'RX_RECEIVED')).toHaveLength(2);
    } finally {
      await first.close();
      await second?.close();
    }
  });

  it('repeats a run exactly from the same seed, and differs with another seed', async () => {
    async function run(seed: string) {
      const own = await startTestSandbox({ SANDBOX_SEED: seed });
      try {
        const first = await own.control.runScenario('happy-path', { mode: 'automatic' });
        const kit = await own.control.runScenario('kit-happy-path', { createOrder: true });
        return {
          patientId: first.patient.honeybeePatientId,
          person: first.patient.person,
          prescriptionIds: first.prescriptionIds,
          orderNumber: first.orderNumber,
          kitOrder: kit.kitOrder,
          partnerIds: [...first.patient.directoryEntries, ...kit.patient.directoryEntries].map(
            (entry) => entry.partnerPatientId,
          ),
        };
      } finally {
        await own.close();
      }
    }
    const a = await run('42');
    expect(await run('42')).toEqual(a);
    const b = await run('43');
    expect(b.patientId).not.toBe(a.patientId);
    expect(b.orderNumber).not.toBe(a.orderNumber);
  });
});
