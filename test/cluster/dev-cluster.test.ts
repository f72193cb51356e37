// One flag runs the engine on the cluster: `fulfill dev --cluster <dir>` finds the cluster running (`up` is idempotent),
// starts the sandbox, worker and bridge against it over mTLS, and a prescription runs to its end. Ctrl-C stops the
// engine and leaves the cluster running.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { prescriptionWorkflowId } from '../../src/domain/workflow-ids.js';
import { SandboxControlClient } from '../../src/sandbox/control/client.js';
import { connectClient } from '../../src/temporal/client.js';
import { firstPrescriptionId, waitForClose } from '../harness/honeybee.js';
import { freePort } from '../harness/ports.js';
import { testCluster } from './cluster.js';

describe('fulfill dev --cluster', () => {
  it('runs the engine on the cluster; Ctrl-C stops the engine, not the cluster', async () => {
    const cluster = testCluster();
    const [bridgePort, sandboxPort] = [await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), 'fulfill-dev-cluster-'));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      BRIDGE_PORT: String(bridgePort),
      BRIDGE_PUBLIC_URL: `http://127.0.0.1:${bridgePort}`,
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_STEP_DELAY: '1s',
      LOG_LEVEL: 'warn',
    };
    // Its own process group, for a Ctrl-C to the group as a terminal sends it.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'dev', '--cluster', cluster.root], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (output.includes('Press Ctrl-C to stop.')) {
            clearInterval(timer);
            resolve();
          }
        }, 200);
        void exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`fulfill dev --cluster exited (${String(code)}) before it was ready:\n${output}`));
        });
      });
      expect(output).toContain(`Temporal          ${cluster.address} (cluster in ${cluster.root}, mTLS`);

      const sandbox = new SandboxControlClient(`http://127.0.0.1:${sandboxPort}`);
      const rx = firstPrescriptionId(await sandbox.runScenario('happy-path', { refills: 0 }));
      // The engine's own key, written by `fulfill dev` into DATA_DIR, and the cluster's client settings.
      const client = await connectClient(
        loadConfig({ ...cluster.clientEnv(), PAYLOAD_KEY_FILE: join(dataDir, 'payload-keys.json') }),
      );
      try {
        expect(await waitForClose(client, prescriptionWorkflowId(rx), 120_000)).toBe('COMPLETED');
      } finally {
        await client.connection.close();
      }
    } finally {
      process.kill(-child.pid!, 'SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
    expect(cluster.isRunning('frontend')).toBe(true);
  });
});
