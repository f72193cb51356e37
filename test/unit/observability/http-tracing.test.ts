// HTTP spans over real sockets, with an in-memory exporter: a request to a traced fastify server continues the
// caller's traceparent, its handler runs in the server span, and a vendor call from the handler is a child CLIENT
// span whose own traceparent reaches the vendor. Spans name templates and carry no URL, query or header values.
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import Fastify from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerServerTracing } from '../../../src/observability/http-tracing.js';
import { traceFields } from '../../../src/observability/logger.js';
import type { WorkflowInfo } from '@temporalio/workflow';
import { workflowSpanSinks } from '../../../src/observability/temporal-tracing.js';
import { startTracing, type Tracing } from '../../../src/observability/tracing.js';
import {
  formatTraceparent,
  parseTraceparent,
  type WorkflowSpanRecord,
} from '../../../src/observability/workflow-spans.js';
import { exchange } from '../../../src/vendors/shared/transport.js';
import { startScriptedServer, type ScriptedServer } from '../../harness/scripted-http-server.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let vendor: ScriptedServer;

beforeAll(async () => {
  tracing = startTracing('test', {}, exporter);
  vendor = await startScriptedServer();
  vendor.route('POST', '/v1/orders', { status: 201, body: { order_number: 'HB1' } });
});
afterAll(async () => {
  await vendor.close();
  await tracing.shutdown();
});
beforeEach(() => exporter.reset());

function named(name: string): ReadableSpan {
  const span = exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (!span)
    throw new Error(
      `no span ${name} in ${exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .join(', ')}`,
    );
  return span;
}

const orderCall = () =>
  exchange({
    vendor: 'honeybee',
    endpoint: 'POST /orders',
    method: 'POST',
    url: `${vendor.url}/v1/orders?patient_id=1234`,
    headers: { authorization: 'Bearer secret-token' },
    json: { patient: { first_name: 'Avery' } },
    timeoutMs: 5_000,
  });

describe('HTTP tracing', () => {
  it('a vendor call is a CLIENT span under the current span, and hands its traceparent to the vendor', async () => {
    const parent = await trace.getTracer('test').startActiveSpan('activity', async (span) => {
      const response = await orderCall();
      expect(response.status).toBe(201);
      // Log lines written here carry the current span's ids.
      expect(traceFields()).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
      span.end();
      return span.spanContext();
    });
    const client = named('honeybee POST /orders');
    expect(client.kind).toBe(SpanKind.CLIENT);
    expect(client.spanContext().traceId).toBe(parent.traceId);
    expect(client.parentSpanId).toBe(parent.spanId);
    const sent = parseTraceparent(vendor.requestsTo('POST', '/v1/orders').at(-1)?.headers.traceparent);
    expect(sent).toEqual({ traceId: parent.traceId, spanId: client.spanContext().spanId, sampled: true });
    expect(client.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.template': 'POST /orders',
      'http.response.status_code': 201,
      'server.address': '127.0.0.1',
    });
    // Nothing from the URL's query, the headers or the body.
    expect(JSON.stringify(client.attributes)).not.toMatch(/patient_id|1234|secret-token|Avery/);
    expect(traceFields()).toEqual({});
  });

  it('a traced fastify server continues the incoming traceparent, and its handler runs in the server span', async () => {
    const app = Fastify();
    registerServerTracing(app);
    app.post('/webhooks/honeybee', async () => {
      await orderCall();
      return { ok: true };
    });
    await app.ready();
    const incoming = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/honeybee?token=abc',
      headers: { traceparent: `00-${incoming.traceId}-${incoming.spanId}-01`, 'content-type': 'application/json' },
      payload: JSON.stringify({ event_type: 'RX_RECEIVED' }),
    });
    expect(response.statusCode).toBe(200);
    await app.close();

    const server = named('POST /webhooks/honeybee');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.spanContext().traceId).toBe(incoming.traceId);
    expect(server.parentSpanId).toBe(incoming.spanId);
    expect(server.attributes).toMatchObject({ 'http.route': '/webhooks/honeybee', 'http.response.status_code': 200 });
    const client = named('honeybee POST /orders');
    expect(client.parentSpanId).toBe(server.spanContext().spanId);
    expect(parseTraceparent(vendor.requestsTo('POST', '/v1/orders').at(-1)?.headers.traceparent)?.traceId).toBe(
      incoming.traceId,
    );
    expect(JSON.stringify(server.attributes)).not.toContain('token');
  });

  it('an unanswered vendor call ends its span as an error, with the error kind only', async () => {
    await expect(
      exchange({
        vendor: 'onegevity',
        endpoint: 'GET /api/v1/orders/{orderIdentifier}',
        method: 'GET',
        url: 'http://127.0.0.1:9/api/v1/orders/lab-1',
        headers: {},
        timeoutMs: 2_000,
      }),
    ).rejects.toThrow();
    const client = named('onegevity GET /api/v1/orders/{orderIdentifier}');
    expect(client.status.code).toBe(2);
    expect(client.attributes['error.type']).toBe('VendorError');
  });

  it('workflow spans leave through the sink as spans of this process, with the workflow ids only', () => {
    const sinks = workflowSpanSinks(tracing);
    const info = {
      workflowId: 'honeybee-rx-1',
      runId: 'run-1',
      workflowType: 'prescriptionWorkflow',
      namespace: 'default',
      taskQueue: 'fulfillment',
      memo: { fingerprint: 'Avery Sandbox' },
      lastFailure: new Error('Avery Sandbox'),
    } as unknown as WorkflowInfo;
    const record: WorkflowSpanRecord = {
      name: 'StartActivity:createHoneybeeOrder',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b8',
      parentSpanId: '00f067aa0ba902b7',
      startMs: Date.parse('2026-01-10T12:00:00Z'),
      endMs: Date.parse('2026-01-10T12:00:01.5Z'),
      attributes: {},
      errorType: 'VendorUnavailable',
    };
    void sinks.workflowSpans.export.fn(info, [record]);
    const exported = named('StartActivity:createHoneybeeOrder');
    expect(exported.spanContext()).toMatchObject({ traceId: record.traceId, spanId: record.spanId });
    expect(exported.parentSpanId).toBe(record.parentSpanId);
    expect(exported.duration).toEqual([1, 500_000_000]);
    expect(exported.status.code).toBe(2);
    expect(exported.attributes).toEqual({
      'error.type': 'VendorUnavailable',
      temporalWorkflowId: 'honeybee-rx-1',
      run_id: 'run-1',
      workflowType: 'prescriptionWorkflow',
      taskQueue: 'fulfillment',
    });
    expect(exported.resource.attributes['service.name']).toBe('fulfill-test');
  });

  it('reads and writes W3C traceparents, refusing malformed and all-zero ids', () => {
    const ids = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true };
    expect(parseTraceparent(formatTraceparent(ids))).toEqual(ids);
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')).toMatchObject({
      sampled: false,
    });
    for (const bad of [
      undefined,
      42,
      'garbage',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
    ]) {
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    }
  });
});
