// A production-shaped Temporal cluster on one machine, for `fulfill cluster up|down|status`, `fulfill dev --cluster`,
// the cluster test project and the cluster benchmark: the pinned server built from source (server-binaries.ts),
// PostgreSQL with a data folder of its own (postgres.ts), the schemas, certificates, five server roles over mTLS
// (roles.ts), and the engine's namespace with archival and search attributes, all through the deploy/temporal/
// scripts docker-compose.yml runs. Everything it starts outlives the command; its state file says what runs where.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveTemporalExecutable } from '../temporal/binaries.js';
import {
  findPostgresBin,
  installPostgres,
  postgresDir,
  postgresUser,
  PostgresServer,
  POSTGRES_USER,
} from './postgres.js';
import {
  certificateFiles,
  isProcessOf,
  portOpen,
  ROLES,
  roleEnv,
  SERVER_TLS_NAME,
  spawnRole,
  waitForRole,
  type ClusterPorts,
  type Role,
} from './roles.js';
import { ensureServerBinaries, serverBinaries, type ServerBinaries } from './server-binaries.js';
import {
  GENERATE_CERTS_SCRIPT,
  REGISTER_NAMESPACE_SCRIPT,
  serverSettings,
  SETUP_POSTGRES_SCRIPT,
} from './server-settings.js';

export const DEFAULT_CLUSTER_PORT_BASE = 7330;
export const CLIENT_PROFILE = 'cluster';

export interface ClusterState {
  version: string;
  root: string;
  ports: ClusterPorts;
  postgres: { dir: string; bin: string; password: string };
  namespace: string;
  pids: Partial<Record<Role, number>>;
}

export interface ClusterUpOptions {
  /** The cluster's folder: state, certificates, archive, logs (and the database when PostgreSQL can reach it). */
  root: string;
  /** Ports for a new cluster (a cluster that exists keeps its own); default: DEFAULT_CLUSTER_PORT_BASE onwards. */
  ports?: ClusterPorts;
  /** The engine's namespace, registered with archival and the search attributes. */
  namespace?: string;
  /** Its retention when it is created (default 30d). */
  retention?: string;
  log?: (line: string) => void;
}

/** The block of ports a cluster takes from `base`: gRPC base…base+5, membership +10…, metrics +20…, PostgreSQL +30. */
export function portsFrom(base: number): ClusterPorts {
  const role = (index: number) => ({
    grpc: base + (index === 0 ? 0 : index + 1),
    membership: base + 10 + index,
    metrics: base + 20 + index,
  });
  return {
    postgres: base + 30,
    frontendHttp: base + 1,
    roles: { frontend: role(0), matching: role(1), 'history-1': role(2), 'history-2': role(3), worker: role(4) },
  };
}

function stateFile(root: string): string {
  return join(root, 'cluster.json');
}

export function readClusterState(root: string): ClusterState | undefined {
  const file = stateFile(resolve(root));
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
}

async function runScript(script: string, args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn('sh', [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('close', done));
  if (code !== 0) throw new Error(`${script} failed (exit ${String(code)}):\n${output}`);
  return output.trim();
}

export class Cluster {
  readonly binaries: ServerBinaries;
  readonly postgres: PostgresServer;

  constructor(readonly state: ClusterState) {
    this.binaries = serverBinaries(state.version);
    this.postgres = new PostgresServer({
      dir: state.postgres.dir,
      port: state.ports.postgres,
      bin: state.postgres.bin,
      user: postgresUser(),
    });
  }

  get root(): string {
    return this.state.root;
  }
  get certsDir(): string {
    return join(this.root, 'tls');
  }
  get archivalDir(): string {
    return join(this.root, 'archival');
  }
  get logsDir(): string {
    return join(this.root, 'logs');
  }
  get address(): string {
    return `127.0.0.1:${this.state.ports.roles.frontend.grpc}`;
  }
  get profileFile(): string {
    return join(this.root, 'temporal.toml');
  }
  logFile(role: Role): string {
    return join(this.logsDir, `${role}.log`);
  }

  save(): void {
    writeFileSync(stateFile(this.root), `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
  }

  /** What an engine process, the `fulfill` CLI or the `temporal` CLI needs to reach the cluster: mTLS to the frontend. */
  clientEnv(namespace = this.state.namespace): Record<string, string> {
    const certs = certificateFiles(this.certsDir);
    return {
      TEMPORAL_ADDRESS: this.address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca,
      TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
      TEMPORAL_TLS_SERVER_NAME: SERVER_TLS_NAME,
    };
  }

  isRunning(role: Role): boolean {
    return isProcessOf(this.state.pids[role], this.binaries.server);
  }

  async startRole(role: Role): Promise<void> {
    if (this.isRunning(role)) return;
    const env = roleEnv(role, {
      ports: this.state.ports,
      postgresPassword: this.state.postgres.password,
      certs: certificateFiles(this.certsDir),
    });
    const pid = spawnRole(role, this.binaries.server, env, this.logFile(role), this.root);
    this.state.pids[role] = pid;
    this.save();
    await waitForRole(role, pid, this.binaries.server, this.state.ports.roles[role].grpc, this.logFile(role));
  }

  /** Ends a role with `signal` (SIGKILL: a crash) and waits until it is gone. */
  async stopRole(role: Role, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    const pid = this.state.pids[role];
    if (pid === undefined || !this.isRunning(role)) return;
    process.kill(pid, signal);
    const deadline = Date.now() + graceMs;
    while (isProcessOf(pid, this.binaries.server)) {
      if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
      await new Promise((done) => setTimeout(done, 100));
    }
    delete this.state.pids[role];
    this.save();
  }

  /** Stops PostgreSQL (fast shutdown: connections cut), waits `downMs`, starts it again on the same data. */
  async restartPostgres(downMs = 0): Promise<void> {
    this.postgres.stop('fast');
    await new Promise((done) => setTimeout(done, downMs));
    await this.postgres.start();
    await this.postgres.waitReady();
  }

  /**
   * deploy/temporal/register-namespace.sh with the `temporal` CLI: the namespace, its archival (filestore, under the
   * cluster's folder) and the engine's search attributes, checked.
   */
  async registerNamespace(namespace: string, retention = '30d'): Promise<string> {
    const cli = resolveTemporalExecutable('dev-server');
    if (cli.type !== 'existing-path') {
      throw new Error(
        'The cluster registers its namespace with the `temporal` CLI: run `npm run setup`, or set TEMPORAL_CLI_PATH.',
      );
    }
    return runScript(REGISTER_NAMESPACE_SCRIPT, [], {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TEMPORAL_CLI: cli.path,
      // The cluster's own profile file, so no profile of the user's is read by the CLI.
      TEMPORAL_CONFIG_FILE: this.profileFile,
      TEMPORAL_PROFILE: CLIENT_PROFILE,
      ...this.clientEnv(namespace),
      TEMPORAL_RETENTION: retention,
      TEMPORAL_HISTORY_ARCHIVAL_URI: `file://${join(this.archivalDir, 'history')}`,
      TEMPORAL_VISIBILITY_ARCHIVAL_URI: `file://${join(this.archivalDir, 'visibility')}`,
    });
  }

  /** The `temporal` CLI's profile file (TEMPORAL_CONFIG_FILE + TEMPORAL_PROFILE=cluster) and a sourceable env file. */
  writeClientFiles(): void {
    const env = this.clientEnv();
    writeFileSync(
      this.profileFile,
      [
        `# The cluster at ${this.root}: TEMPORAL_CONFIG_FILE=${this.profileFile} TEMPORAL_PROFILE=${CLIENT_PROFILE}`,
        `[profile.${CLIENT_PROFILE}]`,
        `address = "${env.TEMPORAL_ADDRESS}"`,
        `namespace = "${env.TEMPORAL_NAMESPACE}"`,
        `[profile.${CLIENT_PROFILE}.tls]`,
        `server_name = "${env.TEMPORAL_TLS_SERVER_NAME}"`,
        `server_ca_cert_path = "${env.TEMPORAL_TLS_SERVER_CA_CERT_PATH}"`,
        `client_cert_path = "${env.TEMPORAL_TLS_CLIENT_CERT_PATH}"`,
        `client_key_path = "${env.TEMPORAL_TLS_CLIENT_KEY_PATH}"`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(this.root, 'client.env'),
      `${Object.entries(env)
        .map(([name, value]) => `export ${name}=${value}`)
        .join('\n')}\n`,
    );
  }

  /** Every role (SIGTERM, then SIGKILL after `graceMs`), then PostgreSQL. */
  async stop(graceMs = 15_000): Promise<void> {
    await Promise.all(ROLES.map((role) => this.stopRole(role, 'SIGTERM', graceMs)));
    this.postgres.stop('fast');
  }

  /** Where everything is, for `up` and `status`. */
  async describe(): Promise<string[]> {
    const lines = [`Temporal cluster ${this.state.version} in ${this.root}`];
    for (const role of ROLES) {
      const ports = this.state.ports.roles[role];
      const running = this.isRunning(role) && (await portOpen(ports.grpc));
      lines.push(
        `  ${role.padEnd(10)} ${running ? `pid ${this.state.pids[role]}` : 'STOPPED'.padEnd(10)}  gRPC 127.0.0.1:${ports.grpc}` +
          `  metrics http://127.0.0.1:${ports.metrics}/metrics  log ${this.logFile(role)}`,
      );
    }
    lines.push(
      `  postgresql ${this.postgres.isRunning() ? `pid ${this.postgres.pid()}` : 'STOPPED'}  127.0.0.1:${this.state.ports.postgres} ` +
        `user ${POSTGRES_USER}  data ${this.postgres.dataDir}  log ${this.postgres.logFile}`,
      `  shards     ${serverSettings().NUM_HISTORY_SHARDS} (permanent)  dynamic config deploy/temporal/dynamicconfig.yaml`,
      `  TLS        ${this.certsDir} (CA, server and client certificates; the frontend requires a client certificate)`,
      `  archive    file://${this.archivalDir}/{history,visibility}`,
      `  clients    source ${join(this.root, 'client.env')}  (or TEMPORAL_CONFIG_FILE=${this.profileFile} TEMPORAL_PROFILE=${CLIENT_PROFILE})`,
    );
    return lines;
  }
}

function newState(options: ClusterUpOptions, root: string): ClusterState {
  const bin = findPostgresBin() ?? installPostgres(options.log ?? (() => undefined));
  return {
    version: serverBinaries().version,
    root,
    ports: options.ports ?? portsFrom(DEFAULT_CLUSTER_PORT_BASE),
    postgres: {
      dir: postgresDir(join(root, 'postgres'), postgresUser()),
      bin,
      password: randomBytes(18).toString('base64url'),
    },
    namespace: options.namespace ?? 'default',
    pids: {},
  };
}

async function assertPortsFree(cluster: Cluster): Promise<void> {
  const busy: string[] = [];
  const { ports } = cluster.state;
  if (!cluster.postgres.isRunning() && (await portOpen(ports.postgres))) busy.push(`PostgreSQL ${ports.postgres}`);
  for (const role of ROLES) {
    if (cluster.isRunning(role)) continue;
    for (const [what, port] of Object.entries(ports.roles[role]) as [string, number][]) {
      if (await portOpen(port)) busy.push(`${role} ${what} ${port}`);
    }
  }
  if (!cluster.isRunning('frontend') && (await portOpen(ports.frontendHttp)))
    busy.push(`frontend http ${ports.frontendHttp}`);
  if (busy.length > 0) {
    throw new Error(`Ports in use: ${busy.join(', ')}. Stop what uses them, or choose other ports (--port-base).`);
  }
}

/** Starts whatever of the cluster is not running (idempotent) and returns it. */
export async function clusterUp(options: ClusterUpOptions): Promise<Cluster> {
  const log = options.log ?? (() => undefined);
  const root = resolve(options.root);
  mkdirSync(root, { recursive: true });
  const state = readClusterState(root) ?? newState(options, root);
  const pinned = serverBinaries().version;
  if (state.version !== pinned) {
    log(`the cluster ran server ${state.version}; deploy/temporal/server.env pins ${pinned}: it runs ${pinned} now`);
    state.version = pinned;
  }
  const cluster = new Cluster(state);
  cluster.save();
  await ensureServerBinaries(log);
  await assertPortsFree(cluster);

  if (!cluster.postgres.initialized) log(`creating the PostgreSQL database in ${cluster.postgres.dataDir}…`);
  cluster.postgres.init(cluster.state.postgres.password);
  await cluster.postgres.start();
  await cluster.postgres.waitReady();
  const settings = serverSettings();
  log(
    await runScript(SETUP_POSTGRES_SCRIPT, [], {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TEMPORAL_SQL_TOOL: cluster.binaries.sqlTool,
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(cluster.state.ports.postgres),
      POSTGRES_USER,
      SQL_PASSWORD: cluster.state.postgres.password,
      DBNAME: settings.DBNAME ?? 'temporal',
      VISIBILITY_DBNAME: settings.VISIBILITY_DBNAME ?? 'temporal_visibility',
    }),
  );
  log(await runScript(GENERATE_CERTS_SCRIPT, [cluster.certsDir], { PATH: process.env.PATH ?? '/usr/bin:/bin' }));
  // The first process of a new cluster writes its metadata record; several at once race for it and the losers exit.
  await cluster.startRole('frontend');
  await Promise.all(ROLES.filter((role) => role !== 'frontend').map((role) => cluster.startRole(role)));
  cluster.writeClientFiles();
  log(await cluster.registerNamespace(cluster.state.namespace, options.retention));
  return cluster;
}

/** Stops every role and PostgreSQL; the data stays for the next `up`. */
export async function clusterDown(root: string): Promise<boolean> {
  const state = readClusterState(root);
  if (!state) return false;
  await new Cluster(state).stop();
  return true;
}
