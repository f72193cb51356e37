// What the benchmarks start: a Temporal dev server in this process and the engine's own processes (bridge, worker,
// sandbox) as children, exactly as `fulfill dev` and the tests do.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { startEngineProcess, type EngineProcess } from '../../src/runtime/child-process.js';
import { withSandboxCredentials } from '../../src/sandbox/dev-credentials.js';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { startDevServer, type StartedDevServer } from '../../src/temporal/dev-server.js';
import { generatePayloadKey } from '../../src/crypto/payload-keys.js';

export interface BenchEnvironment {
  server: StartedDevServer;
  client: Client;
  /** The environment every engine process of this run gets. */
  env: Record<string, string>;
  start(name: 'bridge' | 'worker' | 'sandbox', overrides?: Record<string, string>): Promise<EngineProcess>;
  stop(): Promise<void>;
}

export async function startBenchEnvironment(overrides: Record<string, string> = {}): Promise<BenchEnvironment> {
  const server = await startDevServer({ ip: '127.0.0.1' });
  const payloadKeys = generatePayloadKey('bench');
  const env = Object.fromEntries(
    Object.entries(
      withSandboxCredentials({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
        PAYLOAD_KEYS: payloadKeys,
        BRIDGE_PORT: '0',
        SANDBOX_PORT: '0',
        // Production-like: request logs at info are part of the cost being measured.
        LOG_LEVEL: 'info',
        ...overrides,
      }),
    ).flatMap(([key, value]) => (value === undefined ? [] : [[key, value]])),
  );
  const client = new Client({
    connection: server.env.connection,
    dataConverter: createDataConverter({
      PAYLOAD_KEYS: [payloadKeys],
      PAYLOAD_KEY_FILE: undefined,
      PAYLOAD_CURRENT_KEY_ID: undefined,
    }),
  });
  const children: EngineProcess[] = [];
  return {
    server,
    client,
    env,
    async start(name, extra = {}) {
      const child = await startEngineProcess({ name, entry: `workers/${name}.ts`, env: { ...env, ...extra } });
      children.push(child);
      return child;
    },
    async stop() {
      await Promise.all(children.map((child) => child.stop()));
      await server.teardown();
    },
  };
}
