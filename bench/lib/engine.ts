// What the benchmarks start: a Temporal dev server in this process (or, given its connection variables, an existing
// Temporal: the cluster benchmark's cluster) and the engine's own processes (bridge, worker, sandbox) as children,
// exactly as `fulfill dev` and the tests do. The sandbox vendors can also run inside the
// benchmark process (`startBenchStack`): they are the vendors' side, not the engine, and without a state file they
// do not spend the shared cores rewriting their state.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../src/config/env.js';
import { SandboxControlClient } from '../../src/sandbox/control/client.js';
import { startSandbox, type StartedSandbox } from '../../src/sandbox/server.js';
import { startEngineProcess, type EngineProcess } from '../../src/runtime/child-process.js';
import { freePort } from '../../src/runtime/free-port.js';
import { withSandboxCredentials } from '../../src/sandbox/dev-credentials.js';
import { connectClient } from '../../src/temporal/client.js';
import { startDevServer, type StartedDevServer } from '../../src/temporal/dev-server.js';
import { generatePayloadKey } from '../../src/crypto/payload-keys.js';

export interface BenchEnvironment {
  /** The dev server this run started; none when the benchmark runs on a Temporal of its own. */
  server?: StartedDevServer;
  client: Client;
  /** The environment every engine process of this run gets. */
  env: Record<string, string>;
  /** Starts `workers/{name}.ts`, or `entry` (relative to the project root) when given. */
  start(name: string, overrides?: Record<string, string>, entry?: string): Promise<EngineProcess>;
  stop(): Promise<void>;
}

/**
 * Engine settings a run may compare from the shell (`PAYLOAD_COMPRESSION=false npm run bench:end-to-end`): taken from
 * the benchmark's own environment into every engine process's and the benchmark's client. NODE_OPTIONS (a heap limit:
 * `--max-old-space-size=768`) reaches every process the benchmark starts, the baseline worker's too.
 */
const COMPARABLE_SETTINGS =
  /^(NODE_OPTIONS|PAYLOAD_COMPRESSION|WORKER_MAX_CACHED_WORKFLOWS|WORKER_MAX_CONCURRENT_\w+|WORKER_STICKY_QUEUE_TIMEOUT)$/;

/**
 * `--cpu-profile=DIR` on a benchmark's command line: the engine's processes write V8 CPU profiles (one per thread,
 * the workflow thread included) into DIR when they stop; open them in Chrome DevTools or VS Code. How the worker's
 * schema cache was found (docs/PERFORMANCE.md).
 */
function profilingArgs(): string[] {
  const dir = process.argv.find((arg) => arg.startsWith('--cpu-profile='))?.slice('--cpu-profile='.length);
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

function comparableSettings(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).flatMap(([key, value]) =>
      COMPARABLE_SETTINGS.test(key) && value !== undefined ? [[key, value]] : [],
    ),
  );
}

export async function startBenchEnvironment(
  overrides: Record<string, string> = {},
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_* of a running Temporal; omitted: a dev server. */
  temporal?: Record<string, string>,
): Promise<BenchEnvironment> {
  const server = temporal ? undefined : await startDevServer({ ip: '127.0.0.1' });
  const connection = temporal ?? { TEMPORAL_ADDRESS: server!.address };
  const payloadKeys = generatePayloadKey('bench');
  const env = Object.fromEntries(
    Object.entries(
      withSandboxCredentials({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...connection,
        TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
        PAYLOAD_KEYS: payloadKeys,
        BRIDGE_PORT: '0',
        SANDBOX_PORT: '0',
        WORKER_METRICS_PORT: '127.0.0.1:0',
        // Production-like: request logs at info are part of the cost being measured.
        LOG_LEVEL: 'info',
        ...comparableSettings(),
        ...overrides,
      }),
    ).flatMap(([key, value]) => (value === undefined ? [] : [[key, value]])),
  );
  const client = await connectClient(loadConfig({ ...connection, PAYLOAD_KEYS: payloadKeys, ...comparableSettings() }));
  const children: EngineProcess[] = [];
  return {
    server,
    client,
    env,
    async start(name, extra = {}, entry = `workers/${name}.ts`) {
      const child = await startEngineProcess({ name, entry, env: { ...env, ...extra }, nodeArgs: profilingArgs() });
      children.push(child);
      return child;
    },
    async stop() {
      await Promise.all(children.map((child) => child.stop()));
      await client.connection.close();
      await server?.teardown();
    },
  };
}

export interface BenchStack {
  bench: BenchEnvironment;
  sandbox: StartedSandbox;
  control: SandboxControlClient;
  bridge: EngineProcess;
  bridgeUrl: string;
  worker: EngineProcess;
  /** Stops the bridge and the worker and starts them again (same ports, same wiring) with `extra` in their env. */
  restartEngine(extra: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole engine for end-to-end figures: a dev server, the sandbox vendors (in this process, no state file), and
 * the bridge and worker processes wired to them the way `fulfill dev` wires them.
 */
export async function startBenchStack(
  engine: Record<string, string> = {},
  sandboxSettings: Record<string, string> = {},
  /** Another entry for the worker (bench/lib/memory-report-entry.ts wraps workers/worker.ts) and its extra env. */
  worker: { entry?: string; env?: Record<string, string> } = {},
  /** A running Temporal's connection variables instead of a dev server (see startBenchEnvironment). */
  temporal?: Record<string, string>,
): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfill-bench-'));
  const bridgePort = await freePort();
  const bridgePublicUrl = `http://127.0.0.1:${bridgePort}`;
  const bench = await startBenchEnvironment(
    { DATA_DIR: dataDir, BRIDGE_PUBLIC_URL: bridgePublicUrl, ...engine },
    temporal,
  );
  const sandbox = await startSandbox({
    config: loadConfig({
      ...bench.env,
      SANDBOX_PORT: '0',
      SANDBOX_SEED: String(Date.now() % 1_000_000_000),
      ...sandboxSettings,
    }),
    stateFile: null,
  });
  try {
    const wired = {
      HONEYBEE_API_URL: `${sandbox.url}/honeybee/v1`,
      HONEYBEE_TOKEN_URL: `${sandbox.url}/honeybee/oauth/token`,
      ONEGEVITY_API_URL: `${sandbox.url}/onegevity`,
      PARTNER_WEBHOOK_URL: `${sandbox.url}/partner/notifications`,
    };
    const startEngine = (extra: Record<string, string>) =>
      Promise.all([
        bench.start('bridge', { ...wired, BRIDGE_PORT: String(bridgePort), ...extra }),
        bench.start('worker', { ...wired, ...worker.env, ...extra }, worker.entry),
      ]);
    const [bridge, workerProcess] = await startEngine({});
    const stack: BenchStack = {
      bench,
      sandbox,
      control: new SandboxControlClient(sandbox.url),
      bridge,
      bridgeUrl: String(bridge.ready.url),
      worker: workerProcess,
      restartEngine: async (extra) => {
        await Promise.all([stack.bridge.stop(), stack.worker.stop()]);
        [stack.bridge, stack.worker] = await startEngine(extra);
      },
      stop: async () => {
        await bench.stop();
        await sandbox.close();
      },
    };
    return stack;
  } catch (error) {
    await bench.stop();
    await sandbox.close();
    throw error;
  }
}
