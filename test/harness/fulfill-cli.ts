// Runs the real `fulfill` command (bin/fulfill.js) as a process, the way an operator does, with an environment of the
// test's choosing (Temporal address, namespace, payload keys). Returns its exit code and output.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/temporal/binaries.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A command that runs longer is killed, and its output so far is returned (code null) for the test to show. */
const CLI_TIMEOUT_MS = 60_000;

export async function runFulfill(args: readonly string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'fulfill.js'), ...args], {
    cwd: PROJECT_ROOT,
    env: Object.fromEntries(
      Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    ),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => {
    stderr += `\n[test] fulfill ${args.join(' ')} still running after ${CLI_TIMEOUT_MS} ms: killed\n`;
    child.kill('SIGKILL');
  }, CLI_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Parses stdout as JSON, with the whole output in the error when it is not. */
export function jsonOf<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`fulfill printed no JSON (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  }
}
