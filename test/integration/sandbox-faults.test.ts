// Fault injection as a vendor client sees it: 429 with Retry-After (seconds or a date), 503 and 500 in the vendor's
// error shape, latency past a client's timeout, dropped connections, lost responses (the order exists although the
// client saw an error: the duplicate-fill trap), limits, durations on the sandbox clock, path and method matching, the
// vendor-outage scenario, seeded, repeatable decisions, and webhooks of one event type dropped for good.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runFulfill } from '../harness/fulfill-cli.js';
import { startTestSandbox, type InProcessSandbox } from '../harness/sandbox.js';
import { HoneybeeHttp, minimalOrderBody, OnegevityHttp } from '../harness/vendor-http.js';
import { startWebhookReceiver, type WebhookReceiver } from '../harness/webhook-receiver.js';
import { generalError, honeybeeError, honeybeeOrder } from '../harness/wire-shapes.js';

describe('sandbox fault injection', () => {
  let sandbox: InProcessSandbox;
  let hb: HoneybeeHttp;
  let og: OnegevityHttp;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    hb = new HoneybeeHttp(sandbox.url);
    og = new OnegevityHttp(sandbox.url);
    await hb.authorize();
    await og.authorize();
  });

  afterEach(async () => {
    await sandbox.control.clearFaults();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  async function prescription() {
    const result = await sandbox.control.runScenario('happy-path');
    return { patientId: result.patient.honeybeePatientId!, prescriptionId: result.prescriptionIds![0]! };
  }

  it('answers 429 with Retry-After in seconds or as an HTTP date', async () => {
    await sandbox.control.addFault({ endpoint: 'honeybee.listOrders', rate429: 1, retryAfterSeconds: 7, limit: 1 });
    const limited = await hb.request('GET', '/orders');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(honeybeeError.parse(limited.body).error.error_code).toBe(429);
    expect((await hb.request('GET', '/orders')).status).toBe(200);

    await sandbox.control.addFault({
      endpoint: 'onegevity.*',
      rate429: 1,
      retryAfterSeconds: 120,
      retryAfterFormat: 'http-date',
      limit: 1,
    });
    const dated = await og.request('GET', '/fulfillment-requests/none');
    expect(dated.status).toBe(429);
    const retryAt = Date.parse(dated.headers.get('retry-after') ?? '');
    expect(retryAt).toBeGreaterThan(Date.now() + 60_000);
    expect(generalError.parse(dated.body).id).toBe(dated.headers.get('x-request-id'));
  });

  it('answers 503 and 500 in each vendor’s error shape, as many times as the limit says', async () => {
    await sandbox.control.addFault({ endpoint: 'honeybee.listOrders', rate503: 1, limit: 2 });
    await sandbox.control.addFault({ endpoint: 'onegevity.getFulfillment', rate500: 1, limit: 1 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await hb.request('GET', '/orders')).status);
    expect(statuses).toEqual([503, 503, 200]);
    const failed = await og.request('GET', '/fulfillment-requests/none');
    expect(failed.status).toBe(500);
    generalError.parse(failed.body);
    expect((await og.request('GET', '/fulfillment-requests/none')).status).toBe(404);
    const { requests } = await sandbox.control.counters();
    expect(requests['honeybee.listOrders']?.faults['503']).toBeGreaterThanOrEqual(2);
    expect(requests['onegevity.getFulfillment']?.faults['500']).toBe(1);
  });

  it('drops the connection before the request is handled: nothing happens at the vendor', async () => {
    const { patientId, prescriptionId } = await prescription();
    await sandbox.control.addFault({ endpoint: 'honeybee.createOrder', dropRate: 1, limit: 1 });
    const before = (await sandbox.control.counters()).honeybee.createOrderRequests;
    await expect(
      hb.request('POST', '/orders', { body: minimalOrderBody(patientId, [prescriptionId]) }),
    ).rejects.toThrow();
    const counters = await sandbox.control.counters();
    expect(counters.honeybee.createOrderRequests).toBe(before);
    expect(counters.honeybee.ordersPerFill[prescriptionId]).toBeUndefined();
    const { requests } = await sandbox.control.requests({ endpoint: 'honeybee.createOrder' });
    expect(requests.at(-1)).toMatchObject({ fault: 'drop', status: null });
  });

  it('loses the response after the order was created: the client sees an error, the order exists, a blind retry gets 409', async () => {
    const { patientId, prescriptionId } = await prescription();
    await sandbox.control.addFault({ endpoint: 'honeybee.createOrder', lostResponseRate: 1, limit: 1 });
    await expect(
      hb.request('POST', '/orders', { body: minimalOrderBody(patientId, [prescriptionId]) }),
    ).rejects.toThrow();
    const listed = await hb.request('GET', `/orders?patient_id=${patientId}`);
    const orders = (listed.body as { orders: unknown[] }).orders.map((order) => honeybeeOrder.parse(order));
    expect(orders).toHaveLength(1);
    expect(orders[0]?.items[0]?.prescription_id).toBe(prescriptionId);
    const retry = await hb.request('POST', '/orders', { body: minimalOrderBody(patientId, [prescriptionId]) });
    expect(retry.status).toBe(409);
    const counters = await sandbox.control.counters();
    expect(counters.honeybee.ordersPerFill[prescriptionId]).toEqual({ 1: 1 });
    expect(counters.honeybee.prescriptions[prescriptionId]?.conflicts).toBe(1);
  });

  it('adds latency that a client with a shorter timeout sees as a timeout', async () => {
    await sandbox.control.addFault({ endpoint: 'honeybee.listOrders', latency: '3s', limit: 1, rate503: 0 });
    const token = await hb.authorize();
    await expect(
      fetch(`${sandbox.url}/honeybee/v1/orders`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow(/timeout|aborted/i);
    await sandbox.control.clearFaults();
    expect((await hb.request('GET', '/orders')).status).toBe(200);
  });

  it('matches faults by path glob and method, and ends them after their duration of sandbox time', async () => {
    const { patientId, prescriptionId } = await prescription();
    const created = await hb.request('POST', '/orders', { body: minimalOrderBody(patientId, [prescriptionId]) });
    const orderNumber = (created.body as { order: { order_number: string } }).order.order_number;
    await sandbox.control.addFault({ path: '/honeybee/v1/orders/*', method: 'get', rate503: 1, duration: '10m' });
    expect((await hb.request('GET', `/orders/${orderNumber}`)).status).toBe(503);
    expect((await hb.request('GET', '/orders')).status).toBe(200);
    expect((await hb.request('POST', `/orders/${orderNumber}/reorders`)).status).toBe(422);
    const [rule] = (await sandbox.control.faults()).faults;
    expect(rule).toMatchObject({ path: '/honeybee/v1/orders/*', method: 'GET', injected: 1 });
    await sandbox.control.advance('10m');
    expect((await sandbox.control.faults()).faults).toEqual([]);
    expect((await hb.request('GET', `/orders/${orderNumber}`)).status).toBe(200);
  });

  it('vendor-outage: every vendor endpoint (tokens too) answers 503 for the period; the partner backend stays up', async () => {
    const outage = await sandbox.control.runScenario('vendor-outage', { duration: '30m' });
    expect(outage.faults).toHaveLength(2);
    expect(outage.prescriptionIds).toHaveLength(1);
    expect((await hb.token()).status).toBe(503);
    expect((await og.token()).status).toBe(503);
    expect((await hb.request('GET', `/patients/${outage.patient.honeybeePatientId}`)).status).toBe(503);
    expect((await og.request('GET', '/fulfillment-requests/x')).status).toBe(503);
    const directory = await fetch(`${sandbox.url}/partner/patients/search`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sandbox.config.PARTNER_DIRECTORY_API_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ehr_id: outage.patient.ehrId }),
    });
    expect(directory.status).toBe(200);
    await sandbox.control.advance('30m');
    expect((await hb.token()).status).toBe(200);
    expect((await hb.request('GET', `/patients/${outage.patient.honeybeePatientId}`)).status).toBe(200);

    const onlyOnegevity = await sandbox.control.runScenario('vendor-outage', { vendor: 'onegevity', duration: '5m' });
    expect(onlyOnegevity.faults?.map((fault) => fault.endpoint)).toEqual(['onegevity.*']);
    expect(onlyOnegevity.kitPlan).toBeDefined();
    expect((await hb.request('GET', '/orders')).status).toBe(200);
    expect((await og.request('GET', '/fulfillment-requests/x')).status).toBe(503);
  });

  it('refuses fault rules that cannot work', async () => {
    for (const rule of [
      { endpoint: 'honeybee.nothing', rate503: 1 },
      { endpoint: 'honeybee.*', rate503: 0.8, rate429: 0.5 },
      { rate503: 1 },
      { endpoint: 'honeybee.*' },
    ]) {
      await expect(sandbox.control.addFault(rule)).rejects.toMatchObject({ status: 400 });
    }
    await expect(sandbox.control.removeFault('fault-999')).rejects.toMatchObject({ status: 404 });
  });

  it('decides faults from the seed: the same seed repeats the same pattern, another seed does not', async () => {
    async function pattern(seed: string): Promise<number[]> {
      const other = await startTestSandbox({ SANDBOX_SEED: seed });
      try {
        const client = new HoneybeeHttp(other.url);
        await client.authorize();
        await other.control.addFault({ endpoint: 'honeybee.listOrders', rate503: 0.5 });
        const statuses: number[] = [];
        for (let i = 0; i < 24; i++) statuses.push((await client.request('GET', '/orders')).status);
        return statuses;
      } finally {
        await other.close();
      }
    }
    const first = await pattern('7');
    expect(await pattern('7')).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await pattern('8')).not.toEqual(first);
  });
});

describe('sandbox webhook drop faults', () => {
  let sandbox: InProcessSandbox;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sandbox = await startTestSandbox({ BRIDGE_PUBLIC_URL: receiver.url });
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  const received = (eventType: string, patientId: number) =>
    receiver.received.filter((hook) => hook.json.event_type === eventType && hook.json.patient_id === patientId);

  it('drops RX_RECEIVED for good (set by `fulfill sandbox faults set --webhook`), while the order events still go', async () => {
    const set = await runFulfill(
      ['sandbox', '--url', sandbox.url, 'faults', 'set', '--webhook', 'RX_RECEIVED', '--drop', '1', '--limit', '1'],
      {},
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('webhook RX_RECEIVED');

    const lost = await sandbox.control.runScenario('happy-path', { mode: 'automatic' });
    const lostPatient = lost.patient.honeybeePatientId!;
    await sandbox.control.advance('7d');
    await sandbox.control.settleWebhooks();
    // The order the pharmacy created itself is announced; the prescription's own RX_RECEIVED never is.
    expect(received('RX_UPDATED', lostPatient).length).toBeGreaterThan(0);
    expect(received('RX_RECEIVED', lostPatient)).toEqual([]);
    const { deliveries } = await sandbox.control.webhooks({ eventType: 'RX_RECEIVED', state: 'dropped' });
    const dropped = deliveries.find(
      (delivery) => (JSON.parse(delivery.body) as { patient_id?: number }).patient_id === lostPatient,
    );
    expect(dropped).toMatchObject({ state: 'dropped', attempts: [] });
    expect(dropped?.droppedBy).toMatch(/^fault-/);
    expect((await sandbox.control.counters()).webhooks.honeybee.dropped).toBe(1);

    // The rule's limit was one event: the next prescription's RX_RECEIVED arrives as usual.
    const next = await sandbox.control.runScenario('happy-path');
    await sandbox.control.settleWebhooks();
    expect(received('RX_RECEIVED', next.patient.honeybeePatientId!)).toHaveLength(1);
    expect((await sandbox.control.faults()).faults).toEqual([]);
  });

  it('refuses a webhook rule for an unknown event type, or one that mixes in endpoint faults', async () => {
    for (const rule of [
      { webhook: 'RX_RECIEVED', dropRate: 1 },
      { webhook: 'RX_RECEIVED', dropRate: 1, endpoint: 'honeybee.*' },
      { webhook: 'RX_RECEIVED', rate503: 1 },
    ]) {
      await expect(sandbox.control.addFault(rule), JSON.stringify(rule)).rejects.toMatchObject({ status: 400 });
    }
    expect((await sandbox.control.faults()).faults).toEqual([]);
  });
});
