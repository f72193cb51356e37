// deploy/temporal/generate-certs.sh run for real (openssl): existing certificates are kept across runs, one that
// expires within RENEW_DAYS is made again (keeping its key) so a long-lived cluster does not stop at its end date,
// and a directory without ca.key (the operator's own CA) is never touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src/temporal/binaries.js';

const SCRIPT = join(PROJECT_ROOT, 'deploy/temporal/generate-certs.sh');
const FILES = ['ca.pem', 'server.pem', 'client.pem', 'ca.key', 'server.key', 'client.key'] as const;

function generate(dir: string, renewDays?: number): void {
  execFileSync('sh', [SCRIPT, dir], {
    env: { ...process.env, ...(renewDays === undefined ? {} : { RENEW_DAYS: String(renewDays) }) },
    stdio: 'pipe',
  });
}

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(FILES.map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
}

function verifies(dir: string, certificate: string): boolean {
  const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), certificate], { encoding: 'utf8' });
  return out.trim().endsWith(': OK');
}

describe('generate-certs.sh', () => {
  it('keeps certificates that last, and makes again, with the same keys, those that expire within RENEW_DAYS', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'certs-')), 'tls');
    generate(dir);
    const first = contents(dir);
    generate(dir);
    expect(contents(dir)).toEqual(first);

    // Leaves last a year, the CA two: 400 days ahead renews the leaves only.
    generate(dir, 400);
    const renewed = contents(dir);
    expect(renewed['server.pem']).not.toBe(first['server.pem']);
    expect(renewed['client.pem']).not.toBe(first['client.pem']);
    expect({ ca: renewed['ca.pem'], keys: [renewed['ca.key'], renewed['server.key'], renewed['client.key']] }).toEqual({
      ca: first['ca.pem'],
      keys: [first['ca.key'], first['server.key'], first['client.key']],
    });
    expect(verifies(dir, join(dir, 'server.pem')) && verifies(dir, join(dir, 'client.pem'))).toBe(true);

    // 800 days ahead renews the CA too (same key), and what it signed before still verifies under it.
    const before = join(dir, '..', 'server-before.pem');
    copyFileSync(join(dir, 'server.pem'), before);
    generate(dir, 800);
    const again = contents(dir);
    expect(again['ca.pem']).not.toBe(renewed['ca.pem']);
    expect(again['ca.key']).toBe(first['ca.key']);
    expect(verifies(dir, join(dir, 'server.pem')) && verifies(dir, before)).toBe(true);
  });

  it('refuses a RENEW_DAYS that is not a whole number of days, naming it, before making anything', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'certs-')), 'tls');
    for (const value of ['abc', '1x', '-3']) {
      const run = spawnSync('sh', [SCRIPT, dir], { env: { ...process.env, RENEW_DAYS: value }, encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`RENEW_DAYS must be a whole number of days (got "${value}")`);
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('never renews certificates in a directory without ca.key (an operator-provided CA)', () => {
    const made = join(mkdtempSync(join(tmpdir(), 'certs-')), 'tls');
    generate(made);
    const own = mkdtempSync(join(tmpdir(), 'own-certs-'));
    for (const file of FILES.filter((name) => name !== 'ca.key')) copyFileSync(join(made, file), join(own, file));
    const kept = Object.fromEntries(
      ['ca.pem', 'server.pem', 'client.pem'].map((file) => [file, readFileSync(join(own, file), 'utf8')]),
    );
    generate(own, 800);
    for (const [file, text] of Object.entries(kept)) expect(readFileSync(join(own, file), 'utf8')).toBe(text);
  });
});
