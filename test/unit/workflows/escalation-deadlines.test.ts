// When a wait escalates next, as every workflow's `status` reports it (`nextEscalationAt`, the operator contract):
// the order's hold clock, and the lab order's activation reminders and operator flag.
import { describe, expect, it } from 'vitest';
import { holdEscalatesAt, initialOrderState, applyOrderObservation } from '../../../workflows/honeybee/order-state.js';
import type { OrderObservation } from '../../../workflows/honeybee/order-observation.js';
import { labDeadlines, nextEscalation } from '../../../workflows/lab/deadlines.js';
import { initialLabOrderState, labOrderStatusView } from '../../../workflows/lab/state.js';
import { applyLabEvent } from '../../../workflows/lab/apply.js';
import { DAY, HOUR, labEvent, labSettings } from '../../harness/lab-orders.js';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (ms: number) => Date.parse(T0) + ms;
const SETTINGS = { holdEscalationAfterMs: 4 * HOUR, holdEscalationRepeatMs: 24 * HOUR };

function onHold(exception = true) {
  const state = initialOrderState({ orderNumber: 'HB1' });
  const observation: OrderObservation = {
    source: 'event',
    at: T0,
    status: 'On Hold',
    prescriptionIds: [],
    shipments: [],
    ...(exception
      ? {
          exception: { code: '74', name: 'Allergy Detected' },
          actions: [{ action: 'override_allergy', fields: ['prescriber_note'] }],
        }
      : {}),
  };
  applyOrderObservation(state, observation, T0);
  return state;
}

describe('holdEscalatesAt', () => {
  it('escalates a hold after the first interval, then every repeat, counted from when it began', () => {
    const state = onHold();
    expect(holdEscalatesAt(state, SETTINGS)).toBe(at(4 * HOUR));
    state.escalationLevel = 2;
    expect(holdEscalatesAt(state, SETTINGS)).toBe(at(4 * HOUR + 48 * HOUR));
  });

  it('has nothing due while no exception waits for an operator', () => {
    expect(holdEscalatesAt(onHold(false), SETTINGS)).toBe(Infinity);
    expect(holdEscalatesAt(initialOrderState({ orderNumber: 'HB2' }), SETTINGS)).toBe(Infinity);
  });
});

describe("a lab order's next escalation", () => {
  const ORDER = 'lab0123456789abcdef01234567';
  const settings = labSettings({ kitActivationReminderAfterMs: 2 * DAY, kitActivationOperatorAfterMs: 5 * DAY });

  function shipped() {
    const state = initialLabOrderState({ orderIdentifier: ORDER, startedByEngine: true, now: T0 });
    state.orderCreated = true;
    applyLabEvent(state, labEvent('fulfillment.shipped', { id: 1, requestorId: ORDER }), T0);
    return state;
  }

  it('is the next activation reminder, then the operator flag; never the quiet-order poll', () => {
    const state = shipped();
    expect(nextEscalation(labDeadlines(state, settings))).toBe(at(2 * DAY));
    expect(labOrderStatusView(state, 'wf', at(2 * DAY)).nextEscalationAt).toBe(new Date(at(2 * DAY)).toISOString());
    state.activationRemindersSent = 2;
    expect(nextEscalation(labDeadlines(state, settings))).toBe(at(5 * DAY));
    state.activationOperatorAskedAt = new Date(at(5 * DAY)).toISOString();
    expect(labDeadlines(state, settings).reconcileAt).toBeDefined();
    expect(nextEscalation(labDeadlines(state, settings))).toBeUndefined();
    expect(labOrderStatusView(state, 'wf', undefined)).not.toHaveProperty('nextEscalationAt');
  });
});
