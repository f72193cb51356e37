// Every hold is resolvable (issue 15.5): an ORDER_EXCEPTION that lists no order_actions is offered the engine's
// actions for its reason, at least cancel_order; Honeybee's own actions, when they come, replace them; a run that
// does not take the fallback (a history recorded before it) offers nothing, as it did.
import { describe, expect, it } from 'vitest';
import { EXCEPTION_REASONS, fallbackOrderActions } from '../../../src/domain/honeybee-exception-reasons.js';
import { honeybeeEventFromPayload } from '../../../src/domain/honeybee-events.js';
import { observationFromEvent, type OrderObservation } from '../../../workflows/honeybee/order-observation.js';
import { applyOrderObservation, initialOrderState } from '../../../workflows/honeybee/order-state.js';
import { checkResolution } from '../../../workflows/honeybee/resolution.js';
import { orderDetails } from '../../../workflows/honeybee/details.js';

const T = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
const TAKE_FALLBACK = { fallbackActions: () => true };

/** An ORDER_EXCEPTION as the bridge hands it over, with no order_actions at all or an empty list. */
function exceptionEvent(id: number | string, name: string, orderActions?: unknown): OrderObservation {
  const observation = observationFromEvent(
    honeybeeEventFromPayload(
      {
        event_type: 'ORDER_EXCEPTION',
        order_number: 'HB1',
        timestamp: T(1),
        exception: { id, name },
        ...(orderActions === undefined ? {} : { order_actions: orderActions }),
      },
      { eventId: `e-${id}`, eventType: 'ORDER_EXCEPTION', receivedAt: T(1), requestId: 'r' },
    ),
  );
  if (!observation) throw new Error('not read as an order observation');
  return observation;
}

describe('an exception without actions offers the engine’s fallback for its reason', () => {
  it.each(EXCEPTION_REASONS.map((reason) => [reason.id, reason.name, reason] as const))(
    '%i %s with empty order_actions: its actions and cancel_order, each resolvable',
    (id, name, reason) => {
      const state = initialOrderState({ orderNumber: 'HB1' });
      applyOrderObservation(state, exceptionEvent(id, name, []), T(1), TAKE_FALLBACK);
      expect(state.exception).toMatchObject({ code: String(id), name, fallbackActions: true });
      const offered = state.exception!.actions.map((action) => action.action);
      expect(offered).toEqual(reason.actions.map((action) => action.action));
      expect(offered).toContain('cancel_order');
      expect(state.needsOperator).toBe(true);
      // The fallback is resolvable like Honeybee's own: cancel_order with the operator's reason as its field.
      const cancel = checkResolution(state.exception, {
        action: 'cancel_order',
        fields: {},
        operator: 'alice',
        reason: 'patient withdrew',
      });
      expect(cancel).toMatchObject({ ok: true, fields: { reason: 'patient withdrew' } });
      expect(orderDetails(state)).toContain("Honeybee listed no actions for this exception: these are the engine's");
    },
  );

  it('order_actions missing altogether, or an unknown reason: cancel_order at least', () => {
    const missing = initialOrderState({ orderNumber: 'HB1' });
    applyOrderObservation(missing, exceptionEvent(74, 'Allergy Detected'), T(1), TAKE_FALLBACK);
    expect(missing.exception?.actions.map((action) => action.action)).toEqual(['override_allergy', 'cancel_order']);

    for (const code of [99, 'Refill Too Soon', '']) {
      const state = initialOrderState({ orderNumber: 'HB1' });
      applyOrderObservation(state, exceptionEvent(code, 'Refill Too Soon', []), T(1), TAKE_FALLBACK);
      expect(state.exception?.actions).toEqual([
        { action: 'cancel_order', description: 'Cancel the order', fields: ['reason'] },
      ]);
    }
    expect(fallbackOrderActions(' 74 ').map((action) => action.action)).toEqual(['override_allergy', 'cancel_order']);
  });

  it("Honeybee's own actions replace the fallback when a later event or poll brings them", () => {
    const state = initialOrderState({ orderNumber: 'HB1' });
    applyOrderObservation(state, exceptionEvent(74, 'Allergy Detected', []), T(1), TAKE_FALLBACK);
    const vendorActions = [{ action: 'override_allergy_v2', fields: ['prescriber_note', 'npi'] }];
    const effect = applyOrderObservation(
      state,
      {
        source: 'poll',
        at: T(2),
        status: 'On Hold',
        prescriptionIds: [],
        shipments: [],
        exception: { code: '74', name: 'Allergy Detected' },
        actions: vendorActions,
      },
      T(2),
      TAKE_FALLBACK,
    );
    expect(effect.exceptionLearned).toBe(true);
    expect(state.exception?.actions).toEqual(vendorActions);
    expect(state.exception?.fallbackActions).toBeUndefined();
  });

  it('a hold learned without the fallback (an older run) gets it at the next observation that may take it', () => {
    const state = initialOrderState({ orderNumber: 'HB1' });
    applyOrderObservation(state, exceptionEvent(80, 'Payment Declined', []), T(1), { fallbackActions: () => false });
    expect(state.exception?.actions).toEqual([]);
    applyOrderObservation(
      state,
      { source: 'poll', at: T(2), status: 'On Hold', prescriptionIds: [], shipments: [] },
      T(2),
      TAKE_FALLBACK,
    );
    expect(state.exception?.actions.map((action) => action.action)).toEqual(['retry_payment', 'cancel_order']);
  });

  it('asks whether to take the fallback only when an exception has no actions', () => {
    let asked = 0;
    const counting = { fallbackActions: () => (asked += 1) > 0 };
    const state = initialOrderState({ orderNumber: 'HB1' });
    applyOrderObservation(
      state,
      exceptionEvent(74, 'Allergy Detected', [{ action: 'override_allergy', fields: ['prescriber_note'] }]),
      T(1),
      counting,
    );
    applyOrderObservation(
      state,
      { source: 'event', at: T(2), status: 'Filling', prescriptionIds: [], shipments: [] },
      T(2),
      counting,
    );
    expect(asked).toBe(0);
  });
});
