// The Temporal server and its SQL tool, at the version pinned in deploy/temporal/server.env, built from the Go module
// proxy with the machine's Go into the ignored folder .tools/temporal-server/v<version>/. The first build takes about
// five minutes and 2.3 GB of memory on two cores (Go's caches make the next ones fast); later calls find the binaries
// and return at once.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../temporal/binaries.js';
import { serverVersion } from './server-settings.js';

export interface ServerBinaries {
  version: string;
  /** `temporal-server`: every role, chosen by `start --service`. */
  server: string;
  /** `temporal-sql-tool`: database creation and schema updates (deploy/temporal/setup-postgres.sh). */
  sqlTool: string;
}

const PACKAGES = { server: 'go.temporal.io/server/cmd/server', sql: 'go.temporal.io/server/cmd/tools/sql' } as const;

export function serverBinaryDir(version = serverVersion()): string {
  return join(PROJECT_ROOT, '.tools', 'temporal-server', `v${version}`);
}

export function serverBinaries(version = serverVersion()): ServerBinaries {
  const dir = serverBinaryDir(version);
  return { version, server: join(dir, 'temporal-server'), sqlTool: join(dir, 'temporal-sql-tool') };
}

function goVersion(): string | undefined {
  const probe = spawnSync('go', ['version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${String(code)}):\n${output.join('').slice(-4000)}`);
  }
  log(`${command} ${args[0] ?? ''} done`);
}

/** Builds the pinned server and SQL tool unless they are there. */
export async function ensureServerBinaries(log: (line: string) => void = () => undefined): Promise<ServerBinaries> {
  const binaries = serverBinaries();
  if (existsSync(binaries.server) && existsSync(binaries.sqlTool)) return binaries;
  const go = goVersion();
  if (!go) {
    throw new Error(
      `Building Temporal server ${binaries.version} needs Go (https://go.dev/dl/; the module proxy must be reachable). ` +
        `Or put temporal-server and temporal-sql-tool ${binaries.version} into ${serverBinaryDir()}.`,
    );
  }
  const started = Date.now();
  log(
    `building Temporal server ${binaries.version} and its SQL tool with ${go} into ${serverBinaryDir()} ` +
      '(about 5 minutes and 2.3 GB of memory the first time)…',
  );
  // Into a folder of this build's own, then moved: a build that dies half way leaves nothing that looks installed.
  const staging = join(PROJECT_ROOT, '.tools', 'temporal-server', `.build-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  try {
    const env = { ...process.env, CGO_ENABLED: '0', GOBIN: staging };
    await run(
      'go',
      ['install', `${PACKAGES.server}@v${binaries.version}`, `${PACKAGES.sql}@v${binaries.version}`],
      env,
      log,
    );
    mkdirSync(serverBinaryDir(), { recursive: true });
    renameSync(join(staging, 'sql'), binaries.sqlTool);
    renameSync(join(staging, 'server'), binaries.server);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`Temporal server ${binaries.version} built in ${Math.round((Date.now() - started) / 1000)} s`);
  return binaries;
}
