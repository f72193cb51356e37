// The whole engine as separate real processes against the run's Temporal dev server: the sandbox vendors, the bridge
// and the worker, wired the way `fulfill dev` wires them (same credentials, the sandbox's webhooks to the bridge, the
// engine's vendor calls to the sandbox, one DATA_DIR for the partner directory file). For tests that claim the engine
// works end to end.
import { randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../src/config/env.js';
import type { EngineProcess } from '../../src/runtime/child-process.js';
import { type SandboxControlClient } from '../../src/sandbox/control/client.js';
import { withSandboxCredentials } from '../../src/sandbox/dev-credentials.js';
import { connectClient } from '../../src/temporal/client.js';
import { engineEnv, startBridgeProcess, startCodecProcess, startWorkerProcess } from './engine.js';
import { testPayloadKeyConfig } from './payload-keys.js';
import { freePort } from './ports.js';
import { startSandboxProcess, type SandboxProcess } from './sandbox.js';
import { connectTestClient } from './temporal.js';

export interface EngineStack {
  /** The environment every engine process got (task queue, URLs, credentials). */
  env: Record<string, string>;
  sandbox: SandboxProcess;
  control: SandboxControlClient;
  bridgeUrl: string;
  bridge: EngineProcess;
  worker: EngineProcess;
  /** The codec service, with `codec: true` (restarted with the engine, so it follows a key rotation). */
  codec?: { process: EngineProcess; url: string };
  client: Client;
  /** Kill the worker (SIGKILL by default) and start a new one with the same environment. */
  restartWorker(signal?: NodeJS.Signals): Promise<void>;
  /** Stop the worker and the bridge and start them again with `overrides` (e.g. rotated payload keys). */
  restartEngine(overrides: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Variables for the bridge and worker (e.g. HONEYBEE_WORKFLOW_MODE, short timers). */
  engine?: Record<string, string>;
  /** Variables for the sandbox (e.g. SANDBOX_STEP_DELAY). */
  sandbox?: Record<string, string>;
  /**
   * A Temporal server of the test's own (a database file to inspect, a Web UI, the cluster) instead of the run's
   * shared one; `env`: how to reach it (TEMPORAL_TLS_* variables), for the engine's processes and the test's client.
   */
  temporal?: { address: string; namespace: string; env?: Record<string, string> };
  /** The bridge's port, when something must know its URL before the stack starts. */
  bridgePort?: number;
  /** Start the codec service too, on this port (0: any free one; the Web UI needs it known before it starts). */
  codecPort?: number;
  /** Every output line of the sandbox, bridge and worker processes (restarted ones too), named by process. */
  onLine?: (process: 'sandbox' | 'bridge' | 'worker', line: string) => void;
}

function defined(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])));
}

/** A client the way the engine's processes connect (connection options, payload codec), with the test key. */
async function connectClientTo(temporal: NonNullable<StackOptions['temporal']>): Promise<Client> {
  return connectClient(
    loadConfig({
      ...temporal.env,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      PAYLOAD_KEYS: testPayloadKeyConfig.PAYLOAD_KEYS.join(','),
    }),
  );
}

export async function startStack(options: StackOptions = {}): Promise<EngineStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfill-stack-'));
  const bridgePort = options.bridgePort ?? (await freePort());
  const bridgePublicUrl = `http://127.0.0.1:${bridgePort}`;
  const sandbox = await startSandboxProcess(
    {
      DATA_DIR: dataDir,
      // Stacks share the run's dev server: a seed of their own keeps their prescription ids (and workflow ids) apart.
      SANDBOX_SEED: String(randomInt(1_000, 2 ** 31)),
      BRIDGE_PUBLIC_URL: bridgePublicUrl,
      ...(options.engine?.HONEYBEE_WORKFLOW_MODE
        ? { HONEYBEE_WORKFLOW_MODE: options.engine.HONEYBEE_WORKFLOW_MODE }
        : {}),
      ...options.sandbox,
    },
    options.onLine && ((line) => options.onLine?.('sandbox', line)),
  );
  const workerLines = options.onLine && ((line: string) => options.onLine?.('worker', line));
  const bridgeLines = options.onLine && ((line: string) => options.onLine?.('bridge', line));
  const env = defined(
    withSandboxCredentials({
      ...engineEnv(),
      DATA_DIR: dataDir,
      BRIDGE_PORT: String(bridgePort),
      BRIDGE_PUBLIC_URL: bridgePublicUrl,
      HONEYBEE_API_URL: `${sandbox.url}/honeybee/v1`,
      HONEYBEE_TOKEN_URL: `${sandbox.url}/honeybee/oauth/token`,
      ONEGEVITY_API_URL: `${sandbox.url}/onegevity`,
      PARTNER_WEBHOOK_URL: `${sandbox.url}/partner/notifications`,
      ...(options.temporal
        ? {
            ...options.temporal.env,
            TEMPORAL_ADDRESS: options.temporal.address,
            TEMPORAL_NAMESPACE: options.temporal.namespace,
          }
        : {}),
      ...options.engine,
    }),
  );
  let worker: EngineProcess | undefined;
  let bridge: EngineProcess | undefined;
  let codec: { process: EngineProcess; url: string } | undefined;
  const startCodec = () =>
    options.codecPort === undefined
      ? Promise.resolve(undefined)
      : startCodecProcess({ ...env, CODEC_PORT: String(options.codecPort) });
  try {
    const [startedWorker, startedBridge, startedCodec] = await Promise.all([
      startWorkerProcess(env, workerLines),
      startBridgeProcess(env, bridgeLines),
      startCodec(),
    ]);
    worker = startedWorker;
    bridge = startedBridge.process;
    codec = startedCodec;
    const client = options.temporal ? await connectClientTo(options.temporal) : await connectTestClient();
    const stack: EngineStack = {
      env,
      sandbox,
      control: sandbox.control,
      bridgeUrl: startedBridge.url,
      bridge,
      worker,
      ...(codec ? { codec } : {}),
      client,
      restartWorker: async (signal = 'SIGKILL') => {
        stack.worker.kill(signal);
        await stack.worker.exited;
        stack.worker = await startWorkerProcess(env, workerLines);
      },
      restartEngine: async (overrides) => {
        await Promise.all([stack.worker.stop(), stack.bridge.stop(), stack.codec?.process.stop()]);
        Object.assign(env, overrides);
        const [nextWorker, nextBridge, nextCodec] = await Promise.all([
          startWorkerProcess(env, workerLines),
          startBridgeProcess(env, bridgeLines),
          startCodec(),
        ]);
        stack.worker = nextWorker;
        stack.bridge = nextBridge.process;
        if (nextCodec) stack.codec = nextCodec;
      },
      stop: async () => {
        await Promise.all([stack.worker.stop(), stack.bridge.stop(), stack.codec?.process.stop()]);
        await sandbox.close();
        await client.connection.close();
      },
    };
    return stack;
  } catch (error) {
    await Promise.all([worker?.stop(), bridge?.stop(), codec?.process.stop(), sandbox.close()]);
    throw error;
  }
}
