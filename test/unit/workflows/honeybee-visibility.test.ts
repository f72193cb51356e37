// The search attributes a Honeybee workflow starts with: those of its first state, so that state costs no upsert (an
// upsert is a billed action; attributes given at start are free).
import { describe, expect, it } from 'vitest';
import type { SearchAttributePair } from '@temporalio/common';
import { startingOrderState } from '../../../workflows/honeybee/order-state.js';
import type { HoneybeeOrderSnapshot } from '../../../workflows/honeybee/types.js';
import {
  orderStartSearchAttributes,
  orderVisibility,
  prescriptionStartSearchAttributes,
  prescriptionVisibility,
} from '../../../workflows/honeybee/visibility.js';
import {
  applyOrderMilestone,
  boundedMilestone,
  initialPrescriptionState,
  MAX_MILESTONE_PARCELS,
} from '../../../workflows/honeybee/prescription-state.js';
import { resolveHoneybeeSettings } from '../../../workflows/honeybee/settings.js';

const NOW = '2026-01-01T00:00:00.000Z';

function byName(pairs: SearchAttributePair[]): Record<string, unknown> {
  return Object.fromEntries(pairs.map((pair) => [pair.key.name, pair.value]));
}

function snapshot(extra: Partial<HoneybeeOrderSnapshot>): HoneybeeOrderSnapshot {
  return {
    orderNumber: 'HB1',
    prescriptionIds: ['111'],
    dispenseStatuses: [],
    shipments: [],
    actions: [],
    fromCache: false,
    ...extra,
  };
}

describe('start search attributes', () => {
  it('a prescription starts at RX_RECEIVED, with no order and nothing for an operator', () => {
    expect(byName(prescriptionStartSearchAttributes({ prescriptionId: '222' }))).toEqual({
      FulfillmentStage: 'RX_RECEIVED',
      HoneybeePrescriptionId: '222',
      NeedsOperator: false,
      EscalationLevel: 0,
    });
  });

  it('an order started with a snapshot on hold shows the hold: reason, operator flag and since when', () => {
    const input = {
      orderNumber: 'HB1',
      prescriptionIds: ['111'],
      initialSnapshot: snapshot({
        status: 'On Hold',
        exception: { id: '74', name: 'Allergy Detected', message: 'free text' },
        actions: [{ action: 'override_allergy', fields: ['prescriber_note'] }],
      }),
    };
    const attributes = byName(orderStartSearchAttributes(input, NOW));
    expect(attributes).toMatchObject({
      HoneybeeOrderNumber: 'HB1',
      HoneybeePrescriptionId: '111',
      ExceptionReason: '74 Allergy Detected',
      NeedsOperator: true,
      EscalationLevel: 0,
    });
    expect(attributes.OnHoldSince).toEqual(new Date(NOW));
    // The same values the workflow's own first publish computes: nothing left for it to upsert.
    expect(orderVisibility(startingOrderState(input, NOW))).toMatchObject({
      stage: attributes.FulfillmentStage,
      exceptionReason: '74 Allergy Detected',
      needsOperator: true,
      onHoldSince: NOW,
    });
  });

  it('an order started without a snapshot shows only its number and first stage (no PHI, no reason)', () => {
    const attributes = byName(orderStartSearchAttributes({ orderNumber: 'HB2', patientId: '4242' }, NOW));
    expect(Object.keys(attributes).sort()).toEqual([
      'EscalationLevel',
      'FulfillmentStage',
      'HoneybeeOrderNumber',
      'NeedsOperator',
    ]);
    expect(attributes.HoneybeeOrderNumber).toBe('HB2');
  });
});

describe('a prescription shows what an orderMilestone tells it, bounded', () => {
  // Anyone can send orderMilestone from the Web UI; the server refuses an attribute value over 2 KiB and terminates
  // the workflow whose upsert it refused.
  const long = 'Jane Doe DOB 1970-01-01 ' + 'x'.repeat(5000);

  function heldPrescription(exceptionReason: string) {
    const state = initialPrescriptionState({ prescriptionId: '222' }, resolveHoneybeeSettings(undefined));
    const milestone = { orderNumber: 'HB1', milestone: 'linked' as const, status: 'On Hold', seq: 7, at: 'x' };
    applyOrderMilestone(state, boundedMilestone({ ...milestone, exceptionReason }), true);
    return state;
  }

  it('a hold reason is cut to the exception label’s 200 characters, even one already in the state', () => {
    expect(prescriptionVisibility(heldPrescription(long)).exceptionReason).toHaveLength(200);
    const carried = heldPrescription('74 Allergy Detected');
    carried.currentOrder!.exceptionReason = long;
    const reason = prescriptionVisibility(carried).exceptionReason!;
    expect(reason).toHaveLength(200);
    expect(reason.endsWith('…')).toBe(true);
  });

  it('a label within the bound is shown as it is (recorded histories upsert the same)', () => {
    expect(prescriptionVisibility(heldPrescription('74 Allergy Detected')).exceptionReason).toBe('74 Allergy Detected');
  });

  it('status, time and parcels are cut before they reach the state', () => {
    const parcel = {
      trackingNo: 'n'.repeat(5000),
      trackingUrl: 'u'.repeat(5000),
      carrier: 'UPS',
      shippedAt: 's'.repeat(500),
    };
    const bounded = boundedMilestone({
      orderNumber: 'HB1',
      milestone: 'delivered',
      status: 'S'.repeat(5000),
      seq: 1,
      at: 'a'.repeat(5000),
      tracking: Array.from({ length: 1000 }, () => parcel),
    });
    expect(bounded.status!.length).toBeLessThanOrEqual(100);
    expect(bounded.at.length).toBeLessThanOrEqual(64);
    expect(bounded.tracking).toHaveLength(MAX_MILESTONE_PARCELS);
    expect(bounded.tracking![0]).toMatchObject({ carrier: 'UPS' });
    expect(JSON.stringify(bounded).length).toBeLessThan(5000);
    const usual = { orderNumber: 'HB1', milestone: 'delivered' as const, status: 'Delivered', seq: 2, at: NOW };
    expect(boundedMilestone({ ...usual, tracking: [{ trackingNo: '9400', carrier: 'USPS' }] })).toEqual({
      ...usual,
      tracking: [{ trackingNo: '9400', carrier: 'USPS' }],
    });
  });
});
