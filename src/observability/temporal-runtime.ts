// The Temporal SDK's Runtime for a process that runs native connections (worker, bridge): its logs (worker lifecycle,
// workflow and activity context loggers, and the Rust core's own lines, forwarded) go through the process's pino
// logger, so every line the process writes is the same JSON; and, in the worker, the SDK's metrics are exported in
// Prometheus format on a loopback port the worker's metrics server reads.
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from './logger.js';

const PINO_LEVEL = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
} as const satisfies Record<LogLevel, string>;

/** The SDK's Logger interface on top of pino. An `error` field becomes pino's `err` (name, message, stack). */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const method = PINO_LEVEL[level];
    if (!logger.isLevelEnabled(method)) return;
    if (!meta) {
      logger[method](message);
      return;
    }
    const { error, ...fields } = meta as Record<string, unknown>;
    logger[method](error === undefined ? fields : { ...fields, err: error }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** How much of the core's own logging to forward: it is chatty below WARN. */
function coreLogLevel(level: string): LogLevel {
  if (level === 'trace') return 'DEBUG';
  if (level === 'debug') return 'INFO';
  return 'WARN';
}

export interface TemporalRuntimeOptions {
  logger: Logger;
  /** LOG_LEVEL. */
  level: string;
  /** `127.0.0.1:port` for the SDK's Prometheus exporter; omitted = no SDK metrics. */
  prometheusBindAddress?: string;
}

/** Installs the process's Temporal Runtime; must run before the first native connection. */
export function installTemporalRuntime(options: TemporalRuntimeOptions): void {
  Runtime.install({
    logger: temporalLogger(options.logger),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: coreLogLevel(options.level), other: 'ERROR' } },
      ...(options.prometheusBindAddress
        ? { metrics: { prometheus: { bindAddress: options.prometheusBindAddress } } }
        : {}),
    },
  });
}
