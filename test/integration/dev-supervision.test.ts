// `fulfill dev` supervises its children (src/runtime/supervisor.ts): a worker killed with SIGKILL while prescriptions
// are in flight is named with its signal and started again, every prescription finishes with exactly one order per
// fill (the sandbox's own counters), and dev is still up afterwards; a bridge that cannot start again (its port taken)
// makes dev stop everything and exit non-zero, naming it; so does the Temporal dev server dying.
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { prescriptionWorkflowId } from '../../src/domain/workflow-ids.js';
import { SandboxControlClient } from '../../src/sandbox/control/client.js';
import { ctrlC, devChildPids, devCommandEnv, outputWith, startDev, type DevRun } from '../harness/dev-command.js';
import { firstPrescriptionId, pollUntil } from '../harness/honeybee.js';

const PRESCRIPTIONS = 8;

/** A `fulfill dev` where the engine creates every order (the fill a duplicate would double), orders step each second. */
async function devEnv() {
  const dev = await devCommandEnv('fulfill-dev-supervision-');
  dev.env = {
    ...dev.env,
    HONEYBEE_WORKFLOW_MODE: 'partner_requested',
    HONEYBEE_FILL_APPROVAL: 'automatic',
    ORDER_RECONCILE_INTERVAL: '1m',
    SANDBOX_STEP_DELAY: '1s',
    LOG_LEVEL: 'warn',
  };
  return dev;
}

/** The pids `[dev] <name> running (pid N)` lines have announced, in order. */
function announcedPids(run: DevRun, name: string): number[] {
  return [...run.output().matchAll(new RegExp(`\\[dev\\] ${name} running \\(pid (\\d+)\\)`, 'g'))].map((m) =>
    Number(m[1]),
  );
}

/** The one child of dev's running `entry` (a workers/*.ts file), or the Temporal dev server (`start-dev`). */
function onlyChild(run: DevRun, entry: string): number {
  const pids = devChildPids(run, entry === 'start-dev' ? 'temporal' : 'node', entry);
  expect(pids, `processes running ${entry} under fulfill dev`).toHaveLength(1);
  return pids[0]!;
}

async function waitForOutput(run: DevRun, pattern: RegExp, timeoutMs: number): Promise<void> {
  await pollUntil(
    `fulfill dev output ${String(pattern)}`,
    async () => run.output(),
    (output) => pattern.test(output),
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n--- fulfill dev output ---\n${run.output()}`);
  });
}

describe('fulfill dev supervises its children', () => {
  it('restarts a worker killed with SIGKILL mid-run: every prescription finishes once, and dev stays up', async () => {
    const { env, bridgeUrl, sandboxUrl } = await devEnv();
    const run = await startDev(env);
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
    try {
      // A client without payload keys: it reads executions and visibility only.
      const client = new Client({ connection });
      const sandbox = new SandboxControlClient(sandboxUrl);
      const firstWorker = onlyChild(run, 'workers/worker.ts');
      const [bridge, sandboxProcess] = [onlyChild(run, 'workers/bridge.ts'), onlyChild(run, 'workers/sandbox.ts')];

      const ids: string[] = [];
      for (let i = 0; i < PRESCRIPTIONS; i += 1) {
        ids.push(firstPrescriptionId(await sandbox.runScenario('happy-path', { refills: 0 })));
      }
      // In flight: some orders exist at the vendor, and not every prescription has finished.
      await pollUntil(
        'a first order at the sandbox',
        () => sandbox.counters(),
        (counters) => Object.keys(counters.honeybee.ordersPerFill).length > 0,
        60_000,
      );
      process.kill(firstWorker, 'SIGKILL');

      await waitForOutput(run, /\[dev\] worker exited unexpectedly \(signal SIGKILL\); restarting it in 1 s/, 30_000);
      await waitForOutput(run, /\[dev\] worker running \(pid \d+\)[\s\S]*\[dev\] worker running \(pid \d+\)/, 60_000);
      const secondWorker = onlyChild(run, 'workers/worker.ts');
      expect(secondWorker).not.toBe(firstWorker);
      expect(announcedPids(run, 'worker')).toEqual([firstWorker, secondWorker]);

      const closed = await pollUntil(
        `all ${PRESCRIPTIONS} prescriptions closed`,
        () =>
          Promise.all(
            ids.map(async (id) => (await client.workflow.getHandle(prescriptionWorkflowId(id)).describe()).status.name),
          ),
        (statuses) => statuses.every((status) => status !== 'RUNNING'),
        240_000,
      );
      expect(closed).toEqual(ids.map(() => 'COMPLETED'));
      const counters = await sandbox.counters();
      expect(Object.fromEntries(ids.map((id) => [id, counters.honeybee.ordersPerFill[id]]))).toEqual(
        Object.fromEntries(ids.map((id) => [id, { '1': 1 }])),
      );

      // Still up: nothing else stopped, the bridge answers, the worker was the only restart.
      expect(run.child.exitCode).toBeNull();
      expect((await fetch(`${bridgeUrl}/healthz`)).status).toBe(200);
      expect([onlyChild(run, 'workers/bridge.ts'), onlyChild(run, 'workers/sandbox.ts')]).toEqual([
        bridge,
        sandboxProcess,
      ]);
      expect(run.output()).not.toContain('Stopping');
    } finally {
      await connection.close();
      if (run.child.exitCode === null) expect(await ctrlC(run)).toBe(0);
    }
    expect(await outputWith(run, 'Stopped.')).toContain('Stopped.');
  }, 420_000);

  it('stops everything and exits non-zero, naming the child, when the bridge keeps failing to start', async () => {
    const { env, ports, bridgeUrl } = await devEnv();
    const run = await startDev(env);
    let squatter: Server | undefined;
    try {
      const others = [onlyChild(run, 'workers/worker.ts'), onlyChild(run, 'workers/sandbox.ts')];
      process.kill(onlyChild(run, 'workers/bridge.ts'), 'SIGKILL');
      // Take its port the moment it is free: every restart now fails (EADDRINUSE) until dev gives up.
      squatter = await pollUntil(
        'the bridge port to be free',
        () =>
          new Promise<Server | undefined>((resolve) => {
            const server = createServer();
            server.once('error', () => resolve(undefined));
            server.listen(ports.bridge, '127.0.0.1', () => resolve(server));
          }),
        (server) => server !== undefined,
        10_000,
      );
      const code = await run.exited;
      expect(code).toBe(1);
      const output = await outputWith(run, 'fulfill dev stopped:');
      expect(output).toContain('[dev] bridge exited unexpectedly (signal SIGKILL); restarting it in 1 s');
      expect(output).toMatch(/\[dev\] bridge failed to restart \(bridge exited with code 1 before it was ready\)/);
      expect(output).toMatch(
        /fulfill dev stopped: bridge failed to restart \(.*\); it failed 5 times in a row, so the engine is stopping\./,
      );
      // Everything else was stopped with it.
      for (const pid of others) {
        expect(() => process.kill(pid, 0)).toThrow();
      }
    } finally {
      squatter?.close();
      if (run.child.exitCode === null) await ctrlC(run);
    }
    await expect(fetch(`${bridgeUrl}/healthz`)).rejects.toThrow();
  }, 300_000);

  it('stops everything and exits non-zero, saying so, when the Temporal dev server dies', async () => {
    const { env } = await devEnv();
    const run = await startDev(env);
    try {
      const engine = ['workers/worker.ts', 'workers/bridge.ts', 'workers/sandbox.ts'].map((entry) =>
        onlyChild(run, entry),
      );
      process.kill(onlyChild(run, 'start-dev'), 'SIGKILL');
      expect(await run.exited).toBe(1);
      expect(await outputWith(run, 'fulfill dev stopped:')).toContain(
        `fulfill dev stopped: the Temporal dev server at ${env.TEMPORAL_ADDRESS} stopped answering`,
      );
      for (const pid of engine) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      if (run.child.exitCode === null) await ctrlC(run);
    }
  }, 180_000);
});
