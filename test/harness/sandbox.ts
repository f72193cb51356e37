// The sandbox for tests: in-process (fast, and the test can reach its core) or as a real child process, always on
// port 0 with its own DATA_DIR, the dev credentials, and slow order steps (1 h of sandbox time) so a test moves the
// lifecycle with `control.advance(...)` instead of waiting.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type EngineConfig } from '../../src/config/env.js';
import { startEngineProcess, type EngineProcess } from '../../src/runtime/child-process.js';
import { SandboxControlClient } from '../../src/sandbox/control/client.js';
import type { SandboxCore } from '../../src/sandbox/core.js';
import { withSandboxCredentials } from '../../src/sandbox/dev-credentials.js';
import { startSandbox } from '../../src/sandbox/server.js';

export interface TestSandbox {
  url: string;
  control: SandboxControlClient;
  config: EngineConfig;
  env: Record<string, string>;
  dataDir: string;
  close(): Promise<void>;
}

export interface InProcessSandbox extends TestSandbox {
  core: SandboxCore;
}

export interface SandboxProcess extends TestSandbox {
  process: EngineProcess;
}

export const TEST_STEP_DELAY = '1h';
export const STEP_MS = 3_600_000;

/** Environment for a test sandbox: dev credentials, a fresh DATA_DIR, port 0, slow steps, quick redelivery. */
export function sandboxEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'fulfill-sandbox-')),
    SANDBOX_PORT: '0',
    // Webhooks go nowhere unless a test points them at its receiver (never at a fixed port someone may be using:
    // port 9 is privileged and unused, so deliveries there fail and are merely recorded).
    BRIDGE_PUBLIC_URL: 'http://127.0.0.1:9',
    SANDBOX_STEP_DELAY: TEST_STEP_DELAY,
    SANDBOX_WEBHOOK_BACKOFF: '1s',
    SANDBOX_WEBHOOK_TIMEOUT: '5s',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const withCredentials = withSandboxCredentials(env);
  return Object.fromEntries(
    Object.entries(withCredentials).flatMap(([key, value]) => (value === undefined ? [] : [[key, value]])),
  );
}

/** The sandbox in this process; `persist` keeps state in DATA_DIR like the real process. */
export async function startTestSandbox(
  overrides: Record<string, string> = {},
  options: { persist?: boolean } = {},
): Promise<InProcessSandbox> {
  const env = sandboxEnv(overrides);
  const config = loadConfig(env);
  const started = await startSandbox({
    config,
    stateFile: options.persist ? join(config.DATA_DIR, 'sandbox-state.json') : null,
  });
  return {
    url: started.url,
    control: new SandboxControlClient(started.url),
    config,
    env,
    dataDir: config.DATA_DIR,
    core: started.core,
    close: () => started.close(),
  };
}

/** The sandbox as a separate process (workers/sandbox.ts), as `fulfill dev` runs it. */
export async function startSandboxProcess(
  overrides: Record<string, string> = {},
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void,
): Promise<SandboxProcess> {
  // Info logs, so a failing test's output shows what the sandbox did.
  const env = sandboxEnv({ LOG_LEVEL: 'info', ...overrides });
  const child = await startEngineProcess({
    name: 'sandbox',
    entry: 'workers/sandbox.ts',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    ...(onLine ? { onLine } : {}),
  });
  const url = child.ready.url;
  if (typeof url !== 'string') throw new Error(`sandbox ready line has no url:\n${child.output()}`);
  return {
    url,
    control: new SandboxControlClient(url),
    config: loadConfig(env),
    env,
    dataDir: env.DATA_DIR as string,
    process: child,
    close: () => child.stop(),
  };
}
