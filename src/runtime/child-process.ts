// Starts one of the engine's own processes (worker, bridge, sandbox) as a child, runs TypeScript through tsx, and
// waits for its `{"msg":"ready"}` log line. Used by `fulfill dev`, the test harness and the benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../temporal/binaries.js';

export interface EngineProcessOptions {
  name: string;
  /** Entry point relative to the project root, e.g. `workers/worker.ts`. */
  entry: string;
  args?: string[];
  /** Options for node itself, before the entry (the benchmarks' `--cpu-prof`). */
  nodeArgs?: string[];
  env: NodeJS.ProcessEnv;
  /** Called with every output line (prefixing and printing is the caller's choice). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  readyTimeoutMs?: number;
}

export interface EngineProcess {
  name: string;
  child: ChildProcess;
  /** The fields of the ready line (e.g. the bridge's `url`). */
  ready: Record<string, unknown>;
  /** Every line printed so far (for test failure messages). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function startEngineProcess(options: EngineProcessOptions): Promise<EngineProcess> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', join(PROJECT_ROOT, options.entry), ...(options.args ?? [])],
    {
      cwd: PROJECT_ROOT,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // 'close' comes after the process's output has been read to the end; at 'exit' its last lines (the reason it
  // failed to start) may still be in the pipes.
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`${options.name} not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${lines.join('\n')}`),
        ),
      options.readyTimeoutMs ?? 60_000,
    );
    const watch = (stream: 'stdout' | 'stderr') => (line: string) => {
      lines.push(line);
      if (lines.length > 2000) lines.shift();
      options.onLine?.(line, stream);
      const parsed = parseJsonLine(line);
      if (parsed?.msg === 'ready') {
        clearTimeout(timer);
        resolve(parsed);
      }
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', watch('stdout'));
    if (child.stderr) createInterface({ input: child.stderr }).on('line', watch('stderr'));
    void closed.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${String(code)} before it was ready:\n${lines.join('\n')}`));
    });
  });

  const handle: EngineProcess = {
    name: options.name,
    child,
    ready: {},
    output: () => lines.join('\n'),
    exited,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    handle.ready = await ready;
  } catch (error) {
    handle.kill();
    throw error;
  }
  return handle;
}
