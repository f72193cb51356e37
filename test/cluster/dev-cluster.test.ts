// One flag runs the engine on the cluster: `fulfill dev --cluster <dir>` finds the cluster running (`up` is idempotent),
// starts the sandbox, worker and bridge against it over mTLS, and a prescription runs to its end. Ctrl-C stops the
// engine and leaves the cluster running.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { prescriptionWorkflowId } from '../../src/domain/workflow-ids.js';
import { SandboxControlClient } from '../../src/sandbox/control/client.js';
import { connectClient } from '../../src/temporal/client.js';
import { firstPrescriptionId, waitForClose } from '../harness/honeybee.js';
import { ctrlC, outputWith, startDev } from '../harness/dev-command.js';
import { freePort } from '../harness/ports.js';
import { testCluster } from './cluster.js';

describe('fulfill dev --cluster', () => {
  it('runs the engine on the cluster; Ctrl-C stops the engine, not the cluster', async () => {
    const cluster = testCluster();
    const [bridgePort, sandboxPort, codecPort] = [await freePort(), await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), 'fulfill-dev-cluster-'));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      BRIDGE_PORT: String(bridgePort),
      BRIDGE_PUBLIC_URL: `http://127.0.0.1:${bridgePort}`,
      SANDBOX_PORT: String(sandboxPort),
      CODEC_PORT: String(codecPort),
      WORKER_METRICS_PORT: '0',
      SANDBOX_STEP_DELAY: '1s',
      LOG_LEVEL: 'warn',
    };
    const run = await startDev(env, ['--cluster', cluster.root]);
    let exitCode: number | null = null;
    try {
      expect(run.output()).toContain(`Temporal          ${cluster.address} (cluster in ${cluster.root}, mTLS`);

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
      exitCode = await ctrlC(run);
    }
    expect(exitCode).toBe(0);
    // ctrlC resolves at the process's 'exit', when the line it wrote last may still be unread in the pipe.
    expect(await outputWith(run, 'Stopped.')).toContain('Stopped.');
    expect(cluster.isRunning('frontend')).toBe(true);
  });
});
