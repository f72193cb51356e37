// The audit tells every activity's calls in its own words: the table of summaries beside the activities has a line for
// each activity the worker registers, and reads ids and outcomes from a recorded input and result.
import { describe, expect, it } from 'vitest';
import { createActivities, type ActivityDependencies } from '../../../activities/index.js';
import { ACTIVITY_SUMMARIES, summarizeActivity } from '../../../activities/summaries.js';

describe('activity summaries', () => {
  it('has a summary for every activity', () => {
    // The factories only close over their dependencies: nothing is called while they are built.
    const names = Object.keys(createActivities({} as ActivityDependencies)).sort();
    expect(Object.keys(ACTIVITY_SUMMARIES).sort()).toEqual(names);
  });

  it('tells a call from its input and result, and an unknown activity by name', () => {
    expect(
      summarizeActivity(
        'getLabOrder',
        { orderIdentifier: 'lab1' },
        { status: 'SHIPPED', fulfillment: { status: 'X' } },
      ),
    ).toEqual({ kind: 'vendor.call', summary: 'Onegevity order lab1 read: SHIPPED, fulfillment X' });
    expect(summarizeActivity('notifyPartner', { type: 'order.shipped', id: 'n1' }, undefined)).toEqual({
      kind: 'notification',
      summary: 'partner notified: order.shipped (n1)',
    });
    expect(
      summarizeActivity('redeliverPartnerNotifications', [{ id: 'n1' }, { id: 'n2' }], {
        delivered: 1,
        failure: 'answered 503',
      }),
    ).toEqual({
      kind: 'notification',
      summary: 'parked partner notifications re-sent: 1 of 2 (stopped: answered 503)',
    });
    expect(summarizeActivity('lookUpPartnerPatient', { partnerPatientId: 'P-9' }, { known: false })).toEqual({
      kind: 'vendor.call',
      summary: "partner directory asked for partner patient P-9 (an operator's match): not known",
    });
    expect(summarizeActivity('somethingNew', {}, {})).toEqual({
      kind: 'vendor.call',
      summary: 'somethingNew completed',
    });
  });

  it('says what patient_safety a created order carried and where it came from, by list size, not by item', () => {
    const input = { fillNumber: 1, prescriptionId: '555' };
    const fromIntake = summarizeActivity('ensureHoneybeeFillOrder', input, {
      how: 'created',
      orderNumber: 'HB1',
      patientSafetySent: {
        source: 'partner_directory',
        allergies: ['penicillin'],
        medications: ['ibuprofen', 'aspirin'],
        healthConditions: [],
      },
    });
    expect(fromIntake.summary).toBe(
      "Honeybee fill 1 of prescription 555: order HB1 created; patient safety sent from the partner's intake: " +
        '1 allergies, 2 medications, 0 conditions',
    );
    expect(fromIntake.summary).not.toContain('penicillin');
    const sentEmpty = summarizeActivity('ensureHoneybeeFillOrder', input, {
      how: 'created',
      orderNumber: 'HB2',
      patientSafetySent: { source: 'not_supplied_sent_empty', allergies: [], medications: [], healthConditions: [] },
    });
    expect(sentEmpty.summary).toContain('patient safety sent none supplied, sent empty by setting: 0 allergies');
    for (const [source, said] of [
      ['fill_approval', "from the partner's intake given with the fill approval: 1 allergies"],
      ['operator', 'as an operator gave it: 1 allergies'],
    ] as const) {
      const given = summarizeActivity('ensureHoneybeeFillOrder', input, {
        how: 'created',
        orderNumber: 'HB4',
        patientSafetySent: { source, allergies: ['latex'], medications: [], healthConditions: [] },
      });
      expect(given.summary).toContain(`patient safety sent ${said}`);
      expect(given.summary).not.toContain('latex');
    }
    expect(summarizeActivity('ensureHoneybeeFillOrder', input, { how: 'adopted', orderNumber: 'HB3' }).summary).toBe(
      'Honeybee fill 1 of prescription 555: order HB3 adopted',
    );
  });

  it("tells the partner's actions by ids and outcomes, never by the address or activation code they carried", () => {
    const address = { street1: '1 Secret Lane', city: 'Hidden', state: 'CA', zip: '90001' };
    const hold = summarizeActivity('placeHoneybeePartnerHold', { orderNumber: 'HB7', reason: 'payment' }, {});
    expect(hold.summary).toBe('Honeybee order HB7 placed on Partner Hold (64)');
    const told = [
      summarizeActivity('changeHoneybeeOrderShippingAddress', { orderNumber: 'HB7', address }, {}),
      summarizeActivity('addHoneybeePatientShippingAddress', { patientId: '42', address }, {}),
      summarizeActivity(
        'activateLabKits',
        { orderIdentifier: 'lab1', patientIdentifier: 'p1', activations: [{ activationCode: 'CODE-XYZ' }] },
        { kitStatuses: ['ACTIVATED'] },
      ),
    ].map((line) => line.summary);
    expect(told).toEqual([
      'Honeybee order HB7 shipping address changed',
      'Honeybee patient 42 shipping address added',
      'Onegevity order lab1: 1 kit activation(s) sent; kits ACTIVATED',
    ]);
    expect(told.join(' ')).not.toMatch(/Secret|Hidden|90001|CODE-XYZ/);
    expect(
      summarizeActivity('reorderHoneybeeOrder', { orderNumber: 'HB7' }, { orderNumber: 'HB8', started: false }).summary,
    ).toBe('Honeybee order HB7 reordered as HB8 (its workflow was already running)');
  });
});
