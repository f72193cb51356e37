// The configuration operator commands run with: the engine's one configuration, plus the defaults for a laptop that
// `fulfill dev` leaves in DATA_DIR. When no payload key is configured and `fulfill dev` has written its key file there,
// the commands use that file, so `fulfill holds` next to `npm run dev` decodes what the dev engine wrote without any
// setup; when PARTNER_WEBHOOK_URL is not set, the notification target `fulfill dev` gave its engine (the sandbox
// partner's, whose port only the running sandbox knows for sure) is read from its record there. Elsewhere (no such
// file) a missing key stays the configuration error that says what to set, and it names the file looked for.
import { Option } from 'commander';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, type EngineConfig } from '../config/env.js';

export const DEV_PAYLOAD_KEY_FILE = 'payload-keys.json';
export const DEV_NOTIFICATION_TARGET_FILE = 'dev-notification-target.json';

export function devPayloadKeyFile(dataDir: string): string {
  return resolve(dataDir, DEV_PAYLOAD_KEY_FILE);
}

export function devNotificationTargetFile(dataDir: string): string {
  return resolve(dataDir, DEV_NOTIFICATION_TARGET_FILE);
}

/**
 * `fulfill dev` records the PARTNER_WEBHOOK_URL it gives its engine, or that it gives none (the file removed, so an
 * earlier sandbox's target is not taken for the current one). The URL may carry a token: readable by its owner only.
 */
export function recordDevNotificationTarget(dataDir: string, url: string | undefined): void {
  const file = devNotificationTargetFile(dataDir);
  if (!url?.trim()) {
    rmSync(file, { force: true });
    return;
  }
  writeFileSync(file, `${JSON.stringify({ PARTNER_WEBHOOK_URL: url.trim() })}\n`, { mode: 0o600 });
}

/** The target `fulfill dev` recorded in dataDir, if any (an unreadable record counts as none). */
export function devNotificationTarget(dataDir: string): string | undefined {
  try {
    const record = JSON.parse(readFileSync(devNotificationTargetFile(dataDir), 'utf8')) as unknown;
    const url = (record as { PARTNER_WEBHOOK_URL?: unknown } | null)?.PARTNER_WEBHOOK_URL;
    return typeof url === 'string' && URL.canParse(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

export function loadOperatorConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const config = loadConfig(env);
  const withKeys = (): Partial<EngineConfig> => {
    if (config.PAYLOAD_KEYS.length > 0 || config.PAYLOAD_KEY_FILE) return {};
    const devKeyFile = devPayloadKeyFile(config.DATA_DIR);
    return existsSync(devKeyFile) ? { PAYLOAD_KEY_FILE: devKeyFile } : {};
  };
  const withTarget = (): Partial<EngineConfig> => {
    if (config.PARTNER_WEBHOOK_URL) return {};
    const url = devNotificationTarget(config.DATA_DIR);
    return url ? { PARTNER_WEBHOOK_URL: url } : {};
  };
  return { ...config, ...withKeys(), ...withTarget() };
}

const NO_PAYLOAD_KEY = /^no payload encryption key configured\b/;

/**
 * A missing payload key, with where the key file of `fulfill dev` was looked for: a CLI run with another DATA_DIR
 * than `npm run dev` (another directory, a DATA_DIR of its own) misses the file, and the message alone would not say
 * so. Other errors, and a key configured but unusable, are returned as they are.
 */
export function withDevKeyFileHint(error: ConfigError, env: NodeJS.ProcessEnv = process.env): ConfigError {
  if (!error.problems.some((problem) => NO_PAYLOAD_KEY.test(problem.message))) return error;
  let config: EngineConfig;
  try {
    config = loadConfig(env);
  } catch {
    return error;
  }
  if (config.PAYLOAD_KEYS.length > 0 || config.PAYLOAD_KEY_FILE) return error;
  const file = devPayloadKeyFile(config.DATA_DIR);
  return new ConfigError(
    error.problems.map((problem) =>
      NO_PAYLOAD_KEY.test(problem.message)
        ? {
            ...problem,
            message:
              `${problem.message}; nor is there a key file of \`fulfill dev\` at ${file} (DATA_DIR ` +
              `${config.DATA_DIR}): next to \`npm run dev\`, run this with the DATA_DIR it uses`,
          }
        : problem,
    ),
  );
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
 * `--operator <name>`, its default said once in the help: commander would print the resolved name as well, after a
 * description that already explains where it comes from.
 */
export function operatorOption(description: string, env: NodeJS.ProcessEnv = process.env): Option {
  const name = defaultOperatorName(env);
  return new Option('--operator <name>', description).default(
    name,
    `FULFILL_OPERATOR, else your OS user name; now ${JSON.stringify(name)}`,
  );
}

/**
 * The identity Temporal records in the history of every signal and update this CLI sends (beside the operator name
 * the input claims): the OS account and the machine it ran on.
 */
export function cliIdentity(env: NodeJS.ProcessEnv = process.env): string {
  return `fulfill-cli:${osUserName(env)}@${hostname()}`;
}
