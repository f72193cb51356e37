// What every process needs to open a Temporal connection (worker, bridge, CLI, tests, benchmarks): the address, and
// TLS, a client certificate (mTLS), a server name and an API key when configured. The rule is the `temporal` CLI's:
// TLS is on when TEMPORAL_TLS says so, or when any TLS setting or an API key is given; TEMPORAL_TLS=false turns it off.
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { EngineConfig } from '../config/env.js';

export type TemporalConnectionConfig = Pick<
  EngineConfig,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'
  | 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'
  | 'TEMPORAL_TLS_CLIENT_CERT_PATH'
  | 'TEMPORAL_TLS_CLIENT_CERT_DATA'
  | 'TEMPORAL_TLS_CLIENT_KEY_PATH'
  | 'TEMPORAL_TLS_CLIENT_KEY_DATA'
  | 'TEMPORAL_API_KEY'
>;

/** Options both connection kinds take (the client's `Connection` and the worker's `NativeConnection`). */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | false;
  apiKey?: string;
}

function pem(path: string | undefined, data: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data);
  return path ? readFileSync(path) : undefined;
}

function wantsTls(config: TemporalConnectionConfig): boolean {
  if (config.TEMPORAL_TLS !== undefined) return config.TEMPORAL_TLS;
  return Boolean(
    config.TEMPORAL_API_KEY ??
    config.TEMPORAL_TLS_SERVER_NAME ??
    config.TEMPORAL_TLS_SERVER_CA_CERT_PATH ??
    config.TEMPORAL_TLS_SERVER_CA_CERT_DATA ??
    config.TEMPORAL_TLS_CLIENT_CERT_PATH ??
    config.TEMPORAL_TLS_CLIENT_CERT_DATA,
  );
}

export function temporalConnectionOptions(config: TemporalConnectionConfig): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: config.TEMPORAL_ADDRESS };
  if (config.TEMPORAL_API_KEY) options.apiKey = config.TEMPORAL_API_KEY;
  if (!wantsTls(config)) {
    // Said explicitly, so an API key (which the SDK would send over TLS by default) goes in clear only when asked.
    if (config.TEMPORAL_TLS === false) options.tls = false;
    return options;
  }
  const tls: TLSConfig = {};
  if (config.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
  const ca = pem(config.TEMPORAL_TLS_SERVER_CA_CERT_PATH, config.TEMPORAL_TLS_SERVER_CA_CERT_DATA);
  if (ca) tls.serverRootCACertificate = ca;
  const crt = pem(config.TEMPORAL_TLS_CLIENT_CERT_PATH, config.TEMPORAL_TLS_CLIENT_CERT_DATA);
  const key = pem(config.TEMPORAL_TLS_CLIENT_KEY_PATH, config.TEMPORAL_TLS_CLIENT_KEY_DATA);
  if (crt && key) tls.clientCertPair = { crt, key };
  options.tls = tls;
  return options;
}

/** The connection in words for banners and error messages: where, and how it is secured (never a secret). */
export function describeTemporalConnection(config: TemporalConnectionConfig): string {
  if (!wantsTls(config)) return `${config.TEMPORAL_ADDRESS} (plaintext${config.TEMPORAL_API_KEY ? ', API key' : ''})`;
  const parts = ['TLS'];
  if (config.TEMPORAL_TLS_CLIENT_CERT_PATH ?? config.TEMPORAL_TLS_CLIENT_CERT_DATA) parts.push('client certificate');
  if (config.TEMPORAL_API_KEY) parts.push('API key');
  if (config.TEMPORAL_TLS_SERVER_NAME) parts.push(`server name ${config.TEMPORAL_TLS_SERVER_NAME}`);
  return `${config.TEMPORAL_ADDRESS} (${parts.join(', ')})`;
}
