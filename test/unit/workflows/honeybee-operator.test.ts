// What operators meet: validation of resolveException inputs (shared by the signal handler and the update
// validator), the current-details markdown (actions, example input, rejections; never the vendor's free text), the
// prescription's fill rules, and settings defaults.
import { describe, expect, it } from 'vitest';
import { honeybeeEventFromPayload, type HoneybeeEvent } from '../../../src/domain/honeybee-events.js';
import { exampleResolution, orderDetails, prescriptionDetails } from '../../../workflows/honeybee/details.js';
import { initialOrderState } from '../../../workflows/honeybee/order-state.js';
import {
  applyOrderMilestone,
  applyRxReceived,
  closeFill,
  fillsRemaining,
  initialPrescriptionState,
  msUntilExpiry,
  recordOrder,
} from '../../../workflows/honeybee/prescription-state.js';
import { checkResolution, fieldValueProblem } from '../../../workflows/honeybee/resolution.js';
import type { ResolveExceptionInput } from '../../../workflows/shared/operator-messages.js';
import { DEFAULT_HONEYBEE_SETTINGS, resolveHoneybeeSettings } from '../../../workflows/honeybee/settings.js';
import type { OperatorException } from '../../../workflows/honeybee/types.js';

const EXCEPTION: OperatorException = {
  source: 'order_exception',
  code: '74',
  name: 'Allergy Detected',
  message: 'Patient Jane Roe is allergic to penicillin',
  actions: [
    { action: 'override_allergy', description: 'Prescriber overrides the allergy alert', fields: ['prescriber_note'] },
    { action: 'cancel_order', description: 'Cancel the order', fields: ['reason'] },
  ],
  raisedAt: '2026-01-01T00:00:00.000Z',
};

describe('checkResolution', () => {
  const base = { operator: 'alice', reason: 'checked with the prescriber' };

  it('accepts an offered action with its fields, and passes only the fields the action declares', () => {
    expect(
      checkResolution(EXCEPTION, {
        ...base,
        action: 'override_allergy',
        fields: { prescriber_note: 'ok', extra: 'dropped' },
      }),
    ).toEqual({ ok: true, action: EXCEPTION.actions[0], fields: { prescriber_note: 'ok' } });
  });

  it('fills a cancel_order reason from the operator’s reason', () => {
    expect(checkResolution(EXCEPTION, { ...base, action: 'cancel_order' })).toMatchObject({
      ok: true,
      fields: { reason: 'checked with the prescriber' },
    });
  });

  it('rejects with a reason: not offered, missing fields, blocked', () => {
    const reason = (input: ResolveExceptionInput, blocked?: string) => {
      const check = checkResolution(EXCEPTION, input, blocked);
      return check.ok ? 'ok' : check.reason;
    };
    expect(reason({ ...base, action: 'release_hold' })).toBe(
      'action "release_hold" is not offered for 74 Allergy Detected; offered: override_allergy, cancel_order',
    );
    // Something that is not an action name (a note pasted in the wrong place) is not repeated: refusals travel readable.
    expect(reason({ ...base, action: 'Jane Roe, allergic to penicillin' })).toBe(
      'the action given is not offered for 74 Allergy Detected; offered: override_allergy, cancel_order',
    );
    expect(reason({ ...base, action: 'override_allergy', fields: { prescriber_note: '  ' } })).toBe(
      'action "override_allergy" needs the field prescriber_note',
    );
    expect(reason({ ...base, action: 'override_allergy', fields: { prescriber_note: 'ok' } }, 'busy')).toBe('busy');
    expect(checkResolution(undefined, { ...base, action: 'override_allergy' })).toEqual({
      ok: false,
      reason: 'there is no open exception to resolve',
      kind: 'state',
    });
    // Not offered or blocked is the state (409 at the partner API); a missing field is the input (422).
    expect(checkResolution(EXCEPTION, { ...base, action: 'release_hold' })).toMatchObject({ kind: 'state' });
    expect(
      checkResolution(EXCEPTION, { ...base, action: 'override_allergy', fields: { prescriber_note: ' ' } }),
    ).toMatchObject({ kind: 'invalid' });
  });

  it('takes a field the vendor names like an object member (constructor, toString) only from the input', () => {
    const exception = {
      ...EXCEPTION,
      actions: [{ action: 'odd_action', description: 'Fields named oddly', fields: ['constructor', 'toString'] }],
    };
    expect(checkResolution(exception, { ...base, action: 'odd_action' })).toEqual({
      ok: false,
      reason: 'action "odd_action" needs the fields constructor, toString',
      kind: 'invalid',
    });
    const fields = JSON.parse('{"constructor": "a", "toString": "b"}') as Record<string, unknown>;
    expect(checkResolution(exception, { ...base, action: 'odd_action', fields })).toEqual({
      ok: true,
      action: exception.actions[0],
      fields: { constructor: 'a', toString: 'b' },
    });
  });
});

describe('current details', () => {
  it('shows an On Hold order’s reason, actions and an example input, without the vendor’s free text', () => {
    const state = initialOrderState({ orderNumber: 'HB7K2M9Q', prescriptionIds: ['1111111'] });
    Object.assign(state, { status: 'On Hold', stage: 'ORDER_ON_HOLD', exception: EXCEPTION, onHoldSince: 'x' });
    state.lastRejection = {
      at: 't',
      via: 'signal',
      operator: 'bob',
      reason: 'r',
      action: 'release_hold',
      outcome: 'rejected',
      detail: 'action "release_hold" is not offered',
    };
    const details = orderDetails(state);
    expect(details).toContain('## Honeybee order HB7K2M9Q: On Hold');
    expect(details).toContain('### 74 Allergy Detected');
    expect(details).toContain('| `override_allergy` | `prescriber_note` | Prescriber overrides the allergy alert |');
    // Its reason defaults to the operator's, so it is not a required field.
    expect(details).toContain('| `cancel_order` | (none); optional: `reason` | Cancel the order |');
    // The update first (it answers), the signal as the fallback.
    expect(details).toContain(
      'on workflow `honeybee-order-HB7K2M9Q` with **Send an Update** → `resolveExceptionUpdate`',
    );
    expect(details).toContain('or else **Send a Signal** → `resolveException`');
    expect(details).toContain('**Last input rejected**');
    expect(details).not.toContain('Jane');
    expect(details).not.toContain('penicillin');
    expect(JSON.parse(exampleResolution(EXCEPTION))).toEqual({
      action: 'override_allergy',
      fields: { prescriber_note: '<note from the prescriber>' },
      operator: '<your name>',
      reason: '<why>',
    });
  });

  it('tells an operator how to match an unmatched patient', () => {
    const state = initialPrescriptionState({ prescriptionId: '1' }, DEFAULT_HONEYBEE_SETTINGS);
    state.stage = 'AWAITING_PATIENT_MATCH';
    state.exception = { ...EXCEPTION, source: 'patient_match', code: 'PATIENT_NOT_FOUND', name: 'Patient not found' };
    const details = prescriptionDetails(state);
    expect(details).toContain('Send a Signal** → `matchPatient`');
    expect(details).toContain('"partnerPatientId":"<partner patient id>"');
  });
});

describe('prescription fills', () => {
  const rxReceived = (payload: Record<string, unknown>): HoneybeeEvent =>
    honeybeeEventFromPayload(payload, { eventId: 'e', eventType: 'RX_RECEIVED', receivedAt: 't', requestId: 'r' });

  it('takes the patient and the prescription’s facts from RX_RECEIVED', () => {
    const state = initialPrescriptionState({ prescriptionId: '111' }, DEFAULT_HONEYBEE_SETTINGS);
    applyRxReceived(
      state,
      rxReceived({
        patient_id: 4242,
        medication_requests: [
          { id: 222, refills_left: 9 },
          { id: 111, refills_left: '2', expire_date: '2027-01-31', written_qty: 30, days_supply: null },
        ],
      }),
    );
    expect(state.patientId).toBe('4242');
    expect(state.facts).toEqual({ refillsLeft: 2, expireDate: '2027-01-31', writtenQty: 30 });
  });

  it('applies the current order’s milestones in order, adopts one when waiting, ignores earlier fills', () => {
    const state = initialPrescriptionState({ prescriptionId: '111' }, DEFAULT_HONEYBEE_SETTINGS);
    const milestone = (orderNumber: string, seq: number, status: string) => ({
      orderNumber,
      milestone: 'linked' as const,
      status,
      seq,
      at: 't',
    });
    expect(applyOrderMilestone(state, milestone('HB1', 1, 'Processing'), false)).toBe('unexpected');
    expect(applyOrderMilestone(state, milestone('HB1', 1, 'Processing'), true)).toBe('adopted');
    expect(applyOrderMilestone(state, milestone('HB1', 3, 'Delivered'), true)).toBe('applied');
    expect(applyOrderMilestone(state, milestone('HB1', 2, 'Processing'), true)).toBe('late');
    expect(state.currentOrder?.status).toBe('Delivered');
    expect(closeFill(state, 't')).toBe('delivered');
    expect(applyOrderMilestone(state, milestone('HB1', 9, 'Delivered'), true)).toBe('earlier_fill');
    expect(state).toMatchObject({ fillNumber: 2, fillsDelivered: 1, recordedOrders: ['HB1'] });
  });

  it('a canceled fill is not used up; the refills at receipt bound the fills', () => {
    const state = initialPrescriptionState({ prescriptionId: '111' }, DEFAULT_HONEYBEE_SETTINGS);
    state.facts.refillsLeft = 1;
    recordOrder(state, 'HB1', 'Canceled');
    expect(closeFill(state, 't')).toBe('canceled');
    expect(state).toMatchObject({ fillNumber: 1, fillsDelivered: 0 });
    expect(fillsRemaining(state)).toBe(2);
    recordOrder(state, 'HB2', 'Delivered');
    recordOrder(state, 'HB3');
    expect(state.unexpectedOrders).toEqual(['HB3']);
    closeFill(state, 't');
    expect(fillsRemaining(state)).toBe(1);
  });

  it('counts the refill window to the end of the expiry date (UTC), a year without one', () => {
    const state = initialPrescriptionState({ prescriptionId: '111' }, DEFAULT_HONEYBEE_SETTINGS);
    const now = Date.parse('2026-01-31T23:00:00.000Z');
    expect(msUntilExpiry(state, now)).toBe(365 * 86_400_000);
    state.facts.expireDate = '2026-01-31';
    expect(msUntilExpiry(state, now)).toBe(3_599_999);
    state.facts.expireDate = 'soon';
    expect(msUntilExpiry(state, now)).toBe(365 * 86_400_000);
  });
});

describe('settings', () => {
  it('completes missing or invalid settings with the engine defaults', () => {
    expect(resolveHoneybeeSettings(undefined)).toEqual(DEFAULT_HONEYBEE_SETTINGS);
    expect(
      resolveHoneybeeSettings({ mode: 'automatic', holdEscalationAfterMs: -1, reconcileIntervalMs: 1000 }),
    ).toMatchObject({ mode: 'automatic', holdEscalationAfterMs: 4 * 3_600_000, reconcileIntervalMs: 1000 });
  });
});

describe('fieldValueProblem (update validators)', () => {
  it('refuses a text field given anything but text, naming it, and leaves other fields to the vendor', () => {
    expect(fieldValueProblem({ prescriber_note: 5 })).toBe('"fields.prescriber_note" must be text');
    expect(fieldValueProblem({ reason: { deep: [1, 2, 3] } })).toBe('"fields.reason" must be text');
    expect(fieldValueProblem({ email: ['a@b.c'] })).toBe('"fields.email" must be text');
    expect(fieldValueProblem({ prescriber_note: 'benefit outweighs risk', reason: 'called' })).toBeUndefined();
    expect(fieldValueProblem({ address: { city: 'Austin' }, quantity: 30 })).toBeUndefined();
  });
});
