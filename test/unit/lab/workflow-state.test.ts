// The lab order's pure workflow logic (workflows/lab/*): events and reads move the state forward only, milestones are
// reached once and in order, deadlines follow the settings, operator inputs are checked, details hold no PHI.
import { describe, expect, it } from 'vitest';
import type { LabOrderSnapshot } from '../../../activities/lab.js';
import { applyLabEvent, applyOrderSnapshot, leastKitStatus } from '../../../workflows/lab/apply.js';
import { labDeadlines, nextDeadline } from '../../../workflows/lab/deadlines.js';
import { labOrderDetails } from '../../../workflows/lab/details.js';
import { reachedMilestones } from '../../../workflows/lab/milestones.js';
import { labResolutionRefusal, offeredLabActions } from '../../../workflows/lab/resolution.js';
import { resolveLabExceptionInput } from '../../../workflows/lab/messages.js';
import { parseMessageInput } from '../../../workflows/shared/handlers.js';
import {
  carriedLabOrderState,
  initialLabOrderState,
  labStage,
  SEEN_EVENT_KEYS_LIMIT,
  type LabOrderState,
} from '../../../workflows/lab/state.js';
import { EventDedupe } from '../../../workflows/shared/event-dedupe.js';
import { DAY, HOUR, labEvent, labSettings } from '../../harness/lab-orders.js';

const ORDER = 'lab0123456789abcdef01234567';
const T0 = '2026-11-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

function created(): LabOrderState {
  const state = initialLabOrderState({
    orderIdentifier: ORDER,
    startedByEngine: true,
    patientIdentifier: 'P-1',
    now: T0,
  });
  state.orderCreated = true;
  state.createOutcome = 'created';
  return state;
}

/** The seed's O13988, placed outside the engine and followed, whose fulfillment request F87101 Onegevity rejected. */
function followedRejected(): LabOrderState {
  const state = initialLabOrderState({
    orderIdentifier: 'O13988',
    startedByEngine: false,
    followed: true,
    patientIdentifier: 'PO37011',
    now: T0,
  });
  Object.assign(state, { orderCreated: true, createOutcome: 'followed' });
  state.fulfillment = { requestIdentifier: 'F87101', attempt: 1, status: 'REQUESTED' };
  applyLabEvent(state, labEvent('fulfillment.rejected', { id: 1, requestorId: 'F87101' }), T0);
  return state;
}

const event = (state: LabOrderState, topic: string, payload: Record<string, unknown>, when = T0) =>
  applyLabEvent(state, labEvent(topic, { id: 1, ...payload }), when);

function snapshot(overrides: Partial<LabOrderSnapshot> = {}): LabOrderSnapshot {
  return {
    orderIdentifier: ORDER,
    packageIdentifier: 'KIT-STANDARD',
    status: 'ACCEPTED',
    completed: false,
    fulfillment: {
      requestIdentifier: ORDER,
      status: 'ACCEPTED',
      trackingNumber: null,
      trackingUrl: null,
      rejectionReason: null,
    },
    kitStatuses: ['UNREGISTERED'],
    ...overrides,
  };
}

describe('applyLabEvent', () => {
  it('moves forward and ignores what is late, repeated or for another request', () => {
    const state = created();
    expect(event(state, 'fulfillment.shipped', { requestorId: ORDER, trackingNumber: '42' }, at(HOUR))).toBe('applied');
    expect(state).toMatchObject({
      shippedAt: at(HOUR),
      kitStatus: 'NOT_ACTIVATED',
      fulfillment: { status: 'SHIPPED', trackingNumber: '42' },
    });
    expect(event(state, 'fulfillment.accepted', { requestorId: ORDER })).toBe('late');
    expect(event(state, 'fulfillment.rejected', { requestorId: ORDER, reason: 'x' })).toBe('late');
    expect(event(state, 'fulfillment.accepted', { requestorId: `${ORDER}R2` })).toBe('other_request');
    expect(event(state, 'fulfillment.accepted', { requestorId: 'F87101' })).toBe('other_request');
    expect(state.fulfillment.status).toBe('SHIPPED');
    expect(event(state, 'order.created', { orderIdentifier: ORDER })).toBe('informational');
    expect(event(state, 'order.updated', { orderIdentifier: ORDER })).toBe('read_requested');
    expect(state.readRequested).toBe(true);
    expect(event(state, 'kit.activated', { orderIdentifier: ORDER })).toBe('applied');
    expect(event(state, 'kit.activated', { orderIdentifier: ORDER })).toBe('late');
    expect(event(state, 'results.released', { orderIdentifier: ORDER })).toBe('applied');
    expect(state).toMatchObject({ kitStatus: 'COMPLETED', resultsReleasedAt: T0 });
    expect(labStage(state)).toBe('RESULTS_RELEASED');
  });

  it('takes results.released as a request to read (in runs that ask), released only once a read shows it', () => {
    const state = created();
    const confirmedByRead = { resultsConfirmedByRead: () => true };
    const released = labEvent('results.released', { id: 1, orderIdentifier: ORDER });
    expect(applyLabEvent(state, released, T0, confirmedByRead)).toBe('read_requested');
    expect(state).toMatchObject({ readRequested: true, resultsAnnouncedAt: T0, kitStatus: 'UNREGISTERED' });
    expect(state.resultsReleasedAt).toBeUndefined();
    expect(labStage(state)).toBe('FULFILLMENT_REQUESTED');
    // Read again within 15 minutes, not the 30-day interval, while the announcement is unconfirmed.
    state.lastActivityAt = T0;
    expect(labDeadlines(state, labSettings({ reconcileIntervalMs: 30 * DAY })).reconcileAt).toBe(
      Date.parse(T0) + 15 * 60_000,
    );
    applyOrderSnapshot(state, snapshot({ status: 'FULFILLMENT_REQUESTED' }), at(HOUR));
    expect(state.resultsReleasedAt).toBeUndefined();
    // An hour after the announcement, still not shown: back to the usual interval (a false one costs a few reads).
    state.lastActivityAt = at(HOUR);
    expect(labDeadlines(state, labSettings({ reconcileIntervalMs: 30 * DAY })).reconcileAt).toBe(
      Date.parse(at(HOUR)) + 30 * DAY,
    );
    applyOrderSnapshot(state, snapshot({ status: 'RESULTS_RELEASED', completed: true }), at(2 * HOUR));
    expect(state).toMatchObject({ resultsReleasedAt: at(2 * HOUR), kitStatus: 'COMPLETED' });
    expect(applyLabEvent(state, released, at(3 * HOUR), confirmedByRead)).toBe('late');
    expect(labDeadlines(state, labSettings({ reconcileIntervalMs: 30 * DAY })).reconcileAt).toBe(
      Date.parse(at(HOUR)) + 30 * DAY,
    );
  });

  it('treats an earlier fulfillment request as late once a resubmission is current', () => {
    const state = created();
    event(state, 'fulfillment.rejected', { requestorId: ORDER, reason: 'PO box' });
    expect(state).toMatchObject({
      attention: { kind: 'fulfillment_rejected' },
      fulfillment: { rejectionReason: 'PO box' },
    });
    state.fulfillment = { requestIdentifier: `${ORDER}R2`, attempt: 2, status: 'REQUESTED' };
    state.requestsMade = 2;
    expect(event(state, 'fulfillment.accepted', { requestorId: ORDER })).toBe('late');
    expect(event(state, 'fulfillment.accepted', { requestorId: `${ORDER}R2` })).toBe('applied');
  });

  it("takes a topic named like an object's own members (constructor, __proto__) as an unknown topic", () => {
    for (const topic of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const state = created();
      const before = structuredClone(state);
      expect(event(state, topic, { requestorId: ORDER, orderIdentifier: ORDER }), topic).toBe('informational');
      expect(state, topic).toEqual(before);
    }
  });

  it('records an unknown order without following it, and asks for one read when it learns the patient', () => {
    const state = initialLabOrderState({ orderIdentifier: ORDER, startedByEngine: false, now: T0 });
    expect(labStage(state)).toBe('UNKNOWN_ORDER');
    expect(state.attention?.kind).toBe('unknown_order');
    expect(event(state, 'fulfillment.shipped', { requestorId: ORDER })).toBe('informational');
    expect(state.readRequested).toBe(false);
    expect(event(state, 'kit.activated', { orderIdentifier: ORDER, patientIdentifier: 'P-9' })).toBe('informational');
    expect(state).toMatchObject({ readRequested: true, patientIdentifier: 'P-9', kitStatus: 'UNREGISTERED' });
    expect(labDeadlines(state, labSettings())).toEqual({});
    expect(reachedMilestones(state)).toEqual([]);
  });

  it('remembers a bounded number of event keys, from the carried ones on', () => {
    const dedupe = new EventDedupe(['k-0'], SEEN_EVENT_KEYS_LIMIT);
    expect(dedupe.add('k-0')).toBe(false);
    expect(dedupe.add('k-1')).toBe(true);
    expect(dedupe.add('k-1')).toBe(false);
    for (let i = 0; i < 600; i++) dedupe.add(`x-${i}`);
    expect(dedupe.snapshot()).toHaveLength(500);
    expect(dedupe.add('x-599')).toBe(false);
  });

  it('carries the resolutions of a run from before the decision log as decisions', () => {
    const legacy = {
      ...created(),
      resolutions: [
        { action: 'resubmit', operator: 'o', reason: 'r', at: T0, outcome: 'refused: "operator" is required' },
        {
          action: 'cancel',
          operator: 'o',
          reason: 'r',
          at: T0,
          outcome: 'canceled: the engine no longer follows this order',
        },
      ],
    } as unknown as Parameters<typeof carriedLabOrderState>[0];
    delete (legacy as { decisions?: unknown }).decisions;
    expect(carriedLabOrderState(legacy).decisions.map((d) => [d.action, d.outcome])).toEqual([
      ['resubmit', 'rejected'],
      ['cancel', 'accepted'],
    ]);
  });
});

describe('applyOrderSnapshot', () => {
  it('applies the current request, the least advanced kit element, results and a vendor cancel', () => {
    const state = created();
    applyOrderSnapshot(
      state,
      snapshot({
        status: 'SHIPPED',
        fulfillment: { ...snapshot().fulfillment!, status: 'SHIPPED', trackingNumber: '77' },
        kitStatuses: ['ACTIVATED', 'NOT_ACTIVATED'],
      }),
      T0,
    );
    expect(state).toMatchObject({
      orderStatus: 'SHIPPED',
      kitStatus: 'NOT_ACTIVATED',
      fulfillment: { status: 'SHIPPED', trackingNumber: '77' },
    });
    applyOrderSnapshot(
      state,
      snapshot({ status: 'RESULTS_RELEASED', completed: true, kitStatuses: ['COMPLETED'] }),
      T0,
    );
    expect(state.resultsReleasedAt).toBe(T0);

    const canceled = created();
    applyOrderSnapshot(canceled, snapshot({ status: 'CANCELED', fulfillment: null }), T0);
    expect(canceled.canceled).toEqual({ by: 'vendor', at: T0 });
  });

  it('ignores an older request shown by a read made before a resubmission landed', () => {
    const state = created();
    state.fulfillment = { requestIdentifier: `${ORDER}R2`, attempt: 2, status: 'REQUESTED' };
    applyOrderSnapshot(state, snapshot({ fulfillment: { ...snapshot().fulfillment!, status: 'REJECTED' } }), T0);
    expect(state.fulfillment.status).toBe('REQUESTED');
    expect(state.attention).toBeUndefined();
  });

  it('reads the kit as its least advanced known element', () => {
    expect(leastKitStatus(['AT_LAB', 'activated', 'SOMETHING_NEW'])).toBe('ACTIVATED');
    expect(leastKitStatus(['SOMETHING_NEW'])).toBeUndefined();
  });
});

describe('reachedMilestones', () => {
  it('holds back events that overtook the create answer until the order exists, so created comes first', () => {
    const state = initialLabOrderState({
      orderIdentifier: ORDER,
      startedByEngine: true,
      patientIdentifier: 'P-1',
      now: T0,
    });
    event(state, 'fulfillment.accepted', { requestorId: ORDER });
    expect(reachedMilestones(state)).toEqual([]);
    state.orderCreated = true;
    expect(reachedMilestones(state).map((m) => m.id)).toEqual(['created', 'accepted']);
    const canceledFirst = initialLabOrderState({ orderIdentifier: ORDER, startedByEngine: true, now: T0 });
    canceledFirst.canceled = { by: 'operator', at: T0, operator: 'ops', canceledAtVendor: false };
    expect(reachedMilestones(canceledFirst).map((m) => m.id)).toEqual(['canceled']);
  });

  it('implies acceptance when shipping overtook it, and names rejections per attempt', () => {
    const state = created();
    event(state, 'fulfillment.shipped', { requestorId: ORDER, trackingNumber: '42', trackingUrl: 'https://t/42' });
    expect(reachedMilestones(state).map((m) => [m.id, m.type])).toEqual([
      ['created', 'lab_order.created'],
      ['accepted', 'lab_order.accepted'],
      ['shipped', 'lab_order.shipped'],
    ]);
    expect(reachedMilestones(state)[2]?.data).toMatchObject({ trackingNumber: '42', trackingUrl: 'https://t/42' });
    const rejected = created();
    rejected.fulfillment = {
      requestIdentifier: `${ORDER}R3`,
      attempt: 3,
      status: 'REJECTED',
      rejectionReason: '12 Main St is no good',
    };
    const milestone = reachedMilestones(rejected).find((m) => m.type === 'lab_order.rejected');
    expect(milestone?.id).toBe('rejected:3');
    expect(JSON.stringify(milestone)).not.toContain('Main St');
  });
});

describe('labDeadlines', () => {
  const settings = labSettings({
    reconcileIntervalMs: 6 * HOUR,
    kitActivationReminderAfterMs: 2 * DAY,
    kitActivationOperatorAfterMs: 5 * DAY,
  });

  it('polls a quiet interval after the last sign of life, and nothing before the order exists', () => {
    const state = created();
    state.lastActivityAt = at(3 * HOUR);
    expect(labDeadlines(state, settings)).toEqual({ reconcileAt: Date.parse(at(9 * HOUR)) });
    state.orderCreated = false;
    expect(labDeadlines(state, settings)).toEqual({});
  });

  it('reminds every interval after shipping while it is before the operator flag, then stops', () => {
    const state = created();
    event(state, 'fulfillment.shipped', { requestorId: ORDER }, T0);
    expect(labDeadlines(state, settings)).toMatchObject({
      reminderAt: Date.parse(at(2 * DAY)),
      operatorAt: Date.parse(at(5 * DAY)),
    });
    state.activationRemindersSent = 2;
    expect(labDeadlines(state, settings).reminderAt).toBeUndefined();
    expect(nextDeadline(labDeadlines(state, settings))).toBe(Date.parse(at(6 * HOUR)));
    state.activationOperatorAskedAt = at(5 * DAY);
    expect(labDeadlines(state, settings).operatorAt).toBeUndefined();
    expect(labDeadlines({ ...created(), shippedAt: T0, kitStatus: 'ACTIVATED' }, settings).reminderAt).toBeUndefined();
    const noReminders = labSettings({ kitActivationReminderAfterMs: 5 * DAY, kitActivationOperatorAfterMs: 5 * DAY });
    expect(
      labDeadlines({ ...created(), shippedAt: T0, kitStatus: 'NOT_ACTIVATED' }, noReminders).reminderAt,
    ).toBeUndefined();
  });

  it('has nothing to do once the order ended', () => {
    const state = created();
    state.canceled = { by: 'vendor', at: T0 };
    expect(labDeadlines(state, settings)).toEqual({});
    expect(nextDeadline({})).toBeUndefined();
  });
});

describe('operator inputs', () => {
  const rejected = () => {
    const state = created();
    event(state, 'fulfillment.rejected', { requestorId: ORDER });
    return state;
  };
  const address = { streetAddress1: '1 New Rd', city: 'Salem', region: 'OR', country: 'US', postalCode: '97301' };

  it('offers resubmit and cancel after a rejection or a failed creation, cancel otherwise, nothing once ended', () => {
    expect(offeredLabActions(rejected())).toEqual(['resubmit', 'cancel']);
    expect(offeredLabActions(created())).toEqual(['cancel']);
    const failed = initialLabOrderState({ orderIdentifier: ORDER, startedByEngine: true, now: T0 });
    failed.attention = { kind: 'order_failed', since: T0, detail: 'x' };
    expect(offeredLabActions(failed)).toEqual(['resubmit', 'cancel']);
    expect(offeredLabActions({ ...created(), canceled: { by: 'vendor', at: T0 } })).toEqual([]);
  });

  it('accepts a resubmission with a corrected address, and refuses bad input by field name', () => {
    const parse = (input: unknown) => parseMessageInput('resolveLabException', resolveLabExceptionInput, input);
    const accepted = parse({ action: 'resubmit', operator: ' ops ', reason: 'fixed', address });
    expect(accepted).toMatchObject({ ok: true, value: { action: 'resubmit', address } });
    expect(labResolutionRefusal(rejected(), { action: 'resubmit' })).toBeUndefined();
    const refusal = parse({
      action: 'resubmit',
      operator: 'ops',
      reason: 'fixed',
      address: { ...address, country: 'United States', postalCode: '!', streetAddress1: '', note: 'Kitowska' },
    });
    const reason = refusal.ok ? '' : refusal.rejection.problem;
    expect(reason).toContain('"address.streetAddress1" is required');
    expect(reason).toContain('"address.country" must be an ISO 3166 two-letter country code');
    expect(reason).toContain('"address.postalCode" must be a postal code');
    expect(reason).toContain('"address" has unknown field(s) "note"');
    expect(reason).not.toMatch(/United States|Kitowska/);
    expect(labResolutionRefusal(created(), { action: 'resubmit' })).toEqual({
      reason: '"resubmit" is not offered now; offered: cancel',
      offeredActions: ['cancel'],
    });
    const misplaced = parse({ action: 'cancel', operator: 'o', reason: 'r', address });
    expect(misplaced.ok ? '' : misplaced.rejection.problem).toBe('"address" goes only with "resubmit"');
    expect(parse('cancel')).toMatchObject({ ok: false });
  });
});

describe('labOrderDetails', () => {
  it('says what is wrong, what to do and gives an input to copy, without the vendor text or PHI', () => {
    const state = created();
    event(state, 'fulfillment.rejected', { requestorId: ORDER, reason: 'Cannot ship to 12 Real Street' });
    const details = labOrderDetails(state, labSettings());
    expect(details).toContain(`## Lab order ${ORDER}: REJECTED`);
    expect(details).toContain('**Needs an operator**');
    expect(details).toContain(`\`${ORDER}R2\``);
    expect(details).toContain('"action": "resubmit"');
    expect(details).not.toContain('Real Street');
  });

  it('tells the operator of a followed order rejected by Onegevity what is offered: cancel, not resubmit', () => {
    const state = followedRejected();
    expect(offeredLabActions(state)).toEqual(['cancel']);
    const details = labOrderDetails(state, labSettings());
    expect(details).toContain('**Needs an operator**');
    expect(details).toContain('placed outside the engine, which has no placement to resubmit it with');
    expect(details).not.toMatch(/Resubmit|"resubmit"|O13988R2/);
    expect(details).toContain('"action": "cancel"');
    expect(labResolutionRefusal(state, { action: 'resubmit' })).toEqual({
      reason:
        '"resubmit" is not offered for an order placed outside the engine (it has no placement to resubmit with; ' +
        'whoever placed it sends Onegevity a new fulfillment request); offered: cancel',
      offeredActions: ['cancel'],
    });
  });

  it('explains an unknown order and that cancel only closes the record', () => {
    const details = labOrderDetails(
      initialLabOrderState({ orderIdentifier: ORDER, startedByEngine: false, now: T0 }),
      labSettings(),
    );
    expect(details).toContain('UNKNOWN_ORDER');
    expect(details).toContain('does not cancel anything at Onegevity');
    expect(details).toContain('"action": "cancel"');
  });
});
