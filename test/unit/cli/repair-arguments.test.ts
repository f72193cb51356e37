// `fulfill repair` refuses bad usage with exit 2 before it connects to anything: what it records goes into the
// history in clear text, so the operator is a name and the reason one line. (The repair itself:
// test/integration/stuck-workflow.test.ts.)
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Runs the command in-process: its exit code and what it wrote to stderr. */
async function fulfill(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  // Nothing listens there: a command that got past its checks would fail with exit 1, not 2.
  vi.stubEnv('TEMPORAL_ADDRESS', '127.0.0.1:9');
  const code = await main(['node', 'fulfill', ...args]);
  return { code, stderr };
}
const valid = ['repair', 'honeybee-order-HB1', '--operator', 'alice', '--reason', 'sent by mistake'];

describe('fulfill repair usage', () => {
  it.each([
    [['repair', 'honeybee-order-HB1', '--reason', 'why'], /required option '--operator <name>'/],
    [['repair', 'honeybee-order-HB1', '--operator', 'alice'], /required option '--reason <text>'/],
    [[...valid.slice(0, 3), 'alice: admin', ...valid.slice(4)], /--operator must be your name/],
    [[...valid.slice(0, 5), 'line one\nline two'], /--reason must say why, on one line/],
    [[...valid, '--keep-signal', 'twelve'], /expected a history event id/],
    [[...valid, '--run-id', 'latest'], /--run-id must be a run id/],
    [['repair', "x' OR 1=1", '--operator', 'alice', '--reason', 'r'], /is not a workflow id/],
  ])('exits 2 for %j', async (args, message) => {
    const result = await fulfill(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
