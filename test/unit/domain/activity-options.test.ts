// The activity policies as data: every one refuses to retry the non-retryable failure types, and only an operator's
// or the partner's action (someone waits for its answer) gives up after a number of attempts.
import { describe, expect, it } from 'vitest';
import { ACTIVITY_OPTIONS } from '../../../src/domain/activity-options.js';
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../../../src/domain/failure-types.js';

describe('activity options', () => {
  it('never retry a non-retryable failure type', () => {
    for (const [name, options] of Object.entries(ACTIVITY_OPTIONS)) {
      expect([...options.retry.nonRetryableErrorTypes].sort(), name).toEqual([...NON_RETRYABLE_FAILURE_TYPES].sort());
      expect(options.retry.nonRetryableErrorTypes, name).not.toContain(FailureType.VendorRateLimited);
    }
  });

  it('bound attempts only where an operator or the partner waits for the answer', () => {
    const bounded = Object.entries(ACTIVITY_OPTIONS)
      .filter(([, options]) => 'maximumAttempts' in options.retry)
      .map(([name]) => name);
    expect(bounded).toEqual(['honeybeeOperatorAction', 'partnerAction', 'partnerCreate']);
    // A reorder is not idempotent at Honeybee: one attempt, never a second order from a lost answer.
    expect(ACTIVITY_OPTIONS.partnerCreate.retry.maximumAttempts).toBe(1);
  });
});
