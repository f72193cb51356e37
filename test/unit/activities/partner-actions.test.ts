// activateLabKits retried as Temporal retries it: an activation whose answer was lost is found done, not refused.
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it, vi } from 'vitest';
import { createPartnerActionActivities } from '../../../activities/partner-actions.js';
import { withTypedFailures } from '../../../activities/typed-failures.js';
import { FailureType } from '../../../src/domain/failure-types.js';
import type { HoneybeeClient } from '../../../src/vendors/honeybee/client.js';
import type { OnegevityClient } from '../../../src/vendors/onegevity/client.js';
import type { OnegevityOrder } from '../../../src/vendors/onegevity/schemas.js';
import { VendorError } from '../../../src/vendors/shared/vendor-error.js';

const ok = <T>(data: T) => ({ data, requestId: 'req', status: 200, fromCache: false });

function kitAtOnegevity() {
  const element = {
    packageElementIdentifier: 'EL-1',
    kitStatus: 'NOT_ACTIVATED',
    activationCode: null as string | null,
  };
  const order = () =>
    ({
      orderIdentifier: 'O1',
      patientIdentifier: 'P1',
      packageIdentifier: 'KIT',
      status: 'SHIPPED',
      completed: false,
      elements: [{ ...element }],
    }) as unknown as OnegevityOrder;
  let patches = 0;
  const activateKits = vi.fn(async () => {
    patches += 1;
    element.kitStatus = 'ACTIVATED';
    element.activationCode = 'TH-AB12';
    if (patches === 1) {
      throw new VendorError({
        vendor: 'onegevity',
        endpoint: 'PATCH /patients/{patientIdentifier}/orders/{orderIdentifier}',
        failureType: FailureType.VendorUnavailable,
        detail: 'timeout after 10000 ms',
      });
    }
    return ok(order());
  });
  const onegevity = { getPatientOrder: vi.fn(async () => ok(order())), activateKits } as unknown as OnegevityClient;
  const activities = withTypedFailures(
    createPartnerActionActivities({ honeybee: {} as HoneybeeClient, onegevity, temporal: {} as Client }),
  );
  return { activities, activateKits };
}

const run = <R>(call: () => Promise<R>): Promise<R> =>
  new MockActivityEnvironment({ taskQueue: 'q' }).run<[], R, () => Promise<R>>(call);

describe('activateLabKits', () => {
  it('a retry after a lost answer finds the kit activated with this code: done, not "nothing waits", no second PATCH', async () => {
    const { activities, activateKits } = kitAtOnegevity();
    const input = { patientIdentifier: 'P1', orderIdentifier: 'O1', activations: [{ activationCode: 'TH-AB12' }] };
    await expect(run(() => activities.activateLabKits(input))).rejects.toMatchObject({
      type: FailureType.VendorUnavailable,
    });
    const retried = await run(() => activities.activateLabKits(input));
    expect(retried.kitStatuses).toEqual(['ACTIVATED']);
    expect(activateKits).toHaveBeenCalledTimes(1);
  });

  it('another code for a kit already activated is still refused: nothing waits for activation', async () => {
    const { activities } = kitAtOnegevity();
    const input = { patientIdentifier: 'P1', orderIdentifier: 'O1', activations: [{ activationCode: 'TH-AB12' }] };
    await run(() => activities.activateLabKits(input)).catch(() => undefined);
    await expect(
      run(() => activities.activateLabKits({ ...input, activations: [{ activationCode: 'TH-ZZ99' }] })),
    ).rejects.toMatchObject({
      type: FailureType.InvalidInput,
      nonRetryable: true,
      message: 'no kit element of this order waits for activation',
    });
  });
});
