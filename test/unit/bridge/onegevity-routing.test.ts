// Routing of Onegevity webhooks: lab orders by orderIdentifier or requestorId (resubmissions included), with the
// delivery key as de-duplication key and no placement in the start input (follow mode: an order the engine did not
// create is followed); everything else parked with a reason.
import { describe, expect, it } from 'vitest';
import { routeOnegevityEvent } from '../../../src/bridge/onegevity-routing.js';
import type { RoutingContext } from '../../../src/bridge/webhook-routing.js';
import { onegevityDeliveryKey } from '../../../src/vendors/onegevity/webhook-events.js';
import { ONEGEVITY_TOPIC_MAX_LENGTH } from '../../../src/domain/onegevity-events.js';
import { parkedWebhookInput } from '../../../workflows/dead-letter/messages.js';
import { onegevityEventInput } from '../../../workflows/lab/messages.js';
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
  followUnknownLabOrders: true,
};

/** A dead-letter entry but for its reason. */
const PARKED = { vendor: 'onegevity', receivedAt: context.receivedAt, requestId: 'req-1', body: '{}' };

function route(topic: string | undefined, payload: unknown, follow = true) {
  const body = Buffer.from(JSON.stringify(payload));
  return routeOnegevityEvent(topic, payload, body, { ...context, followUnknownLabOrders: follow });
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
          startArgs: [{ orderIdentifier: ORDER, settings: context.labSettings, follow: true }],
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

  it("follows an order placed outside the engine (the seed's O13988): its lab order starts in follow mode", () => {
    for (const [topic, payload] of [
      ['order.created', { id: 1, orderIdentifier: 'O13988', patientIdentifier: 'PO37011' }],
      ['kit.activated', { id: 1, orderIdentifier: 'O13988', patientIdentifier: 'PO37011', activationCode: 'TH-1' }],
      ['order.updated', { id: 1, orderIdentifier: ORDER.toUpperCase() }],
    ] as const) {
      const result = route(topic, payload);
      expect(result.kind === 'deliver' && result.deliveries[0]?.startArgs[0]).toMatchObject({
        orderIdentifier: payload.orderIdentifier,
        follow: true,
      });
    }
  });

  it('parks as informational a fulfillment event for a request the engine did not make (the order read says it)', () => {
    for (const requestorId of ['F87101', `${ORDER}R1`]) {
      const result = route('fulfillment.accepted', { id: 1, requestorId });
      expect(result.kind === 'park' && result.reason).toMatch(
        /^informational: fulfillment.accepted names a fulfillment request this engine did not make/,
      );
    }
  });

  it('parks an order identifier unfit for a workflow id', () => {
    for (const orderIdentifier of ['O 13988', 'x'.repeat(65), '-O1', 'O1/2']) {
      const result = route('order.updated', { id: 1, orderIdentifier });
      expect(result.kind === 'park' && result.reason).toMatch(/unfit for a workflow id/);
    }
  });

  it('with following off, parks identifiers the engine never issues and starts engine-shaped ones without follow', () => {
    for (const [topic, payload] of [
      ['order.created', { id: 1, orderIdentifier: 'O13988', patientIdentifier: 'PO37011' }],
      ['fulfillment.accepted', { id: 1, requestorId: 'F87101' }],
      ['fulfillment.accepted', { id: 1, requestorId: `${ORDER}R1` }],
      ['order.updated', { id: 1, orderIdentifier: ORDER.toUpperCase() }],
    ] as const) {
      const result = route(topic, payload, false);
      expect(result.kind === 'park' && result.reason).toMatch(/names an order identifier this engine never issues/);
    }
    const engine = route('order.updated', { id: 1, orderIdentifier: ORDER }, false);
    expect(engine.kind === 'deliver' && engine.deliveries[0]?.startArgs[0]).toEqual({
      orderIdentifier: ORDER,
      settings: context.labSettings,
    });
  });

  it('parks events without a topic, with an invalid payload, or with nothing to route on', () => {
    const parked = (result: ReturnType<typeof route>) => result.kind === 'park' && result.reason;
    expect(parked(route(undefined, { id: 1, orderIdentifier: ORDER }))).toMatch(/^no topic/);
    expect(parked(route('kit.activated', { id: 1 }))).toMatch(/^invalid event: orderIdentifier/);
    expect(parked(route('survey.completed', { id: 1 }))).toMatch(/^no lab order to route/);
  });

  it('delivers only a topic the lab order takes, and parks a longer one quoting its start, within the reason limit', () => {
    const at = (length: number) => `t.${'x'.repeat(length - 2)}`;
    const longest = route(at(ONEGEVITY_TOPIC_MAX_LENGTH), { id: 1, orderIdentifier: ORDER });
    const signal = longest.kind === 'deliver' ? longest.deliveries[0]?.signalArgs[0] : undefined;
    expect(onegevityEventInput.safeParse(signal).success).toBe(true);
    for (const [length, payload] of [
      [ONEGEVITY_TOPIC_MAX_LENGTH + 1, { id: 1, orderIdentifier: ORDER }],
      [5_000, { id: 1 }],
    ] as const) {
      const result = route(at(length), payload);
      const reason = result.kind === 'park' ? result.reason : '';
      expect(reason).toMatch(new RegExp(`^a topic of ${length} characters`));
      expect(reason).toContain(`"t.${'x'.repeat(38)}…"`);
      expect(parkedWebhookInput.safeParse({ ...PARKED, reason }).success).toBe(true);
    }
  });
});
