// How operator commands reach Temporal: the one configuration (env), a client with the engine's data converter (the
// payload codec: keys from PAYLOAD_KEYS / PAYLOAD_KEY_FILE, never printed), a clear error when Temporal cannot be
// reached, and the connection closed afterwards. A failure the operator must act on is a CommandFailure (exit 1).
import type { Client } from '@temporalio/client';
import { ConfigError, type EngineConfig } from '../config/env.js';
import { startTracing } from '../observability/tracing.js';
import { cliIdentity, loadOperatorConfig } from './operator-config.js';
import { connectClient, connectRawClient } from '../temporal/client.js';
import { isUnreachable, unreachableMessage } from '../temporal/unreachable.js';

/** A command that ran but did not get what was asked (a rejection, nothing found, Temporal down): exit 1. */
export class CommandFailure extends Error {
  override name = 'CommandFailure';
}

export interface SessionOptions {
  /**
   * false: a client without the payload codec, for commands that only read raw histories and decode elsewhere (the
   * audit through the bridge's codec endpoint). Default true.
   */
  payloadKeys?: boolean;
}

async function connect(config: EngineConfig, options: SessionOptions): Promise<Client> {
  const identity = cliIdentity();
  if (options.payloadKeys !== false) return connectClient(config, { identity });
  return connectRawClient(config, { identity });
}

/** Runs `fn` with a connected client; a Temporal that cannot be reached becomes one clear CommandFailure. */
export async function withTemporal<T>(fn: (client: Client, config: EngineConfig) => Promise<T>): Promise<T>;
export async function withTemporal<T>(
  options: SessionOptions,
  fn: (client: Client, config: EngineConfig) => Promise<T>,
): Promise<T>;
export async function withTemporal<T>(
  first: SessionOptions | ((client: Client, config: EngineConfig) => Promise<T>),
  second?: (client: Client, config: EngineConfig) => Promise<T>,
): Promise<T> {
  const options = typeof first === 'function' ? {} : first;
  const fn = typeof first === 'function' ? first : second!;
  const config = loadOperatorConfig();
  // With OTEL_* set, what an operator command starts (an update, a signal) is traced from here.
  const tracing = startTracing('cli');
  try {
    let client: Client;
    try {
      client = await connect(config, options);
    } catch (error) {
      // A configuration error (no payload key) is the caller's to fix: main() reports it as usage (exit 2).
      if (error instanceof ConfigError) throw error;
      throw new CommandFailure(unreachableMessage(config));
    }
    try {
      return await fn(client, config);
    } catch (error) {
      if (isUnreachable(error)) throw new CommandFailure(unreachableMessage(config));
      throw error;
    } finally {
      await client.connection.close();
    }
  } finally {
    await tracing.shutdown();
  }
}
