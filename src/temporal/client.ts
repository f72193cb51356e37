// Temporal connections for every process (bridge, CLI, tests, benchmarks) and the worker, built from the one config.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { EngineConfig } from '../config/env.js';
import { tracingClientInterceptors } from '../observability/temporal-tracing.js';
import { createDataConverter } from './data-converter.js';
import { LazyNativeConnection } from './lazy-native-connection.js';

type ConnectionConfig = Pick<
  EngineConfig,
  'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_FILE' | 'PAYLOAD_CURRENT_KEY_ID'
>;

export async function connectClient(config: ConnectionConfig): Promise<Client> {
  // The data converter first: a missing key is a configuration error worth reporting before any network call.
  const dataConverter = createDataConverter(config);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter,
    interceptors: tracingClientInterceptors(),
  });
}

/**
 * A client that connects on first use, for long-running servers (the bridge): it starts while Temporal is down and
 * its calls fail (→ 503) until Temporal is back, instead of the process refusing to start. It runs on the SDK's
 * native transport (see lazy-native-connection.ts for why).
 */
export function createLazyClient(config: ConnectionConfig): Client {
  const dataConverter = createDataConverter(config);
  const connection = new LazyNativeConnection(config.TEMPORAL_ADDRESS);
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter,
    interceptors: tracingClientInterceptors(),
  });
}

export async function connectWorkerConnection(
  config: Pick<EngineConfig, 'TEMPORAL_ADDRESS'>,
): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
}
