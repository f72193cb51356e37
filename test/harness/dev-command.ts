// `fulfill dev` as a real process, the way a developer runs it, for the tests of the dev command: started in its own
// process group (so a test can send SIGINT to the group, as a terminal's Ctrl-C does), its output collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPids } from '../../bench/lib/cpu.js';
import { pollUntil } from './honeybee.js';
import { freePort } from './ports.js';

export interface DevRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startDev(
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
  options: { underShell?: boolean } = {},
): Promise<DevRun> {
  const command = [process.execPath, '--import', 'tsx', 'src/cli/run.ts', 'dev', ...args];
  // underShell: as `npm run dev` runs it, under `sh -c`, which passes no signal on (the child is then the shell).
  // detached: its own process group, so we can send SIGINT to the group the way a terminal's Ctrl-C does.
  const [file, ...argv] = options.underShell ? ['sh', '-c', command.map((word) => `'${word}'`).join(' ')] : command;
  const child = spawn(file!, argv, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Press Ctrl-C to stop.')) {
        clearInterval(timer);
        resolve({ child, output: () => output, exited });
      }
    }, 200);
    void exited.then((code) => {
      clearInterval(timer);
      // 'exit' can come before the last output (the reason it gives) is read from the pipe: wait for the streams to
      // close ('close'), for at most 5 s (a child of its own could hold them open).
      const fail = () =>
        reject(
          new Error(`${['fulfill dev', ...args].join(' ')} exited (${String(code)}) before it was ready:\n${output}`),
        );
      const closing = setTimeout(fail, 5_000);
      child.once('close', () => {
        clearTimeout(closing);
        fail();
      });
    });
  });
}

/** `fulfill dev`'s output once `text` is in it (10 s at most): its 'exit' can come before its last line is read. */
export function outputWith(run: DevRun, text: string): Promise<string> {
  return pollUntil(
    `"${text}" read`,
    async () => run.output(),
    (out) => out.includes(text),
    10_000,
  ).catch(() => run.output());
}

export async function ctrlC(run: DevRun): Promise<number | null> {
  process.kill(-run.child.pid!, 'SIGINT');
  return run.exited;
}

/**
 * Sends `signal` to `fulfill dev` alone, then the same signal again the moment it says it is stopping: the second
 * arrives while it stops (a poll of its output could come too late, after a quick stop, when there is no process left).
 */
export async function signalTwiceWhileStopping(run: DevRun, signal: NodeJS.Signals): Promise<void> {
  const pid = run.child.pid!;
  const streams = [run.child.stdout!, run.child.stderr!];
  let said = '';
  const stopping = new Promise<void>((resolve) => {
    const watch = (chunk: Buffer) => {
      said += chunk.toString();
      if (!said.includes('Stopping…')) return;
      for (const stream of streams) stream.off('data', watch);
      process.kill(pid, signal);
      resolve();
    };
    for (const stream of streams) stream.on('data', watch);
  });
  process.kill(pid, signal);
  await stopping;
}

/**
 * The pids of `fulfill dev`'s children named `command` (`node`, `temporal`) with `argument` among their arguments (a
 * path may be given from the project root).
 */
export function devChildPids(run: DevRun, command: string, argument: string): number[] {
  return childPids(run.child.pid!, command).filter((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return args.some((arg) => arg === argument || arg.endsWith(`/${argument}`));
    } catch {
      return false; // It ended while we looked.
    }
  });
}

/** Free ports and a fresh DATA_DIR for one `fulfill dev`, and the URLs its bridge and sandbox will have. */
export async function devCommandEnv(dataDirPrefix: string): Promise<{
  env: NodeJS.ProcessEnv;
  ports: { temporal: number; ui: number; bridge: number; sandbox: number; codec: number; metrics: number };
  bridgeUrl: string;
  sandboxUrl: string;
}> {
  const ports = {
    temporal: await freePort(),
    ui: await freePort(),
    bridge: await freePort(),
    sandbox: await freePort(),
    codec: await freePort(),
    metrics: await freePort(),
  };
  const bridgeUrl = `http://127.0.0.1:${ports.bridge}`;
  return {
    ports,
    bridgeUrl,
    sandboxUrl: `http://127.0.0.1:${ports.sandbox}`,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: mkdtempSync(join(tmpdir(), dataDirPrefix)),
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      TEMPORAL_UI_PORT: String(ports.ui),
      BRIDGE_PORT: String(ports.bridge),
      BRIDGE_PUBLIC_URL: bridgeUrl,
      SANDBOX_PORT: String(ports.sandbox),
      CODEC_PORT: String(ports.codec),
      WORKER_METRICS_PORT: `127.0.0.1:${ports.metrics}`,
    },
  };
}

/** Whether `pid` is a live process (not gone, not a zombie waiting to be reaped). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
