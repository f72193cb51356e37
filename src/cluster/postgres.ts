// PostgreSQL for the cluster: the machine's own binaries (PostgreSQL 12 or newer; Debian's `postgresql` package is
// installed with apt-get when none is found and this runs as root), a data folder of the cluster's own, TCP on
// loopback only with a password (scram-sha-256), no Unix socket. PostgreSQL refuses to run as root, so as root every
// PostgreSQL command runs as the `postgres` user, which must be able to reach the data folder.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface PostgresUser {
  name: string;
  uid: number;
  gid: number;
}

/** The superuser the cluster's Temporal connects as (as in docker-compose.yml). */
export const POSTGRES_USER = 'temporal';

const TOOLS = ['initdb', 'pg_ctl', 'postgres', 'pg_isready'] as const;

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** A folder with initdb, pg_ctl, postgres and pg_isready: PG_BIN, then the one initdb on PATH is in, then Debian's. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.PG_BIN) candidates.push(env.PG_BIN);
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) candidates.push(dirname(realpathSync(which.stdout.trim())));
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name) && Number(name) >= 12)
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`));
  }
  return candidates.find((dir) => TOOLS.every((tool) => existsSync(join(dir, tool))));
}

/** Debian's `postgresql` package, when we are root on a machine with apt-get. */
export function installPostgres(log: (line: string) => void): string {
  const found = findPostgresBin();
  if (found) return found;
  const aptGet = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot() || !aptGet) {
    throw new Error(
      'PostgreSQL (12 or newer) was not found: install it (Debian/Ubuntu: `sudo apt-get install postgresql`) ' +
        'or set PG_BIN to the folder holding initdb and pg_ctl.',
    );
  }
  log('installing PostgreSQL (apt-get install postgresql)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // A fresh container has no package lists; a failed update may still leave usable ones.
  spawnSync('apt-get', ['-qq', 'update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const result = spawnSync('apt-get', ['-qq', 'install', '-y', '--no-install-recommends', 'postgresql'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
  const installed = findPostgresBin();
  if (result.status !== 0 || !installed) throw new Error('apt-get could not install postgresql; install it yourself.');
  return installed;
}

/** As root: the `postgres` user (Debian's package creates it). Otherwise nobody: PostgreSQL runs as us. */
export function postgresUser(): PostgresUser | undefined {
  if (!isRoot()) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('Running as root, PostgreSQL needs a `postgres` user to run as; there is none (useradd postgres).');
  }
  return { name: 'postgres', uid: Number(uid), gid: Number(gid) };
}

/** True when `user` can create files in `dir`'s nearest existing folder (every parent traversable). */
function reachable(dir: string, user: PostgresUser | undefined): boolean {
  if (!user) return true;
  let existing = dir;
  while (!existsSync(existing)) existing = dirname(existing);
  const probe = spawnSync('sh', ['-c', 'test -x "$1" && test -r "$1"', 'sh', existing], {
    uid: user.uid,
    gid: user.gid,
    stdio: 'ignore',
  });
  return probe.status === 0;
}

/**
 * Where the database lives: `preferred` (inside the cluster's folder) when the user PostgreSQL runs as can reach it;
 * otherwise (a project under /root, say) a folder of this cluster's own in the temporary directory.
 */
export function postgresDir(preferred: string, user: PostgresUser | undefined): string {
  if (reachable(preferred, user)) return preferred;
  const id = createHash('sha256').update(preferred).digest('hex').slice(0, 12);
  return join(tmpdir(), `fulfill-cluster-postgres-${id}`);
}

export interface PostgresServerOptions {
  /** Holds `data/` and `postgres.log`; owned by the PostgreSQL user. */
  dir: string;
  port: number;
  bin: string;
  user: PostgresUser | undefined;
}

export class PostgresServer {
  readonly dataDir: string;
  readonly logFile: string;

  constructor(readonly options: PostgresServerOptions) {
    this.dataDir = join(options.dir, 'data');
    this.logFile = join(options.dir, 'postgres.log');
  }

  #run(tool: string, args: string[], ignoreFailure = false): { status: number | null; output: string } {
    const user = this.options.user;
    const result = spawnSync(join(this.options.bin, tool), args, {
      cwd: this.options.dir,
      encoding: 'utf8',
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' },
    });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
    if (result.status !== 0 && !ignoreFailure) {
      throw new Error(
        `${tool} ${args.join(' ')} failed (exit ${String(result.status)}):\n${output}\n${this.#logTail()}`,
      );
    }
    return { status: result.status, output };
  }

  #logTail(): string {
    try {
      return `${this.logFile}:\n${readFileSync(this.logFile, 'utf8').split('\n').slice(-20).join('\n')}`;
    } catch {
      return '';
    }
  }

  get initialized(): boolean {
    return existsSync(join(this.dataDir, 'PG_VERSION'));
  }

  /** A new database cluster with POSTGRES_USER as its superuser, reachable over loopback TCP with `password`. */
  init(password: string): void {
    if (this.initialized) return;
    const user = this.options.user;
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    if (user) chownSync(this.options.dir, user.uid, user.gid);
    const passwordFile = join(this.options.dir, '.initdb-password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (user) chownSync(passwordFile, user.uid, user.gid);
    try {
      this.#run('initdb', [
        '--pgdata',
        this.dataDir,
        '--username',
        POSTGRES_USER,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ]);
    } finally {
      rmSync(passwordFile, { force: true });
    }
    appendFileSync(
      join(this.dataDir, 'postgresql.conf'),
      [
        '',
        '# fulfill cluster (src/cluster/postgres.ts): loopback TCP only, room for every Temporal role.',
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        // Five roles × (20 default + 10 visibility connections), plus the tools.
        'max_connections = 300',
        '',
      ].join('\n'),
    );
  }

  isRunning(): boolean {
    return this.#run('pg_ctl', ['status', '--pgdata', this.dataDir], true).status === 0;
  }

  /**
   * Starts the server in a session of its own (pg_ctl runs detached), so a Ctrl-C meant for the command that started
   * it (`fulfill dev --cluster`) does not reach the database.
   */
  async start(): Promise<void> {
    if (this.isRunning()) return;
    const user = this.options.user;
    const args = ['start', '--pgdata', this.dataDir, '--log', this.logFile, '--wait', '--timeout=120'];
    const child = spawn(join(this.options.bin, 'pg_ctl'), [...args, '-o', `-p ${this.options.port}`], {
      cwd: this.options.dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code !== 0) throw new Error(`pg_ctl start failed (exit ${String(code)}):\n${output}\n${this.#logTail()}`);
  }

  /** `fast`: rolls back open transactions and closes connections (what a routine restart does). */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    if (!this.isRunning()) return;
    this.#run('pg_ctl', ['stop', '--pgdata', this.dataDir, '--mode', mode, '--wait', '--timeout=120']);
  }

  /** The postmaster's pid, from postmaster.pid. */
  pid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Resolves once the server answers on its port (pg_isready). */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const probe = this.#run('pg_isready', ['-h', '127.0.0.1', '-p', String(this.options.port)], true);
      if (probe.status === 0) return;
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL on port ${this.options.port} is not ready:\n${probe.output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Runs `psql -Atc sql` against a database as POSTGRES_USER; for benchmarks and checks. */
export async function psql(server: PostgresServer, password: string, database: string, sql: string): Promise<string> {
  const child = spawn(
    join(server.options.bin, 'psql'),
    ['-h', '127.0.0.1', '-p', String(server.options.port), '-U', POSTGRES_USER, '-d', database, '-Atc', sql],
    { env: { PATH: process.env.PATH, PGPASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`psql failed: ${err}`);
  return out.trim();
}
