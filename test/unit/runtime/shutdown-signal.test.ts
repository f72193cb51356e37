// onShutdownSignal, in a real process: a second signal while it stops (Ctrl-C again, or the same one passed on by npm
// or tsx) waits for the same stop instead of ending the process before it has drained.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const processModule = pathToFileURL(join(import.meta.dirname, '../../../src/runtime/process.ts')).href;

function stoppingProcess() {
  const script = `
    const { onShutdownSignal } = await import(${JSON.stringify(processModule)});
    let stops = 0;
    onShutdownSignal(async () => {
      stops += 1;
      process.stdout.write('stopping\\n');
      await new Promise((resolve) => setTimeout(resolve, 500));
      process.stdout.write('stopped ' + stops + '\\n');
    });
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': at 'exit' the last lines written before it (`stopped 1`) may still be unread in the pipe.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const printed = async (text: string) => {
    for (let tries = 0; !output.includes(text); tries += 1) {
      if (tries > 200) throw new Error(`never printed "${text}": ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, exited, printed, output: () => output };
}

describe('onShutdownSignal', () => {
  it.each([
    ['SIGINT', 'SIGINT'],
    ['SIGTERM', 'SIGINT'],
    ['SIGINT', 'SIGTERM'],
  ] as const)('stops once and exits 0 on %s, then %s while stopping', async (first, second) => {
    const run = stoppingProcess();
    await run.printed('ready');
    run.child.kill(first);
    await run.printed('stopping');
    run.child.kill(second);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('stopped 1');
  });
});
