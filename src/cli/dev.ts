// `fulfill dev`: the whole engine on one machine with embedded defaults. Starts the Temporal dev server (SQLite under
// DATA_DIR, Web UI), then (without real vendor credentials, or with SANDBOX_FORCE) the sandbox vendors, then the
// worker, the bridge and the codec service (the Web UI decodes through it) as child processes, prints the URLs, and on
// Ctrl-C stops everything in reverse order. A child that dies is restarted with backoff, one that keeps dying stops
// the engine with a non-zero exit (docs/OPERATIONS.md). A second start reuses the same database, payload key and
// sandbox state. What the CLI needs to reach this engine without settings (the payload key file, the partner
// notification target) is left in DATA_DIR (src/cli/operator-config.ts).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { hasRealVendorCredentials, type EngineConfig } from '../config/env.js';
import { generatePayloadKeyFile } from '../crypto/payload-keys.js';
import { devPayloadKeyFile, recordDevNotificationTarget } from './operator-config.js';
import { startEngineProcess } from '../runtime/child-process.js';
import { ProcessSupervisor } from '../runtime/supervisor.js';
import {
  SANDBOX_DEV_CREDENTIALS,
  SANDBOX_PARTNER_API_KEY,
  withSandboxCredentials,
} from '../sandbox/dev-credentials.js';
import { startDevServer, type StartedDevServer } from '../temporal/dev-server.js';
import { watchDevServer } from '../temporal/dev-server-liveness.js';

/** How often `fulfill dev` checks that the process that started it is still there. */
const PARENT_WATCH_MS = 1_000;

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
 * The Web UI calls the codec service from its own origin: unless CODEC_CORS_ORIGINS is set, allow the UI this dev
 * server serves, on whatever port it was given.
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

/** How to sign in to the operator console: with the sandbox's dev key when that is the partner API key in use. */
export function consoleSignIn(env: NodeJS.ProcessEnv): string {
  return env.PARTNER_API_KEYS === SANDBOX_DEV_CREDENTIALS.PARTNER_API_KEYS
    ? `sign in with the sandbox's partner API key ${SANDBOX_PARTNER_API_KEY}`
    : 'sign in with a partner API key with the operate scope, or an access token';
}

function prefixed(name: string) {
  return (line: string) => process.stdout.write(`[${name}] ${line}\n`);
}

/** A Temporal that runs already (`fulfill dev --cluster`): the engine connects to it instead of a dev server. */
export interface ExternalTemporal {
  /** What points the engine's processes at it: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_*. */
  env: Record<string, string>;
  /** Its line in the banner. */
  description: string;
}

export async function runDev(
  config: EngineConfig,
  baseEnv: NodeJS.ProcessEnv = process.env,
  external?: ExternalTemporal,
): Promise<void> {
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const { host, port } = hostAndPort(config.TEMPORAL_ADDRESS);
  const bridgeUrl = config.BRIDGE_PUBLIC_URL.replace(/\/$/, '');
  const codecUrl = `http://${config.CODEC_HOST}:${config.CODEC_PORT}`;

  // The SDK would happily connect to whatever already listens on the port (someone else's Temporal), so check first.
  const busy: string[] = [];
  for (const [what, portHost, portNumber] of [
    ...(external
      ? []
      : ([
          ['TEMPORAL_ADDRESS', host, port],
          ['TEMPORAL_UI_PORT', host, config.TEMPORAL_UI_PORT],
        ] as const)),
    ['BRIDGE_PORT', config.BRIDGE_HOST, config.BRIDGE_PORT],
    ['CODEC_PORT', config.CODEC_HOST, config.CODEC_PORT],
  ] as const) {
    if (!(await isPortFree(portHost, portNumber))) busy.push(`${what} (${portHost}:${portNumber})`);
  }
  if (busy.length > 0) {
    throw new Error(
      `Ports already in use: ${busy.join(', ')}. Stop what uses them (another \`fulfill dev\`? a Temporal server?) ` +
        'or set those variables to free ports.',
    );
  }

  let server: StartedDevServer | undefined;
  if (!external) process.stdout.write('Starting the Temporal dev server…\n');
  try {
    server = external
      ? undefined
      : await startDevServer({
          dbFilename: resolve(dataDir, 'temporal.db'),
          ip: host,
          port,
          uiPort: config.TEMPORAL_UI_PORT,
          uiCodecEndpoint: codecUrl,
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
    ENGINE_ENV: baseEnv.ENGINE_ENV?.trim() || 'development',
    ...(server ? { TEMPORAL_ADDRESS: server.address } : external?.env),
  };
  // Children are supervised (src/runtime/supervisor.ts): one that dies is named and restarted with backoff; one that
  // keeps dying, or the Temporal dev server going away, stops the engine with the reason (exit non-zero).
  let giveUp: (reason: string) => void = () => undefined;
  const gaveUp = new Promise<string>((resolveGaveUp) => (giveUp = resolveGaveUp));
  const supervisor = new ProcessSupervisor({
    report: (line) => process.stderr.write(`[dev] ${line}\n`),
    onGiveUp: giveUp,
  });
  let stopWatching: () => void = () => undefined;
  const stopAll = async () => {
    stopWatching();
    await supervisor.stopAll();
    await server?.teardown().catch(() => undefined);
  };
  const engineChild = (name: string, entry: string, env: () => NodeJS.ProcessEnv) => ({
    name,
    start: () => startEngineProcess({ name, entry, env: env(), onLine: prefixed(name) }),
  });

  let sandboxUrl: string | undefined;
  let codecAccess = '';
  let workerMetrics: string | undefined;
  try {
    if (useSandbox) {
      let sandboxEnv = childEnv;
      const sandbox = await supervisor.start(engineChild('sandbox', 'workers/sandbox.ts', () => sandboxEnv));
      sandboxUrl = String(sandbox.ready.url);
      // A restarted sandbox must come back where the worker and the bridge expect it, even if it was given port 0.
      sandboxEnv = { ...sandboxEnv, SANDBOX_PORT: new URL(sandboxUrl).port };
      childEnv = {
        ...childEnv,
        HONEYBEE_API_URL: `${sandboxUrl}/honeybee/v1`,
        HONEYBEE_TOKEN_URL: `${sandboxUrl}/honeybee/oauth/token`,
        ONEGEVITY_API_URL: `${sandboxUrl}/onegevity`,
        PARTNER_WEBHOOK_URL: baseEnv.PARTNER_WEBHOOK_URL?.trim() || `${sandboxUrl}/partner/notifications`,
      };
    }
    const engineEnv = childEnv;
    // The CLI's `notifications` commands address the target by its exact URL, which (the sandbox's port) only this
    // start knows: they read it from DATA_DIR, as they read the dev payload key.
    recordDevNotificationTarget(dataDir, engineEnv.PARTNER_WEBHOOK_URL);
    const worker = await supervisor.start(engineChild('worker', 'workers/worker.ts', () => engineEnv));
    workerMetrics = typeof worker.ready.metrics === 'string' ? worker.ready.metrics : undefined;
    await supervisor.start(engineChild('bridge', 'workers/bridge.ts', () => engineEnv));
    const codec = await supervisor.start(engineChild('codec', 'workers/codec.ts', () => engineEnv));
    codecAccess = codec.ready.authentication === 'open' ? 'open on loopback, no token' : 'authentication required';
  } catch (error) {
    await stopAll();
    throw error;
  }
  // An external Temporal (--cluster) is not ours to watch: it has its own supervision.
  if (server) stopWatching = watchDevServer({ host, port, onDown: giveUp });

  process.stdout.write(
    [
      '',
      'Fulfillment engine is running:',
      ...(server
        ? [
            `  Temporal (gRPC)   ${server.address}   [${server.binary}]`,
            `  Temporal Web UI   http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${config.TEMPORAL_UI_PORT}`,
          ]
        : [`  Temporal          ${external?.description ?? ''}`]),
      `  Bridge            ${bridgeUrl}   (health: ${bridgeUrl}/healthz)`,
      `  Operator console  ${bridgeUrl}/console   (${consoleSignIn(childEnv)})`,
      `  Codec service     ${codecUrl}   (${codecAccess}; the Web UI and \`temporal --codec-endpoint\` decode here)`,
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

  const failure = await new Promise<string | undefined>((resolveStop) => {
    let stopping = false;
    const stop = (reason?: string) => {
      if (stopping) return;
      stopping = true;
      clearInterval(parentWatch);
      process.stdout.write('\nStopping…\n');
      void stopAll().then(() => resolveStop(reason));
    };
    // Not once: a second signal while stopping (Ctrl-C again, or the same one passed on by npm or tsx) would find no
    // listener and end this process at once, leaving the children it was stopping running.
    process.on('SIGINT', () => stop());
    process.on('SIGTERM', () => stop());
    // `npm run dev` starts this under a shell that passes no signal on: npm stopped alone (`kill <pid>`, a tool that
    // signals the command it started) ends that shell and leaves this process to its parent's parent. It stops then,
    // rather than keep the dev server and every port with nobody left to stop them.
    const parentAtStart = process.ppid;
    const parentWatch = setInterval(() => {
      if (process.ppid === parentAtStart) return;
      process.stdout.write(`\nThe process that started fulfill dev (pid ${String(parentAtStart)}) has ended.\n`);
      stop();
    }, PARENT_WATCH_MS);
    void gaveUp.then(stop);
  });
  if (failure) throw new Error(`fulfill dev stopped: ${failure}.`);
  process.stdout.write('Stopped.\n');
}
