// Routing of Onegevity webhooks: engine lab orders by orderIdentifier or requestorId (resubmissions included), with
// the delivery key as de-duplication key and no placement in the start input; everything else parked with a reason.
import { describe, expect, it } from 'vitest';
import { routeOnegevityEvent } from '../../../src/bridge/onegevity-routing.js';
import type { RoutingContext } from '../../../src/bridge/webhook-routing.js';
import { onegevityDeliveryKey } from '../../../src/vendors/onegevity/webhook-events.js';
import { labSettings } from '../../harness/lab-orders.js';

const ORDER = 'lab0123456789abcdef01234567';
const context: RoutingContext = {
  receivedAt: '2026-11-01T10:00:00.000Z',
  requestId: 'req-1',
  honeybeeSettings: {
    mode: 'partner_requested',
    fillApproval: 'automatic',
    holdEscalationAfterMs: 1,
    holdEscalationRepeatMs: 1,
    fillApprovalTimeoutMs: 1,
    reconcileIntervalMs: 1,
    shippingMethodId: 1,
  },
  labSettings: labSettings(),
};

function route(topic: string | undefined, payload: unknown) {
  const body = Buffer.from(JSON.stringify(payload));
  return routeOnegevityEvent(topic, payload, body, context);
}

describe('routeOnegevityEvent', () => {
  it('delivers an order event to its lab order workflow, keyed by topic and raw body, without a placement', () => {
    const payload = { id: 1519348, orderIdentifier: ORDER, patientIdentifier: 'P-1', activationCode: 'TH-AB12' };
    const body = Buffer.from(JSON.stringify(payload));
    const result = routeOnegevityEvent('kit.activated', payload, body, context);
    expect(result).toEqual({
      kind: 'deliver',
      deliveries: [
        {
          workflowId: `onegevity-order-${ORDER}`,
          workflowType: 'labOrderWorkflow',
          startArgs: [{ orderIdentifier: ORDER, settings: context.labSettings }],
          signalName: 'onegevityEvent',
          signalArgs: [
            {
              dedupeKey: onegevityDeliveryKey('kit.activated', body),
              topic: 'kit.activated',
              receivedAt: context.receivedAt,
              requestId: 'req-1',
              // Typed: what the workflow reads, nothing else (the activation code stays out).
              orderIdentifier: ORDER,
              patientIdentifier: 'P-1',
            },
          ],
        },
      ],
    });
  });

  it('routes a fulfillment event by requestorId, a resubmission to its order', () => {
    for (const requestorId of [ORDER, `${ORDER}R2`, `${ORDER}R12`]) {
      const result = route('fulfillment.shipped', { id: 1, requestorId, trackingNumber: '1' });
      expect(result.kind === 'deliver' && result.deliveries[0]?.workflowId).toBe(`onegevity-order-${ORDER}`);
    }
  });

  it('delivers an unknown topic that names an engine order (the workflow keeps it)', () => {
    const result = route('survey.completed', { id: 5, orderIdentifier: ORDER });
    expect(result.kind === 'deliver' && result.deliveries[0]?.signalArgs[0]).toMatchObject({
      topic: 'survey.completed',
    });
  });

  it('parks patient events as informational: they name only a patient', () => {
    for (const topic of ['patient.created', 'patient.updated']) {
      const result = route(topic, { id: 1, patientIdentifier: 'P-1' });
      expect(result.kind === 'park' && result.reason).toMatch(
        new RegExp(`^informational: ${topic} names only a patient`),
      );
    }
  });

  it('parks identifiers the engine never issues instead of starting a workflow for them', () => {
    for (const [topic, payload] of [
      ['order.created', { id: 1, orderIdentifier: 'O13988', patientIdentifier: 'PO37011' }],
      ['fulfillment.accepted', { id: 1, requestorId: 'F87101' }],
      ['fulfillment.accepted', { id: 1, requestorId: `${ORDER}R1` }],
      ['order.updated', { id: 1, orderIdentifier: ORDER.toUpperCase() }],
    ] as const) {
      const result = route(topic, payload);
      expect(result.kind === 'park' && result.reason).toMatch(/names an order identifier this engine never issues/);
    }
  });

  it('parks events without a topic, with an invalid payload, or with nothing to route on', () => {
    expect(route(undefined, { id: 1, orderIdentifier: ORDER })).toMatchObject({ kind: 'park', reason: /no topic/ });
    expect(route('kit.activated', { id: 1 })).toMatchObject({ kind: 'park', reason: /invalid event: orderIdentifier/ });
    expect(route('survey.completed', { id: 1 })).toMatchObject({ kind: 'park', reason: /no lab order to route/ });
  });
});
