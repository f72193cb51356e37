// The bridge end to end, through real processes (sandbox → bridge → Temporal dev server → worker → sandbox), driven the
// way a partner and an operator drive it: the fill approval and the exception resolution through the partner API, a
// lab-kit order started through the partner API, and webhooks the vendor delivers three times or out of order.
// The sandbox moves one order step per `advance`, so each state is observed, not raced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/sandbox/control/types.js';
import { honeybeeOrderWorkflowId, labOrderWorkflowId, prescriptionWorkflowId } from '../../src/domain/workflow-ids.js';
import type { WebhookDelivery } from '../../src/sandbox/webhooks/delivery.js';
import { honeybeeOrderStatusQuery } from '../../workflows/honeybee/messages.js';
import { labOrderStatusQuery } from '../../workflows/lab/messages.js';
import {
  duplicateFills,
  firstPrescriptionId,
  ordersPerFill,
  pollUntil,
  postHoneybeeWebhook,
  waitForClose,
  waitForNotification,
  waitForOrder,
  waitForPrescription,
} from '../harness/honeybee.js';
import { startStack, type EngineStack } from '../harness/stack.js';

// One sandbox step per advance, well under the sandbox tokens' 1 h lifetime.
const STEP = '20m';
const PARTNER_KEY = 'sandbox-partner-key';

describe('bridge end to end', () => {
  let stack: EngineStack;

  beforeAll(async () => {
    stack = await startStack({
      engine: { HONEYBEE_FILL_APPROVAL: 'partner', ORDER_RECONCILE_INTERVAL: '6h' },
      sandbox: { SANDBOX_STEP_DELAY: STEP },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function api(method: 'GET' | 'POST', path: string, body?: unknown) {
    const response = await fetch(`${stack.bridgeUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${PARTNER_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** A webhook exactly as the sandbox delivered it (same bytes, same signature), sent to the bridge again. */
  async function redeliver(delivery: WebhookDelivery): Promise<number> {
    const response = await fetch(`${stack.bridgeUrl}/webhooks/honeybee`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  async function deliveredWebhook(match: (delivery: WebhookDelivery) => boolean): Promise<WebhookDelivery> {
    const deliveries = await stack.control.waitForWebhooks(
      { vendor: 'honeybee' },
      (all) => all.some((d) => d.state === 'delivered' && match(d)),
      30_000,
    );
    return deliveries.find((d) => d.state === 'delivered' && match(d))!;
  }

  async function approveFill(prescriptionId: string): Promise<void> {
    await waitForPrescription(stack.client, prescriptionId, (s) => s.stage === 'AWAITING_FILL_APPROVAL');
    const read = await api('GET', `/api/prescriptions/${prescriptionId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ execution: 'RUNNING', status: { stage: 'AWAITING_FILL_APPROVAL' } });
    const approved = await api('POST', `/api/prescriptions/${prescriptionId}/fill-approvals`, {
      approvedBy: 'billing-service',
      paymentReference: 'pay_e2e',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ accepted: true, action: 'approveFill' });
  }

  it('approves a fill through the partner API; an event delivered three times and a late one leave one delivered order', async () => {
    const rx = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
    const received = await deliveredWebhook((d) => d.eventType === 'RX_RECEIVED' && d.body.includes(`"id":${rx}`));
    // The vendor's at-least-once delivery: the same RX_RECEIVED twice more, byte for byte.
    expect([await redeliver(received), await redeliver(received)]).toEqual([200, 200]);

    await approveFill(rx);
    const { currentOrder } = await waitForPrescription(stack.client, rx, (s) => s.currentOrder !== undefined);
    const orderNumber = currentOrder!.orderNumber;
    const processing = await deliveredWebhook(
      (d) => d.eventType === 'RX_UPDATED' && d.subject === orderNumber && d.body.includes('"Processing"'),
    );

    await stack.control.advance(STEP); // Filling
    await stack.control.advance(STEP); // Shipped
    await waitForOrder(stack.client, orderNumber, (s) => s.status === 'Shipped');
    // After the order shipped, its first status comes again (a redelivery: a duplicate event id) and once more as
    // a different event (out of order: an older status): the bridge accepts both, the order moves back for neither.
    expect(await redeliver(processing)).toBe(200);
    const outOfOrder = JSON.stringify({ ...(JSON.parse(processing.body) as object), event_id: `late-${orderNumber}` });
    const target = new URL('/webhooks/honeybee', stack.env.BRIDGE_PUBLIC_URL).toString();
    expect((await postHoneybeeWebhook(stack, target, outOfOrder)).status).toBe(200);
    const shipped = await waitForOrder(stack.client, orderNumber, (s) => s.duplicateEvents >= 1 && s.lateEvents >= 1);
    expect(shipped.status).toBe('Shipped');

    await stack.control.advance(STEP); // Delivered
    expect(await waitForClose(stack.client, honeybeeOrderWorkflowId(orderNumber))).toBe('COMPLETED');
    expect(await waitForClose(stack.client, prescriptionWorkflowId(rx))).toBe('COMPLETED');
    const final = await stack.client.workflow
      .getHandle(honeybeeOrderWorkflowId(orderNumber))
      .query(honeybeeOrderStatusQuery);
    expect(final.status).toBe('Delivered');
    expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
    expect(await duplicateFills(stack.control)).toEqual([]);
  });

  it('tells the partner of a hold whose exception name is longer than the event feed takes, the name cut', async () => {
    // Sent whole, the feed refused it on every attempt, and the order's later notifications waited behind it.
    const orderNumber = `HBLONG${Date.now().toString(36).toUpperCase()}`;
    const target = new URL('/webhooks/honeybee', stack.env.BRIDGE_PUBLIC_URL).toString();
    const body = JSON.stringify({
      event_id: `long-${orderNumber}`,
      event_type: 'ORDER_EXCEPTION',
      order_number: orderNumber,
      exception: { id: 69, name: 'N'.repeat(5_000), message: 'held' },
      order_actions: [{ action: 'cancel_order', description: 'Cancel the order', fields: ['reason'] }],
    });
    expect((await postHoneybeeWebhook(stack, target, body)).status).toBe(200);
    const notifications = await waitForNotification(stack.control, { orderNumber }, 'order.on_hold', 60_000);
    const onHold = notifications.find((notification) => notification.type === 'order.on_hold')!;
    expect(onHold.data?.exceptionName).toBe(`${'N'.repeat(3_999)}…`);
    // The feed shows a minute once it takes no more appends (about 20 s).
    type FeedEvent = { type: string; data: Record<string, unknown> };
    const recorded = await pollUntil(
      `order.on_hold of ${orderNumber} in the event feed`,
      async () => {
        for (let cursor: string | undefined, page = 0; page < 20; page += 1) {
          const feed = await api('GET', `/api/events?limit=500${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
          expect(feed.status).toBe(200);
          const found = (feed.body.events as FeedEvent[]).find(
            (event) => event.type === 'order.on_hold' && event.data.orderNumber === orderNumber,
          );
          if (found || feed.body.caughtUp === true) return found;
          cursor = feed.body.nextCursor as string;
        }
        return undefined;
      },
      (event) => event !== undefined,
      90_000,
    );
    expect(recorded.data.exceptionName).toBe(onHold.data?.exceptionName);
  });

  it('lists a held order in the operator queue and resolves it through the partner API (409 or 422 with the reason, then 200)', async () => {
    const rx = firstPrescriptionId(await stack.control.runScenario('exception-74'));
    await approveFill(rx);
    const { currentOrder } = await waitForPrescription(stack.client, rx, (s) => s.currentOrder !== undefined);
    const orderNumber = currentOrder!.orderNumber;
    await stack.control.advance(STEP); // leaves Processing: the planned hold strikes
    await waitForOrder(stack.client, orderNumber, (s) => s.status === 'On Hold' && s.exception !== undefined);

    const queue = await pollUntil(
      'the held order in the operator queue',
      () => api('GET', '/api/operator-queue'),
      (answer) =>
        (answer.body.items as { orderNumber: string | null }[]).some((item) => item.orderNumber === orderNumber),
      30_000,
    );
    const item = (queue.body.items as Record<string, unknown>[]).find((entry) => entry.orderNumber === orderNumber);
    expect(item).toMatchObject({
      workflowId: honeybeeOrderWorkflowId(orderNumber),
      exceptionReason: '74 Allergy Detected',
      stage: 'ORDER_ON_HOLD',
    });

    const notOffered = await api('POST', `/api/orders/${orderNumber}/resolution`, {
      action: 'release_hold',
      operator: 'dr.lee',
      reason: 'wrong action on purpose',
    });
    // An action this hold does not offer is the order's state (409); a missing field is the input's (422).
    expect(notOffered.status).toBe(409);
    expect(notOffered.body.error).toMatchObject({ code: 'wrong_state' });
    expect((notOffered.body.error as { message: string }).message).toMatch(/release_hold.*override_allergy/s);
    const missingField = await api('POST', `/api/orders/${orderNumber}/resolution`, {
      action: 'override_allergy',
      operator: 'dr.lee',
      reason: 'no note',
    });
    expect(missingField.status).toBe(422);
    expect((missingField.body.error as { message: string }).message).toContain('prescriber_note');
    // A text field given a number is refused before Honeybee is asked (it answered 422 42250).
    const wrongType = await api('POST', `/api/orders/${orderNumber}/resolution`, {
      action: 'override_allergy',
      fields: { prescriber_note: 5 },
      operator: 'dr.lee',
      reason: 'wrong type',
    });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.error).toMatchObject({ code: 'rejected', message: '"fields.prescriber_note" must be text' });

    const resolved = await api('POST', `/api/orders/${orderNumber}/resolution`, {
      action: 'override_allergy',
      fields: { prescriber_note: 'benefit outweighs the risk' },
      operator: 'dr.lee',
      reason: 'prescriber confirmed by phone',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ accepted: true, action: 'override_allergy' });
    await waitForOrder(stack.client, orderNumber, (s) => s.status === 'Filling');
    await stack.control.advance(STEP); // Shipped
    await stack.control.advance(STEP); // Delivered
    expect(await waitForClose(stack.client, honeybeeOrderWorkflowId(orderNumber))).toBe('COMPLETED');
    expect((await api('GET', `/api/orders/${orderNumber}`)).body).toMatchObject({
      execution: 'COMPLETED',
      status: { status: 'Delivered' },
    });
  });

  it('starts a lab-kit order through the partner API and follows it to its results', async () => {
    const scenario: ScenarioResult = await stack.control.runScenario('kit-happy-path');
    const info = scenario.patientInformation!;
    const request = {
      patientIdentifier: scenario.patient.patientIdentifier as string,
      patientInformation: { ...info, address: { ...info.address } },
      requestKey: `e2e-${Date.now()}`,
    };
    const started = await api('POST', '/api/lab-orders', request);
    expect(started.status).toBe(201);
    const orderIdentifier = started.body.orderIdentifier as string;
    expect(started.body).toEqual({ orderIdentifier, workflowId: labOrderWorkflowId(orderIdentifier), started: true });
    // The partner retries its request: the same order, not a second one.
    expect(await api('POST', '/api/lab-orders', request)).toMatchObject({ status: 200, body: { started: false } });

    const handle = stack.client.workflow.getHandle(labOrderWorkflowId(orderIdentifier));
    await pollUntil(
      'lab order accepted for review',
      () => handle.query(labOrderStatusQuery),
      (s) => s.stage === 'FULFILLMENT_REQUESTED',
      30_000,
    );
    for (let step = 0; step < 8; step += 1) await stack.control.advance(STEP);
    expect(await waitForClose(stack.client, labOrderWorkflowId(orderIdentifier))).toBe('COMPLETED');
    const read = await api('GET', `/api/lab-orders/${orderIdentifier}`);
    expect(read.body).toMatchObject({ execution: 'COMPLETED', status: { stage: 'RESULTS_RELEASED' } });
    const { orders } = await stack.control.onegevityOrders();
    expect(orders.filter((o) => o.order.orderIdentifier === orderIdentifier)).toHaveLength(1);
  });
});
