// `fulfill dev` as the README runs it, for the tests of the command: started in a process group of its own (a Ctrl-C
// goes to the group, as a terminal sends it), ready once it prints "Press Ctrl-C to stop.".
import { spawn, type ChildProcess } from 'node:child_process';

export interface DevRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startDev(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<DevRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'dev', ...args], {
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
      reject(new Error(`fulfill dev ${args.join(' ')} exited (${String(code)}) before it was ready:\n${output}`));
    });
  });
}

/** SIGINT to the whole process group, the way a terminal's Ctrl-C does; resolves with the exit code. */
export async function ctrlC(run: DevRun): Promise<number | null> {
  process.kill(-run.child.pid!, 'SIGINT');
  return run.exited;
}
