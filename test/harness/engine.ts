// Real engine processes (worker, bridge) against the run's dev server, for tests that claim the engine works.
import { inject } from 'vitest';
import { startEngineProcess, type EngineProcess } from '../../src/runtime/child-process.js';
import { withSandboxCredentials } from '../../src/sandbox/dev-credentials.js';
import { TEST_PAYLOAD_KEYS } from './payload-keys.js';
import { temporalAddress, uniqueTaskQueue } from './temporal.js';

export interface EngineProcesses {
  env: NodeJS.ProcessEnv;
  worker: EngineProcess;
  bridge: EngineProcess;
  bridgeUrl: string;
  stop(): Promise<void>;
}

/** Environment for engine child processes: the run's dev server, a unique task queue, the prebuilt bundle. */
export function engineEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // The sandbox's dev credentials wherever a test sets none: the worker refuses to start without vendor credentials.
  return withSandboxCredentials({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('engine'),
    WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
    BRIDGE_PORT: '0',
    // The URL the vendors sign for, as behind a proxy: not the ephemeral port the tests reach the bridge on.
    BRIDGE_PUBLIC_URL: 'http://127.0.0.1:3000',
    // Many workers at once: each serves its metrics on a free port (its ready line says which).
    WORKER_METRICS_PORT: '127.0.0.1:0',
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    LOG_LEVEL: 'info',
    // No reconciliation sweep unless a test asks for one (honeybee-rx-sweep.test.ts): an hourly one would start a
    // workflow in the middle of tests that count the namespace's workflows, whenever a run spans the hour. Intervals
    // count from 1970: every 365 days would fire on 2026-12-18 (then yearly), every 36,500 days first in 2069.
    HONEYBEE_RX_SWEEP_INTERVAL: '36500d',
    ...overrides,
  });
}

/** Every output line of a process, as it comes (for tests that read all of a run's logs). */
export type LineListener = (line: string, stream: 'stdout' | 'stderr') => void;

export async function startWorkerProcess(env: NodeJS.ProcessEnv, onLine?: LineListener): Promise<EngineProcess> {
  return startEngineProcess({ name: 'worker', entry: 'workers/worker.ts', env, ...(onLine ? { onLine } : {}) });
}

export async function startBridgeProcess(
  env: NodeJS.ProcessEnv,
  onLine?: LineListener,
): Promise<{ process: EngineProcess; url: string }> {
  const bridge = await startEngineProcess({
    name: 'bridge',
    entry: 'workers/bridge.ts',
    env,
    ...(onLine ? { onLine } : {}),
  });
  const url = bridge.ready.url;
  if (typeof url !== 'string') throw new Error(`bridge ready line has no url:\n${bridge.output()}`);
  return { process: bridge, url };
}

/** The codec service (its own listener; port 0 unless the env names one). */
export async function startCodecProcess(env: NodeJS.ProcessEnv): Promise<{ process: EngineProcess; url: string }> {
  const codec = await startEngineProcess({
    name: 'codec',
    entry: 'workers/codec.ts',
    env: { CODEC_PORT: '0', ...env },
  });
  const url = codec.ready.url;
  if (typeof url !== 'string') throw new Error(`codec ready line has no url:\n${codec.output()}`);
  return { process: codec, url };
}

/** Worker and bridge as separate processes sharing one environment. */
export async function startEngine(overrides: NodeJS.ProcessEnv = {}): Promise<EngineProcesses> {
  const env = engineEnv(overrides);
  const [worker, bridge] = await Promise.all([startWorkerProcess(env), startBridgeProcess(env)]);
  return {
    env,
    worker,
    bridge: bridge.process,
    bridgeUrl: bridge.url,
    stop: async () => {
      await Promise.all([worker.stop(), bridge.process.stop()]);
    },
  };
}
