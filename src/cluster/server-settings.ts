// The files the two stacks that run a Temporal server share: docker-compose.yml and `fulfill cluster up` read the same
// deploy/temporal/ scripts, dynamic config and server settings (server.env, with the pinned server version).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../temporal/binaries.js';

export const DEPLOY_DIR = join(PROJECT_ROOT, 'deploy', 'temporal');
export const SERVER_ENV_FILE = join(DEPLOY_DIR, 'server.env');
export const DYNAMIC_CONFIG_FILE = join(DEPLOY_DIR, 'dynamicconfig.yaml');
export const SETUP_POSTGRES_SCRIPT = join(DEPLOY_DIR, 'setup-postgres.sh');
export const REGISTER_NAMESPACE_SCRIPT = join(DEPLOY_DIR, 'register-namespace.sh');
export const GENERATE_CERTS_SCRIPT = join(DEPLOY_DIR, 'generate-certs.sh');

/** `KEY=VALUE` lines of an env file (docker compose's `env_file` format without quotes or interpolation). */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

/** deploy/temporal/server.env: what every server process gets (database plugin, shard count, version). */
export function serverSettings(): Record<string, string> {
  return parseEnvFile(readFileSync(SERVER_ENV_FILE, 'utf8'));
}

export function serverVersion(): string {
  const version = serverSettings().TEMPORAL_SERVER_VERSION;
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`${SERVER_ENV_FILE} has no TEMPORAL_SERVER_VERSION=x.y.z line`);
  }
  return version;
}
