// The lab activities against a scripted Onegevity client: creates and resubmissions are idempotent (a 409 or an
// uncertain failure is settled by reading back and adopting only what is ours), cancel reports what it could do,
// reports are gathered over pages, and nothing returned carries PHI.
import { ApplicationFailure } from '@temporalio/common';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLabActivities } from '../../../activities/lab.js';
import { FailureType } from '../../../src/domain/failure-types.js';
import type { OnegevityClient } from '../../../src/vendors/onegevity/client.js';
import type { OnegevityOrder } from '../../../src/vendors/onegevity/schemas.js';
import { VendorError } from '../../../src/vendors/shared/vendor-error.js';
import { labPlacement } from '../../harness/lab-orders.js';

const ORDER = 'lab0123456789abcdef01234567';
const placement = labPlacement('P-1001');
const createInput = {
  patientIdentifier: 'P-1001',
  request: {
    orderIdentifier: ORDER,
    packageIdentifier: 'KIT-STANDARD',
    patientInformation: placement.patientInformation,
    fulfillmentInformation: placement.fulfillmentInformation,
  },
};

function order(overrides: Partial<OnegevityOrder> = {}): OnegevityOrder {
  return {
    orderIdentifier: ORDER,
    patientIdentifier: 'P-1001',
    packageIdentifier: 'KIT-STANDARD',
    status: 'FULFILLMENT_REQUESTED',
    completed: false,
    createdAt: '2026-11-01T00:00:00Z',
    elements: [{ packageElementIdentifier: 'EL-1', kitStatus: 'UNREGISTERED', activationCode: null }],
    fulfillment: {
      requestIdentifier: ORDER,
      status: 'REQUESTED',
      trackingNumber: null,
      trackingUrl: null,
      rejectionReason: null,
    },
    ...overrides,
  };
}

function failure(failureType: FailureType, status?: number): VendorError {
  return new VendorError({
    vendor: 'onegevity',
    endpoint: 'POST /patients/{patientIdentifier}/orders',
    failureType,
    ...(status ? { status } : {}),
    detail: status ? `HTTP ${status}` : 'timeout after 10000 ms',
  });
}

const ok = <T>(data: T) => ({ data, requestId: 'req-1', status: 200, fromCache: false });

function activities(client: Partial<OnegevityClient>) {
  const unexpected = async () => {
    throw new Error('unexpected call');
  };
  const full: OnegevityClient = {
    createPatientOrder: unexpected,
    getPatientOrder: unexpected,
    activateKits: unexpected,
    listReports: unexpected,
    getReportDocument: unexpected,
    createFulfillmentRequest: unexpected,
    getFulfillmentRequest: unexpected,
    cancelFulfillmentRequest: unexpected,
    ...client,
  };
  return createLabActivities({ onegevity: full, logger: pino({ level: 'silent' }) });
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('createLabOrder', () => {
  it('creates the order and answers a snapshot of ids and statuses only', async () => {
    const result = await activities({ createPatientOrder: async () => ok(order()) }).createLabOrder(createInput);
    expect(result).toEqual({
      outcome: 'created',
      vendorRequestId: 'req-1',
      order: {
        orderIdentifier: ORDER,
        packageIdentifier: 'KIT-STANDARD',
        status: 'FULFILLMENT_REQUESTED',
        completed: false,
        fulfillment: {
          requestIdentifier: ORDER,
          status: 'REQUESTED',
          trackingNumber: null,
          trackingUrl: null,
          rejectionReason: null,
        },
        kitStatuses: ['UNREGISTERED'],
      },
    });
    expect(JSON.stringify(result)).not.toContain('Kitowska');
  });

  it('adopts the order after a 409 when it is ours', async () => {
    const reads: string[] = [];
    const result = await activities({
      createPatientOrder: async () => Promise.reject(failure(FailureType.VendorConflict, 409)),
      getPatientOrder: async (patient, id) => {
        reads.push(`${patient}/${id}`);
        return ok(order({ status: 'ACCEPTED' }));
      },
    }).createLabOrder(createInput);
    expect(result).toMatchObject({ outcome: 'adopted', order: { status: 'ACCEPTED' } });
    expect(reads).toEqual([`P-1001/${ORDER}`]);
  });

  it('adopts an order whose create answer was lost, and retries when the read finds nothing', async () => {
    const lost = activities({
      createPatientOrder: async () => Promise.reject(failure(FailureType.VendorUnavailable)),
      getPatientOrder: async () => ok(order()),
    });
    expect((await lost.createLabOrder(createInput)).outcome).toBe('adopted');
    const neverArrived = activities({
      createPatientOrder: async () => Promise.reject(failure(FailureType.VendorUnavailable)),
      getPatientOrder: async () => Promise.reject(failure(FailureType.VendorNotFound, 404)),
    });
    const retry = await failureOf(neverArrived.createLabOrder(createInput));
    expect(retry).toMatchObject({ type: 'VendorUnavailable', nonRetryable: false });
  });

  it('refuses to adopt an order that is not ours (another package, or another patient)', async () => {
    const otherPackage = activities({
      createPatientOrder: async () => Promise.reject(failure(FailureType.VendorConflict, 409)),
      getPatientOrder: async () => ok(order({ packageIdentifier: 'KIT-DUAL' })),
    });
    const notOurs = await failureOf(otherPackage.createLabOrder(createInput));
    expect(notOurs).toMatchObject({ type: 'VendorConflict', nonRetryable: true });
    expect(notOurs.message).toContain('another package');
    const otherPatient = activities({
      createPatientOrder: async () => Promise.reject(failure(FailureType.VendorConflict, 409)),
      getPatientOrder: async () => Promise.reject(failure(FailureType.VendorNotFound, 404)),
    });
    expect((await failureOf(otherPatient.createLabOrder(createInput))).message).toContain('another patient');
  });

  it('does not read back after a refusal: a 400 fails as VendorRejected, not retryable', async () => {
    const refused = activities({
      createPatientOrder: async () => Promise.reject(failure(FailureType.VendorRejected, 400)),
    });
    expect(await failureOf(refused.createLabOrder(createInput))).toMatchObject({
      type: 'VendorRejected',
      nonRetryable: true,
    });
  });
});

describe('requestLabFulfillment', () => {
  const request = {
    requestIdentifier: `${ORDER}R2`,
    orderIdentifier: ORDER,
    patientIdentifier: 'P-1001',
    fulfillmentInformation: placement.fulfillmentInformation,
  };
  const existing = (orderIdentifier: string) =>
    ok({ requestIdentifier: `${ORDER}R2`, orderIdentifier, status: 'ACCEPTED' });

  it('creates the request, or adopts it after a 409 when it belongs to the order', async () => {
    const created = activities({
      createFulfillmentRequest: async () =>
        Promise.resolve({ ...existing(ORDER), data: { ...existing(ORDER).data, status: 'REQUESTED' } }),
    });
    expect(await created.requestLabFulfillment(request)).toEqual({
      outcome: 'created',
      requestIdentifier: `${ORDER}R2`,
      status: 'REQUESTED',
    });
    const adopted = activities({
      createFulfillmentRequest: async () => Promise.reject(failure(FailureType.VendorConflict, 409)),
      getFulfillmentRequest: async () => existing(ORDER),
    });
    expect(await adopted.requestLabFulfillment(request)).toMatchObject({ outcome: 'adopted', status: 'ACCEPTED' });
  });

  it('refuses a 409 for a request it cannot find, or one of another order', async () => {
    const blocked = activities({
      createFulfillmentRequest: async () => Promise.reject(failure(FailureType.VendorConflict, 409)),
      getFulfillmentRequest: async () => Promise.reject(failure(FailureType.VendorNotFound, 404)),
    });
    expect((await failureOf(blocked.requestLabFulfillment(request))).message).toContain('another active request');
    const foreign = activities({
      createFulfillmentRequest: async () => Promise.reject(failure(FailureType.VendorConflict, 409)),
      getFulfillmentRequest: async () => existing('lab9999999999999999999999999'),
    });
    expect((await failureOf(foreign.requestLabFulfillment(request))).type).toBe('VendorConflict');
  });
});

describe('cancelLabFulfillment and listLabReports', () => {
  it('reports a cancel, and what the request is when Onegevity can no longer cancel it', async () => {
    const canceled = activities({
      cancelFulfillmentRequest: async () => ok({ requestIdentifier: ORDER, status: 'CANCELED' }),
    });
    expect(await canceled.cancelLabFulfillment({ requestIdentifier: ORDER })).toEqual({
      canceled: true,
      status: 'CANCELED',
    });
    const shipped = activities({
      cancelFulfillmentRequest: async () => Promise.reject(failure(FailureType.VendorConflict, 409)),
      getFulfillmentRequest: async () => ok({ requestIdentifier: ORDER, status: 'SHIPPED' }),
    });
    expect(await shipped.cancelLabFulfillment({ requestIdentifier: ORDER })).toEqual({
      canceled: false,
      status: 'SHIPPED',
    });
  });

  it('collects report identifiers over every page', async () => {
    const pages: number[] = [];
    const reports = activities({
      listReports: async (_patient, _order, page) => {
        pages.push(page?.pageNumber ?? 0);
        const content =
          page?.pageNumber === 1
            ? Array.from({ length: 100 }, (_, i) => ({ reportIdentifier: `R-${i}` }))
            : [{ reportIdentifier: 'R-100' }];
        return ok({
          pageNumber: page?.pageNumber,
          numberOfElements: content.length,
          totalNumberOfElements: 101,
          content,
        });
      },
    });
    const list = await reports.listLabReports({ patientIdentifier: 'P-1001', orderIdentifier: ORDER });
    expect(list.reportIdentifiers).toHaveLength(101);
    expect(list.reportIdentifiers.at(-1)).toBe('R-100');
    expect(pages).toEqual([1, 2]);
  });
});
