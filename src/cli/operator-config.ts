// The configuration operator commands run with: the engine's one configuration, plus one default for a laptop. When no
// payload key is configured and `fulfill dev` has written its key file into DATA_DIR, the commands use that file, so
// `fulfill holds` next to `npm run dev` decodes what the dev engine wrote without any setup. Elsewhere (no such file)
// a missing key stays the configuration error that says what to set.
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { loadConfig, type EngineConfig } from '../config/env.js';

export const DEV_PAYLOAD_KEY_FILE = 'payload-keys.json';

export function devPayloadKeyFile(dataDir: string): string {
  return resolve(dataDir, DEV_PAYLOAD_KEY_FILE);
}

export function loadOperatorConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const config = loadConfig(env);
  if (config.PAYLOAD_KEYS.length > 0 || config.PAYLOAD_KEY_FILE) return config;
  const devKeyFile = devPayloadKeyFile(config.DATA_DIR);
  return existsSync(devKeyFile) ? { ...config, PAYLOAD_KEY_FILE: devKeyFile } : config;
}

/** The account running this command (the OS user), for the Temporal identity and the default operator name. */
export function osUserName(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): the shell's word for it, if any.
    return env.USER?.trim() || env.LOGNAME?.trim() || 'unknown-user';
  }
}

/** Who an operator command says acted when --operator is not given: FULFILL_OPERATOR, else the OS user. */
export function defaultOperatorName(env: NodeJS.ProcessEnv = process.env): string {
  return env.FULFILL_OPERATOR?.trim() || osUserName(env);
}

/**
 * The identity Temporal records in the history of every signal and update this CLI sends (beside the operator name
 * the input claims): the OS account and the machine it ran on.
 */
export function cliIdentity(env: NodeJS.ProcessEnv = process.env): string {
  return `fulfill-cli:${osUserName(env)}@${hostname()}`;
}
