// The worker's HTTP endpoint (WORKER_METRICS_PORT): /metrics with the engine's metrics (prom-client) followed by the
// Temporal SDK's (read from the SDK's Prometheus exporter on a loopback port), /healthz (the process is up) and
// /readyz (it runs, polls its task queue, and reaches Temporal). Plain node:http: three routes, no framework.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';
import type { EngineMetrics } from './engine-metrics.js';

export interface Readiness {
  ready: boolean;
  /** What is wrong, when not ready (no ids, no secrets). */
  reason?: string;
}

export interface WorkerMetricsServerOptions {
  host: string;
  port: number;
  metrics: EngineMetrics;
  /** The SDK exporter's own /metrics URL; its text is appended as it is. */
  sdkMetricsUrl?: string;
  readiness(): Promise<Readiness>;
  /** Called before each /metrics (visibility gauges); a failure is logged and the scrape goes on. */
  beforeScrape?(): Promise<void>;
  logger: Logger;
}

export interface WorkerMetricsServer {
  url: string;
  close(): Promise<void>;
}

const SDK_SCRAPE_TIMEOUT_MS = 2_000;

async function sdkMetricsText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(SDK_SCRAPE_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`SDK metrics exporter answered ${response.status}`);
  return response.text();
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

export async function startWorkerMetricsServer(options: WorkerMetricsServerOptions): Promise<WorkerMetricsServer> {
  const { metrics, logger } = options;

  async function metricsText(): Promise<string> {
    if (options.beforeScrape) {
      await options.beforeScrape().catch((error: unknown) => {
        logger.warn({ err: error }, 'metrics: visibility gauges not refreshed');
      });
    }
    const readiness = await options.readiness();
    metrics.workerPolling.set(readiness.ready ? 1 : 0);
    const own = await metrics.registry.metrics();
    if (!options.sdkMetricsUrl) return own;
    try {
      return `${own}\n${await sdkMetricsText(options.sdkMetricsUrl)}`;
    } catch (error) {
      logger.warn({ err: error }, 'metrics: the Temporal SDK exporter did not answer');
      return own;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: { code: 'method_not_allowed', message: 'use GET' } });
      return;
    }
    switch (path) {
      case '/metrics': {
        const body = await metricsText();
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(body);
        return;
      }
      case '/healthz':
        sendJson(response, 200, { status: 'ok' });
        return;
      case '/readyz': {
        const readiness = await options.readiness();
        if (readiness.ready) sendJson(response, 200, { status: 'ready' });
        else {
          response.setHeader('retry-after', '5');
          sendJson(response, 503, { status: 'unavailable', reason: readiness.reason });
        }
        return;
      }
      default:
        sendJson(response, 404, { error: { code: 'not_found', message: `no route for ${request.method} ${path}` } });
    }
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'metrics endpoint failed');
      if (!response.headersSent)
        sendJson(response, 500, { error: { code: 'internal_error', message: 'see the logs' } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
