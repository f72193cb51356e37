// The order workflow's pure rules: reading events and polls, never moving backwards, the Filling ⇄ On Hold rule by
// time, holds and their exceptions, bounded de-duplication.
import { describe, expect, it } from 'vitest';
import { honeybeeEventFromPayload, type HoneybeeEvent } from '../../../src/domain/honeybee-events.js';
import { EventDedupe } from '../../../workflows/shared/event-dedupe.js';
import {
  observationFromEvent,
  observationFromSnapshot,
  overallOrderStatus,
  type OrderObservation,
} from '../../../workflows/honeybee/order-observation.js';
import {
  applyOrderObservation,
  holdEscalatesAt,
  initialOrderState,
  UNKNOWN_HOLD_REASON,
} from '../../../workflows/honeybee/order-state.js';
import { recordDecision } from '../../../workflows/shared/decision-log.js';

/** An event as the bridge hands it over: read from a payload like Honeybee's. */
function event(eventType: string, payload: Record<string, unknown>): HoneybeeEvent {
  return honeybeeEventFromPayload(payload, {
    eventId: 'e',
    eventType,
    receivedAt: '2026-01-01T00:00:00.000Z',
    requestId: 'r',
  });
}

function status(value: string, at: string, extra: Partial<OrderObservation> = {}): OrderObservation {
  return { source: 'event', at, status: value, prescriptionIds: [], shipments: [], ...extra };
}

const T = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
const HOLD = { code: '74', name: 'Allergy Detected', message: 'free text' };
const ACTIONS = [{ action: 'override_allergy', fields: ['prescriber_note'] }];

describe('reading order events', () => {
  it('reads RX_UPDATED: overall status, prescriptions, shipments, patient', () => {
    const read = observationFromEvent(
      event('RX_UPDATED', {
        patient_id: 4242,
        order_number: 'HB1',
        timestamp: T(5),
        medication_requests: [
          {
            id: 111,
            prescription_id: 111,
            medication_dispenses: [
              { order_status: 'Shipped', shipment: { tracking_no: '9400', carrier: 'USPS', tracking_url: null } },
            ],
          },
          { id: 222, medication_dispenses: [{ order_status: 'filling' }] },
        ],
      }),
    );
    expect(read).toEqual({
      source: 'event',
      eventType: 'RX_UPDATED',
      at: T(5),
      status: 'Filling',
      prescriptionIds: ['111', '222'],
      patientId: '4242',
      shipments: [{ trackingNo: '9400', carrier: 'USPS' }],
    });
  });

  it('reads ORDER_EXCEPTION as On Hold with its exception and offered actions; other types are not order events', () => {
    const read = observationFromEvent(
      event('ORDER_EXCEPTION', {
        order_number: 'HB1',
        exception: { id: 74, name: 'Allergy Detected', message: 'm' },
        order_actions: [{ action: 'override_allergy', description: 'd', fields: ['prescriber_note'] }, { bad: true }],
      }),
    );
    expect(read).toMatchObject({
      status: 'On Hold',
      at: '2026-01-01T00:00:00.000Z',
      exception: { code: '74', name: 'Allergy Detected', message: 'm' },
      actions: [{ action: 'override_allergy', description: 'd', fields: ['prescriber_note'] }],
    });
    expect(observationFromEvent(event('RX_RECEIVED', {}))).toBeUndefined();
    expect(observationFromEvent(event('PRICE_CHANGED', {}))).toBeUndefined();
  });

  it('reads the seed\'s "Order Exception Raised" as ORDER_EXCEPTION, in any case and spacing', () => {
    for (const type of ['Order Exception Raised', 'order-exception-raised', 'ORDER_EXCEPTION_RAISED']) {
      const read = observationFromEvent(
        event(type, { order_number: 'HB1', exception: { id: 80, name: 'Payment Declined' }, order_actions: [] }),
      );
      expect(read, type).toMatchObject({
        eventType: 'ORDER_EXCEPTION',
        status: 'On Hold',
        exception: { code: '80', name: 'Payment Declined' },
        actions: [],
      });
    }
  });

  it('computes the overall status as the vendor does, keeping unknown values', () => {
    expect(overallOrderStatus(['Shipped', 'Filling'])).toBe('Filling');
    expect(overallOrderStatus(['Shipped', 'On Hold'])).toBe('On Hold');
    expect(overallOrderStatus(['Cancelled', 'Delivered'])).toBe('Delivered');
    expect(overallOrderStatus(['Cancelled', 'canceled'])).toBe('Canceled');
    expect(overallOrderStatus(['Awaiting Pickup'])).toBe('Awaiting Pickup');
    expect(overallOrderStatus([])).toBeUndefined();
  });

  it('reads a polled order; its exception only while On Hold', () => {
    const snapshot = {
      orderNumber: 'HB1',
      status: 'On Hold',
      prescriptionIds: ['111'],
      dispenseStatuses: ['On Hold'],
      shipments: [],
      exception: { id: '74', name: 'Allergy Detected' },
      actions: ACTIONS,
      fromCache: true,
    };
    expect(observationFromSnapshot(snapshot, T(9))).toMatchObject({
      source: 'poll',
      status: 'On Hold',
      exception: { code: '74' },
      actions: ACTIONS,
    });
    expect(observationFromSnapshot({ ...snapshot, status: 'Filling' }, T(9)).exception).toBeUndefined();
  });
});

describe('applying observations', () => {
  it('moves forward, never backward, and counts a late event as stale', () => {
    const state = initialOrderState({ orderNumber: 'HB1' });
    expect(applyOrderObservation(state, status('Processing', T(1)), T(1))).toMatchObject({ change: 'initial' });
    expect(applyOrderObservation(state, status('Shipped', T(3)), T(3))).toMatchObject({ applied: true });
    const late = applyOrderObservation(state, status('Filling', T(2)), T(4));
    expect(late).toMatchObject({ change: 'backward', applied: false, stale: true });
    expect(state).toMatchObject({ status: 'Shipped', stage: 'ORDER_SHIPPED' });
    applyOrderObservation(state, status('Delivered', T(5)), T(5));
    expect(applyOrderObservation(state, status('Canceled', T(6)), T(6)).applied).toBe(false);
    expect(state.status).toBe('Delivered');
  });

  it('Filling ⇄ On Hold only when the event is newer than what set the current status', () => {
    const state = initialOrderState({ orderNumber: 'HB1' });
    applyOrderObservation(state, status('Filling', T(2)), T(2));
    expect(applyOrderObservation(state, status('On Hold', T(1)), T(3))).toMatchObject({ stale: true, applied: false });
    expect(applyOrderObservation(state, status('On Hold', T(4)), T(4))).toMatchObject({ applied: true, newHold: true });
    expect(state).toMatchObject({ status: 'On Hold', holdCount: 1, onHoldSince: T(4), needsOperator: true });
    expect(applyOrderObservation(state, status('Filling', T(5)), T(5))).toMatchObject({ leftHold: true });
    expect(state).toMatchObject({ status: 'Filling', needsOperator: false, escalationLevel: 0 });
    expect(state.onHoldSince).toBeUndefined();
  });

  it('learns the exception of the current hold once; a stale exception event is an old hold’s', () => {
    const state = initialOrderState({ orderNumber: 'HB1' });
    applyOrderObservation(state, status('On Hold', T(1)), T(1));
    const learned = applyOrderObservation(state, status('On Hold', T(1), { exception: HOLD, actions: ACTIONS }), T(1));
    expect(learned).toMatchObject({ exceptionLearned: true, newHold: false });
    expect(state.exception).toMatchObject({ code: '74', name: 'Allergy Detected', actions: ACTIONS, vendorAt: T(1) });
    const again = applyOrderObservation(state, status('On Hold', T(1), { exception: HOLD, actions: ACTIONS }), T(2));
    expect(again.exceptionLearned).toBe(false);

    // Leaving the hold says which exception ended (the partner's order.resolved names it, whoever moved first).
    expect(applyOrderObservation(state, status('Filling', T(3)), T(3))).toMatchObject({
      leftHold: true,
      endedExceptionCode: '74',
    });
    const old = applyOrderObservation(state, status('On Hold', T(1), { exception: HOLD, actions: ACTIONS }), T(4));
    expect(old).toMatchObject({ stale: true, exceptionLearned: false });
    expect(state.exception).toBeUndefined();
  });

  it('a newer exception with another reason is a new hold; a poll repeating the resolved hold is not', () => {
    const state = initialOrderState({ orderNumber: 'HB1' });
    applyOrderObservation(state, status('On Hold', T(1), { exception: HOLD, actions: ACTIONS }), T(1));
    state.awaitingVendor = { action: 'override_allergy', since: T(2) };
    const poll = applyOrderObservation(
      state,
      { ...status('On Hold', T(3), { exception: HOLD, actions: ACTIONS }), source: 'poll' },
      T(3),
    );
    expect(poll.newHold).toBe(false);
    expect(state.awaitingVendor).toBeDefined();
    const next = applyOrderObservation(
      state,
      status('On Hold', T(4), { exception: { code: '75', name: 'Drug Interaction Found' }, actions: [] }),
      T(4),
    );
    expect(next).toMatchObject({ newHold: true, exceptionLearned: true });
    expect(state).toMatchObject({ holdCount: 2, exception: { code: '75' }, needsOperator: true });
    expect(state.awaitingVendor).toBeUndefined();
  });

  it('keeps unknown statuses for the record without changing state, and shipments once each', () => {
    const state = initialOrderState({ orderNumber: 'HB1', prescriptionIds: ['111'] });
    applyOrderObservation(state, status('Filling', T(1)), T(1));
    expect(applyOrderObservation(state, status('Awaiting Pickup', T(2)), T(2)).change).toBe('unknown');
    expect(state).toMatchObject({ status: 'Filling', unknownStatuses: ['Awaiting Pickup'] });
    const shipment = { trackingNo: '9400', carrier: 'USPS' };
    const effect = applyOrderObservation(
      state,
      status('Shipped', T(3), { shipments: [shipment], prescriptionIds: ['111', '222'] }),
      T(3),
    );
    expect(effect).toMatchObject({ shipmentsAdded: 1, prescriptionsAdded: ['222'] });
    applyOrderObservation(state, status('Shipped', T(4), { shipments: [shipment] }), T(4));
    expect(state.shipments).toEqual([shipment]);
  });

  it('keeps an unknown first status for the record: the known statuses after it still move the order', () => {
    const options = { unknownFirstStatusKept: () => true };
    const state = initialOrderState({ orderNumber: 'HB1' });
    const first = applyOrderObservation(state, status('Ready To Ship', T(1)), T(1), options);
    expect(first).toMatchObject({ change: 'unknown', applied: false });
    expect(state.status).toBeUndefined();
    expect(state.unknownStatuses).toEqual(['Ready To Ship']);
    expect(applyOrderObservation(state, status('Shipped', T(2)), T(2), options)).toMatchObject({
      change: 'initial',
      applied: true,
    });
    expect(applyOrderObservation(state, status('Delivered', T(3)), T(3), options).applied).toBe(true);
    expect(state.status).toBe('Delivered');
  });

  it('in a run recorded before the patch, an unknown first status becomes the status, as it was recorded', () => {
    const state = initialOrderState({ orderNumber: 'HB1' });
    expect(applyOrderObservation(state, status('Ready To Ship', T(1)), T(1)).change).toBe('initial');
    expect(state.status).toBe('Ready To Ship');
    const asked: string[] = [];
    const known = initialOrderState({ orderNumber: 'HB2' });
    applyOrderObservation(known, status('Filling', T(1)), T(1), {
      unknownFirstStatusKept: () => (asked.push('asked'), true),
    });
    expect(asked).toEqual([]);
  });

  it('a hold Honeybee gives no reason for, even when asked, offers cancelling and escalates until the reason comes', () => {
    const options = { unknownHoldSettled: () => true };
    const settings = { holdEscalationAfterMs: 60_000, holdEscalationRepeatMs: 60_000 };
    const state = initialOrderState({ orderNumber: 'HB1' });
    applyOrderObservation(state, status('On Hold', T(1)), T(1), options);
    // An event without the exception: the workflow asks Honeybee before it stands in for one.
    expect(state.exception).toBeUndefined();
    expect(holdEscalatesAt(state, settings)).toBe(Infinity);
    // A poll within the grace (the order read at its start, say) does not stand in yet: the event may be on its way.
    const early = applyOrderObservation(state, status('On Hold', T(1), { source: 'poll' }), T(1), options);
    expect(early.exceptionLearned).toBe(false);
    expect(state.exception).toBeUndefined();
    const polled = applyOrderObservation(state, status('On Hold', T(2), { source: 'poll' }), T(2), options);
    expect(polled).toMatchObject({ exceptionLearned: true, newHold: false });
    expect(state.exception).toMatchObject({
      code: '',
      name: UNKNOWN_HOLD_REASON,
      reasonUnknown: true,
      actions: [expect.objectContaining({ action: 'cancel_order' })],
    });
    expect(state.needsOperator).toBe(true);
    expect(holdEscalatesAt(state, settings)).toBe(Date.parse(T(1)) + 60_000);
    // The reason, when it comes (even dated before the poll), takes the stand-in's place as a new hold, so the partner
    // hears it and Honeybee's actions.
    const learned = applyOrderObservation(state, status('On Hold', T(1), { exception: HOLD, actions: ACTIONS }), T(3));
    expect(learned).toMatchObject({ exceptionLearned: true, newHold: true });
    expect(state.exception).toMatchObject({ code: '74', name: 'Allergy Detected', actions: ACTIONS });
    expect(state.exception?.reasonUnknown).toBeUndefined();
    expect(state.holdCount).toBe(2);
  });

  it('in a run recorded before the patch, a hold without a reason stays without one', () => {
    const state = initialOrderState({ orderNumber: 'HB1' });
    applyOrderObservation(state, status('On Hold', T(1), { source: 'poll' }), T(1));
    expect(state.exception).toBeUndefined();
  });

  it('keeps a bounded audit of decisions and remembers the last rejection', () => {
    const state = initialOrderState({ orderNumber: 'HB1' });
    for (let i = 0; i < 60; i++) {
      recordDecision(state, {
        at: T(1),
        via: 'signal',
        operator: 'o',
        reason: 'r',
        action: `a${i}`,
        outcome: i === 3 ? 'rejected' : 'accepted',
        detail: 'd',
      });
    }
    expect(state.decisions).toHaveLength(50);
    expect(state.lastRejection?.action).toBe('a3');
  });

  it('makes room with the oldest rejections first, so refused inputs never push accepted decisions out', () => {
    const state = initialOrderState({ orderNumber: 'HB1' });
    const decide = (action: string, outcome: 'accepted' | 'rejected') =>
      recordDecision(state, { at: T(1), via: 'signal', operator: 'o', reason: 'r', action, outcome, detail: 'd' });
    decide('override_allergy', 'accepted');
    for (let i = 0; i < 60; i++) decide(`garbage${i}`, 'rejected');
    expect(state.decisions).toHaveLength(50);
    expect(state.decisions[0]).toMatchObject({ action: 'override_allergy', outcome: 'accepted' });
    expect(state.decisions.at(-1)?.action).toBe('garbage59');
    expect(state.lastRejection?.action).toBe('garbage59');
    // With only accepted decisions, the oldest goes.
    const accepted = initialOrderState({ orderNumber: 'HB2' });
    for (let i = 0; i < 51; i++) {
      recordDecision(accepted, {
        at: T(1),
        via: 'update',
        operator: 'o',
        reason: 'r',
        action: `a${i}`,
        outcome: 'accepted',
        detail: 'd',
      });
    }
    expect(accepted.decisions[0]?.action).toBe('a1');
  });
});

describe('event de-duplication', () => {
  it('forgets the oldest ids past its capacity, and carries its ids across runs', () => {
    const dedupe = new EventDedupe([], 3);
    expect(['a', 'b', 'a', 'c', 'd'].map((id) => dedupe.add(id))).toEqual([true, true, false, true, true]);
    expect(dedupe.snapshot()).toEqual(['b', 'c', 'd']);
    expect(dedupe.has('a')).toBe(false);
    const next = new EventDedupe(dedupe.snapshot(), 3);
    expect(next.add('c')).toBe(false);
  });
});
