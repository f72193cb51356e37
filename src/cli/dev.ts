// `fulfill dev`: the whole engine on one machine with embedded defaults. Starts the Temporal dev server (SQLite under
// DATA_DIR, Web UI), then (without real vendor credentials, or with SANDBOX_FORCE) the sandbox vendors, then the
// worker and the bridge as child processes, prints the URLs, and on Ctrl-C stops everything in reverse order. A second
// start reuses the same database, payload key and sandbox state.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { hasRealVendorCredentials, type EngineConfig } from '../config/env.js';
import { generatePayloadKeyFile } from '../crypto/payload-keys.js';
import { devPayloadKeyFile } from './operator-config.js';
import { startEngineProcess, type EngineProcess } from '../runtime/child-process.js';
import { withSandboxCredentials } from '../sandbox/dev-credentials.js';
import { startDevServer, type StartedDevServer } from '../temporal/dev-server.js';

function hostAndPort(address: string): { host: string; port: number } {
  const [host = '127.0.0.1', port = '7233'] = address.split(':');
  return { host, port: Number(port) };
}

/**
 * Dev without configured keys still encrypts: the first start writes a key file into DATA_DIR, later starts reuse it
 * (histories in the dev database cannot be decoded without it).
 */
export function ensureDevPayloadKeys(config: EngineConfig, dataDir: string): NodeJS.ProcessEnv {
  if (config.PAYLOAD_KEYS.length > 0 || config.PAYLOAD_KEY_FILE) return {};
  const keyFile = devPayloadKeyFile(dataDir);
  if (!existsSync(keyFile)) {
    writeFileSync(keyFile, generatePayloadKeyFile('dev-1'), { mode: 0o600 });
    process.stdout.write(`Generated a payload encryption key for dev: ${keyFile}\n`);
  }
  return { PAYLOAD_KEY_FILE: keyFile };
}

/**
 * The Web UI calls the bridge's codec endpoint from its own origin: unless CODEC_CORS_ORIGINS is set, allow the UI
 * this dev server serves, on whatever port it was given.
 */
export function uiCodecOrigins(env: NodeJS.ProcessEnv, uiPort: number): NodeJS.ProcessEnv {
  if (env.CODEC_CORS_ORIGINS?.trim()) return {};
  return { CODEC_CORS_ORIGINS: `http://localhost:${uiPort},http://127.0.0.1:${uiPort}` };
}

async function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const probe = createServer();
    probe.once('error', () => resolveFree(false));
    probe.listen(port, host, () => probe.close(() => resolveFree(true)));
  });
}

function prefixed(name: string) {
  return (line: string) => process.stdout.write(`[${name}] ${line}\n`);
}

export async function runDev(config: EngineConfig, baseEnv: NodeJS.ProcessEnv = process.env): Promise<void> {
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const { host, port } = hostAndPort(config.TEMPORAL_ADDRESS);
  const bridgeUrl = config.BRIDGE_PUBLIC_URL.replace(/\/$/, '');

  // The SDK would happily connect to whatever already listens on the port (someone else's Temporal), so check first.
  const busy: string[] = [];
  for (const [what, portHost, portNumber] of [
    ['TEMPORAL_ADDRESS', host, port],
    ['TEMPORAL_UI_PORT', host, config.TEMPORAL_UI_PORT],
    ['BRIDGE_PORT', config.BRIDGE_HOST, config.BRIDGE_PORT],
  ] as const) {
    if (!(await isPortFree(portHost, portNumber))) busy.push(`${what} (${portHost}:${portNumber})`);
  }
  if (busy.length > 0) {
    throw new Error(
      `Ports already in use: ${busy.join(', ')}. Stop what uses them (another \`fulfill dev\`? a Temporal server?) ` +
        'or set those variables to free ports.',
    );
  }

  process.stdout.write('Starting the Temporal dev server…\n');
  let server: StartedDevServer;
  try {
    server = await startDevServer({
      dbFilename: resolve(dataDir, 'temporal.db'),
      ip: host,
      port,
      uiPort: config.TEMPORAL_UI_PORT,
      uiCodecEndpoint: `${bridgeUrl}/codec`,
      namespace: config.TEMPORAL_NAMESPACE,
    });
  } catch (error) {
    throw new Error(
      `Could not start the Temporal dev server on ${config.TEMPORAL_ADDRESS} (UI ${config.TEMPORAL_UI_PORT}). ` +
        `Is another Temporal server using the port? Set TEMPORAL_ADDRESS / TEMPORAL_UI_PORT to free ports.\n${String(error)}`,
    );
  }

  const useSandbox = config.SANDBOX_FORCE || !hasRealVendorCredentials(config);
  // With the sandbox, every process gets the dev credentials wherever the environment has none, so what the sandbox
  // accepts and signs with is what the worker and the bridge use.
  let childEnv: NodeJS.ProcessEnv = {
    ...(useSandbox ? withSandboxCredentials(baseEnv) : baseEnv),
    ...ensureDevPayloadKeys(config, dataDir),
    ...uiCodecOrigins(baseEnv, config.TEMPORAL_UI_PORT),
    TEMPORAL_ADDRESS: server.address,
  };
  const children: EngineProcess[] = [];
  const stopAll = async () => {
    for (const child of children.reverse()) await child.stop();
    await server.teardown().catch(() => undefined);
  };

  let sandboxUrl: string | undefined;
  let workerMetrics: string | undefined;
  try {
    if (useSandbox) {
      const sandbox = await startEngineProcess({
        name: 'sandbox',
        entry: 'workers/sandbox.ts',
        env: childEnv,
        onLine: prefixed('sandbox'),
      });
      children.push(sandbox);
      sandboxUrl = String(sandbox.ready.url);
      childEnv = {
        ...childEnv,
        HONEYBEE_API_URL: `${sandboxUrl}/honeybee/v1`,
        HONEYBEE_TOKEN_URL: `${sandboxUrl}/honeybee/oauth/token`,
        ONEGEVITY_API_URL: `${sandboxUrl}/onegevity`,
        PARTNER_WEBHOOK_URL: baseEnv.PARTNER_WEBHOOK_URL?.trim() || `${sandboxUrl}/partner/notifications`,
      };
    }
    const worker = await startEngineProcess({
      name: 'worker',
      entry: 'workers/worker.ts',
      env: childEnv,
      onLine: prefixed('worker'),
    });
    children.push(worker);
    workerMetrics = typeof worker.ready.metrics === 'string' ? worker.ready.metrics : undefined;
    children.push(
      await startEngineProcess({
        name: 'bridge',
        entry: 'workers/bridge.ts',
        env: childEnv,
        onLine: prefixed('bridge'),
      }),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }

  process.stdout.write(
    [
      '',
      'Fulfillment engine is running:',
      `  Temporal (gRPC)   ${server.address}   [${server.binary}]`,
      `  Temporal Web UI   http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${config.TEMPORAL_UI_PORT}`,
      `  Bridge            ${bridgeUrl}   (health: ${bridgeUrl}/healthz)`,
      ...(sandboxUrl
        ? [
            `  Sandbox vendors   ${sandboxUrl}   (control: ${sandboxUrl}/__sandbox)`,
            '                    try: npm run -s fulfill -- sandbox scenario happy-path',
          ]
        : ['  Vendors           real (credentials configured; SANDBOX_FORCE=true starts the sandbox)']),
      `  Metrics           ${bridgeUrl}/metrics   ${workerMetrics ?? '(worker metrics off)'}   (docs/OBSERVE.md)`,
      `  Task queue        ${config.TEMPORAL_TASK_QUEUE}`,
      `  Data              ${dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      process.stdout.write('\nStopping…\n');
      void stopAll().then(resolveStop);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    for (const child of children) {
      void child.exited.then((code) => {
        if (stopping) return;
        // Ctrl-C in a terminal signals the whole process group, so a child may exit just before we see SIGINT.
        if (child.child.signalCode === null && code !== 0) {
          process.stderr.write(`${child.name} exited unexpectedly (code ${String(code)}); stopping the engine.\n`);
        }
        stop();
      });
    }
  });
  process.stdout.write('Stopped.\n');
}
