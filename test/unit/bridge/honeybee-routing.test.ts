// Where each Honeybee webhook goes: RX_RECEIVED to one prescription workflow per medication request, order events to
// the order workflow of their order_number (start input = what the event says + the engine's settings), anything
// else parked with a reason.
import { describe, expect, it } from 'vitest';
import { routeHoneybeeEvent } from '../../../src/bridge/honeybee-routing.js';
import type { RoutingContext } from '../../../src/bridge/webhook-routing.js';
import { DEFAULT_HONEYBEE_SETTINGS } from '../../../workflows/honeybee/settings.js';

const context: RoutingContext = {
  receivedAt: '2026-01-01T00:00:00.000Z',
  requestId: 'req-1',
  honeybeeSettings: { ...DEFAULT_HONEYBEE_SETTINGS, mode: 'automatic' },
  labSettings: {
    packageIdentifier: 'KIT',
    kitActivationReminderAfterMs: 1,
    kitActivationOperatorAfterMs: 2,
    reconcileIntervalMs: 3,
  },
  followUnknownLabOrders: true,
};

describe('routeHoneybeeEvent', () => {
  it('starts one prescription workflow per medication request, with the patient and settings', () => {
    const routing = routeHoneybeeEvent(
      {
        event_id: 'e1',
        event_type: 'rx_received',
        patient_id: 4242,
        medication_requests: [{ id: 111 }, { id: 222, prescription_id: 222 }],
      },
      context,
    );
    expect(routing.kind).toBe('deliver');
    if (routing.kind !== 'deliver') return;
    expect(routing.deliveries.map((d) => [d.workflowId, d.workflowType, d.startArgs])).toEqual([
      [
        'honeybee-rx-111',
        'prescriptionWorkflow',
        [{ prescriptionId: '111', patientId: '4242', settings: context.honeybeeSettings }],
      ],
      [
        'honeybee-rx-222',
        'prescriptionWorkflow',
        [{ prescriptionId: '222', patientId: '4242', settings: context.honeybeeSettings }],
      ],
    ]);
    expect(routing.deliveries[0]?.signalArgs[0]).toMatchObject({
      eventId: 'e1',
      eventType: 'RX_RECEIVED',
      requestId: 'req-1',
      patientId: '4242',
      prescriptions: [{ prescriptionId: '111' }, { prescriptionId: '222' }],
    });
    expect(routing.deliveries[0]?.signalArgs[0]).not.toHaveProperty('payload');
    // The workflow starts showing its first stage: no upsert (a billed action) for it.
    expect(
      Object.fromEntries((routing.deliveries[1]?.startSearchAttributes ?? []).map((p) => [p.key.name, p.value])),
    ).toEqual({
      FulfillmentStage: 'RX_RECEIVED',
      HoneybeePrescriptionId: '222',
      NeedsOperator: false,
      EscalationLevel: 0,
    });
  });

  it('sends RX_UPDATED, SHIPMENT_UPDATED and ORDER_EXCEPTION to the order workflow of their order_number', () => {
    for (const eventType of ['RX_UPDATED', 'SHIPMENT_UPDATED']) {
      const routing = routeHoneybeeEvent(
        {
          event_id: 'e2',
          event_type: eventType,
          patient_id: 4242,
          order_number: 'HB7K2M9Q',
          medication_requests: [{ id: 111, medication_dispenses: [{ order_status: 'Shipped' }] }],
        },
        context,
      );
      expect(routing).toMatchObject({
        kind: 'deliver',
        deliveries: [
          {
            workflowId: 'honeybee-order-HB7K2M9Q',
            workflowType: 'honeybeeOrderWorkflow',
            startArgs: [
              {
                orderNumber: 'HB7K2M9Q',
                patientId: '4242',
                prescriptionIds: ['111'],
                settings: context.honeybeeSettings,
              },
            ],
            signalName: 'honeybeeEvent',
          },
        ],
      });
    }
    // Started by its webhook, the order workflow shows the event's stage from the start: no upsert for it.
    const shipped = routeHoneybeeEvent(
      {
        event_id: 'e2s',
        event_type: 'SHIPMENT_UPDATED',
        order_number: 'HB7K2M9Q',
        medication_requests: [{ id: 111, medication_dispenses: [{ order_status: 'Shipped' }] }],
      },
      context,
    );
    if (shipped.kind !== 'deliver') throw new Error('not delivered');
    expect(
      Object.fromEntries((shipped.deliveries[0]?.startSearchAttributes ?? []).map((p) => [p.key.name, p.value])),
    ).toEqual({
      FulfillmentStage: 'ORDER_SHIPPED',
      HoneybeeOrderNumber: 'HB7K2M9Q',
      HoneybeePrescriptionId: '111',
      NeedsOperator: false,
      EscalationLevel: 0,
    });
    const exception = routeHoneybeeEvent(
      { event_id: 'e3', event_type: 'ORDER_EXCEPTION', order_number: 'HB9', exception: { id: 74 }, order_actions: [] },
      context,
    );
    expect(exception).toMatchObject({
      kind: 'deliver',
      deliveries: [{ workflowId: 'honeybee-order-HB9', startArgs: [{ orderNumber: 'HB9' }] }],
    });
    if (exception.kind === 'deliver')
      expect(exception.deliveries[0]?.startArgs[0]).not.toHaveProperty('prescriptionIds');
  });

  it('reads the exception event under either spelling: ORDER_EXCEPTION or the seed\'s "Order Exception Raised"', () => {
    for (const eventType of [
      'Order Exception Raised',
      'order exception raised',
      'ORDER_EXCEPTION_RAISED',
      'Order-Exception-Raised',
      ' order_exception ',
    ]) {
      const routing = routeHoneybeeEvent(
        {
          event_id: `e-${eventType}`,
          event_type: eventType,
          order_number: 'HB9',
          exception: { id: 74, name: 'Allergy Detected' },
          order_actions: [{ action: 'override_allergy', fields: ['prescriber_note'] }],
        },
        context,
      );
      expect(routing, eventType).toMatchObject({
        kind: 'deliver',
        deliveries: [
          {
            workflowId: 'honeybee-order-HB9',
            signalArgs: [
              {
                eventType: 'ORDER_EXCEPTION',
                exception: { code: '74', name: 'Allergy Detected' },
                actions: [{ action: 'override_allergy', fields: ['prescriber_note'] }],
              },
            ],
          },
        ],
      });
    }
  });

  it('parks what it cannot route, with the reason', () => {
    expect(routeHoneybeeEvent({ event_id: 'e4', event_type: 'RX_UPDATED', medication_requests: [] }, context)).toEqual({
      kind: 'park',
      reason: 'RX_UPDATED without an order_number',
    });
    expect(routeHoneybeeEvent({ event_id: 'e5', event_type: 'RX_RECEIVED' }, context)).toEqual({
      kind: 'park',
      reason: 'RX_RECEIVED without medication requests',
    });
    expect(
      routeHoneybeeEvent({ event_id: 'e5b', event_type: 'RX_RECEIVED', medication_requests: [{ id: 111 }] }, context),
    ).toEqual({ kind: 'park', reason: 'RX_RECEIVED without a patient_id' });
    expect(routeHoneybeeEvent({ event_id: 'e6', event_type: 'PRICE_CHANGED' }, context)).toEqual({
      kind: 'park',
      reason: 'no route for event type PRICE_CHANGED',
    });
    expect(routeHoneybeeEvent({ event_type: 'RX_UPDATED' }, context)).toMatchObject({
      kind: 'park',
      reason: expect.stringMatching(/^invalid event: /) as unknown,
    });
  });

  it('parks an order number or prescription id unfit for a workflow id, naming the field but not the value', () => {
    // Such an id became a workflow id and the partner's webhook-id header, which no HTTP client sends: the order's
    // notifications then failed for ever.
    for (const orderNumber of ['Ünï😀', 'A\nB', 'HB FOO/../x', 'x'.repeat(65)]) {
      const routing = routeHoneybeeEvent(
        {
          event_id: 'e8',
          event_type: 'ORDER_EXCEPTION',
          order_number: orderNumber,
          exception: { id: 64, name: 'Partner Hold' },
        },
        context,
      );
      expect(routing).toEqual({
        kind: 'park',
        reason: 'ORDER_EXCEPTION names an order_number unfit for a workflow id (letters, digits, _ and -; 1 to 64)',
      });
    }
    expect(
      routeHoneybeeEvent(
        {
          event_id: 'e9',
          event_type: 'RX_RECEIVED',
          patient_id: 7,
          medication_requests: [{ id: 111 }, { id: 'rx/2' }],
        },
        context,
      ),
    ).toEqual({
      kind: 'park',
      reason: 'RX_RECEIVED names a prescription id unfit for a workflow id (letters, digits, _ and -; 1 to 64)',
    });
    expect(
      routeHoneybeeEvent(
        {
          event_id: 'e10',
          event_type: 'RX_UPDATED',
          order_number: 'HB_ok-1',
          medication_requests: [{ id: 'x'.repeat(64) }],
        },
        context,
      ),
    ).toMatchObject({ kind: 'deliver' });
  });

  it('names the first ten problems of a body with many, so the reason stays within what the dead letter keeps', () => {
    const routing = routeHoneybeeEvent(
      {
        event_id: 'e7',
        event_type: 'RX_RECEIVED',
        patient_id: 1,
        medication_requests: Array.from({ length: 150 }, () => ({ drug_name: 'no id' })),
      },
      context,
    );
    expect(routing).toEqual({
      kind: 'park',
      reason: `invalid event: ${Array.from({ length: 10 }, (_, index) => `medication_requests.${index}.id`).join(
        ', ',
      )} and 140 more`,
    });
  });
});
