// No retry policy lists the non-retryable failure types (they would be written into every scheduled event): what an
// activity throws is marked non-retryable on the failure itself, whichever throw site it came from.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createActivities, type ActivityDependencies } from '../../../activities/index.js';
import { typedFailure } from '../../../activities/typed-failures.js';
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../../../src/domain/failure-types.js';
import { VendorError } from '../../../src/vendors/shared/vendor-error.js';

const asFailure = (error: unknown) => {
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
};

describe('typed activity failures', () => {
  it.each(NON_RETRYABLE_FAILURE_TYPES)('marks a %s thrown without nonRetryable, keeping the rest', (type) => {
    const cause = new Error('inner');
    const thrown = ApplicationFailure.create({ type, message: 'refused', details: [{ codes: [42227] }], cause });
    const failure = asFailure(typedFailure(thrown));
    expect(failure.nonRetryable).toBe(true);
    expect([failure.type, failure.message, failure.details, failure.cause]).toEqual([
      type,
      'refused',
      [{ codes: [42227] }],
      cause,
    ]);
  });

  it('leaves retryable types, untyped failures and failures already marked as they are', () => {
    for (const thrown of [
      ApplicationFailure.create({ type: FailureType.VendorUnavailable, message: '503', nextRetryDelay: 2000 }),
      ApplicationFailure.create({ type: FailureType.PartnerUnavailable, message: 'down' }),
      ApplicationFailure.create({ message: 'no type' }),
      ApplicationFailure.create({ type: FailureType.VendorRejected, message: '422', nonRetryable: true }),
    ]) {
      expect(typedFailure(thrown)).toBe(thrown);
    }
    const plain = new TypeError('x is undefined');
    expect(typedFailure(plain)).toBe(plain);
  });

  it('types a vendor client error let through, and an error named like a non-retryable type', () => {
    const rejected = asFailure(
      typedFailure(
        new VendorError({
          vendor: 'onegevity',
          endpoint: 'POST /orders',
          failureType: FailureType.VendorNotFound,
          status: 404,
          detail: 'HTTP 404',
        }),
      ),
    );
    expect([rejected.type, rejected.nonRetryable]).toEqual([FailureType.VendorNotFound, true]);
    const unavailable = asFailure(
      typedFailure(
        new VendorError({
          vendor: 'onegevity',
          endpoint: 'GET /orders',
          failureType: FailureType.VendorUnavailable,
          status: 503,
          detail: 'HTTP 503',
        }),
      ),
    );
    expect([unavailable.type, unavailable.nonRetryable]).toEqual([FailureType.VendorUnavailable, false]);
    const named = Object.assign(new Error('bad input'), { name: FailureType.InvalidInput });
    const invalid = asFailure(typedFailure(named));
    expect([invalid.type, invalid.nonRetryable, invalid.message]).toEqual([
      FailureType.InvalidInput,
      true,
      'bad input',
    ]);
  });

  it('applies to every activity the worker registers', async () => {
    const unmarked = ApplicationFailure.create({ type: FailureType.VendorRejected, message: 'refused' });
    const deps = {
      honeybee: {
        getOrder: () => {
          throw unmarked;
        },
      },
    } as unknown as ActivityDependencies;
    const activities = createActivities(deps);
    const failure = asFailure(
      await activities.getHoneybeeOrder({ orderNumber: 'HB1' }).catch((error: unknown) => error),
    );
    expect([failure.type, failure.nonRetryable]).toEqual([FailureType.VendorRejected, true]);
  });
});
