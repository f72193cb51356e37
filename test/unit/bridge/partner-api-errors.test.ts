// A workflow's refusal of an update, as the partner hears it: 409 when its state does not allow the input now, 422
// when the input is invalid, with the workflow's own reason and what it would accept instead.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toPartnerApiError } from '../../../src/bridge/partner-api/errors.js';
import { FailureType } from '../../../src/domain/failure-types.js';

function refusal(type: string, message: string, offeredActions?: string[]) {
  return new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({
      type,
      message,
      nonRetryable: true,
      details: offeredActions ? [{ offeredActions }] : [],
    }),
  );
}

describe('update refusals', () => {
  it('answers a state refusal 409 wrong_state with the reason and the offered actions', () => {
    const error = toPartnerApiError(refusal(FailureType.WrongState, 'no refills are left', ['cancel']));
    expect(error).toMatchObject({ status: 409, code: 'wrong_state', message: 'no refills are left' });
    expect(error.offeredActions).toEqual(['cancel']);
  });

  it('answers an invalid input 422 rejected with the problem', () => {
    const error = toPartnerApiError(refusal(FailureType.InvalidInput, '"fields.partnerPatientId" is required'));
    expect(error).toMatchObject({ status: 422, code: 'rejected', message: '"fields.partnerPatientId" is required' });
    expect(error.offeredActions).toBeUndefined();
  });
});
