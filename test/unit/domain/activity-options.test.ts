// The activity policies as data: none lists the non-retryable failure types (the failures are marked so themselves,
// test/unit/activities/typed-failures.test.ts), and only an operator's or the partner's action (someone waits for its
// answer) gives up after a number of attempts.
import { describe, expect, it } from 'vitest';
import { ACTIVITY_OPTIONS } from '../../../src/domain/activity-options.js';

describe('activity options', () => {
  it('do not repeat the non-retryable types, which would be written into every scheduled event', () => {
    for (const [name, options] of Object.entries(ACTIVITY_OPTIONS)) {
      expect('nonRetryableErrorTypes' in options.retry, name).toBe(false);
    }
  });

  it('bound attempts only where an operator or the partner waits for the answer', () => {
    const bounded = Object.entries(ACTIVITY_OPTIONS)
      .filter(([, options]) => 'maximumAttempts' in options.retry)
      .map(([name]) => name);
    expect(bounded).toEqual(['honeybeeOperatorAction', 'operatorLookup', 'partnerAction', 'partnerCreate']);
    // A reorder is not idempotent at Honeybee: one attempt, never a second order from a lost answer.
    expect(ACTIVITY_OPTIONS.partnerCreate.retry.maximumAttempts).toBe(1);
  });
});
