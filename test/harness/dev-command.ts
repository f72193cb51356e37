// `fulfill dev` as a real process, the way a developer runs it, for the tests of the dev command: started in its own
// process group (so a test can send SIGINT to the group, as a terminal's Ctrl-C does), its output collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface DevRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startDev(env: NodeJS.ProcessEnv): Promise<DevRun> {
  // detached: its own process group, so we can send SIGINT to the group the way a terminal's Ctrl-C does.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'dev'], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
      reject(new Error(`fulfill dev exited (${String(code)}) before it was ready:\n${output}`));
    });
  });
}

export async function ctrlC(run: DevRun): Promise<number | null> {
  process.kill(-run.child.pid!, 'SIGINT');
  return run.exited;
}

/** The pids of `fulfill dev`'s children running `entry` (e.g. `workers/worker.ts`), from /proc. */
export function devChildPids(run: DevRun, entry: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name (field 2) may hold spaces and parentheses: the parent pid is the 2nd field after its ")".
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== run.child.pid) continue;
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg.endsWith(entry))) pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
