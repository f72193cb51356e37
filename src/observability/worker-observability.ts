// Everything the worker process needs to be observed, in start-up order: tracing (if OTEL_* asks for it), the
// Temporal Runtime (pino logs; SDK metrics on a loopback port when metrics are on), the engine's metrics and their
// /metrics, /healthz and /readyz endpoint, and the options the worker and its client take (interceptors, the
// workflow span sink); once the worker exists, the endpoint reports on it.
import type { Client, ClientInterceptors } from '@temporalio/client';
import type { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { EngineConfig } from '../config/env.js';
import { freePort } from '../runtime/free-port.js';
import { activityMetricsInterceptors } from './activity-metrics.js';
import { createEngineMetrics, type EngineMetrics } from './engine-metrics.js';
import { createFleetGauges, type FleetGauges } from './fleet-gauges.js';
import type { Logger } from './logger.js';
import { installTemporalRuntime } from './temporal-runtime.js';
import {
  tracingActivityInterceptors,
  tracingClientInterceptors,
  workflowInterceptorsPath,
  workflowSpanSinks,
} from './temporal-tracing.js';
import { startTracing, type Tracing } from './tracing.js';
import { recordVendorCallsIn } from './vendor-calls.js';
import { startWorkerMetricsServer, type Readiness, type WorkerMetricsServer } from './worker-metrics-server.js';
import { StartFailure } from '../runtime/process.js';

type ObservabilityConfig = Pick<EngineConfig, 'WORKER_METRICS_PORT' | 'LOG_LEVEL' | 'HOLD_ESCALATION_AFTER'>;

export interface WorkerObservability {
  tracing: Tracing;
  /** Undefined with WORKER_METRICS_PORT=off. */
  metrics: EngineMetrics | undefined;
  /** For the client activities use (so what they start or signal continues the trace). */
  clientInterceptors: ClientInterceptors;
  /** For Worker.create. */
  workerOptions: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  /** The endpoint's base URL (undefined with WORKER_METRICS_PORT=off). */
  metricsUrl: string | undefined;
  /** Hands the endpoint the worker it reports on (readiness, visibility gauges). */
  attach(parts: { worker: Worker; connection: NativeConnection; client: Client }): void;
  stop(): Promise<void>;
}

const READINESS_DEADLINE_MS = 2_000;

/** Running, both pollers polling, and Temporal answering a health check. */
export async function workerReadiness(worker: Worker, connection: NativeConnection): Promise<Readiness> {
  const status = worker.getStatus();
  if (status.runState !== 'RUNNING') return { ready: false, reason: `worker ${status.runState.toLowerCase()}` };
  if (status.workflowPollerState !== 'POLLING' || status.activityPollerState !== 'POLLING') {
    return { ready: false, reason: 'not polling' };
  }
  try {
    await connection.withDeadline(Date.now() + READINESS_DEADLINE_MS, () => connection.healthService.check({}));
  } catch {
    return { ready: false, reason: 'Temporal unreachable' };
  }
  return { ready: true };
}

export async function startWorkerObservability(
  config: ObservabilityConfig,
  logger: Logger,
): Promise<WorkerObservability> {
  const tracing = startTracing('worker');
  const address = config.WORKER_METRICS_PORT;
  const sdkPort = address ? await freePort() : undefined;
  installTemporalRuntime({
    logger,
    level: config.LOG_LEVEL,
    ...(sdkPort ? { prometheusBindAddress: `127.0.0.1:${sdkPort}` } : {}),
  });
  const metrics = address ? createEngineMetrics() : undefined;
  recordVendorCallsIn(metrics);

  // The endpoint comes up first: a port already taken stops the worker before it connects anywhere, and /healthz
  // answers while the worker bundles its workflows (/readyz says `starting` until the worker is attached).
  let attached: { worker: Worker; connection: NativeConnection; fleet: FleetGauges } | undefined;
  let server: WorkerMetricsServer | undefined;
  if (address && metrics) {
    try {
      server = await startWorkerMetricsServer({
        host: address.host,
        port: address.port,
        metrics,
        ...(sdkPort ? { sdkMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics` } : {}),
        readiness: async () =>
          attached ? workerReadiness(attached.worker, attached.connection) : { ready: false, reason: 'starting' },
        beforeScrape: async () => attached?.fleet.refresh(),
        logger,
      });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
      throw new StartFailure(
        `WORKER_METRICS_PORT ${address.host}:${address.port} is in use (another worker on this host?): ` +
          'give each worker its own port, 0 for a free one, or off.',
      );
    }
  }

  return {
    tracing,
    metrics,
    metricsUrl: server?.url,
    clientInterceptors: tracingClientInterceptors(),
    workerOptions: {
      interceptors: {
        activity: [...tracingActivityInterceptors(), ...(metrics ? [activityMetricsInterceptors(metrics)] : [])],
        // Used when the worker bundles at start; a prebuilt bundle has them already (src/temporal/workflow-bundle.ts).
        workflowModules: [workflowInterceptorsPath()],
      },
      sinks: workflowSpanSinks(tracing),
    },
    attach({ worker, connection, client }) {
      const fleet = metrics
        ? createFleetGauges({ client, metrics, holdEscalationAfterMs: config.HOLD_ESCALATION_AFTER })
        : { refresh: async () => {} };
      attached = { worker, connection, fleet };
    },
    async stop() {
      await server?.close();
      recordVendorCallsIn(undefined);
      await tracing.shutdown();
    },
  };
}
