// The worker's metrics endpoint over a real socket (the SDK exporter and Temporal replaced by a local server and a
// fake client), the visibility gauges behind it, and the SDK's log calls on pino.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineMetrics } from '../../../src/observability/engine-metrics.js';
import { createFleetGauges, fleetQueries } from '../../../src/observability/fleet-gauges.js';
import type { Logger } from '../../../src/observability/logger.js';
import { temporalLogger } from '../../../src/observability/temporal-runtime.js';
import { startWorkerMetricsServer, type Readiness } from '../../../src/observability/worker-metrics-server.js';
import { workerReadiness } from '../../../src/observability/worker-observability.js';

const SDK_TEXT =
  '# HELP temporal_num_pollers x\n# TYPE temporal_num_pollers gauge\ntemporal_num_pollers{poller_type="workflow_task"} 2\n';

function captureLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'trace', base: { component: 'worker' } }, stream);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('worker metrics endpoint', () => {
  let sdk: Server;
  let sdkUrl: string;
  let readiness: Readiness = { ready: false, reason: 'worker initialized' };
  let refreshes = 0;
  const metrics = createEngineMetrics();
  const { logger, lines } = captureLogger();
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    sdk = createServer((_request, response) => response.end(SDK_TEXT));
    await new Promise<void>((resolve) => sdk.listen(0, '127.0.0.1', resolve));
    sdkUrl = `http://127.0.0.1:${(sdk.address() as AddressInfo).port}/metrics`;
    const server = await startWorkerMetricsServer({
      host: '127.0.0.1',
      port: 0,
      metrics,
      sdkMetricsUrl: sdkUrl,
      readiness: async () => readiness,
      beforeScrape: async () => {
        refreshes += 1;
        if (refreshes === 2) throw new Error('visibility unavailable');
      },
      logger,
    });
    base = server.url;
    close = () => server.close();
  });
  afterAll(async () => {
    await close();
    sdk.close();
  });

  it('serves the engine metrics and the SDK metrics on one /metrics', async () => {
    readiness = { ready: true };
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('fulfill_worker_polling 1');
    expect(text).toContain('# TYPE fulfill_vendor_request_duration_seconds histogram');
    expect(text).toContain('temporal_num_pollers{poller_type="workflow_task"} 2');
    expect(text).toContain('fulfill_worker_process_cpu_seconds_total');
  });

  it('still serves its own metrics when the visibility gauges or the SDK exporter fail', async () => {
    readiness = { ready: false, reason: 'not polling' };
    sdk.close();
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('fulfill_worker_polling 0');
    expect(text).not.toContain('temporal_num_pollers');
    const warnings = lines()
      .filter((line) => line.level === 40)
      .map((line) => line.msg);
    expect(warnings).toEqual(
      expect.arrayContaining([
        'metrics: visibility gauges not refreshed',
        'metrics: the Temporal SDK exporter did not answer',
      ]),
    );
  });

  it('answers /healthz always, /readyz by readiness (503 with the reason and Retry-After), 404 elsewhere', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    readiness = { ready: false, reason: 'Temporal unreachable' };
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(await down.json()).toEqual({ status: 'unavailable', reason: 'Temporal unreachable' });
    readiness = { ready: true };
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a port that is taken', async () => {
    const taken = Number(new URL(base).port);
    await expect(
      startWorkerMetricsServer({ host: '127.0.0.1', port: taken, metrics, readiness: async () => readiness, logger }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('worker readiness', () => {
  function fakes(status: Record<string, unknown>, healthy: boolean) {
    const worker = { getStatus: () => status } as unknown as Worker;
    const connection = {
      withDeadline: async (_deadline: number, fn: () => Promise<unknown>) => fn(),
      healthService: {
        check: async () => {
          if (!healthy) throw new Error('14 UNAVAILABLE');
          return {};
        },
      },
    } as unknown as NativeConnection;
    return [worker, connection] as const;
  }
  const polling = { runState: 'RUNNING', workflowPollerState: 'POLLING', activityPollerState: 'POLLING' };

  it('is ready only while running, with both pollers polling and Temporal answering', async () => {
    expect(await workerReadiness(...fakes(polling, true))).toEqual({ ready: true });
    expect(await workerReadiness(...fakes({ ...polling, runState: 'INITIALIZED' }, true))).toEqual({
      ready: false,
      reason: 'worker initialized',
    });
    expect(await workerReadiness(...fakes({ ...polling, activityPollerState: 'FAILED' }, true))).toEqual({
      ready: false,
      reason: 'not polling',
    });
    expect(await workerReadiness(...fakes(polling, false))).toEqual({ ready: false, reason: 'Temporal unreachable' });
  });
});

describe('visibility gauges', () => {
  const NOW = Date.parse('2026-01-10T12:00:00Z');

  it('asks for holds waiting, holds past escalation (escalated or older than HOLD_ESCALATION_AFTER) and each stage', () => {
    const queries = fleetQueries(NOW, 4 * 3_600_000);
    expect(queries.holdsWaiting).toBe("ExecutionStatus = 'Running' AND NeedsOperator = true");
    expect(queries.holdsPastEscalation).toBe(
      "ExecutionStatus = 'Running' AND NeedsOperator = true AND (EscalationLevel > 0 OR OnHoldSince < '2026-01-10T08:00:00.000Z')",
    );
    expect(queries.stages).toContainEqual({
      kind: 'lab',
      stage: 'SHIPPED',
      query: "ExecutionStatus = 'Running' AND WorkflowType = 'labOrderWorkflow' AND FulfillmentStage = 'SHIPPED'",
    });
    expect(new Set(queries.stages.map((entry) => entry.kind))).toEqual(new Set(['prescription', 'order', 'lab']));
  });

  it('sets the gauges from the counts, at most once per interval, and keeps the old values when a read fails', async () => {
    let now = NOW;
    const asked: string[] = [];
    let failing = false;
    const client = {
      workflow: {
        count: async (query: string) => {
          asked.push(query);
          if (failing) throw new Error('visibility down');
          if (query.includes('EscalationLevel')) return { count: 2 };
          if (query.endsWith('NeedsOperator = true')) return { count: 5 };
          return { count: query.includes("'SHIPPED'") ? 3 : 0 };
        },
      },
    } as unknown as Client;
    const metrics = createEngineMetrics();
    const fleet = createFleetGauges({ client, metrics, holdEscalationAfterMs: 3_600_000, now: () => now });
    await fleet.refresh();
    const text = () => metrics.registry.metrics();
    expect(await text()).toContain('fulfill_holds_waiting 5');
    expect(await text()).toContain('fulfill_holds_past_escalation 2');
    expect(await text()).toContain('fulfill_open_workflows{kind="lab",stage="SHIPPED"} 3');
    const reads = asked.length;
    now += 5_000;
    await fleet.refresh();
    expect(asked.length).toBe(reads);
    now += 15_000;
    failing = true;
    await expect(fleet.refresh()).rejects.toThrow('visibility down');
    expect(await text()).toContain('fulfill_holds_waiting 5');
  });
});

describe("the SDK's logs on pino", () => {
  it('keeps levels, metadata and errors as pino fields', () => {
    const { logger, lines } = captureLogger();
    const sdk = temporalLogger(logger);
    sdk.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
    sdk.warn('Activity failed', { activityType: 'notifyPartner', error: new Error('partner answered 503') });
    sdk.log('DEBUG', 'polling');
    sdk.trace('quiet');
    const [info, warn, debug, trace] = lines();
    expect(info).toMatchObject({ level: 30, msg: 'Worker state changed', sdkComponent: 'worker', state: 'RUNNING' });
    expect(warn).toMatchObject({ level: 40, activityType: 'notifyPartner', err: { message: 'partner answered 503' } });
    expect(debug).toMatchObject({ level: 20, msg: 'polling' });
    expect(trace).toMatchObject({ level: 10, msg: 'quiet' });
  });
});
