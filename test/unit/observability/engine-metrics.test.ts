// The worker's engine metrics, fed the way the worker feeds them: vendor calls through the real transport against a
// scripted vendor, the activity interceptor with the notifications workflows send, and the partner notification
// types the workflows use (read from their sources, so a new type cannot go uncounted).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput } from '@temporalio/worker';
import type { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activityMetricsInterceptors } from '../../../src/observability/activity-metrics.js';
import { createEngineMetrics, statusClass, type EngineMetrics } from '../../../src/observability/engine-metrics.js';
import {
  honeybeeReasonLabel,
  milestoneIncrements,
  notificationTypeLabel,
  ORDER_NOTIFICATION_TYPES,
  PRESCRIPTION_NOTIFICATION_TYPES,
} from '../../../src/observability/milestone-metrics.js';
import { recordVendorCallsIn } from '../../../src/observability/vendor-calls.js';
import { PROJECT_ROOT } from '../../../src/temporal/binaries.js';
import { exchange } from '../../../src/vendors/shared/transport.js';
import { LabNotificationType } from '../../../workflows/lab/milestones.js';
import { startScriptedServer, type ScriptedServer } from '../../harness/scripted-http-server.js';

/** A sample's value (`_count` / `_sum` of a histogram too), 0 when the series does not exist yet. */
async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metrics = await registry.getMetricsAsJSON();
  const metric = metrics.find((entry) => entry.name === name || name.startsWith(`${entry.name}_`));
  const sample = metric?.values.find(
    (entry) =>
      ((entry as { metricName?: string }).metricName ?? metric.name) === name &&
      Object.entries(labels).every(([key, wanted]) => String(entry.labels[key]) === wanted),
  );
  return sample?.value ?? 0;
}

describe('vendor call metrics', () => {
  let vendor: ScriptedServer;
  let metrics: EngineMetrics;
  beforeAll(async () => {
    vendor = await startScriptedServer();
    metrics = createEngineMetrics();
    recordVendorCallsIn(metrics);
  });
  afterAll(async () => {
    recordVendorCallsIn(undefined);
    await vendor.close();
  });

  const call = (path: string, endpoint: string) =>
    exchange({
      vendor: 'honeybee',
      endpoint,
      method: 'GET',
      url: `${vendor.url}${path}`,
      headers: {},
      timeoutMs: 2_000,
    });

  it('counts calls by vendor, endpoint template and status class, with their latency', async () => {
    vendor.route('GET', '/v1/orders/HB1', { status: 200, body: {} });
    vendor.route('GET', '/v1/orders/HB2', { status: 404, body: {} });
    await call('/v1/orders/HB1', 'GET /orders/{order_number}');
    await call('/v1/orders/HB1', 'GET /orders/{order_number}');
    await call('/v1/orders/HB2', 'GET /orders/{order_number}');
    const labels = { vendor: 'honeybee', operation: 'GET /orders/{order_number}' };
    const count = 'fulfill_vendor_request_duration_seconds_count';
    expect(await value(metrics.registry, count, { ...labels, status_class: '2xx' })).toBe(2);
    expect(await value(metrics.registry, count, { ...labels, status_class: '4xx' })).toBe(1);
    expect(
      await value(metrics.registry, 'fulfill_vendor_request_duration_seconds_sum', { ...labels, status_class: '2xx' }),
    ).toBeGreaterThan(0);
  });

  it('counts 429s and the Retry-After waits asked for (seconds or an HTTP date), on 429 and 503', async () => {
    vendor.queue(
      'GET',
      '/v1/patients/1',
      { status: 429, headers: { 'retry-after': '7' }, body: {} },
      // Ten minutes ahead: the wait read from it (whole seconds, less however long the calls take on a loaded machine)
      // stays above 590.
      { status: 503, headers: { 'retry-after': new Date(Date.now() + 600_000).toUTCString() }, body: {} },
      { status: 429, body: {} },
    );
    for (let i = 0; i < 3; i += 1) await call('/v1/patients/1', 'GET /patients/{patient_id}');
    const labels = { vendor: 'honeybee', operation: 'GET /patients/{patient_id}' };
    expect(await value(metrics.registry, 'fulfill_vendor_rate_limited_total', labels)).toBe(2);
    const waits = 'fulfill_vendor_retry_after_seconds_count';
    expect(await value(metrics.registry, waits, { ...labels, status: '429' })).toBe(1);
    expect(await value(metrics.registry, waits, { ...labels, status: '503' })).toBe(1);
    expect(await value(metrics.registry, 'fulfill_vendor_retry_after_seconds_sum', { ...labels, status: '429' })).toBe(
      7,
    );
    const fromDate = await value(metrics.registry, 'fulfill_vendor_retry_after_seconds_sum', {
      ...labels,
      status: '503',
    });
    expect(fromDate).toBeGreaterThan(590);
    expect(fromDate).toBeLessThanOrEqual(600);
  });

  it('a call without an answer counts under status class none', async () => {
    await expect(
      exchange({
        vendor: 'onegevity',
        endpoint: 'GET /x',
        method: 'GET',
        url: 'http://127.0.0.1:9/x',
        headers: {},
        timeoutMs: 1_000,
      }),
    ).rejects.toThrow();
    expect(
      await value(metrics.registry, 'fulfill_vendor_request_duration_seconds_count', {
        vendor: 'onegevity',
        status_class: 'none',
      }),
    ).toBe(1);
  });

  it('classes statuses', () => {
    expect([200, 304, 429, 503, undefined, 42].map(statusClass)).toEqual(['2xx', '3xx', '4xx', '5xx', 'none', 'none']);
  });
});

describe('milestones from partner notifications', () => {
  it('counts holds by Honeybee reason as the ExceptionReason search attribute spells it', () => {
    expect(milestoneIncrements({ type: 'order.on_hold', data: { exceptionId: '74', exceptionName: 'x' } })).toEqual([
      { counter: 'holdsOpened', labels: { kind: 'order', reason: '74 Allergy Detected' } },
    ]);
    expect(milestoneIncrements({ type: 'order.escalated', data: { exceptionId: '74', escalationLevel: 1 } })).toEqual([
      { counter: 'holdsEscalated', labels: { kind: 'order', reason: '74 Allergy Detected' } },
    ]);
    // Released by the vendor on its own: the notification does not say which hold.
    expect(milestoneIncrements({ type: 'order.resolved', data: {} })).toEqual([
      { counter: 'holdsResolved', labels: { kind: 'order', reason: 'unknown' } },
    ]);
    expect(honeybeeReasonLabel('999')).toBe('other');
    expect(honeybeeReasonLabel('Avery Sandbox')).toBe('other');
  });

  it('counts orders created, prescription and lab holds, and kit milestones; free text never becomes a label', () => {
    expect(milestoneIncrements({ type: 'order.created', data: {} })).toEqual([
      { counter: 'ordersCreated', labels: { vendor: 'honeybee' } },
    ]);
    expect(milestoneIncrements({ type: 'prescription.needs_operator', data: { reason: 'patient_not_found' } })).toEqual(
      [{ counter: 'holdsOpened', labels: { kind: 'prescription', reason: 'patient_not_found' } }],
    );
    expect(
      milestoneIncrements({ type: 'prescription.needs_operator', data: { reason: 'Avery Sandbox, 1984' } }),
    ).toEqual([{ counter: 'holdsOpened', labels: { kind: 'prescription', reason: 'other' } }]);
    expect(milestoneIncrements({ type: 'prescription.matched', data: { matchedBy: 'operator' } })).toEqual([
      { counter: 'holdsResolved', labels: { kind: 'prescription', reason: 'patient_match' } },
    ]);
    expect(milestoneIncrements({ type: 'prescription.matched', data: { matchedBy: 'ehrId' } })).toEqual([]);
    expect(milestoneIncrements({ type: LabNotificationType.Created, data: {} })).toEqual([
      { counter: 'ordersCreated', labels: { vendor: 'onegevity' } },
      { counter: 'labKitMilestones', labels: { milestone: 'created' } },
    ]);
    expect(milestoneIncrements({ type: LabNotificationType.Rejected, data: {} })).toContainEqual({
      counter: 'holdsOpened',
      labels: { kind: 'lab', reason: 'fulfillment_rejected' },
    });
    expect(milestoneIncrements({ type: 'order.shipped', data: {} })).toEqual([]);
    expect(milestoneIncrements({ type: 'lab_order.unheard_of', data: {} })).toEqual([]);
    expect(notificationTypeLabel('lab_order.unheard_of')).toBe('other');
  });

  it('knows every notification type the workflows send', () => {
    const sources = ['workflows/prescription.ts', 'workflows/honeybee-order.ts']
      .concat(readdirSync(join(PROJECT_ROOT, 'workflows', 'honeybee')).map((file) => `workflows/honeybee/${file}`))
      .map((file) => readFileSync(join(PROJECT_ROOT, file), 'utf8'))
      .join('\n');
    const sent = new Set(sources.match(/'(?:prescription|order)\.[a-z_]+'/g)?.map((literal) => literal.slice(1, -1)));
    expect(sent.size).toBeGreaterThan(10);
    const known = new Set<string>([...PRESCRIPTION_NOTIFICATION_TYPES, ...ORDER_NOTIFICATION_TYPES]);
    expect([...sent].filter((type) => !known.has(type))).toEqual([]);
    for (const type of Object.values(LabNotificationType)) expect(notificationTypeLabel(type)).toBe(type);
  });
});

describe('activity metrics interceptor', () => {
  function run(metrics: EngineMetrics, activityType: string, attempt: number, args: unknown[], outcome: unknown) {
    const ctx = { info: { activityType, attempt } } as unknown as Context;
    const interceptor = activityMetricsInterceptors(metrics)(ctx).inbound!;
    const input = { args, headers: {} } as unknown as ActivityExecuteInput;
    return interceptor.execute!(input, async () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    });
  }

  let metrics: EngineMetrics;
  afterEach(() => metrics.registry.clear());

  it('counts the milestone once (first attempt), each attempt outcome, and retries', async () => {
    metrics = createEngineMetrics();
    const hold = { id: 'n1', type: 'order.on_hold', occurredAt: '', data: { exceptionId: '74' } };
    await expect(run(metrics, 'notifyPartner', 1, [hold], new Error('partner down'))).rejects.toThrow();
    await run(metrics, 'notifyPartner', 2, [hold], { delivered: true, status: 200 });
    await run(metrics, 'notifyPartner', 1, [{ ...hold, type: 'order.shipped' }], { delivered: false });
    const r = metrics.registry;
    expect(await value(r, 'fulfill_holds_opened_total', { kind: 'order', reason: '74 Allergy Detected' })).toBe(1);
    expect(await value(r, 'fulfill_partner_notifications_total', { type: 'order.on_hold', outcome: 'failed' })).toBe(1);
    expect(await value(r, 'fulfill_partner_notifications_total', { type: 'order.on_hold', outcome: 'sent' })).toBe(1);
    expect(await value(r, 'fulfill_partner_notifications_total', { type: 'order.shipped', outcome: 'logged' })).toBe(1);
    expect(await value(r, 'fulfill_activity_retries_total', { activity: 'notifyPartner' })).toBe(1);
  });

  it('counts a notification whose data lists shipments (one flat record per parcel)', async () => {
    metrics = createEngineMetrics();
    const shipments = [
      { trackingNumber: '1Z1', trackingUrl: null, carrier: 'UPS', shippedAt: null },
      { trackingNumber: '1Z2', trackingUrl: null, carrier: 'UPS', shippedAt: null },
    ];
    const delivered = { id: 'n2', type: 'order.delivered', occurredAt: '', data: { shipmentCount: 2, shipments } };
    await run(metrics, 'notifyPartner', 1, [delivered], { delivered: true, status: 200 });
    expect(
      await value(metrics.registry, 'fulfill_partner_notifications_total', {
        type: 'order.delivered',
        outcome: 'sent',
      }),
    ).toBe(1);
  });

  it('counts retries of any activity and ignores inputs it cannot read', async () => {
    metrics = createEngineMetrics();
    await run(metrics, 'createHoneybeeOrder', 3, [{}], { ok: true });
    await run(metrics, 'notifyPartner', 1, ['not a notification'], { delivered: true });
    expect(await value(metrics.registry, 'fulfill_activity_retries_total', { activity: 'createHoneybeeOrder' })).toBe(
      1,
    );
    expect(
      (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'fulfill_partner_notifications_total')?.values,
    ).toEqual([]);
  });
});
