// Contract: the engine's Onegevity client (src/vendors/onegevity) against the Onegevity simulator
// (src/sandbox/onegevity) over real HTTP. Every client method with its error paths as the client classifies them
// (failure type, status, request id, field names), scoped tokens in both auth styles, faults, and every webhook topic
// the simulator sends: verified with the engine's verifier, read with the engine's event reader, and routed by the
// bridge's routing function to the lab order's workflow.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { routeOnegevityEvent } from '../../src/bridge/onegevity-routing.js';
import { onegevityWebhookUrl, type EngineConfig } from '../../src/config/env.js';
import { FailureType } from '../../src/domain/failure-types.js';
import { fulfillmentRequestIdentifier, labOrderIdentifier } from '../../src/domain/lab-order-identifiers.js';
import { labOrderWorkflowId } from '../../src/domain/workflow-ids.js';
import { honeybeeSettingsFromConfig, labSettingsFromConfig } from '../../src/domain/workflow-settings.js';
import { SANDBOX_DEV_CREDENTIALS } from '../../src/sandbox/dev-credentials.js';
import type { PatientInformation } from '../../src/sandbox/onegevity/model.js';
import type { OnegevityClient } from '../../src/vendors/onegevity/client.js';
import type {
  OnegevityCreateOrderRequest,
  OnegevityFulfillmentInformation,
} from '../../src/vendors/onegevity/schemas.js';
import { verifyOnegevitySignature } from '../../src/vendors/onegevity/webhook-auth.js';
import {
  ONEGEVITY_TOPICS,
  parseOnegevityWebhookEvent,
  type OnegevityWebhookEvent,
} from '../../src/vendors/onegevity/webhook-events.js';
import { startTestSandbox, STEP_MS, type InProcessSandbox } from '../harness/sandbox.js';
import { onegevityClientFor, vendorErrorOf } from '../harness/vendor-clients.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../harness/webhook-receiver.js';

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const topicOf = (hook: ReceivedWebhook) => headerOf(hook.headers, 'x-onegevity-topic');

/** What the bridge does with one delivery: verify the signature over the raw bytes, read the topic's payload. */
function acceptAsBridge(config: EngineConfig, hook: ReceivedWebhook): OnegevityWebhookEvent {
  const topic = topicOf(hook);
  expect(
    verifyOnegevitySignature(
      config.ONEGEVITY_WEBHOOK_SECRETS,
      hook.body,
      headerOf(hook.headers, 'x-onegevity-signature'),
    ),
    `signature of ${String(topic)}`,
  ).toBe(true);
  const read = parseOnegevityWebhookEvent(topic, hook.body);
  if (!read.ok) throw new Error(`the engine cannot read ${String(topic)}: ${read.problem} ${read.issues.join(', ')}`);
  expect(read.event.kind).not.toBe('unknown');
  expect(read.event.topic).toBe(topic);
  return read.event;
}

function route(config: EngineConfig, hook: ReceivedWebhook) {
  return routeOnegevityEvent(topicOf(hook), hook.json, hook.body, {
    receivedAt: new Date().toISOString(),
    requestId: 'contract-test',
    honeybeeSettings: honeybeeSettingsFromConfig(config),
    labSettings: labSettingsFromConfig(config),
    followUnknownLabOrders: config.ONEGEVITY_FOLLOW_UNKNOWN_ORDERS,
  });
}

/** Topics that concern the lab order (everything but the patient.* topics) must reach its workflow. */
const ORDER_TOPICS = ONEGEVITY_TOPICS.filter((topic) => !topic.startsWith('patient.'));

describe('contract: Onegevity client ↔ Onegevity simulator', () => {
  let sandbox: InProcessSandbox;
  let receiver: WebhookReceiver;
  let og: OnegevityClient;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sandbox = await startTestSandbox({ BRIDGE_PUBLIC_URL: receiver.url });
    og = onegevityClientFor(sandbox).client;
  });

  afterEach(async () => {
    await sandbox.control.clearFaults();
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  const newOrderIdentifier = () => labOrderIdentifier(randomBytes(12).toString('hex'));
  const steps = (count: number) => sandbox.control.advance(count * STEP_MS);

  function fulfillmentOf(information: PatientInformation): OnegevityFulfillmentInformation {
    return {
      recipientFirstName: information.firstName,
      recipientLastName: information.lastName,
      recipientPhoneNumber: information.phoneNumber,
      shippingMethod: 'GROUND',
      shippingAddress: { ...information.address },
    };
  }

  function orderRequest(
    information: PatientInformation,
    orderIdentifier: string,
    options: { fulfillment?: boolean; packageIdentifier?: string } = {},
  ): OnegevityCreateOrderRequest {
    return {
      orderIdentifier,
      packageIdentifier: options.packageIdentifier ?? 'KIT-STANDARD',
      patientInformation: { ...information, address: { ...information.address } },
      ...(options.fulfillment === false ? {} : { fulfillmentInformation: fulfillmentOf(information) }),
    };
  }

  async function kitPatient(scenario = 'kit-happy-path', options: Record<string, unknown> = {}) {
    const result = await sandbox.control.runScenario(scenario, options);
    return {
      patientIdentifier: result.patient.patientIdentifier as string,
      information: result.patientInformation as PatientInformation,
    };
  }

  async function kitOrder(
    scenario = 'kit-happy-path',
    options: Record<string, unknown> = {},
    order: { fulfillment?: boolean; packageIdentifier?: string } = {},
  ) {
    const patient = await kitPatient(scenario, options);
    const orderIdentifier = newOrderIdentifier();
    const created = await og.createPatientOrder(
      patient.patientIdentifier,
      orderRequest(patient.information, orderIdentifier, order),
    );
    return { ...patient, orderIdentifier, created };
  }

  async function lastRequest(endpoint: string) {
    const { requests } = await sandbox.control.requests({ endpoint, limit: 1 });
    const entry = requests.at(-1);
    if (!entry) throw new Error(`no request to ${endpoint} was logged`);
    return entry;
  }

  /** Webhooks about one order: by orderIdentifier, or by a requestorId of its fulfillment requests. */
  const webhooksFor = (orderIdentifier: string) =>
    receiver.received.filter(
      (hook) =>
        hook.json.orderIdentifier === orderIdentifier ||
        (typeof hook.json.requestorId === 'string' && hook.json.requestorId.startsWith(orderIdentifier)),
    );

  describe('tokens and scopes', () => {
    it('gets a scoped token by HTTP Basic and by form body; results carry the logged request id', async () => {
      const { patientIdentifier, orderIdentifier } = await kitOrder();
      for (const tokenAuth of ['basic', 'form'] as const) {
        const { client, tokens } = onegevityClientFor(sandbox, { tokenAuth });
        const issued = (await sandbox.control.counters()).onegevity.tokensIssued;
        await tokens.getToken();
        expect((await sandbox.control.counters()).onegevity.tokensIssued).toBe(issued + 1);
        const result = await client.getPatientOrder(patientIdentifier, orderIdentifier);
        expect(result).toMatchObject({ status: 200, fromCache: false, data: { orderIdentifier } });
        expect(result.requestId).toBe((await lastRequest('onegevity.getOrder')).requestId);
      }
    });

    it('bad credentials and a scope the client was not granted are VendorUnauthorized from the token endpoint', async () => {
      for (const tokenAuth of ['basic', 'form'] as const) {
        const wrong = onegevityClientFor(sandbox, { tokenAuth, clientSecret: 'not-the-secret' });
        expect(await vendorErrorOf(wrong.client.getFulfillmentRequest('none'))).toMatchObject({
          endpoint: 'POST /oauth/token',
          failureType: FailureType.VendorUnauthorized,
          status: 401,
        });
      }
      const greedy = onegevityClientFor(sandbox, { scopes: 'patients_read admin' });
      const error = await vendorErrorOf(greedy.client.getFulfillmentRequest('none'));
      expect(error).toMatchObject({ failureType: FailureType.VendorUnauthorized, status: 400, retryable: false });
      expect(error.requestId).toBe((await lastRequest('onegevity.token')).requestId);
    });

    it('a token without the endpoint’s scope is 403 → VendorUnauthorized, with the request id of the error body', async () => {
      const { patientIdentifier, information, orderIdentifier } = await kitOrder();
      const readOnly = onegevityClientFor(sandbox, { scopes: 'patients_read' }).client;
      expect((await readOnly.getPatientOrder(patientIdentifier, orderIdentifier)).status).toBe(200);
      const write = await vendorErrorOf(
        readOnly.createPatientOrder(patientIdentifier, orderRequest(information, newOrderIdentifier())),
      );
      expect(write).toMatchObject({
        endpoint: 'POST /patients/{patientIdentifier}/orders',
        failureType: FailureType.VendorUnauthorized,
        status: 403,
        retryable: false,
      });
      expect(write.requestId).toBe((await lastRequest('onegevity.createOrder')).requestId);
      const fulfillment = await vendorErrorOf(readOnly.getFulfillmentRequest(orderIdentifier));
      expect(fulfillment).toMatchObject({ failureType: FailureType.VendorUnauthorized, status: 403 });
    });

    it('refreshes once on a 401 from an expired token, and after an hour of sandbox time', async () => {
      const { patientIdentifier, orderIdentifier } = await kitOrder();
      const before = (await sandbox.control.counters()).onegevity.tokensIssued;
      expect((await sandbox.control.expireTokens('onegevity')).expired).toBeGreaterThan(0);
      const result = await og.getPatientOrder(patientIdentifier, orderIdentifier);
      expect(result.status).toBe(200);
      const { requests } = await sandbox.control.requests({ endpoint: 'onegevity.getOrder', limit: 2 });
      expect(requests.map((entry) => entry.status)).toEqual([401, 200]);
      expect(requests[1]?.requestId).toBe(result.requestId);
      await sandbox.control.advance('1h');
      expect((await og.getFulfillmentRequest(orderIdentifier)).status).toBe(200);
      expect((await sandbox.control.counters()).onegevity.tokensIssued).toBe(before + 2);
    });
  });

  describe('kit orders', () => {
    it('createPatientOrder without fulfillment: 201 CREATED with one element per kit in the package', async () => {
      const { orderIdentifier, patientIdentifier, created } = await kitOrder(
        'kit-happy-path',
        {},
        {
          fulfillment: false,
          packageIdentifier: 'KIT-DUAL',
        },
      );
      expect(created.status).toBe(201);
      expect(created.requestId).toBe((await lastRequest('onegevity.createOrder')).requestId);
      expect(created.data).toMatchObject({
        orderIdentifier,
        patientIdentifier,
        packageIdentifier: 'KIT-DUAL',
        status: 'CREATED',
        completed: false,
        fulfillment: null,
      });
      expect(created.data.elements).toEqual([
        { packageElementIdentifier: 'EL-1', kitStatus: 'UNREGISTERED', activationCode: null },
        { packageElementIdentifier: 'EL-2', kitStatus: 'UNREGISTERED', activationCode: null },
      ]);
    });

    it('createPatientOrder with fulfillment: the fulfillment request is the order’s own identifier', async () => {
      const { orderIdentifier, created } = await kitOrder();
      expect(created.data).toMatchObject({
        status: 'FULFILLMENT_REQUESTED',
        fulfillment: { requestIdentifier: orderIdentifier, status: 'REQUESTED', trackingNumber: null },
      });
      const request = await og.getFulfillmentRequest(orderIdentifier);
      expect(request.data).toMatchObject({ requestIdentifier: orderIdentifier, orderIdentifier, status: 'REQUESTED' });
    });

    it('the same orderIdentifier again is VendorConflict (409): a retried create is recognisable', async () => {
      const { patientIdentifier, information, orderIdentifier } = await kitOrder();
      const error = await vendorErrorOf(
        og.createPatientOrder(patientIdentifier, orderRequest(information, orderIdentifier)),
      );
      expect(error).toMatchObject({ failureType: FailureType.VendorConflict, status: 409, retryable: false });
      expect(error.requestId).toBe((await lastRequest('onegevity.createOrder')).requestId);
      expect((await sandbox.control.counters()).onegevity.fulfillmentRequestsPerOrder[orderIdentifier]).toBe(1);
    });

    it('a ValidationError is VendorRejected (400) with every field name the vendor objected to', async () => {
      const { patientIdentifier, information } = await kitPatient();
      const request = orderRequest(information, newOrderIdentifier(), { packageIdentifier: 'KIT-STANDARD' });
      const invalid: OnegevityCreateOrderRequest = {
        ...request,
        patientInformation: {
          ...information,
          dateOfBirth: '1980-02-30',
          email: 'not-an-email',
          address: { ...information.address, country: 'USA', postalCode: '!' },
        },
        fulfillmentInformation: { ...fulfillmentOf(information), recipientPhoneNumber: 'call me' },
      };
      const error = await vendorErrorOf(og.createPatientOrder(patientIdentifier, invalid));
      expect(error).toMatchObject({ failureType: FailureType.VendorRejected, status: 400, retryable: false });
      expect([...error.fields].sort()).toEqual(
        [
          'fulfillmentInformation.recipientPhoneNumber',
          'patientInformation.address.country',
          'patientInformation.address.postalCode',
          'patientInformation.dateOfBirth',
          'patientInformation.email',
        ].sort(),
      );
      expect(error.requestId).toBe((await lastRequest('onegevity.createOrder')).requestId);

      const unknownPackage = await vendorErrorOf(
        og.createPatientOrder(patientIdentifier, { ...request, packageIdentifier: 'KIT-NOPE' }),
      );
      expect(unknownPackage).toMatchObject({ status: 400, fields: ['packageIdentifier'] });
      const badPatient = await vendorErrorOf(og.createPatientOrder('P 1!', request));
      expect(badPatient).toMatchObject({ status: 400, fields: ['patientIdentifier'] });
    });

    it('a request the contract cannot accept is refused by the client before it is sent (InvalidInput)', async () => {
      const { patientIdentifier, information } = await kitPatient();
      const before = (await sandbox.control.counters()).requests['onegevity.createOrder']?.total ?? 0;
      const { email: _email, ...withoutEmail } = information;
      const error = await vendorErrorOf(
        og.createPatientOrder(patientIdentifier, {
          ...orderRequest(information, newOrderIdentifier()),
          // Typed as the contract would never allow: a caller that lost the email on the way.
          patientInformation: withoutEmail as unknown as OnegevityCreateOrderRequest['patientInformation'],
        }),
      );
      expect(error).toMatchObject({ failureType: FailureType.InvalidInput, fields: ['patientInformation.email'] });
      expect((await sandbox.control.counters()).requests['onegevity.createOrder']?.total ?? 0).toBe(before);
    });

    it('getPatientOrder of an unknown order, or under another patient, is VendorNotFound', async () => {
      const { orderIdentifier } = await kitOrder();
      const other = await kitPatient();
      for (const [patient, order] of [
        [other.patientIdentifier, orderIdentifier],
        [other.patientIdentifier, newOrderIdentifier()],
      ] as const) {
        const error = await vendorErrorOf(og.getPatientOrder(patient, order));
        expect(error).toMatchObject({
          endpoint: 'GET /patients/{patientIdentifier}/orders/{orderIdentifier}',
          failureType: FailureType.VendorNotFound,
          status: 404,
        });
        expect(error.requestId).toBe((await lastRequest('onegevity.getOrder')).requestId);
      }
    });
  });

  describe('kit activation and reports', () => {
    it('activateKits: refused before shipping, a bad code is rejected with its field, a good code activates', async () => {
      const { patientIdentifier, orderIdentifier } = await kitOrder('kit-happy-path', { activation: 'api' });
      const activation = { packageElementIdentifier: 'EL-1', activationCode: 'TH-AB12' };
      const early = await vendorErrorOf(og.activateKits(patientIdentifier, orderIdentifier, [activation]));
      expect(early).toMatchObject({
        failureType: FailureType.VendorRejected,
        status: 400,
        fields: ['kitActivations[0].packageElementIdentifier'],
      });

      await steps(2);
      expect((await og.getPatientOrder(patientIdentifier, orderIdentifier)).data).toMatchObject({
        status: 'SHIPPED',
        elements: [{ kitStatus: 'NOT_ACTIVATED' }],
      });
      const badFormat = await vendorErrorOf(
        og.activateKits(patientIdentifier, orderIdentifier, [{ ...activation, activationCode: 'th-1' }]),
      );
      expect(badFormat).toMatchObject({
        endpoint: 'PATCH /patients/{patientIdentifier}/orders/{orderIdentifier}',
        failureType: FailureType.VendorRejected,
        status: 400,
        fields: ['kitActivations[0].activationCode'],
      });
      expect(badFormat.requestId).toBe((await lastRequest('onegevity.updateOrder')).requestId);
      const noSuchKit = await vendorErrorOf(
        og.activateKits(patientIdentifier, orderIdentifier, [{ ...activation, packageElementIdentifier: 'EL-9' }]),
      );
      expect(noSuchKit.fields).toEqual(['kitActivations[0].packageElementIdentifier']);

      const activated = await og.activateKits(patientIdentifier, orderIdentifier, [activation]);
      expect(activated.status).toBe(200);
      expect(activated.data).toMatchObject({
        status: 'ACTIVATED',
        elements: [{ packageElementIdentifier: 'EL-1', kitStatus: 'ACTIVATED', activationCode: 'TH-AB12' }],
      });
      // The same activation again changes nothing and is accepted (a retried PATCH is harmless).
      expect((await og.activateKits(patientIdentifier, orderIdentifier, [activation])).status).toBe(200);
      expect((await sandbox.control.counters()).onegevity.kitActivations.api).toBeGreaterThanOrEqual(1);
      const elsewhere = await vendorErrorOf(og.activateKits(patientIdentifier, newOrderIdentifier(), [activation]));
      expect(elsewhere.failureType).toBe(FailureType.VendorNotFound);
      const empty = await vendorErrorOf(og.activateKits(patientIdentifier, orderIdentifier, []));
      expect(empty.failureType).toBe(FailureType.InvalidInput);
    });

    it('listReports: an empty page before results are released, the report after; bad paging is rejected', async () => {
      const { patientIdentifier, orderIdentifier } = await kitOrder();
      const before = await og.listReports(patientIdentifier, orderIdentifier);
      expect(before.data).toMatchObject({ pageNumber: 1, numberOfElements: 0, totalNumberOfElements: 0, content: [] });

      // review → ship → patient activates → lab → release
      await steps(5);
      const order = await og.getPatientOrder(patientIdentifier, orderIdentifier);
      expect(order.data).toMatchObject({ status: 'RESULTS_RELEASED', completed: true });
      const after = await og.listReports(patientIdentifier, orderIdentifier, { pageNumber: 1, pageSize: 10 });
      expect(after.data).toMatchObject({ pageNumber: 1, numberOfElements: 1, totalNumberOfElements: 1 });
      expect(after.data.content).toHaveLength(1);
      expect(after.data.content[0]?.name).toBe('Health Intelligence Report');
      expect(after.data.content[0]?.reportIdentifier).toMatch(/^R-/);
      const secondPage = await og.listReports(patientIdentifier, orderIdentifier, { pageNumber: 2, pageSize: 1 });
      expect(secondPage.data).toMatchObject({ pageNumber: 2, numberOfElements: 0, totalNumberOfElements: 1 });

      const badPaging = await vendorErrorOf(og.listReports(patientIdentifier, orderIdentifier, { pageSize: 0 }));
      expect(badPaging).toMatchObject({ failureType: FailureType.VendorRejected, status: 400, fields: ['pageSize'] });
      const missing = await vendorErrorOf(og.listReports(patientIdentifier, newOrderIdentifier()));
      expect(missing).toMatchObject({ failureType: FailureType.VendorNotFound, status: 404 });
    });
  });

  describe('fulfillment requests', () => {
    it('create, get and cancel a stand-alone request; 409 for a duplicate identifier or a second active request', async () => {
      const { patientIdentifier, information, orderIdentifier } = await kitOrder(
        'kit-happy-path',
        {},
        {
          fulfillment: false,
        },
      );
      const request = {
        requestIdentifier: orderIdentifier,
        orderIdentifier,
        patientIdentifier,
        fulfillmentInformation: fulfillmentOf(information),
      };
      const created = await og.createFulfillmentRequest(request);
      expect(created.status).toBe(201);
      expect(created.data).toMatchObject({ requestIdentifier: orderIdentifier, orderIdentifier, status: 'REQUESTED' });
      expect(created.requestId).toBe((await lastRequest('onegevity.createFulfillment')).requestId);

      const duplicate = await vendorErrorOf(og.createFulfillmentRequest(request));
      expect(duplicate).toMatchObject({ failureType: FailureType.VendorConflict, status: 409 });
      const second = await vendorErrorOf(
        og.createFulfillmentRequest({
          ...request,
          requestIdentifier: fulfillmentRequestIdentifier(orderIdentifier, 2),
        }),
      );
      expect(second).toMatchObject({ failureType: FailureType.VendorConflict, status: 409 });

      const fetched = await og.getFulfillmentRequest(orderIdentifier);
      expect(fetched.data).toMatchObject({ requestIdentifier: orderIdentifier, status: 'REQUESTED' });
      const canceled = await og.cancelFulfillmentRequest(orderIdentifier);
      expect(canceled).toMatchObject({ status: 200, data: { requestIdentifier: orderIdentifier, status: 'CANCELED' } });
      // Canceling again is harmless: the same answer.
      expect((await og.cancelFulfillmentRequest(orderIdentifier)).data.status).toBe('CANCELED');
      expect((await og.getPatientOrder(patientIdentifier, orderIdentifier)).data).toMatchObject({
        status: 'CANCELED',
        fulfillment: { status: 'CANCELED' },
      });
    });

    it('cancel once shipped is VendorConflict (409); unknown requests are VendorNotFound', async () => {
      const { orderIdentifier } = await kitOrder('kit-never-activated');
      await steps(2);
      const shippedRequest = await og.getFulfillmentRequest(orderIdentifier);
      expect(shippedRequest.data.status).toBe('SHIPPED');
      expect(shippedRequest.data.trackingNumber).toMatch(/^\d{12}$/);
      const shipped = await vendorErrorOf(og.cancelFulfillmentRequest(orderIdentifier));
      expect(shipped).toMatchObject({
        endpoint: 'POST /fulfillment-requests/{requestIdentifier}/cancel',
        failureType: FailureType.VendorConflict,
        status: 409,
      });
      expect(shipped.requestId).toBe((await lastRequest('onegevity.cancelFulfillment')).requestId);
      for (const call of [
        () => og.getFulfillmentRequest('labnosuch'),
        () => og.cancelFulfillmentRequest('labnosuch'),
      ]) {
        expect(await vendorErrorOf(call())).toMatchObject({ failureType: FailureType.VendorNotFound, status: 404 });
      }
    });

    it('a rejected request carries its reason; cancelling it is 409; the resubmission R2 is accepted', async () => {
      const { patientIdentifier, information, orderIdentifier } = await kitOrder('kit-rejected', {
        rejectReason: 'Address not serviceable',
      });
      await steps(1);
      expect((await og.getFulfillmentRequest(orderIdentifier)).data.status).toBe('REJECTED');
      expect((await og.getPatientOrder(patientIdentifier, orderIdentifier)).data).toMatchObject({
        status: 'REJECTED',
        fulfillment: { status: 'REJECTED', rejectionReason: 'Address not serviceable' },
      });
      expect(await vendorErrorOf(og.cancelFulfillmentRequest(orderIdentifier))).toMatchObject({ status: 409 });

      const resubmission = fulfillmentRequestIdentifier(orderIdentifier, 2);
      const created = await og.createFulfillmentRequest({
        requestIdentifier: resubmission,
        orderIdentifier,
        patientIdentifier,
        fulfillmentInformation: fulfillmentOf(information),
      });
      expect(created.data).toMatchObject({ requestIdentifier: resubmission, status: 'REQUESTED' });
      await steps(1);
      expect((await og.getFulfillmentRequest(resubmission)).data.status).toBe('ACCEPTED');
      expect((await og.getPatientOrder(patientIdentifier, orderIdentifier)).data.fulfillment).toMatchObject({
        requestIdentifier: resubmission,
        status: 'ACCEPTED',
      });
    });

    it('a request for an unknown order is VendorRejected naming orderIdentifier; a malformed identifier never leaves', async () => {
      const { patientIdentifier, information } = await kitPatient();
      const orderIdentifier = newOrderIdentifier();
      const unknown = await vendorErrorOf(
        og.createFulfillmentRequest({
          requestIdentifier: orderIdentifier,
          orderIdentifier,
          patientIdentifier,
          fulfillmentInformation: fulfillmentOf(information),
        }),
      );
      expect(unknown).toMatchObject({
        failureType: FailureType.VendorRejected,
        status: 400,
        fields: ['orderIdentifier'],
      });
      const malformed = await vendorErrorOf(
        og.createFulfillmentRequest({
          requestIdentifier: `${orderIdentifier}-2`,
          orderIdentifier,
          patientIdentifier,
          fulfillmentInformation: fulfillmentOf(information),
        }),
      );
      expect(malformed).toMatchObject({ failureType: FailureType.InvalidInput, fields: ['requestIdentifier'] });
    });
  });

  describe('faults as the client classifies them', () => {
    it('429 with Retry-After in seconds and as an HTTP date → VendorRateLimited with retryAfterMs', async () => {
      await sandbox.control.addFault({
        endpoint: 'onegevity.getFulfillment',
        rate429: 1,
        retryAfterSeconds: 5,
        limit: 1,
      });
      const seconds = await vendorErrorOf(og.getFulfillmentRequest('labnosuch'));
      expect(seconds).toMatchObject({ failureType: FailureType.VendorRateLimited, status: 429, retryAfterMs: 5_000 });
      expect(seconds.requestId).toBe((await lastRequest('onegevity.getFulfillment')).requestId);

      await sandbox.control.addFault({
        endpoint: 'onegevity.getFulfillment',
        rate429: 1,
        retryAfterSeconds: 90,
        retryAfterFormat: 'http-date',
        limit: 1,
      });
      const dated = await vendorErrorOf(og.getFulfillmentRequest('labnosuch'));
      expect(dated.failureType).toBe(FailureType.VendorRateLimited);
      expect(dated.retryAfterMs).toBeGreaterThan(70_000);
      expect(dated.retryAfterMs).toBeLessThanOrEqual(90_000);
    });

    it('503 and 500 → VendorUnavailable with the request id', async () => {
      for (const rate of ['rate503', 'rate500'] as const) {
        await sandbox.control.addFault({ endpoint: 'onegevity.getFulfillment', [rate]: 1, limit: 1 });
        const error = await vendorErrorOf(og.getFulfillmentRequest('labnosuch'));
        expect(error).toMatchObject({
          failureType: FailureType.VendorUnavailable,
          status: rate === 'rate503' ? 503 : 500,
          retryable: true,
        });
        expect(error.requestId).toBe((await lastRequest('onegevity.getFulfillment')).requestId);
      }
    });

    it('a dropped connection → VendorUnavailable, nothing created; a lost response → the retry is 409 (it exists)', async () => {
      const { patientIdentifier, information } = await kitPatient();
      const dropped = newOrderIdentifier();
      await sandbox.control.addFault({ endpoint: 'onegevity.createOrder', dropRate: 1, limit: 1 });
      const drop = await vendorErrorOf(og.createPatientOrder(patientIdentifier, orderRequest(information, dropped)));
      expect(drop).toMatchObject({ failureType: FailureType.VendorUnavailable, status: undefined });
      expect(await vendorErrorOf(og.getPatientOrder(patientIdentifier, dropped))).toMatchObject({ status: 404 });

      const lost = newOrderIdentifier();
      await sandbox.control.addFault({ endpoint: 'onegevity.createOrder', lostResponseRate: 1, limit: 1 });
      const lostError = await vendorErrorOf(og.createPatientOrder(patientIdentifier, orderRequest(information, lost)));
      expect(lostError.failureType).toBe(FailureType.VendorUnavailable);
      expect((await og.getPatientOrder(patientIdentifier, lost)).data.orderIdentifier).toBe(lost);
      const retry = await vendorErrorOf(og.createPatientOrder(patientIdentifier, orderRequest(information, lost)));
      expect(retry.failureType).toBe(FailureType.VendorConflict);
      expect((await sandbox.control.counters()).onegevity.fulfillmentRequestsPerOrder[lost]).toBe(1);
    });

    it('latency beyond the client timeout → VendorUnavailable (timeout)', async () => {
      const impatient = onegevityClientFor(sandbox, { timeoutMs: 200 });
      await impatient.tokens.getToken();
      await sandbox.control.addFault({ endpoint: 'onegevity.getFulfillment', latency: '1s' });
      const error = await vendorErrorOf(impatient.client.getFulfillmentRequest('labnosuch'));
      expect(error).toMatchObject({ failureType: FailureType.VendorUnavailable, status: undefined });
      expect(error.message).toMatch(/timeout after 200 ms/);
    });
  });

  describe('webhooks through the whole lifecycle', () => {
    it('happy path: every order topic in order, verified, read and routed to the lab order’s workflow', async () => {
      const { orderIdentifier, patientIdentifier } = await kitOrder();
      await steps(5);
      // Up to the order.updated that follows results.released (sent after it: waiting for results.released alone
      // could read the list before its last entry arrived).
      await receiver.waitFor(() =>
        webhooksFor(orderIdentifier).some(
          (hook, index, hooks) =>
            topicOf(hook) === 'results.released' &&
            hooks.slice(index + 1).some((later) => topicOf(later) === 'order.updated'),
        ),
      );
      const hooks = webhooksFor(orderIdentifier);
      const events = hooks.map((hook) => acceptAsBridge(sandbox.config, hook));
      expect(events.map((event) => event.topic)).toEqual([
        'order.created',
        'fulfillment.requested',
        'order.updated',
        'fulfillment.accepted',
        'order.updated',
        'fulfillment.shipped',
        'order.updated',
        'kit.activated',
        'order.updated',
        'order.updated',
        'results.released',
        'order.updated',
      ]);
      for (const hook of hooks) {
        expect(route(sandbox.config, hook)).toMatchObject({
          kind: 'deliver',
          deliveries: [{ workflowId: labOrderWorkflowId(orderIdentifier), signalName: 'onegevityEvent' }],
        });
      }
      const order = await og.getPatientOrder(patientIdentifier, orderIdentifier);
      const shipped = events.find((event) => event.kind === 'fulfillment.shipped');
      const activated = events.find((event) => event.kind === 'kit.activated');
      if (shipped?.kind !== 'fulfillment.shipped' || activated?.kind !== 'kit.activated') throw new Error('missing');
      expect(shipped.payload).toMatchObject({
        requestorId: orderIdentifier,
        trackingNumber: order.data.fulfillment?.trackingNumber,
        trackingUrl: order.data.fulfillment?.trackingUrl,
      });
      expect(activated.payload).toMatchObject({ orderIdentifier, patientIdentifier });
      expect(activated.payload.activationCode).toBe(order.data.elements[0]?.activationCode);
    });

    it('fulfillment.rejected with its reason, then the R2 resubmission’s topics route to the same order', async () => {
      const { orderIdentifier, patientIdentifier, information } = await kitOrder('kit-rejected', {
        rejectReason: 'Address not serviceable',
      });
      await steps(1);
      const resubmission = fulfillmentRequestIdentifier(orderIdentifier, 2);
      await og.createFulfillmentRequest({
        requestIdentifier: resubmission,
        orderIdentifier,
        patientIdentifier,
        fulfillmentInformation: fulfillmentOf(information),
      });
      await steps(2);
      // The shipment of R2, and the order's own order.updated for each of its five changes (another subject, so
      // they may arrive after R2's events).
      await receiver.waitFor(
        () =>
          webhooksFor(orderIdentifier).some(
            (hook) => topicOf(hook) === 'fulfillment.shipped' && hook.json.requestorId === resubmission,
          ) && webhooksFor(orderIdentifier).filter((hook) => topicOf(hook) === 'order.updated').length >= 5,
      );
      const hooks = webhooksFor(orderIdentifier);
      const events = hooks.map((hook) => acceptAsBridge(sandbox.config, hook));
      const requestorOf = (event: OnegevityWebhookEvent) =>
        'requestorId' in event.payload && typeof event.payload.requestorId === 'string'
          ? event.payload.requestorId
          : '';
      // The order's own order.updated repeats travel apart from the R2 request's events (another subject), so they
      // are counted rather than placed: one per fulfillment change.
      const [updates, transitions] = [
        events.filter((event) => event.topic === 'order.updated'),
        events.filter((event) => event.topic !== 'order.updated'),
      ];
      expect(transitions.map((event) => `${event.topic}:${requestorOf(event)}`)).toEqual([
        'order.created:',
        `fulfillment.requested:${orderIdentifier}`,
        `fulfillment.rejected:${orderIdentifier}`,
        `fulfillment.requested:${resubmission}`,
        `fulfillment.accepted:${resubmission}`,
        `fulfillment.shipped:${resubmission}`,
      ]);
      expect(updates).toHaveLength(5);
      const rejected = transitions[2];
      if (rejected?.kind !== 'fulfillment.rejected') throw new Error('expected fulfillment.rejected');
      expect(rejected.payload.reason).toBe('Address not serviceable');
      for (const hook of hooks) {
        expect(route(sandbox.config, hook)).toMatchObject({
          kind: 'deliver',
          deliveries: [{ workflowId: labOrderWorkflowId(orderIdentifier) }],
        });
      }
    });

    it('fulfillment.canceled, and patient.created / patient.updated for the partner’s patient', async () => {
      const { orderIdentifier, patientIdentifier, information } = await kitOrder();
      await og.cancelFulfillmentRequest(orderIdentifier);
      // A second order with changed details updates the patient at Onegevity.
      const changed = { ...information, phoneNumber: '+1 415 555 0199' };
      await og.createPatientOrder(
        patientIdentifier,
        orderRequest(changed, newOrderIdentifier(), { fulfillment: false }),
      );
      await receiver.waitFor(
        (received) =>
          webhooksFor(orderIdentifier).some((hook) => topicOf(hook) === 'fulfillment.canceled') &&
          received.some(
            (hook) => topicOf(hook) === 'patient.updated' && hook.json.patientIdentifier === patientIdentifier,
          ),
      );
      const canceled = webhooksFor(orderIdentifier).find((hook) => topicOf(hook) === 'fulfillment.canceled');
      expect(acceptAsBridge(sandbox.config, canceled as ReceivedWebhook).payload).toMatchObject({
        requestorId: orderIdentifier,
      });
      expect(route(sandbox.config, canceled as ReceivedWebhook)).toMatchObject({
        kind: 'deliver',
        deliveries: [{ workflowId: labOrderWorkflowId(orderIdentifier) }],
      });
      const patientTopics = receiver.received
        .filter((hook) => hook.json.patientIdentifier === patientIdentifier && topicOf(hook)?.startsWith('patient.'))
        .map((hook) => acceptAsBridge(sandbox.config, hook));
      expect(patientTopics.map((event) => event.topic)).toEqual(['patient.created', 'patient.updated']);
    });

    it('every webhook the simulator sent in this file verifies, reads as a known topic, and order topics route', async () => {
      await sandbox.control.settleWebhooks();
      const topics = new Set<string>();
      expect(receiver.received.length).toBeGreaterThan(30);
      for (const hook of receiver.received) {
        expect(hook.path).toBe(new URL(onegevityWebhookUrl(sandbox.config)).pathname);
        const event = acceptAsBridge(sandbox.config, hook);
        topics.add(event.topic);
        if ((ORDER_TOPICS as readonly string[]).includes(event.topic)) {
          expect(route(sandbox.config, hook).kind, event.topic).toBe('deliver');
        }
      }
      expect([...topics].sort()).toEqual([...ONEGEVITY_TOPICS].sort());
    });
  });
});

describe('contract: Onegevity credentials that form-encoding changes (RFC 6749 §2.3.1)', () => {
  let sandbox: InProcessSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      ONEGEVITY_CLIENT_ID: 'partner id:1/é',
      ONEGEVITY_CLIENT_SECRET: 'a+b c:d%20&=é',
    });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('the sandbox decodes what the client form-encodes, by HTTP Basic and by form body', async () => {
    expect(sandbox.config.ONEGEVITY_CLIENT_SECRET).not.toBe(SANDBOX_DEV_CREDENTIALS.ONEGEVITY_CLIENT_SECRET);
    for (const tokenAuth of ['basic', 'form'] as const) {
      const { client } = onegevityClientFor(sandbox, { tokenAuth });
      const error = await vendorErrorOf(client.getFulfillmentRequest('labnosuch'));
      // Past the token endpoint: the API itself answered.
      expect(error).toMatchObject({ failureType: FailureType.VendorNotFound, status: 404 });
    }
    // Near misses ('+' and space are different characters once encoded) are refused.
    for (const clientSecret of ['a+b+c:d%20&=é', 'a b c:d%20&=é']) {
      const nearMiss = onegevityClientFor(sandbox, { clientSecret });
      expect(await vendorErrorOf(nearMiss.client.getFulfillmentRequest('labnosuch'))).toMatchObject({
        endpoint: 'POST /oauth/token',
        failureType: FailureType.VendorUnauthorized,
        status: 401,
      });
    }
  });
});
