// The configuration operator commands run with: the engine's one configuration, plus one default for a laptop. When no
// payload key is configured and `fulfill dev` has written its key file into DATA_DIR, the commands use that file, so
// `fulfill holds` next to `npm run dev` decodes what the dev engine wrote without any setup. Elsewhere (no such file)
// a missing key stays the configuration error that says what to set.
import { existsSync } from 'node:fs';
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
