// honeybeeOrderWorkflow on the time-skipping server with fake activities (issue 15.5, 15.6): an exception Honeybee
// raises without order_actions, under the seed's name "Order Exception Raised", is resolvable with the engine's
// actions for its reason; an order whose parcels ship apart tells the partner every tracking number, the later parcel
// in an order.shipped of its own; an order whose first status is one the engine does not know still moves on the known
// ones after it; a hold Honeybee gives no reason for, even when asked, can be cancelled. The runs are recorded (RECORD_HISTORIES=1) as fixtures for the replay test.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { honeybeeEventFromPayload, type HoneybeeEvent } from '../../src/domain/honeybee-events.js';
import type { HoneybeeWorkflowSettings } from '../../src/domain/workflow-settings.js';
import {
  EXCEPTION_FALLBACK_ACTIONS_PATCH,
  LATER_SHIPMENTS_TOLD_PATCH,
  UNKNOWN_FIRST_STATUS_KEPT_PATCH,
  UNKNOWN_HOLD_SETTLED_PATCH,
  type HoneybeeOrderState,
} from '../../workflows/honeybee-order.js';
import { honeybeeEventSignal, honeybeeOrderStatusQuery } from '../../workflows/honeybee/messages.js';
import { DEFAULT_HONEYBEE_SETTINGS } from '../../workflows/honeybee/settings.js';
import { resolveExceptionUpdate } from '../../workflows/shared/operator-messages.js';
import { recordHistory } from '../harness/histories.js';
import { startTimeSkipping, waitFor, type TimeSkippingHarness } from '../harness/time-skipping.js';
import { createFakeActivities, fakeOrder, type FakeVendor } from './honeybee-fakes.js';

const SETTINGS: HoneybeeWorkflowSettings = { ...DEFAULT_HONEYBEE_SETTINGS, mode: 'automatic' };

let harness: TimeSkippingHarness;
beforeAll(async () => {
  harness = await startTimeSkipping();
});
afterAll(async () => {
  await harness?.teardown();
});

function event(eventType: string, payload: Record<string, unknown>): HoneybeeEvent {
  return honeybeeEventFromPayload(
    { ...payload, timestamp: new Date().toISOString() },
    { eventId: randomUUID(), eventType, receivedAt: new Date().toISOString(), requestId: 'bridge-req' },
  );
}

/** An order event naming some of the order's dispenses (each with its status, and its parcel once shipped). */
function dispensesEvent(
  orderNumber: string,
  dispenses: { prescriptionId: number; status: string; parcel?: string }[],
): HoneybeeEvent {
  return event(dispenses.some((d) => d.parcel) ? 'SHIPMENT_UPDATED' : 'RX_UPDATED', {
    patient_id: 4242,
    order_number: orderNumber,
    medication_requests: dispenses.map((dispense) => ({
      id: dispense.prescriptionId,
      prescription_id: dispense.prescriptionId,
      medication_dispenses: [
        {
          order_status: dispense.status,
          ...(dispense.parcel
            ? {
                shipment: {
                  tracking_no: dispense.parcel,
                  tracking_url: `https://track.example/?labels=${dispense.parcel},x`,
                  carrier: 'USPS',
                  shipped_at: new Date().toISOString(),
                },
              }
            : {}),
        },
      ],
    })),
  });
}

/** Whether the run asked `patched(patchId)` and took the new way (its history holds the patch marker). */
async function hasMarker(handle: WorkflowHandle, patchId: string): Promise<boolean> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).some((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return false;
    return Object.values(marker.details ?? {}).some((payloads) =>
      (payloads.payloads ?? []).some((payload) =>
        Buffer.from(payload.data ?? [])
          .toString('utf8')
          .includes(patchId),
      ),
    );
  });
}

/** Runs `fake`'s order workflow on a worker with fake activities, started by `first` (as the bridge starts it). */
async function withOrder(
  fake: FakeVendor,
  prescriptionIds: string[],
  first: HoneybeeEvent,
  body: (handle: WorkflowHandle, calls: ReturnType<typeof createFakeActivities>['calls']) => Promise<void>,
): Promise<void> {
  const { activities, calls } = createFakeActivities(fake);
  const worker = await harness.createWorker({ activities });
  const { orderNumber } = fake.order;
  await worker.runUntil(async () => {
    const handle = await harness.env.client.workflow.signalWithStart('honeybeeOrderWorkflow', {
      taskQueue: worker.options.taskQueue,
      workflowId: `honeybee-order-${orderNumber}`,
      args: [{ orderNumber, prescriptionIds, settings: SETTINGS }],
      signal: honeybeeEventSignal,
      signalArgs: [first],
    });
    await body(handle, calls);
  });
}

describe('honeybeeOrderWorkflow: holds without actions, parcels shipped apart', () => {
  it('an "Order Exception Raised" without order_actions offers the reason’s actions and is resolved with one', async () => {
    const orderNumber = `HBFB${randomUUID().slice(0, 6).toUpperCase()}`;
    const fake: FakeVendor = {
      order: { ...fakeOrder(orderNumber, 'On Hold'), exception: { id: '72', name: 'Qty Verification Required' } },
      refillsLeft: 0,
      expireDate: '2099-12-31',
    };
    await withOrder(
      fake,
      ['1111111'],
      event('Order Exception Raised', {
        order_number: orderNumber,
        exception: { id: 72, name: 'Qty Verification Required' },
        order_actions: [],
      }),
      async (handle, calls) => {
        const held = await waitFor(
          () => handle.query(honeybeeOrderStatusQuery),
          (s) => s.stage === 'ORDER_ON_HOLD' && s.offeredActions.length > 0,
          'On Hold with actions to offer',
        );
        expect(held.exception).toMatchObject({ code: '72', fallbackActions: true });
        expect(held.offeredActions.map((action) => action.action)).toEqual(['confirm_quantity', 'cancel_order']);
        expect(held.offeredActions[0]?.fields).toEqual([expect.objectContaining({ name: 'quantity', required: true })]);
        await waitFor(
          async () => calls.notifications.map((n) => n.type),
          (types) => types.includes('order.on_hold'),
          'the partner told of the hold',
        );
        expect(calls.notifications.find((n) => n.type === 'order.on_hold')?.data).toMatchObject({
          exceptionId: '72',
          offeredActions: 'confirm_quantity,cancel_order',
        });

        const result = await handle.executeUpdate(resolveExceptionUpdate, {
          args: [
            { action: 'confirm_quantity', fields: { quantity: 30 }, operator: 'erin', reason: 'prescriber said so' },
          ],
        });
        expect(result).toMatchObject({ accepted: true, action: 'confirm_quantity' });
        expect(calls.actions).toEqual([{ orderNumber, action: 'confirm_quantity', fields: { quantity: 30 } }]);
        for (const status of ['Filling', 'Delivered']) {
          await handle.signal(honeybeeEventSignal, dispensesEvent(orderNumber, [{ prescriptionId: 1111111, status }]));
        }
        const ended = (await handle.result()) as HoneybeeOrderState;
        expect(ended.status).toBe('Delivered');
        expect(await hasMarker(handle, EXCEPTION_FALLBACK_ACTIONS_PATCH)).toBe(true);
        await recordHistory(
          harness.env.client,
          `honeybee-order-${orderNumber}`,
          'order-exception-without-actions-fallback',
        );
      },
    );
  });

  it('an unknown first status is kept for the record: the order still ships and is delivered', async () => {
    const orderNumber = `HBUF${randomUUID().slice(0, 6).toUpperCase()}`;
    const fake: FakeVendor = {
      order: fakeOrder(orderNumber, 'Ready To Ship'),
      refillsLeft: 0,
      expireDate: '2099-12-31',
    };
    await withOrder(
      fake,
      ['1111111'],
      dispensesEvent(orderNumber, [{ prescriptionId: 1111111, status: 'Ready To Ship' }]),
      async (handle, calls) => {
        // No known status yet: the workflow asks Honeybee, which says the same.
        // `polls` counts a read once its answer is applied (the fake records the call before it answers): the status
        // asserted is the one after the read.
        const first = await waitFor(
          () => handle.query(honeybeeOrderStatusQuery),
          (s) => s.polls > 0,
          'the order read after its unknown first status',
        );
        expect(first).toMatchObject({ stage: 'ORDER_KNOWN', unknownStatuses: ['Ready To Ship'] });
        expect(first.status).toBeUndefined();
        await handle.signal(
          honeybeeEventSignal,
          dispensesEvent(orderNumber, [{ prescriptionId: 1111111, status: 'Shipped', parcel: '9400333' }]),
        );
        await handle.signal(
          honeybeeEventSignal,
          dispensesEvent(orderNumber, [{ prescriptionId: 1111111, status: 'Delivered' }]),
        );
        const ended = (await handle.result()) as HoneybeeOrderState;
        expect(ended).toMatchObject({ status: 'Delivered', unknownStatuses: ['Ready To Ship'] });
        expect(calls.notifications.map((n) => n.type)).toEqual(
          expect.arrayContaining(['order.shipped', 'order.delivered']),
        );
        expect(await hasMarker(handle, UNKNOWN_FIRST_STATUS_KEPT_PATCH)).toBe(true);
        await recordHistory(harness.env.client, `honeybee-order-${orderNumber}`, 'order-unknown-first-status-kept');
      },
    );
  });

  it('a hold Honeybee gives no reason for, even when asked, is offered cancel_order and is cancelled with it', async () => {
    const orderNumber = `HBNR${randomUUID().slice(0, 6).toUpperCase()}`;
    const fake: FakeVendor = { order: fakeOrder(orderNumber, 'On Hold'), refillsLeft: 0, expireDate: '2099-12-31' };
    await withOrder(
      fake,
      ['1111111'],
      dispensesEvent(orderNumber, [{ prescriptionId: 1111111, status: 'On Hold' }]),
      async (handle, calls) => {
        // The ORDER_EXCEPTION never comes (the workflow asks Honeybee a minute into the hold), and the order Honeybee
        // answers names no exception either.
        await harness.env.sleep(2 * 60_000);
        const held = await waitFor(
          () => handle.query(honeybeeOrderStatusQuery),
          (s) => s.offeredActions.length > 0,
          'a hold without a reason offering an action',
        );
        expect(held).toMatchObject({ stage: 'ORDER_ON_HOLD', needsOperator: true });
        expect(held.exception).toMatchObject({ code: '', reasonUnknown: true });
        expect(held.offeredActions.map((action) => action.action)).toEqual(['cancel_order']);
        expect(calls.polls.length).toBeGreaterThan(0);
        await waitFor(
          async () => calls.notifications.find((n) => n.type === 'order.on_hold'),
          (told) => told !== undefined,
          'the partner told of the hold',
        );
        expect(calls.notifications.find((n) => n.type === 'order.on_hold')?.data).toMatchObject({
          exceptionId: null,
          offeredActions: 'cancel_order',
        });

        const result = await handle.executeUpdate(resolveExceptionUpdate, {
          args: [{ action: 'cancel_order', fields: {}, operator: 'erin', reason: 'no reason given for the hold' }],
        });
        expect(result).toMatchObject({ accepted: true, action: 'cancel_order' });
        expect(calls.actions).toEqual([
          { orderNumber, action: 'cancel_order', fields: { reason: 'no reason given for the hold' } },
        ]);
        await handle.signal(
          honeybeeEventSignal,
          dispensesEvent(orderNumber, [{ prescriptionId: 1111111, status: 'Canceled' }]),
        );
        expect(((await handle.result()) as HoneybeeOrderState).status).toBe('Canceled');
        expect(await hasMarker(handle, UNKNOWN_HOLD_SETTLED_PATCH)).toBe(true);
        await recordHistory(harness.env.client, `honeybee-order-${orderNumber}`, 'order-hold-without-reason-canceled');
      },
    );
  });

  it('parcels shipped apart: the partner hears every tracking number, the later parcel in its own order.shipped', async () => {
    const orderNumber = `HBSP${randomUUID().slice(0, 6).toUpperCase()}`;
    const fake: FakeVendor = {
      order: { ...fakeOrder(orderNumber, 'Filling'), prescriptionIds: ['1111111', '2222222'] },
      refillsLeft: 0,
      expireDate: '2099-12-31',
    };
    await withOrder(
      fake,
      ['1111111', '2222222'],
      dispensesEvent(orderNumber, [
        { prescriptionId: 1111111, status: 'Filling' },
        { prescriptionId: 2222222, status: 'Filling' },
      ]),
      async (handle, calls) => {
        // Honeybee tells each dispense's shipment in an event of its own.
        await handle.signal(
          honeybeeEventSignal,
          dispensesEvent(orderNumber, [{ prescriptionId: 1111111, status: 'Shipped', parcel: '9400111' }]),
        );
        await waitFor(
          async () => calls.notifications.filter((n) => n.type === 'order.shipped').length,
          (count) => count === 1,
          'the first order.shipped',
        );
        await handle.signal(
          honeybeeEventSignal,
          dispensesEvent(orderNumber, [{ prescriptionId: 2222222, status: 'Shipped', parcel: '9400222' }]),
        );
        await waitFor(
          async () => calls.notifications.filter((n) => n.type === 'order.shipped').length,
          (count) => count === 2,
          'an order.shipped for the later parcel',
        );
        await handle.signal(
          honeybeeEventSignal,
          dispensesEvent(orderNumber, [
            { prescriptionId: 1111111, status: 'Delivered' },
            { prescriptionId: 2222222, status: 'Delivered' },
          ]),
        );
        expect(((await handle.result()) as HoneybeeOrderState).status).toBe('Delivered');

        const told = (type: string) => calls.notifications.filter((n) => n.type === type);
        const [first, later] = told('order.shipped');
        expect(first?.id).toBe(`honeybee-order-${orderNumber}:shipped`);
        expect(first?.data).toMatchObject({ trackingNumber: '9400111', shipmentCount: 1 });
        expect(later?.id).toBe(`honeybee-order-${orderNumber}:shipped:2`);
        const both = [
          expect.objectContaining({
            trackingNumber: '9400111',
            trackingUrl: 'https://track.example/?labels=9400111,x',
          }),
          expect.objectContaining({
            trackingNumber: '9400222',
            trackingUrl: 'https://track.example/?labels=9400222,x',
          }),
        ];
        expect(later?.data).toMatchObject({ trackingNumber: '9400111', shipmentCount: 2, shipments: both });
        expect(told('order.delivered')[0]?.data).toMatchObject({ shipmentCount: 2, shipments: both });
        // The prescriptions hear of the delivery with both parcels.
        const delivered = calls.reports.find((report) => report.milestone.milestone === 'delivered');
        expect(delivered?.milestone.tracking?.map((shipment) => shipment.trackingNo)).toEqual(['9400111', '9400222']);
        expect(await hasMarker(handle, LATER_SHIPMENTS_TOLD_PATCH)).toBe(true);
        await recordHistory(
          harness.env.client,
          `honeybee-order-${orderNumber}`,
          'order-split-shipment-parcel-told-later',
        );
      },
    );
  });
});
