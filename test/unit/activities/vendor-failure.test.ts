// toApplicationFailure: the one place a vendor failure becomes the ApplicationFailure Temporal retries by.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { callVendor, toApplicationFailure, type VendorFailureDetails } from '../../../activities/vendor-failure.js';
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../../../src/domain/failure-types.js';
import { VendorError, type VendorErrorInit } from '../../../src/vendors/shared/vendor-error.js';

function vendorError(overrides: Partial<VendorErrorInit> = {}): VendorError {
  return new VendorError({
    vendor: 'honeybee',
    endpoint: 'POST /orders',
    failureType: FailureType.VendorRejected,
    status: 422,
    requestId: 'req-42',
    codes: [42227],
    fields: ['zip'],
    detail: 'HTTP 422',
    ...overrides,
  });
}

describe('toApplicationFailure', () => {
  it('VendorRejected: not retryable, typed, with vendor, status, request id, codes and fields in details', () => {
    const failure = toApplicationFailure(vendorError());
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('VendorRejected');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.message).toBe(
      'Honeybee POST /orders: VendorRejected (HTTP 422); codes 42227; fields zip; request id req-42',
    );
    const details: VendorFailureDetails = {
      vendor: 'honeybee',
      endpoint: 'POST /orders',
      status: 422,
      requestId: 'req-42',
      retryAfterMs: null,
      codes: [42227],
      fields: ['zip'],
    };
    expect(failure.details).toEqual([details]);
  });

  it('VendorRateLimited: retryable, with nextRetryDelay from Retry-After', () => {
    const failure = toApplicationFailure(
      vendorError({
        failureType: FailureType.VendorRateLimited,
        status: 429,
        retryAfterMs: 30_000,
        codes: [],
        fields: [],
      }),
    );
    expect(failure.type).toBe('VendorRateLimited');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(30_000);
    expect((failure.details?.[0] as VendorFailureDetails).retryAfterMs).toBe(30_000);
  });

  it('a rate limit without Retry-After (or with 0) leaves the backoff in charge', () => {
    expect(
      toApplicationFailure(vendorError({ failureType: FailureType.VendorRateLimited })).nextRetryDelay,
    ).toBeUndefined();
    expect(
      toApplicationFailure(vendorError({ failureType: FailureType.VendorRateLimited, retryAfterMs: 0 })).nextRetryDelay,
    ).toBeUndefined();
  });

  it.each(Object.values(FailureType).filter((type) => type.startsWith('Vendor') || type === 'InvalidInput'))(
    '%s is retryable exactly when it is not in NON_RETRYABLE_FAILURE_TYPES',
    (failureType) => {
      const failure = toApplicationFailure(vendorError({ failureType }));
      expect(failure.type).toBe(failureType);
      expect(failure.nonRetryable).toBe(NON_RETRYABLE_FAILURE_TYPES.includes(failureType));
    },
  );

  it('VendorUnavailable from a timeout keeps nulls for what the vendor never said', () => {
    const failure = toApplicationFailure(
      new VendorError({
        vendor: 'onegevity',
        endpoint: 'GET /fulfillment-requests/{requestIdentifier}',
        failureType: FailureType.VendorUnavailable,
        detail: 'timeout after 10000 ms',
      }),
    );
    expect(failure.nonRetryable).toBe(false);
    expect(failure.details).toEqual([
      {
        vendor: 'onegevity',
        endpoint: 'GET /fulfillment-requests/{requestIdentifier}',
        status: null,
        requestId: null,
        retryAfterMs: null,
        codes: [],
        fields: [],
      },
    ]);
  });

  it('recognises a VendorError by its brand, not only its class', () => {
    const lookalike = Object.assign(new Error('x'), {
      isVendorError: true,
      vendor: 'honeybee',
      endpoint: 'GET /orders',
      failureType: FailureType.VendorConflict,
      codes: [],
      fields: [],
    });
    const failure = toApplicationFailure(lookalike);
    expect(failure.type).toBe('VendorConflict');
    expect(failure.nonRetryable).toBe(true);
  });

  it('passes an ApplicationFailure through unchanged', () => {
    const original = ApplicationFailure.create({ type: FailureType.InvalidInput, nonRetryable: true, message: 'bad' });
    expect(toApplicationFailure(original)).toBe(original);
  });

  it('a connection error that escaped a client becomes VendorUnavailable', () => {
    const error = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const failure = toApplicationFailure(error);
    expect(failure.type).toBe('VendorUnavailable');
    expect(failure.nonRetryable).toBe(false);
  });

  it('anything else fails the attempt as Temporal would have: retryable, typed by its name', () => {
    const failure = toApplicationFailure(new TypeError('x is undefined'));
    expect(failure.type).toBe('TypeError');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe('x is undefined');
    expect(toApplicationFailure('a string').message).toContain('a string');
  });
});

describe('callVendor', () => {
  it('returns the result, or throws the ApplicationFailure', async () => {
    await expect(callVendor(async () => 7)).resolves.toBe(7);
    const thrown = await callVendor(async () => {
      throw vendorError({ failureType: FailureType.VendorConflict, status: 409 });
    }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect((thrown as ApplicationFailure).type).toBe('VendorConflict');
  });
});
