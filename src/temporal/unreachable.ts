// How a process says it cannot reach Temporal: one sentence naming where it looked and what to set, shared by the CLI
// (exit 1) and the worker at start, instead of the transport's own error (a gRPC status, or the native client's
// `tonic::transport::Error(…)` with a stack).
import type { EngineConfig } from '../config/env.js';
import { describeTemporalConnection, type TemporalConnectionConfig } from './connection-options.js';

/**
 * gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) anywhere in the cause chain, or the native client's TransportError
 * (the worker's connection: refused, no such host, a TLS handshake that failed).
 */
export function isUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (code === 14 || code === 4 || current.name === 'TransportError') return true;
    if (/Failed to connect|ECONNREFUSED|UNAVAILABLE/.test(current.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function unreachableMessage(
  config: TemporalConnectionConfig & Pick<EngineConfig, 'TEMPORAL_NAMESPACE'>,
): string {
  return (
    `Cannot reach Temporal at ${describeTemporalConnection(config)} (namespace ${config.TEMPORAL_NAMESPACE}). ` +
    'Is it running? `npm run dev` starts one locally; TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE say where it is, ' +
    'TEMPORAL_TLS_* and TEMPORAL_API_KEY how to reach it (docs/CLUSTER.md).'
  );
}
