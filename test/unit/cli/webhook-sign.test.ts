// `fulfill webhook sign`: the headers it prints verify with the engine's verifiers (which are checked against
// independent vectors), and bad arguments exit 2 with a message and nothing on stdout. The last tests run the real
// `bin/fulfill.js` as a child process for the exit codes a shell sees.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { honeybeeSecretHeader, verifyHoneybeeSignature } from '../../../src/vendors/honeybee/webhook-auth.js';
import { verifyOnegevitySignature } from '../../../src/vendors/onegevity/webhook-auth.js';

const dir = mkdtempSync(join(tmpdir(), 'fulfill-webhook-sign-'));
const BODY = Buffer.from('{"event_id":"e-1","note":"José Ñandú 東京 !\'()*","dose":1.0}\n', 'utf8');
const bodyFile = join(dir, 'body.json');
writeFileSync(bodyFile, BODY);

const ENV_DEFAULTS = {
  HONEYBEE_CLIENT_SECRET: 'cli-client-secret',
  HONEYBEE_WEBHOOK_SECRETS: '',
  HONEYBEE_WEBHOOK_URL: '',
  BRIDGE_PUBLIC_URL: 'https://hooks.example.com',
  ONEGEVITY_WEBHOOK_SECRETS: 'cli-onegevity-secret,previous-secret',
};

/** Environment values a test replaced, to put back afterwards. */
const savedEnv = new Map<string, string | undefined>();

function setEnv(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
    process.env[name] = value;
  }
}

function restoreEnv(): void {
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  savedEnv.clear();
}

async function run(args: string[], env: Record<string, string> = {}) {
  setEnv({ ...ENV_DEFAULTS, ...env });
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
    const code = await main(['node', 'fulfill', 'webhook', 'sign', ...args]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

function headerLines(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => {
        const index = line.indexOf(': ');
        return [line.slice(0, index), line.slice(index + 2)];
      }),
  );
}

describe('fulfill webhook sign', () => {
  afterEach(restoreEnv);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('honeybee: prints curl-ready headers whose signature verifies for the default public URL', async () => {
    const { code, stdout, stderr } = await run(['honeybee', '--body-file', bodyFile]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Content-Type: application\/json\nX-Honeybee-Signature: [A-Za-z0-9+/]{27}K\n$/);
    const headers = headerLines(stdout);
    const request = { method: 'POST', url: 'https://hooks.example.com/webhooks/honeybee', body: BODY };
    expect(verifyHoneybeeSignature(['cli-client-secret'], request, headers['X-Honeybee-Signature'])).toBe(true);
    // Over the raw file bytes: the same JSON re-serialised does not verify.
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(BODY.toString('utf8'))));
    expect(
      verifyHoneybeeSignature(
        ['cli-client-secret'],
        { ...request, body: reserialised },
        headers['X-Honeybee-Signature'],
      ),
    ).toBe(false);
  });

  it('honeybee: --url and HONEYBEE_WEBHOOK_URL choose the signed URL; the secret header follows the first webhook secret', async () => {
    const explicit = await run(['honeybee', '--body-file', bodyFile, '--url', 'https://other.example/hb?x=1']);
    expect(explicit.code).toBe(0);
    const signature = headerLines(explicit.stdout)['X-Honeybee-Signature'];
    expect(
      verifyHoneybeeSignature(
        ['cli-client-secret'],
        { method: 'POST', url: 'https://other.example/hb?x=1', body: BODY },
        signature,
      ),
    ).toBe(true);

    const configured = await run(['honeybee', '--body-file', bodyFile], {
      HONEYBEE_WEBHOOK_URL: 'https://configured.example/webhooks/honeybee',
      HONEYBEE_WEBHOOK_SECRETS: 'hook-current,hook-previous',
    });
    const headers = headerLines(configured.stdout);
    expect(
      verifyHoneybeeSignature(
        ['cli-client-secret'],
        { method: 'POST', url: 'https://configured.example/webhooks/honeybee', body: BODY },
        headers['X-Honeybee-Signature'],
      ),
    ).toBe(true);
    expect(headers['X-Honeybee-Secret']).toBe(honeybeeSecretHeader('cli-client-secret', 'hook-current'));
  });

  it('onegevity: signs the body with the current secret and passes the topic; --json prints an object', async () => {
    const { code, stdout } = await run(['onegevity', '--body-file', bodyFile, '--topic', 'kit.activated', '--json']);
    expect(code).toBe(0);
    const headers = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(headers)).toEqual(['Content-Type', 'X-Onegevity-Signature', 'X-Onegevity-Topic']);
    expect(headers['X-Onegevity-Topic']).toBe('kit.activated');
    expect(verifyOnegevitySignature(['cli-onegevity-secret'], BODY, headers['X-Onegevity-Signature'])).toBe(true);
    expect(verifyOnegevitySignature(['previous-secret'], BODY, headers['X-Onegevity-Signature'])).toBe(false);
  });

  it.each([
    [['nope', '--body-file', bodyFile], {}, /Unknown vendor "nope"/],
    [['honeybee'], {}, /required option '--body-file <path>' not specified/],
    [['honeybee', '--body-file', join(dir, 'missing.json')], {}, /Cannot read --body-file .*missing\.json \(ENOENT\)/],
    [['honeybee', '--body-file', dir], {}, /Cannot read --body-file .* \(EISDIR\)/],
    [['honeybee', '--body-file', bodyFile], { HONEYBEE_CLIENT_SECRET: '' }, /HONEYBEE_CLIENT_SECRET is not set/],
    [['onegevity', '--body-file', bodyFile], { ONEGEVITY_WEBHOOK_SECRETS: '' }, /ONEGEVITY_WEBHOOK_SECRETS is not set/],
    [['honeybee', '--body-file', bodyFile, '--url', 'not a url'], {}, /--url must be an absolute http\(s\) URL/],
    [
      ['honeybee', '--body-file', bodyFile, '--url', 'ftp://x.example/h'],
      {},
      /--url must be an absolute http\(s\) URL/,
    ],
    [['honeybee', '--body-file', bodyFile, '--topic', 'order.created'], {}, /--topic applies to onegevity only/],
    [['onegevity', '--body-file', bodyFile, '--url', 'https://x.example'], {}, /--url applies to honeybee only/],
    [['onegevity', '--body-file', bodyFile, '--topic', 'a\nX-Evil: 1'], {}, /--topic must look like order\.created/],
    [['honeybee', '--body-file', bodyFile, '--bogus'], {}, /unknown option '--bogus'/],
    [['honeybee', '--body-file', bodyFile], { BRIDGE_PUBLIC_URL: 'nope' }, /BRIDGE_PUBLIC_URL/],
  ] as const)('refuses %j with exit code 2 and a message', async (args, env, message) => {
    const { code, stdout, stderr } = await run([...args], env);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  describe('as a process (bin/fulfill.js)', () => {
    const exec = promisify(execFile);
    const bin = join(import.meta.dirname, '../../../bin/fulfill.js');
    const env = { ...process.env, ...ENV_DEFAULTS };

    it('exits 0 and prints the headers', async () => {
      const { stdout } = await exec(process.execPath, [bin, 'webhook', 'sign', 'honeybee', '--body-file', bodyFile], {
        env,
      });
      const request = { method: 'POST', url: 'https://hooks.example.com/webhooks/honeybee', body: BODY };
      expect(verifyHoneybeeSignature(['cli-client-secret'], request, headerLines(stdout)['X-Honeybee-Signature'])).toBe(
        true,
      );
    });

    it.each([
      [['webhook', 'sign', 'nope', '--body-file', bodyFile], /Unknown vendor/],
      [['webhook', 'sign', 'honeybee'], /required option/],
    ])('exits 2 for %j', async (args, message) => {
      const failure = await exec(process.execPath, [bin, ...args], { env }).then(
        () => undefined,
        (error: unknown) => error as { code: number; stdout: string; stderr: string },
      );
      expect(failure?.code).toBe(2);
      expect(failure?.stdout).toBe('');
      expect(failure?.stderr).toMatch(message);
    });
  });
});
