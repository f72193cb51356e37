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
} from '../../../workflows/honeybee/visibility.js';

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
