// The engine's failure converter: every failure's message and stack trace travel encoded (the payload codec encrypts
// them), except an update validator's refusal (InputRefused), whose message is the engine's own words and must reach
// the Web UI's "Send an Update" readable. Either way a client reads the same message back.
import { describe, expect, it } from 'vitest';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { FailureType } from '../../../src/domain/failure-types.js';
import { PLAIN_FAILURE_TYPE, failureConverter } from '../../../src/temporal/failure-converter.js';

describe('failure converter', () => {
  it('names the same type as the failure list', () => {
    expect(PLAIN_FAILURE_TYPE).toBe(FailureType.InputRefused);
  });

  it('keeps an update refusal readable, without its stack trace, and reads it back', () => {
    const refusal = ApplicationFailure.create({
      type: FailureType.InputRefused,
      message: 'action "release_hold" is not offered for 74 Allergy Detected; offered: override_allergy, cancel_order',
      nonRetryable: true,
      details: [{ offeredActions: ['override_allergy', 'cancel_order'] }],
    });
    const failure = failureConverter.errorToFailure(refusal, defaultPayloadConverter);
    expect(failure.message).toBe(refusal.message);
    expect(failure.stackTrace).toBe('');
    expect(failure.encodedAttributes).toBeFalsy();
    const back = failureConverter.failureToError(failure, defaultPayloadConverter);
    expect(back).toBeInstanceOf(ApplicationFailure);
    expect(back).toMatchObject({ message: refusal.message, type: FailureType.InputRefused });
    expect((back as ApplicationFailure).details).toEqual([{ offeredActions: ['override_allergy', 'cancel_order'] }]);
  });

  it.each([
    [
      'a query no handler takes (the SDK wraps its ReferenceError)',
      ApplicationFailure.create({
        type: 'ReferenceError',
        message: 'Workflow did not register a handler for stauts. Registered queries: [status]',
      }),
    ],
    [
      'an update no handler takes',
      ApplicationFailure.nonRetryable('No registered handler for update: resolveExceptionUpdat'),
    ],
  ])("keeps the SDK's refusal of %s readable", (_name, refusal) => {
    const failure = failureConverter.errorToFailure(refusal, defaultPayloadConverter);
    expect(failure.message).toBe(refusal.message);
    expect(failure.encodedAttributes).toBeFalsy();
    expect(failure.stackTrace).toBe('');
  });

  it.each([
    [
      'a ReferenceError of workflow code',
      ApplicationFailure.create({ type: 'ReferenceError', message: 'x is not defined at 12 Main St' }),
    ],
    [
      'a failure that only ends like an unknown update',
      ApplicationFailure.nonRetryable('12 Main St. No registered handler for update: x'),
    ],
    ['any other failure type', ApplicationFailure.create({ type: FailureType.InvalidInput, message: '12 Main St' })],
    ['an untyped error', new Error('12 Main St')],
    [
      'a refusal that wraps a cause',
      ApplicationFailure.create({
        type: FailureType.InputRefused,
        message: '12 Main St',
        cause: new Error('12 Main St'),
      }),
    ],
  ])('encodes the message and stack trace of %s', (_name, error) => {
    const failure = failureConverter.errorToFailure(error, defaultPayloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(JSON.stringify({ ...failure, encodedAttributes: undefined })).not.toContain('12 Main St');
    expect(failure.encodedAttributes).toBeTruthy();
    expect(failureConverter.failureToError(failure, defaultPayloadConverter).message).toBe(error.message);
  });
});
