import { describe, expect, it } from 'vitest';
import { exceptionLabel } from '../../../workflows/honeybee/exception-label.js';
import { orderVisibility } from '../../../workflows/honeybee/visibility.js';
import { initialOrderState } from '../../../workflows/honeybee/order-state.js';

describe('exceptionLabel', () => {
  it('names an exception by its code and name, or its name alone when it has no code', () => {
    expect(exceptionLabel({ code: '74', name: 'Allergy Detected' })).toBe('74 Allergy Detected');
    expect(exceptionLabel({ code: '', name: 'On Hold, reason not given by Honeybee' })).toBe(
      'On Hold, reason not given by Honeybee',
    );
  });

  it('bounds a vendor name of any length, so the ExceptionReason search attribute stays within Temporal’s limit', () => {
    const name = 'x'.repeat(5_000);
    const label = exceptionLabel({ code: '99', name });
    expect(label).toHaveLength(200);
    expect(label.endsWith('…')).toBe(true);
    const state = {
      ...initialOrderState({ orderNumber: 'HB1' }),
      status: 'On Hold',
      exception: { source: 'order_exception' as const, code: '99', name, actions: [], raisedAt: 'now' },
    };
    expect(orderVisibility(state).exceptionReason).toBe(label);
  });
});
