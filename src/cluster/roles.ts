// The cluster's five Temporal server processes (frontend, matching, two history hosts, the worker role), each
// `temporal-server start --service <service>` from the server's embedded, environment-driven config: the settings of
// deploy/temporal/server.env, the database, per-role ports, a Prometheus endpoint per role, and TLS: the frontend
// serves TLS and requires a client certificate (mTLS), and the roles speak mTLS between themselves.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DYNAMIC_CONFIG_FILE, serverSettings } from './server-settings.js';

export const ROLES = ['frontend', 'matching', 'history-1', 'history-2', 'worker'] as const;
export type Role = (typeof ROLES)[number];

const SERVICE: Record<Role, string> = {
  frontend: 'frontend',
  matching: 'matching',
  'history-1': 'history',
  'history-2': 'history',
  worker: 'worker',
};

export interface RolePorts {
  grpc: number;
  /** Below 32768: the server keeps it in a PostgreSQL smallint. */
  membership: number;
  /** Prometheus metrics at http://127.0.0.1:{metrics}/metrics. */
  metrics: number;
}

export interface ClusterPorts {
  postgres: number;
  /** The frontend's HTTP API (the server always opens it). */
  frontendHttp: number;
  roles: Record<Role, RolePorts>;
}

/** The names the server's certificate carries and clients verify (deploy/temporal/generate-certs.sh). */
export const SERVER_TLS_NAME = 'temporal';

export interface CertificateFiles {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export function certificateFiles(dir: string): CertificateFiles {
  return {
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
  };
}

/**
 * The server's TLS variables (its config template's names): the frontend's certificate and the CA its clients'
 * certificates must chain to, the internode certificate (also what the worker role shows the frontend), and the
 * name both sides verify. docker-compose.tls.yml sets the same variables.
 */
export function serverTlsEnv(certs: CertificateFiles): Record<string, string> {
  return {
    TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true',
    TEMPORAL_TLS_SERVER_CA_CERT: certs.ca,
    TEMPORAL_TLS_SERVER_CERT: certs.serverCert,
    TEMPORAL_TLS_SERVER_KEY: certs.serverKey,
    TEMPORAL_TLS_FRONTEND_CERT: certs.serverCert,
    TEMPORAL_TLS_FRONTEND_KEY: certs.serverKey,
    TEMPORAL_TLS_CLIENT1_CA_CERT: certs.ca,
    // The template lists a second client CA whenever the first is set; the same CA rather than an empty entry.
    TEMPORAL_TLS_CLIENT2_CA_CERT: certs.ca,
    TEMPORAL_TLS_INTERNODE_SERVER_NAME: SERVER_TLS_NAME,
    TEMPORAL_TLS_FRONTEND_SERVER_NAME: SERVER_TLS_NAME,
  };
}

export interface RoleEnvOptions {
  ports: ClusterPorts;
  postgresPassword: string;
  certs: CertificateFiles;
  logLevel?: string;
}

/** The environment of one role: shared settings, every service's ports (this history host's own), its metrics. */
export function roleEnv(role: Role, options: RoleEnvOptions): Record<string, string> {
  const { ports } = options;
  const history = ports.roles[role === 'history-2' ? 'history-2' : 'history-1'];
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...serverSettings(),
    POSTGRES_SEEDS: '127.0.0.1',
    DB_PORT: String(ports.postgres),
    POSTGRES_USER: 'temporal',
    POSTGRES_PWD: options.postgresPassword,
    BIND_ON_IP: '127.0.0.1',
    DYNAMIC_CONFIG_FILE_PATH: DYNAMIC_CONFIG_FILE,
    LOG_LEVEL: options.logLevel ?? 'warn',
    PROMETHEUS_ENDPOINT: `127.0.0.1:${ports.roles[role].metrics}`,
    FRONTEND_GRPC_PORT: String(ports.roles.frontend.grpc),
    FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(ports.roles.frontend.membership),
    MATCHING_GRPC_PORT: String(ports.roles.matching.grpc),
    MATCHING_MEMBERSHIP_PORT: String(ports.roles.matching.membership),
    HISTORY_GRPC_PORT: String(history.grpc),
    HISTORY_MEMBERSHIP_PORT: String(history.membership),
    WORKER_GRPC_PORT: String(ports.roles.worker.grpc),
    WORKER_MEMBERSHIP_PORT: String(ports.roles.worker.membership),
    ...serverTlsEnv(options.certs),
  };
}

/** Starts a role detached (it outlives the command that started it), its output appended to `logFile`. */
export function spawnRole(
  role: Role,
  serverBinary: string,
  env: Record<string, string>,
  logFile: string,
  cwd: string,
): number {
  mkdirSync(join(logFile, '..'), { recursive: true });
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(serverBinary, ['--allow-no-auth', 'start', '--service', SERVICE[role]], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${serverBinary} for ${role}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** True while `pid` is a running process of `binary` (not a recycled pid). */
export function isProcessOf(pid: number | undefined, binary: string): boolean {
  if (pid === undefined) return false;
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (state.slice(state.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === binary;
  } catch {
    return false;
  }
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Waits until the role listens on its gRPC port; fails early, with its log's tail, if the process ends. */
export async function waitForRole(
  role: Role,
  pid: number,
  binary: string,
  port: number,
  logFile: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await portOpen(port)) return;
    const tail = () => {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      } catch {
        return '(no log)';
      }
    };
    if (!isProcessOf(pid, binary)) throw new Error(`Temporal ${role} (pid ${pid}) exited; ${logFile}:\n${tail()}`);
    if (Date.now() > deadline) throw new Error(`Temporal ${role} is not listening on ${port}; ${logFile}:\n${tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
