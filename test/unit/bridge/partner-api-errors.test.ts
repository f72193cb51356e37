// A workflow's refusal of an update, as the partner hears it: 409 when its state does not allow the input now, 422
// when the input is invalid, with the workflow's own reason and what it would accept instead.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toPartnerApiError } from '../../../src/bridge/partner-api/errors.js';
import { FailureType } from '../../../src/domain/failure-types.js';
import type { RefusalDetails, RefusalKind } from '../../../workflows/shared/handlers.js';

function refusal(kind: RefusalKind, message: string, offeredActions?: string[]) {
  const details: RefusalDetails = { refusal: kind, ...(offeredActions ? { offeredActions } : {}) };
  return new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({ type: FailureType.InputRefused, message, nonRetryable: true, details: [details] }),
  );
}

describe('update refusals', () => {
  it('answers a state refusal 409 wrong_state with the reason and the offered actions', () => {
    const error = toPartnerApiError(refusal('state', 'no refills are left', ['cancel']));
    expect(error).toMatchObject({ status: 409, code: 'wrong_state', message: 'no refills are left' });
    expect(error.offeredActions).toEqual(['cancel']);
  });

  it('answers an invalid input 422 rejected with the problem', () => {
    const error = toPartnerApiError(refusal('invalid', '"fields.partnerPatientId" is required'));
    expect(error).toMatchObject({ status: 422, code: 'rejected', message: '"fields.partnerPatientId" is required' });
    expect(error.offeredActions).toBeUndefined();
  });

  it('answers 422 for a failure that is not a validator refusal, whatever its details claim', () => {
    const error = toPartnerApiError(
      new WorkflowUpdateFailedError(
        'Workflow Update failed',
        ApplicationFailure.create({ type: FailureType.InvalidInput, message: 'bad', details: [{ refusal: 'state' }] }),
      ),
    );
    expect(error).toMatchObject({ status: 422, code: 'rejected', message: 'bad' });
  });
});
