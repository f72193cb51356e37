// `fulfill lab order`: a request that cannot be read or is invalid exits 2 naming the problem (fields, never values),
// before any connection; a valid request with Temporal unreachable exits 1. The success path runs against the real
// dev server in test/integration/lab-cli.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { TEST_PAYLOAD_KEYS } from '../../harness/payload-keys.js';
import { labOrderRequest } from '../../harness/lab-orders.js';

const dir = mkdtempSync(join(tmpdir(), 'fulfill-lab-cli-'));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(args: string[], env: Record<string, string> = {}) {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'fulfill', 'lab', 'order', ...args]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('fulfill lab order', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 without --file, for an unreadable file and for a file that is not JSON', async () => {
    const missingOption = await run([]);
    expect(missingOption.code).toBe(2);
    expect(missingOption.stderr).toMatch(/required option '--file <path>'/);
    const unreadable = await run(['--file', join(dir, 'missing.json')]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/Cannot read --file .*missing\.json \(ENOENT\)/);
    const broken = await run(['--file', file('broken.json', '{"patientIdentifier": ')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/is not valid JSON/);
  });

  it('exits 2 for a file larger than a request can be, reading no more than that (a device never ends)', async () => {
    const endless = await run(['--file', '/dev/zero']);
    expect(endless.code).toBe(2);
    expect(endless.stderr).toMatch(/--file \/dev\/zero is larger than 65536 bytes/);
    const padded = await run([
      '--file',
      file('padded.json', `${JSON.stringify(labOrderRequest('P-PAD'))}${' '.repeat(70_000)}`),
    ]);
    expect(padded.code).toBe(2);
    expect(padded.stderr).toMatch(/is larger than 65536 bytes/);
  });

  it('exits 2 naming each invalid field, without echoing the PHI it was given', async () => {
    const request = labOrderRequest('P-1001');
    const bad = {
      ...request,
      patientInformation: { ...request.patientInformation, dateOfBirth: 'Kitowska-birthday', gender: 'female' },
    };
    const result = await run(['--file', file('bad.json', JSON.stringify(bad))], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('The lab order request is invalid:');
    expect(result.stderr).toContain('patientInformation.dateOfBirth: must be a date YYYY-MM-DD');
    expect(result.stderr).toContain('patientInformation.gender: must be FEMALE, MALE or UNKNOWN');
    expect(result.stderr).not.toMatch(/Kitowska|female/);
  });

  it('exits 1 with a clear message when Temporal cannot be reached', { timeout: 40_000 }, async () => {
    const result = await run(['--file', file('good.json', JSON.stringify(labOrderRequest('P-1001')))], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Cannot reach Temporal at 127\.0\.0\.1:1: /);
  });
});
