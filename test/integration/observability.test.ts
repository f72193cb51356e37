// The engine observed from outside, as operators would: real sandbox, bridge and worker processes on the run's dev
// server (in a namespace of their own: the worker's visibility gauges count every workflow of the namespace), tracing
// to an OTLP receiver in this process, every log line of every process kept.
//  - One trace from a vendor's webhook to the engine's vendor call: Honeybee's webhooks reach the bridge through a
//    relay that adds a W3C traceparent (as a traced vendor or gateway would), and the trace it starts must run
//    through the bridge, the prescription workflow and its activity to the POST /orders the sandbox serves.
//  - A full scenario run (a fill, a hold resolved by an operator, a patient matched by an operator, a lab kit) logs
//    one JSON format, with trace ids, and never the synthetic patients' names, dates of birth, emails or streets,
//    in logs or in spans.
//  - The worker's /metrics counts what happened (engine and Temporal SDK metrics), /readyz says it polls.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/sandbox/control/types.js';
import { SANDBOX_PARTNER_API_KEY } from '../../src/sandbox/dev-credentials.js';
import { honeybeeOrderStatusQuery } from '../../workflows/honeybee/messages.js';
import { recordHistory, runIdsOf } from '../harness/histories.js';
import {
  firstPrescriptionId,
  orderOf,
  resolutionFor,
  waitForClose,
  waitForOrder,
  waitForPrescription,
} from '../harness/honeybee.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../harness/otlp-receiver.js';
import { createTestNamespace, type TestNamespace } from '../harness/namespaces.js';
import { freePort } from '../harness/ports.js';
import { dashboardExpressions, readDashboard, seriesIn } from '../harness/prometheus.js';
import { engineEnv, startWorkerProcess } from '../harness/engine.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import { temporalAddress } from '../harness/temporal.js';

const PARTNER_KEY = SANDBOX_PARTNER_API_KEY;
const SPAN_SERVER = 2;
const SPAN_CLIENT = 3;

interface Relay {
  url: string;
  /** The traceparent given to each webhook, by event type and id. */
  traces: { eventType: string; eventId: string; traceId: string; spanId: string }[];
  close(): Promise<void>;
}

/** Forwards Honeybee's webhooks to the bridge unchanged (same bytes, same signature), adding a fresh traceparent. */
async function startTraceparentRelay(bridgeUrl: string): Promise<Relay> {
  const traces: Relay['traces'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const event = JSON.parse(body.toString('utf8')) as { event_type?: string; event_id?: string };
      const trace = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
      traces.push({ eventType: event.event_type ?? '?', eventId: event.event_id ?? '?', ...trace });
      const headers: Record<string, string> = { traceparent: `00-${trace.traceId}-${trace.spanId}-01` };
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && (name.startsWith('x-') || name === 'content-type')) headers[name] = value;
      }
      fetch(`${bridgeUrl}${request.url ?? ''}`, { method: 'POST', headers, body })
        .then(async (answer) => response.writeHead(answer.status).end(await answer.text()))
        .catch(() => response.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    traces,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('observability of the running engine', () => {
  let receiver: OtlpReceiver;
  let relay: Relay;
  let stack: EngineStack;
  let namespace: TestNamespace;
  const lines: { process: string; line: string }[] = [];
  const scenarios: ScenarioResult[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    namespace = await createTestNamespace('observability');
    const bridgePort = await freePort();
    relay = await startTraceparentRelay(`http://127.0.0.1:${bridgePort}`);
    const tracing = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    // The URL Honeybee signs and posts to is the relay's; the bridge verifies against the same.
    const webhookUrl = `${relay.url}/webhooks/honeybee`;
    stack = await startStack({
      bridgePort,
      temporal: { address: temporalAddress(), namespace: namespace.namespace },
      engine: {
        ...tracing,
        HONEYBEE_WEBHOOK_URL: webhookUrl,
        HONEYBEE_WORKFLOW_MODE: 'partner_requested',
        HONEYBEE_FILL_APPROVAL: 'automatic',
        HOLD_ESCALATION_AFTER: '1h',
        // Everything the processes can say.
        LOG_LEVEL: 'debug',
      },
      sandbox: { ...tracing, HONEYBEE_WEBHOOK_URL: webhookUrl, SANDBOX_STEP_DELAY: '1s', LOG_LEVEL: 'debug' },
      onLine: (process, line) => lines.push({ process, line }),
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await relay?.close();
    await receiver?.close();
    await namespace?.close();
  });

  const spansOf = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
  const api = (path: string, body: unknown) =>
    fetch(`${stack.bridgeUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PARTNER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('one trace runs from the vendor webhook through bridge, workflow and activity to the vendor call', async () => {
    const scenario = await stack.control.runScenario('happy-path', { refills: 0 });
    scenarios.push(scenario);
    const rx = firstPrescriptionId(scenario);
    const orderNumber = await orderOf(stack.client, rx);
    // The fill's run ends (continue-as-new or completion), so the workflow's own spans are exported too.
    expect(await waitForClose(stack.client, `honeybee-rx-${rx}`)).toBe('COMPLETED');

    const rxReceived = relay.traces.find((entry) => entry.eventType === 'RX_RECEIVED');
    expect(rxReceived).toBeDefined();
    const { traceId, spanId: vendorsSpan } = rxReceived!;
    const byName = (name: string, service: string) => (span: ReceivedSpan) =>
      span.name === name && span.service === service;
    // Each process exports its spans in batches of its own, in the order they end: wait until the vendor's span and
    // every span above it up to the webhook are in (the walk below then shows what the path runs through).
    const pathToWebhook = (found: ReceivedSpan[]): boolean => {
      const byId = new Map(found.map((span) => [span.spanId, span]));
      let span = found.find(byName('POST /honeybee/v1/orders', 'fulfill-sandbox'));
      for (let depth = 0; span && depth < 100; depth += 1) {
        if (byName('POST /webhooks/honeybee', 'fulfill-bridge')(span)) return true;
        span = byId.get(span.parentSpanId ?? '');
      }
      return false;
    };
    const spans = await eventually(
      () => spansOf(traceId),
      (found) => pathToWebhook(found) && found.some(byName('RunWorkflow:prescriptionWorkflow', 'fulfill-worker')),
      `the spans of trace ${traceId}`,
    );

    // The bridge continued the vendor's traceparent.
    const webhook = spans.find(byName('POST /webhooks/honeybee', 'fulfill-bridge'));
    expect(webhook).toMatchObject({ kind: SPAN_SERVER, parentSpanId: vendorsSpan });
    // The engine's vendor call, and the vendor (sandbox) serving it as a child: the traceparent reached the vendor.
    const createOrder = spans.find(byName('honeybee POST /orders', 'fulfill-worker'));
    expect(createOrder).toMatchObject({ kind: SPAN_CLIENT, attributes: { 'http.response.status_code': 201 } });
    const served = spans.find(byName('POST /honeybee/v1/orders', 'fulfill-sandbox'));
    expect(served).toMatchObject({ kind: SPAN_SERVER, parentSpanId: createOrder!.spanId });

    // Walk up from the vendor's span: every parent is in the trace, through the workflow, to the webhook.
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const path: string[] = [];
    for (let span: ReceivedSpan | undefined = served; span; span = byId.get(span.parentSpanId ?? '')) {
      path.push(`${span.service} ${span.name}`);
      if (span === webhook) break;
    }
    expect(path.at(-1)).toBe('fulfill-bridge POST /webhooks/honeybee');
    expect(path).toEqual(
      expect.arrayContaining([
        'fulfill-worker honeybee POST /orders',
        expect.stringMatching(/^fulfill-worker RunActivity:/),
        expect.stringMatching(/^fulfill-worker StartActivity:/),
        'fulfill-worker RunWorkflow:prescriptionWorkflow',
        'fulfill-bridge SignalWithStartWorkflow:prescriptionWorkflow',
      ]),
    );
    // A later webhook starts its own trace (from its own traceparent), not this one.
    const shipped = relay.traces.find((entry) => entry.eventType === 'SHIPMENT_UPDATED');
    expect(shipped?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(shipped!.traceId).not.toBe(traceId);

    // Log lines written inside the trace carry its ids: the worker's activity lines, the bridge's request line.
    const traced = (process: string) =>
      lines
        .filter((entry) => entry.process === process && entry.line.includes(traceId))
        .map((entry) => JSON.parse(entry.line) as Record<string, unknown>);
    expect(traced('worker').some((line) => line.msg === 'fill order ensured' && line.span_id)).toBe(true);
    expect(traced('bridge').some((line) => line.msg === 'request completed')).toBe(true);

    // Histories of traced workflows, for the replay test (their headers carry the trace context).
    const runs = await runIdsOf(stack.client, `honeybee-rx-${rx}`);
    await recordHistory(stack.client, `honeybee-rx-${rx}`, 'traced-prescription-partner-happy-path', runs[0]);
    await recordHistory(stack.client, `honeybee-order-${orderNumber}`, 'traced-order-partner-happy-path');
  });

  it('a full scenario run: holds resolved by operators and a lab kit, counted by the worker metrics', async () => {
    // An order On Hold (74 Allergy Detected), resolved through the partner API with the offered action.
    const held = await stack.control.runScenario('exception-74', { refills: 0 });
    scenarios.push(held);
    const heldRx = firstPrescriptionId(held);
    const heldOrder = await waitForOrder(
      stack.client,
      await orderOf(stack.client, heldRx),
      (state) => state.status === 'On Hold' && state.exception !== undefined,
    );
    const action = heldOrder.exception!.actions[0]!;
    const resolved = await api(`/api/orders/${heldOrder.orderNumber}/resolution`, resolutionFor(action, 'alice'));
    expect(resolved.status).toBe(200);
    expect(await waitForClose(stack.client, `honeybee-order-${heldOrder.orderNumber}`)).toBe('COMPLETED');
    const final = await stack.client.workflow
      .getHandle(`honeybee-order-${heldOrder.orderNumber}`)
      .query(honeybeeOrderStatusQuery);
    expect(final.status).toBe('Delivered');

    // A patient the directory finds twice: an operator matches, the fill goes on.
    const ambiguous = await stack.control.runScenario('ambiguous-patient', { refills: 0 });
    scenarios.push(ambiguous);
    const ambiguousRx = firstPrescriptionId(ambiguous);
    await waitForPrescription(stack.client, ambiguousRx, (state) => state.stage === 'AWAITING_PATIENT_MATCH');
    const matched = await api(`/api/prescriptions/${ambiguousRx}/patient-match`, {
      partnerPatientId: ambiguous.patient.directoryEntries[0]!.partnerPatientId,
      operator: 'bob',
      reason: 'confirmed by phone',
    });
    expect(matched.status).toBe(200);
    await waitForPrescription(stack.client, ambiguousRx, (state) => state.match?.matchedBy === 'operator');

    // A lab kit ordered by the partner with the patient's details.
    const kit = await stack.control.runScenario('kit-happy-path');
    scenarios.push(kit);
    const ordered = await api('/api/lab-orders', {
      patientIdentifier: kit.patient.patientIdentifier,
      patientInformation: kit.patientInformation,
    });
    expect(ordered.status).toBe(201);
    const { orderIdentifier } = (await ordered.json()) as { orderIdentifier: string };
    await eventually(
      async () => (await stack.control.notifications()).notifications,
      (received) => received.some((n) => n.type === 'lab_order.shipped' && n.data?.orderIdentifier === orderIdentifier),
      'the kit to ship',
    );

    const metricsUrl = String(stack.worker.ready.metrics);
    const text = await eventually(
      async () => (await fetch(metricsUrl)).text(),
      (body) => body.includes('fulfill_orders_created_total{vendor="onegevity"} 1'),
      'the worker metrics to count the kit order',
    );
    expect(text).toContain('fulfill_holds_opened_total{kind="order",reason="74 Allergy Detected"} 1');
    expect(text).toContain('fulfill_holds_resolved_total{kind="order",reason="74 Allergy Detected"} 1');
    expect(text).toContain('fulfill_holds_opened_total{kind="prescription",reason="patient_ambiguous"} 1');
    expect(text).toContain('fulfill_holds_resolved_total{kind="prescription",reason="patient_match"} 1');
    expect(text).toMatch(/fulfill_orders_created_total\{vendor="honeybee"\} [2-9]/);
    expect(text).toMatch(/fulfill_lab_kit_milestones_total\{milestone="shipped"\} 1/);
    expect(text).toMatch(/fulfill_partner_notifications_total\{type="order.delivered",outcome="sent"\} [2-9]/);
    expect(text).toMatch(
      /fulfill_vendor_request_duration_seconds_count\{vendor="honeybee",operation="POST \/orders",status_class="2xx"\} [2-9]/,
    );
    expect(text).toMatch(
      /fulfill_vendor_request_duration_seconds_count\{vendor="onegevity",operation="[^"]+",status_class="2xx"\} \d/,
    );
    expect(text).toContain('fulfill_worker_polling 1');
    expect(text).toMatch(/^temporal_workflow_completed\{.*\} \d+/m);
    expect(text).toMatch(/^temporal_num_pollers\{.*poller_type="workflow_task".*\} \d+/m);
    // The visibility gauges: the ambiguous prescription went on; the lab kit waits at the lab's side.
    expect(text).toMatch(/^fulfill_holds_waiting \d+/m);
    expect(text).toMatch(/^fulfill_open_workflows\{kind="lab",stage="[A-Z_]+"\} 1/m);
    // Every Temporal SDK series the dashboard reads is one this worker exports.
    const exported = new Set(text.split('\n').map((line) => line.split(/[{ ]/)[0]));
    const dashboardSdkSeries = dashboardExpressions(readDashboard())
      .flatMap(({ expr }) => seriesIn(expr))
      .filter((name) => name.startsWith('temporal_'));
    expect(dashboardSdkSeries.filter((name) => !exported.has(name))).toEqual([]);

    const base = metricsUrl.replace(/\/metrics$/, '');
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('every process logs one JSON format, and no patient value reaches a log line or a span', async () => {
    // Spans still in the exporters' batches.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(scenarios.length).toBe(4);
    const values = scenarios.flatMap(({ patient: { person } }) => [
      `${person.firstName} ${person.lastName}`,
      person.firstName,
      person.lastName,
      person.dob,
      ...(person.email ? [person.email] : []),
      person.address.street1,
    ]);
    for (const { process, line } of lines) {
      for (const value of values) {
        const found = new RegExp(`\\b${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(line);
        expect(found, `${process} logged "${value}": ${line}`).toBe(false);
      }
    }
    for (const body of receiver.bodies) {
      for (const value of values) expect(body.includes(value), `a span carries "${value}"`).toBe(false);
    }
    for (const process of ['sandbox', 'bridge', 'worker']) {
      expect(lines.filter((entry) => entry.process === process).length, process).toBeGreaterThan(10);
    }

    for (const { process, line } of lines) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`${process} wrote a line that is not JSON: ${line}`);
      }
      const shape = { level: 'number', time: 'string', component: 'string', msg: 'string' };
      const fields = parsed as Record<string, unknown>;
      const types = Object.fromEntries(Object.keys(shape).map((key) => [key, typeof fields[key]]));
      expect(types, `${process}: ${line}`).toEqual(shape);
      expect(fields.component, line).toBe(process);
      // One trace id per line, whether the logger or the server added it.
      expect(line.match(/"trace_id":/g)?.length ?? 0, line).toBeLessThanOrEqual(1);
    }
    // The SDK's own lines (worker lifecycle, core) come through the same logger.
    const sdkLines = lines.filter(
      (entry) => entry.process === 'worker' && (JSON.parse(entry.line) as { sdkComponent?: string }).sdkComponent,
    );
    expect(sdkLines.length).toBeGreaterThan(0);
  });
});

describe('the worker process and its metrics port', () => {
  it('refuses to start on a taken WORKER_METRICS_PORT, before connecting anywhere, in one JSON line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      // Temporal at a port nothing listens on: the worker must fail on the metrics port first.
      const env = engineEnv({ WORKER_METRICS_PORT: `127.0.0.1:${port}`, TEMPORAL_ADDRESS: '127.0.0.1:1' });
      const error = await startWorkerProcess(env).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(String(error)).toContain('exited with code 1 before it was ready');
      const line = String(error)
        .split('\n')
        .find((text) => text.includes('WORKER_METRICS_PORT'));
      const parsed = JSON.parse(line ?? '{}') as { level?: number; component?: string; msg?: string };
      expect(parsed).toMatchObject({ level: 60, component: 'worker' });
      expect(parsed.msg).toContain(`WORKER_METRICS_PORT 127.0.0.1:${port} is in use`);
    } finally {
      blocker.close();
    }
  });
});
