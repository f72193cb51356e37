// Temporal connections for every process (bridge, CLI, tests, benchmarks) and the worker, built from the one config:
// the address and, when configured, TLS, a client certificate, a server name and an API key (connection-options.ts).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { EngineConfig } from '../config/env.js';
import { temporalConnectionOptions, type TemporalConnectionConfig } from './connection-options.js';
import { tracingClientInterceptors } from '../observability/temporal-tracing.js';
import { createDataConverter } from './data-converter.js';
import { LazyNativeConnection } from './lazy-native-connection.js';

type ClientConfig = TemporalConnectionConfig &
  Pick<EngineConfig, 'TEMPORAL_NAMESPACE' | 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_FILE' | 'PAYLOAD_CURRENT_KEY_ID'>;

export async function connectClient(config: ClientConfig, options: { identity?: string } = {}): Promise<Client> {
  // The data converter first: a missing key is a configuration error worth reporting before any network call.
  const dataConverter = createDataConverter(config);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter,
    ...(options.identity ? { identity: options.identity } : {}),
    interceptors: tracingClientInterceptors(),
  });
}

/** A client without the payload codec, for commands that read raw histories and decode elsewhere. */
export async function connectRawClient(
  config: TemporalConnectionConfig & Pick<EngineConfig, 'TEMPORAL_NAMESPACE'>,
  options: { identity?: string } = {},
): Promise<Client> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    ...(options.identity ? { identity: options.identity } : {}),
    interceptors: tracingClientInterceptors(),
  });
}

/**
 * A client that connects on first use, for long-running servers (the bridge): it starts while Temporal is down and
 * its calls fail (→ 503) until Temporal is back, instead of the process refusing to start. It runs on the SDK's
 * native transport (see lazy-native-connection.ts for why).
 */
export function createLazyClient(config: ClientConfig): Client {
  const dataConverter = createDataConverter(config);
  const connection = new LazyNativeConnection(temporalConnectionOptions(config));
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter,
    interceptors: tracingClientInterceptors(),
  });
}

export async function connectWorkerConnection(config: TemporalConnectionConfig): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(config));
}
