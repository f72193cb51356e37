// The Honeybee activities against a scripted vendor client and Temporal client: idempotent fill order creation (list
// before POST, a lost answer or a 409 reconciled by listing, never a second POST), linking the order workflow,
// patient matching that returns no patient data, cancel only where Honeybee allows it, milestone reports, and the
// patient-safety data an order carries: the partner's intake, or per HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN.
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import {
  createHoneybeeActivities,
  type EnsureFillOrderRequest,
  type EnsureFillOrderResult,
} from '../../../activities/honeybee.js';
import { HONEYBEE_CREATE_IN_DOUBT_RECHECK_MS } from '../../../src/domain/activity-options.js';
import { FailureType } from '../../../src/domain/failure-types.js';
import type { Logger } from '../../../src/observability/logger.js';
import type { DirectoryQuery, PartnerPatientDirectory } from '../../../src/partner/patient-directory.js';
import { PartnerDirectoryError } from '../../../src/partner/http-directory.js';
import type { HoneybeeClient } from '../../../src/vendors/honeybee/client.js';
import type { HoneybeeOrder } from '../../../src/vendors/honeybee/schemas.js';
import { VendorError } from '../../../src/vendors/shared/vendor-error.js';
import { DEFAULT_HONEYBEE_SETTINGS } from '../../../workflows/honeybee/settings.js';

function order(orderNumber: string, prescriptionId: number, status = 'Processing'): HoneybeeOrder {
  return {
    order_number: orderNumber,
    patient_id: 4242,
    status,
    items: [{ prescription_id: prescriptionId, quantity: 1 }],
    medication_dispenses: [],
    order_actions: [],
  };
}

function vendorError(failureType: FailureType, status: number, codes: number[] = []): VendorError {
  return new VendorError({
    vendor: 'honeybee',
    endpoint: 'POST /orders',
    failureType,
    status,
    codes,
    detail: `HTTP ${status}`,
  });
}

const result = <T>(data: T, requestId = 'req') => ({ data, requestId, status: 200, fromCache: false });

/** The partner's intake for P-1 in the directory: what the engine must forward. */
const INTAKE = {
  medications: ['Metformin 500 mg twice daily'],
  healthConditions: [],
  allergies: ['penicillin', { name: 'sulfa', reaction: 'hives' }],
};

const HONEYBEE_PATIENT = {
  patient_id: 4242,
  ehr_id: 'EHR-1',
  first_name: 'Jane',
  last_name: 'Roe',
  dob: '1980-01-01',
  email: 'j@x.io',
};

interface SetupOptions {
  /** P-1's `patientSafety` in the directory; `absent` leaves it out. */
  intake?: unknown;
  whenUnknown?: 'hold' | 'send-empty';
}

function setup(
  honeybee: Partial<HoneybeeClient>,
  signalWithStart = vi.fn(async () => undefined),
  options: SetupOptions = {},
) {
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as Logger;
  const intake = 'intake' in options ? options.intake : INTAKE;
  const record = { partnerPatientId: 'P-1', ehrId: 'EHR-1', ...(intake !== 'absent' ? { patientSafety: intake } : {}) };
  const find = vi.fn(async (query: DirectoryQuery) =>
    (query.by === 'ehrId' && query.ehrId === 'EHR-1') ||
    (query.by === 'partnerPatientId' && query.partnerPatientId === 'P-1')
      ? [record]
      : [],
  );
  const directory: PartnerPatientDirectory = { find };
  // Every workflow asked about exists (the reconciliation of unknown prescriptions has its own tests).
  const getHandle = () => ({ describe: async () => ({}) });
  const temporal = { workflow: { signalWithStart, getHandle } } as unknown as Client;
  const getPatient = vi.fn(async () => result(HONEYBEE_PATIENT, 'req-patient'));
  const activities = createHoneybeeActivities({
    honeybee: { getPatient, ...honeybee } as HoneybeeClient,
    directory,
    patientSafetyWhenUnknown: options.whenUnknown ?? 'hold',
    temporal,
    logger,
  });
  const env = new MockActivityEnvironment({ taskQueue: 'test-queue' });
  return { activities, env, signalWithStart, find, getPatient };
}

const request: EnsureFillOrderRequest = {
  prescriptionId: '111',
  patientId: '4242',
  fillNumber: 2,
  recordedOrderNumbers: ['HBOLD'],
  create: true,
  shippingMethodId: 1,
  quantity: 1,
  packageSize: 30,
  settings: DEFAULT_HONEYBEE_SETTINGS,
};

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('ensureHoneybeeFillOrder', () => {
  it('adopts an unrecorded open order for the prescription instead of posting, and links its workflow', async () => {
    const createOrder = vi.fn();
    const listOrders = vi.fn(async () =>
      result(
        [
          order('HBOLD', 111, 'Delivered'),
          order('HBOTHER', 999),
          order('HBCANCELED', 111, 'Canceled'),
          order('HBNEW', 111),
        ],
        'req-list',
      ),
    );
    const { activities, env, signalWithStart } = setup({ createOrder, listOrders });
    const outcome = await env.run(() => activities.ensureHoneybeeFillOrder(request));
    expect(outcome).toEqual({
      orderNumber: 'HBNEW',
      how: 'adopted',
      status: 'Processing',
      linked: true,
      requestIds: ['req-list'],
    });
    expect(createOrder).not.toHaveBeenCalled();
    expect(listOrders).toHaveBeenCalledWith({ patientId: 4242 });
    expect(signalWithStart).toHaveBeenCalledWith('honeybeeOrderWorkflow', {
      workflowId: 'honeybee-order-HBNEW',
      taskQueue: 'test-queue',
      args: [
        {
          orderNumber: 'HBNEW',
          patientId: '4242',
          prescriptionIds: ['111'],
          settings: DEFAULT_HONEYBEE_SETTINGS,
          // What the listing said: the order workflow takes it as its first poll instead of asking again.
          initialSnapshot: expect.objectContaining({
            orderNumber: 'HBNEW',
            status: 'Processing',
            prescriptionIds: ['111'],
            requestId: 'req-list',
          }) as unknown,
        },
      ],
      signal: expect.objectContaining({ name: 'orderLinked' }) as unknown,
      signalArgs: [{ prescriptionId: '111', fillNumber: 2, patientId: '4242' }],
      workflowIdReusePolicy: expect.anything() as unknown,
      typedSearchAttributes: expect.anything() as unknown,
    });
    // It starts showing the stage that snapshot gives, so its first state needs no upsert.
    const options = (signalWithStart.mock.calls[0] as unknown[])[1] as {
      typedSearchAttributes: { key: { name: string }; value: unknown }[];
    };
    expect(Object.fromEntries(options.typedSearchAttributes.map((pair) => [pair.key.name, pair.value]))).toEqual({
      FulfillmentStage: 'ORDER_PROCESSING',
      HoneybeeOrderNumber: 'HBNEW',
      HoneybeePrescriptionId: '111',
      NeedsOperator: false,
      EscalationLevel: 0,
    });
  });

  it('posts the minimal order body (numeric ids, an operator’s address) when there is nothing to adopt', async () => {
    const createOrder = vi.fn(async () => ({ ...result(order('HBNEW', 111), 'req-create'), status: 201 }));
    const { activities, env } = setup({ createOrder, listOrders: vi.fn(async () => result([], 'req-list')) });
    const address = { street1: '1 Main St', city: 'Austin', state: 'TX', zip: '78701' };
    const outcome = await env.run(() => activities.ensureHoneybeeFillOrder({ ...request, address }));
    expect(outcome).toMatchObject({
      orderNumber: 'HBNEW',
      how: 'created',
      requestIds: ['req-list', 'req-patient', 'req-create'],
    });
    expect(createOrder).toHaveBeenCalledWith({
      shipping: { method_id: 1 },
      patient: {
        patient_id: 4242,
        patient_safety: {
          medications: INTAKE.medications,
          health_conditions: INTAKE.healthConditions,
          allergies: INTAKE.allergies,
        },
      },
      items: [{ prescription_id: 111, quantity: 1, package_size: 30 }],
      address,
    });
  });

  it('a lost answer to the POST is reconciled by listing again: the order is adopted, not posted twice', async () => {
    const createOrder = vi.fn(async () => {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    });
    const listOrders = vi
      .fn()
      .mockResolvedValueOnce(result([]))
      .mockResolvedValueOnce(result([order('HBLOST', 111)]));
    const { activities, env } = setup({ createOrder, listOrders });
    expect(await env.run(() => activities.ensureHoneybeeFillOrder(request))).toMatchObject({
      orderNumber: 'HBLOST',
      how: 'adopted',
    });
    expect(createOrder).toHaveBeenCalledTimes(1);
  });

  it('a 409 with nothing to adopt fails for an operator; a 503 with nothing found fails retryably', async () => {
    const listOrders = vi.fn(async () => result([]));
    const conflict = setup({
      listOrders,
      createOrder: vi.fn(async () => Promise.reject(vendorError(FailureType.VendorConflict, 409))),
    });
    const failure = await failureOf(conflict.env.run(() => conflict.activities.ensureHoneybeeFillOrder(request)));
    expect(failure).toMatchObject({ type: 'VendorConflict', nonRetryable: true });
    expect(listOrders).toHaveBeenCalledTimes(2);
    const down = setup({
      listOrders,
      createOrder: vi.fn(async () => Promise.reject(vendorError(FailureType.VendorUnavailable, 503))),
    });
    expect(await failureOf(down.env.run(() => down.activities.ensureHoneybeeFillOrder(request)))).toMatchObject({
      type: 'VendorUnavailable',
      nonRetryable: false,
    });
  });

  it('a POST whose outcome is unknown and that listing does not find yet is retried only after the order could appear', async () => {
    const listOrders = vi.fn(async () => result([]));
    const timedOut = new VendorError({
      vendor: 'honeybee',
      endpoint: 'POST /orders',
      failureType: FailureType.VendorUnavailable,
      detail: 'timeout after 10000 ms',
    });
    for (const thrown of [
      timedOut,
      vendorError(FailureType.VendorUnavailable, 500),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ]) {
      const lost = setup({ listOrders, createOrder: vi.fn(async () => Promise.reject(thrown)) });
      const failure = await failureOf(lost.env.run(() => lost.activities.ensureHoneybeeFillOrder(request)));
      expect(failure).toMatchObject({ type: 'VendorUnavailable', nonRetryable: false });
      expect(failure.nextRetryDelay).toBe(HONEYBEE_CREATE_IN_DOUBT_RECHECK_MS);
      expect(failure.message).toContain('listed again before any new POST');
    }
    // A 503 said Honeybee did not take the request: its own backoff (or Retry-After) applies.
    const refused = setup({
      listOrders,
      createOrder: vi.fn(async () => Promise.reject(vendorError(FailureType.VendorUnavailable, 503))),
    });
    const failure = await failureOf(refused.env.run(() => refused.activities.ensureHoneybeeFillOrder(request)));
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  it('a 422 is not reconciled: it fails for an operator with the vendor’s codes', async () => {
    const listOrders = vi.fn(async () => result([]));
    const { activities, env } = setup({
      listOrders,
      createOrder: vi.fn(async () => Promise.reject(vendorError(FailureType.VendorRejected, 422, [42230]))),
    });
    const failure = await failureOf(env.run(() => activities.ensureHoneybeeFillOrder(request)));
    expect(failure).toMatchObject({ type: 'VendorRejected', nonRetryable: true });
    expect(failure.details?.[0]).toMatchObject({ codes: [42230], status: 422 });
    expect(listOrders).toHaveBeenCalledTimes(1);
  });

  it('in find mode never posts; an order workflow that already ended is reported, not restarted', async () => {
    const createOrder = vi.fn();
    const none = setup({ createOrder, listOrders: vi.fn(async () => result([])) });
    expect(await none.env.run(() => none.activities.ensureHoneybeeFillOrder({ ...request, create: false }))).toEqual({
      how: 'none',
      linked: false,
      requestIds: ['req'],
    });
    const ended = setup(
      { createOrder, listOrders: vi.fn(async () => result([order('HBDONE', 111, 'Shipped')])) },
      vi.fn(async () =>
        Promise.reject(new WorkflowExecutionAlreadyStartedError('ended', 'honeybee-order-HBDONE', 'x')),
      ),
    );
    expect(
      await ended.env.run(() => ended.activities.ensureHoneybeeFillOrder({ ...request, create: false })),
    ).toMatchObject({
      orderNumber: 'HBDONE',
      linked: false,
    });
    expect(createOrder).not.toHaveBeenCalled();
  });
});

/** ensureHoneybeeFillOrder in the mock activity environment, typed (run cannot infer a result type). */
function ensureFill(context: ReturnType<typeof setup>, input: EnsureFillOrderRequest) {
  return context.env.run<[], EnsureFillOrderResult, () => Promise<EnsureFillOrderResult>>(() =>
    context.activities.ensureHoneybeeFillOrder(input),
  );
}

describe('ensureHoneybeeFillOrder: patient-safety data', () => {
  const created = () => vi.fn(async () => ({ ...result(order('HBNEW', 111), 'req-create'), status: 201 }));
  const nothingToAdopt = () => vi.fn(async () => result([], 'req-list'));

  it('sends the intake of the partner patient the prescription names, and returns what it sent for the audit', async () => {
    const createOrder = created();
    const context = setup({ createOrder, listOrders: nothingToAdopt() });
    const { getPatient, find } = context;
    const outcome = await ensureFill(context, { ...request, partnerPatientId: 'P-1' });
    expect(find).toHaveBeenCalledWith({ by: 'partnerPatientId', partnerPatientId: 'P-1' });
    expect(getPatient).not.toHaveBeenCalled();
    expect(outcome.patientSafetySent).toEqual({ source: 'partner_directory', ...INTAKE });
    expect(outcome.requestIds).toEqual(['req-list', 'req-create']);
    const body = (createOrder.mock.calls[0] as unknown[])[0] as { patient: { patient_safety: unknown } };
    expect(body.patient.patient_safety).toEqual({
      medications: ['Metformin 500 mg twice daily'],
      health_conditions: [],
      allergies: ['penicillin', { name: 'sulfa', reaction: 'hives' }],
    });
  });

  it('under hold, refuses to post without the intake: non-retryable PatientSafetyUnknown naming what is missing', async () => {
    for (const [intake, fields] of [
      ['absent', ['patientSafety.medications', 'patientSafety.healthConditions', 'patientSafety.allergies']],
      [{ allergies: [] }, ['patientSafety.medications', 'patientSafety.healthConditions']],
      [{ ...INTAKE, allergies: 'penicillin' }, ['patientSafety.allergies']],
    ] as const) {
      const createOrder = created();
      const { activities, env } = setup({ createOrder, listOrders: nothingToAdopt() }, undefined, { intake });
      const failure = await failureOf(env.run(() => activities.ensureHoneybeeFillOrder(request)));
      expect(failure, JSON.stringify(intake)).toMatchObject({ type: 'PatientSafetyUnknown', nonRetryable: true });
      expect(failure.details?.[0]).toMatchObject({ codes: [], fields });
      expect(failure.message).toMatch(/HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN=hold/);
      expect(createOrder).not.toHaveBeenCalled();
    }
    // A patient the directory does not know (matched by an operator, say) has no intake to read either.
    const createOrder = created();
    const unknown = setup({ createOrder, listOrders: nothingToAdopt() });
    const failure = await failureOf(
      unknown.env.run(() => unknown.activities.ensureHoneybeeFillOrder({ ...request, partnerPatientId: 'P-404' })),
    );
    expect(failure.details?.[0]).toMatchObject({ fields: ['patientSafety'] });
    expect(failure.message).not.toMatch(/Jane|Roe|penicillin/);
    expect(createOrder).not.toHaveBeenCalled();
  });

  it('under send-empty, sends empty lists where the partner supplied none, and says so', async () => {
    const createOrder = created();
    const context = setup({ createOrder, listOrders: nothingToAdopt() }, undefined, {
      intake: 'absent',
      whenUnknown: 'send-empty',
    });
    const outcome = await ensureFill(context, request);
    expect(outcome.patientSafetySent).toEqual({
      source: 'not_supplied_sent_empty',
      medications: [],
      healthConditions: [],
      allergies: [],
    });
    expect(createOrder).toHaveBeenCalledWith(
      expect.objectContaining({
        patient: { patient_id: 4242, patient_safety: { medications: [], health_conditions: [], allergies: [] } },
      }),
    );
  });

  it('sends an intake the request brings (from the fill approval or an operator) without reading the directory', async () => {
    for (const source of ['fill_approval', 'operator'] as const) {
      const createOrder = created();
      const context = setup({ createOrder, listOrders: nothingToAdopt() }, undefined, { intake: 'absent' });
      const given = { medications: [], healthConditions: ['asthma'], allergies: [{ name: 'latex' }] };
      const outcome = await ensureFill(context, {
        ...request,
        partnerPatientId: 'P-1',
        patientSafety: { source, ...given },
      });
      expect(outcome.patientSafetySent).toEqual({ source, ...given });
      expect(context.find).not.toHaveBeenCalled();
      expect(createOrder).toHaveBeenCalledWith(
        expect.objectContaining({
          patient: {
            patient_id: 4242,
            patient_safety: { medications: [], health_conditions: ['asthma'], allergies: [{ name: 'latex' }] },
          },
        }),
      );
    }
  });

  it('reads no intake when it adopts an order instead of posting one', async () => {
    const context = setup({ listOrders: vi.fn(async () => result([order('HBNEW', 111)])) }, undefined, {
      intake: 'absent',
    });
    const { find, getPatient } = context;
    const outcome = await ensureFill(context, request);
    expect(outcome).toMatchObject({ how: 'adopted', orderNumber: 'HBNEW' });
    expect(outcome.patientSafetySent).toBeUndefined();
    expect(find).not.toHaveBeenCalled();
    expect(getPatient).not.toHaveBeenCalled();
  });
});

describe('the other Honeybee activities', () => {
  it('matchHoneybeePatient returns the outcome and request id, never the patient', async () => {
    const { activities, env } = setup({ getPatient: vi.fn(async () => result(HONEYBEE_PATIENT, 'req-patient')) });
    const match = await env.run(() => activities.matchHoneybeePatient({ patientId: '4242' }));
    expect(match).toEqual({
      outcome: 'matched',
      partnerPatientId: 'P-1',
      matchedBy: 'ehrId',
      requestId: 'req-patient',
    });
    expect(JSON.stringify(match)).not.toMatch(/Jane|Roe|1980|j@x/);
  });

  it('lookUpPartnerPatient says whether the directory knows an id, nothing more; a directory failure is typed', async () => {
    const { activities, env, find } = setup({});
    expect(await env.run(() => activities.lookUpPartnerPatient({ partnerPatientId: 'P-1' }))).toEqual({ known: true });
    expect(await env.run(() => activities.lookUpPartnerPatient({ partnerPatientId: 'P-TYPO' }))).toEqual({
      known: false,
    });
    expect(find).toHaveBeenLastCalledWith({ by: 'partnerPatientId', partnerPatientId: 'P-TYPO' });
    find.mockRejectedValueOnce(
      new PartnerDirectoryError('the partner directory answered 503', FailureType.PartnerUnavailable, 503),
    );
    const failure = await env
      .run(() => activities.lookUpPartnerPatient({ partnerPatientId: 'P-1' }))
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ type: 'PartnerUnavailable', message: 'the partner directory answered 503' });
  });

  it('cancelHoneybeeOrder submits cancel_order only when the On Hold order offers it', async () => {
    const submitOrderAction = vi.fn(async () => ({ ...result(undefined, 'req-cancel'), status: 204 }));
    const held = { ...order('HB1', 111, 'On Hold'), order_actions: [{ action: 'cancel_order', fields: ['reason'] }] };
    const onHold = setup({ getOrder: vi.fn(async () => result(held as HoneybeeOrder)), submitOrderAction });
    expect(
      await onHold.env.run(() => onHold.activities.cancelHoneybeeOrder({ orderNumber: 'HB1', reason: 'why' })),
    ).toEqual({
      outcome: 'canceled',
      requestId: 'req-cancel',
    });
    expect(submitOrderAction).toHaveBeenCalledWith('HB1', { action: 'cancel_order', fields: { reason: 'why' } });
    const filling = setup({ getOrder: vi.fn(async () => result(order('HB2', 111, 'Filling'))), submitOrderAction });
    expect(
      await filling.env.run(() => filling.activities.cancelHoneybeeOrder({ orderNumber: 'HB2', reason: 'why' })),
    ).toMatchObject({
      outcome: 'not_cancelable',
      status: 'Filling',
    });
    expect(submitOrderAction).toHaveBeenCalledTimes(1);
  });

  it('reportHoneybeeOrderMilestone signal-with-starts each prescription and reports the ended ones', async () => {
    const signalWithStart = vi
      .fn()
      .mockResolvedValueOnce(undefined)
      .mockRejectedValueOnce(
        new WorkflowExecutionAlreadyStartedError('ended', 'honeybee-rx-222', 'prescriptionWorkflow'),
      );
    const { activities, env } = setup({}, signalWithStart);
    const milestone = { orderNumber: 'HB1', milestone: 'delivered' as const, status: 'Delivered', seq: 3, at: 't' };
    expect(
      await env.run(() =>
        activities.reportHoneybeeOrderMilestone({
          prescriptionIds: ['111', '222'],
          patientId: '4242',
          settings: DEFAULT_HONEYBEE_SETTINGS,
          milestone,
        }),
      ),
    ).toEqual({ delivered: ['honeybee-rx-111'], ended: ['honeybee-rx-222'] });
    expect(signalWithStart).toHaveBeenCalledWith(
      'prescriptionWorkflow',
      expect.objectContaining({
        workflowId: 'honeybee-rx-111',
        args: [{ prescriptionId: '111', patientId: '4242', settings: DEFAULT_HONEYBEE_SETTINGS }],
        signalArgs: [milestone],
      }),
    );
  });
});
