// Running one `fulfill sandbox` command: a control API client for --url (default http://SANDBOX_HOST:SANDBOX_PORT),
// the sandbox's refusals (bad options, unknown names) as usage errors (exit 2), and the answer printed for people or,
// with --json, as it is.
import type { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { SandboxControlClient, SandboxControlError } from '../../sandbox/control/client.js';
import { print } from '../output.js';
import { UsageError } from '../usage-error.js';

interface GlobalOptions {
  url?: string;
  json?: boolean;
}

function defaultUrl(): string {
  const config = loadConfig();
  const host = config.SANDBOX_HOST === '0.0.0.0' ? '127.0.0.1' : config.SANDBOX_HOST;
  return `http://${host}:${config.SANDBOX_PORT}`;
}

export async function run<T>(
  command: Command,
  call: (client: SandboxControlClient) => Promise<T>,
  human: (result: T) => string,
): Promise<void> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const client = new SandboxControlClient(options.url ?? defaultUrl());
  let result: T;
  try {
    result = await call(client);
  } catch (error) {
    if (error instanceof SandboxControlError && (error.status === 400 || error.status === 404)) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  print(options.json ? JSON.stringify(result, null, 2) : human(result));
}
