// The Onegevity simulator over real HTTP: scoped tokens, kit orders with fulfillment, activation by the API and by a
// simulated patient, reports, stand-alone fulfillment requests and cancellation, the rejected and never-activated
// scenarios, and the webhooks it sends (verified with the engine's verifier, shaped as the seed's payloads).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientInformation } from '../../src/sandbox/onegevity/model.js';
import { startTestSandbox, STEP_MS, type InProcessSandbox } from '../harness/sandbox.js';
import { OnegevityHttp } from '../harness/vendor-http.js';
import { checkOnegevityWebhook } from '../harness/webhook-checks.js';
import { startWebhookReceiver, type WebhookReceiver } from '../harness/webhook-receiver.js';
import {
  fulfillmentRequest,
  generalError,
  onegevityOrder,
  onegevityToken,
  reportsPage,
  validationError,
} from '../harness/wire-shapes.js';

type Order = ReturnType<typeof onegevityOrder.parse>;

describe('Onegevity simulator', () => {
  let sandbox: InProcessSandbox;
  let receiver: WebhookReceiver;
  let og: OnegevityHttp;
  let sequence = 0;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sandbox = await startTestSandbox({ BRIDGE_PUBLIC_URL: receiver.url });
    og = new OnegevityHttp(sandbox.url);
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  const newOrderIdentifier = () => `lab${(++sequence).toString(16).padStart(24, '0')}`;

  async function kitPatient(scenario = 'kit-happy-path', options = {}) {
    const result = await sandbox.control.runScenario(scenario, options);
    return {
      patientIdentifier: result.patient.patientIdentifier as string,
      information: result.patientInformation as PatientInformation,
    };
  }

  function orderBody(information: PatientInformation, orderIdentifier: string, withFulfillment = true) {
    return {
      orderIdentifier,
      packageIdentifier: 'KIT-STANDARD',
      patientInformation: information,
      ...(withFulfillment
        ? {
            fulfillmentInformation: {
              recipientFirstName: information.firstName,
              recipientLastName: information.lastName,
              recipientPhoneNumber: information.phoneNumber,
              shippingMethod: 'GROUND',
              shippingAddress: information.address,
            },
          }
        : {}),
    };
  }

  async function createKitOrder(scenario = 'kit-happy-path', options = {}, withFulfillment = true) {
    const patient = await kitPatient(scenario, options);
    const orderIdentifier = newOrderIdentifier();
    const answer = await og.request('POST', `/patients/${patient.patientIdentifier}/orders`, {
      body: orderBody(patient.information, orderIdentifier, withFulfillment),
    });
    expect(answer.status, answer.text).toBe(201);
    return { ...patient, orderIdentifier, order: onegevityOrder.parse(answer.body) };
  }

  async function getOrder(patientIdentifier: string, orderIdentifier: string): Promise<Order> {
    const answer = await og.request('GET', `/patients/${patientIdentifier}/orders/${orderIdentifier}`);
    expect(answer.status, answer.text).toBe(200);
    return onegevityOrder.parse(answer.body);
  }

  /** Topics of the webhooks about an order: its own, and its fulfillment requests' (requestorId starts with it). */
  const topicsFor = (orderIdentifier: string) =>
    receiver.received
      .filter(
        (hook) =>
          hook.json.orderIdentifier === orderIdentifier ||
          (typeof hook.json.requestorId === 'string' && hook.json.requestorId.startsWith(orderIdentifier)),
      )
      .map((hook) => String(hook.headers['x-onegevity-topic']));

  const settle = () => sandbox.control.settleWebhooks();

  describe('tokens and scopes', () => {
    it('grants the requested scopes (all of them when none is asked for)', async () => {
      const asked = await og.token({ scope: 'patients_read fulfillment' });
      expect(asked.status).toBe(200);
      expect(onegevityToken.parse(asked.body).scope).toBe('patients_read fulfillment');
      const all = await og.token({ scope: '', via: 'form' });
      expect(all.status).toBe(200);
      expect(String(all.body.scope).split(' ')).toEqual([
        'packages_read',
        'patients_read',
        'patients_write',
        'products_read',
        'surveys_read',
        'fulfillment',
      ]);
    });

    it('refuses unknown scopes (400), bad clients (401), and calls without a token or its scope', async () => {
      expect((await og.token({ scope: 'admin' })).body).toEqual({ error: 'invalid_scope' });
      expect((await og.token({ scope: 'admin' })).status).toBe(400);
      const bad = await og.token({ clientSecret: 'nope' });
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ error: 'invalid_client' });
      const noGrant = await og.token({ grantType: '' });
      expect(noGrant.status).toBe(400);

      const anonymous = await og.request('GET', '/fulfillment-requests/x', { token: null });
      expect(anonymous.status).toBe(401);
      generalError.parse(anonymous.body);
      expect((anonymous.body as { id: string }).id).toBe(anonymous.headers.get('x-request-id'));

      const readOnly = new OnegevityHttp(sandbox.url, 'patients_read');
      const { patientIdentifier, information } = await kitPatient();
      const refused = await readOnly.request('POST', `/patients/${patientIdentifier}/orders`, {
        body: orderBody(information, newOrderIdentifier()),
      });
      expect(refused.status).toBe(403);
      expect(generalError.parse(refused.body).message).toBe('insufficient scope');

      const token = String((await og.token()).body.access_token);
      expect((await og.request('GET', '/fulfillment-requests/nothing', { token })).status).toBe(404);
      await sandbox.control.advance('1h');
      const expired = await og.request('GET', '/fulfillment-requests/nothing', { token });
      expect(expired.status).toBe(401);
      expect(generalError.parse(expired.body).message).toBe('token expired');
    });
  });

  describe('kit orders', () => {
    it('creates an order with fulfillment (201), refuses the same orderIdentifier again (409)', async () => {
      const { patientIdentifier, information, orderIdentifier, order } = await createKitOrder();
      expect(order).toMatchObject({
        orderIdentifier,
        patientIdentifier,
        packageIdentifier: 'KIT-STANDARD',
        status: 'FULFILLMENT_REQUESTED',
        completed: false,
        elements: [{ packageElementIdentifier: 'EL-1', kitStatus: 'UNREGISTERED', activationCode: null }],
        fulfillment: { requestIdentifier: orderIdentifier, status: 'REQUESTED', trackingNumber: null },
      });
      const again = await og.request('POST', `/patients/${patientIdentifier}/orders`, {
        body: orderBody(information, orderIdentifier),
      });
      expect(again.status).toBe(409);
      generalError.parse(again.body);
      const counters = await sandbox.control.counters();
      expect(counters.onegevity.orderConflicts).toBeGreaterThanOrEqual(1);
      expect(counters.onegevity.fulfillmentRequestsPerOrder[orderIdentifier]).toBe(1);
      expect(await getOrder(patientIdentifier, orderIdentifier)).toEqual(order);
      expect((await og.request('GET', `/patients/P-000000/orders/${orderIdentifier}`)).status).toBe(404);
      const unknown = await og.request('GET', `/patients/${patientIdentifier}/orders/lab-unknown`);
      expect(unknown.status).toBe(404);
      generalError.parse(unknown.body);
    });

    it('answers 400 ValidationError naming each bad field, a malformed body and an unknown package', async () => {
      const { patientIdentifier, information } = await kitPatient();
      const body = orderBody(information, newOrderIdentifier());
      const invalid = await og.request('POST', `/patients/${patientIdentifier}/orders`, {
        body: {
          ...body,
          packageIdentifier: undefined,
          patientInformation: { ...information, gender: 'X', email: 'no', dateOfBirth: '1980-02-30' },
          fulfillmentInformation: { ...body.fulfillmentInformation, shippingMethod: 'DRONE' },
        },
      });
      expect(invalid.status).toBe(400);
      const errors = validationError.parse(invalid.body);
      expect(errors.fieldErrors.map((error) => error.fieldName).sort()).toEqual([
        'fulfillmentInformation.shippingMethod',
        'packageIdentifier',
        'patientInformation.dateOfBirth',
        'patientInformation.email',
        'patientInformation.gender',
      ]);
      expect(errors.fieldErrors.find((error) => error.fieldName === 'packageIdentifier')?.message).toBe('is required');
      expect(errors.id).toBe(invalid.headers.get('x-request-id'));

      const malformed = await og.request('POST', `/patients/${patientIdentifier}/orders`, { rawBody: '{' });
      expect(malformed.status).toBe(400);
      expect(validationError.parse(malformed.body).globalErrors).toEqual(['the body is not valid JSON']);
      const unknownPackage = await og.request('POST', `/patients/${patientIdentifier}/orders`, {
        body: { ...body, packageIdentifier: 'KIT-NOPE' },
      });
      expect(validationError.parse(unknownPackage.body).fieldErrors[0]?.fieldName).toBe('packageIdentifier');
      const badPatient = await og.request('POST', '/patients/bad%20id/orders', { body });
      expect(validationError.parse(badPatient.body).fieldErrors[0]?.fieldName).toBe('patientIdentifier');
    });

    it('moves order.created → fulfillment requested → accepted → shipped → kit activated → at lab → results released', async () => {
      const { patientIdentifier, orderIdentifier } = await createKitOrder();
      const reports = `/patients/${patientIdentifier}/orders/${orderIdentifier}/reports`;
      const empty = await og.request('GET', reports);
      expect(reportsPage.parse(empty.body)).toEqual({
        pageNumber: 1,
        numberOfElements: 0,
        totalNumberOfElements: 0,
        content: [],
      });

      await sandbox.control.advance(STEP_MS);
      expect((await getOrder(patientIdentifier, orderIdentifier)).status).toBe('ACCEPTED');
      await sandbox.control.advance(STEP_MS);
      const shipped = await getOrder(patientIdentifier, orderIdentifier);
      expect(shipped).toMatchObject({ status: 'SHIPPED', elements: [{ kitStatus: 'NOT_ACTIVATED' }] });
      expect(shipped.fulfillment?.trackingNumber).toMatch(/^\d{12}$/);
      await sandbox.control.advance(STEP_MS);
      const activated = await getOrder(patientIdentifier, orderIdentifier);
      expect(activated.status).toBe('ACTIVATED');
      expect(activated.elements[0]?.activationCode).toMatch(/^[A-Z]{2}-[A-Z0-9]{4,12}$/);
      await sandbox.control.advance(STEP_MS);
      expect((await getOrder(patientIdentifier, orderIdentifier)).elements[0]?.kitStatus).toBe('AT_LAB');
      await sandbox.control.advance(STEP_MS);
      const released = await getOrder(patientIdentifier, orderIdentifier);
      expect(released).toMatchObject({
        status: 'RESULTS_RELEASED',
        completed: true,
        elements: [{ kitStatus: 'COMPLETED' }],
      });

      const page = reportsPage.parse((await og.request('GET', reports)).body);
      expect(page).toMatchObject({ pageNumber: 1, numberOfElements: 1, totalNumberOfElements: 1 });
      const second = reportsPage.parse((await og.request('GET', `${reports}?pageNumber=2&pageSize=1`)).body);
      expect(second).toMatchObject({ pageNumber: 2, numberOfElements: 0, totalNumberOfElements: 1 });
      expect((await og.request('GET', `${reports}?pageSize=0`)).status).toBe(400);
      expect((await og.request('GET', `/patients/${patientIdentifier}/orders/nope/reports`)).status).toBe(404);

      await settle();
      // order.updated whenever the order gains information, as the seed describes Onegevity.
      expect(topicsFor(orderIdentifier)).toEqual([
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
      const updates = receiver.received.filter(
        (hook) =>
          hook.json.orderIdentifier === orderIdentifier && hook.headers['x-onegevity-topic'] === 'order.updated',
      );
      // Every one of them is byte for byte the same body: nothing in it tells one repeat from another.
      expect(new Set(updates.map((hook) => hook.body.toString('utf8'))).size).toBe(1);
      expect(updates[0]?.json).toMatchObject({ orderIdentifier, patientIdentifier });
      expect(Object.keys(updates[0]?.json ?? {}).sort()).toEqual(['id', 'orderIdentifier', 'patientIdentifier']);
      const activation = receiver.received.find(
        (hook) =>
          hook.json.orderIdentifier === orderIdentifier && hook.headers['x-onegevity-topic'] === 'kit.activated',
      );
      expect(activation?.json.activationCode).toBe(activated.elements[0]?.activationCode);
      const counters = await sandbox.control.counters();
      expect(counters.onegevity.kitActivations.patient).toBeGreaterThanOrEqual(1);
    });

    it('sends order.updated only when the samples reach the lab under the lab-only setting', async () => {
      await sandbox.control.updateSettings({ onegevityOrderUpdates: 'lab-only' });
      try {
        const { orderIdentifier } = await createKitOrder();
        await sandbox.control.advance(5 * STEP_MS);
        await settle();
        expect(topicsFor(orderIdentifier)).toEqual([
          'order.created',
          'fulfillment.requested',
          'fulfillment.accepted',
          'fulfillment.shipped',
          'kit.activated',
          'order.updated',
          'results.released',
        ]);
      } finally {
        await sandbox.control.updateSettings({ onegevityOrderUpdates: 'every-change' });
      }
    });

    it('activates a kit by PATCH once shipped, checking the activation code and the element', async () => {
      const { patientIdentifier, orderIdentifier } = await createKitOrder('kit-happy-path', { activation: 'api' });
      const path = `/patients/${patientIdentifier}/orders/${orderIdentifier}`;
      const activate = (code: string, element = 'EL-1') =>
        og.request('PATCH', path, {
          body: { kitActivations: [{ packageElementIdentifier: element, activationCode: code }] },
        });
      const early = await activate('TH-AB12');
      expect(early.status).toBe(400);
      expect(validationError.parse(early.body).fieldErrors[0]?.message).toBe('the kit has not shipped yet');

      await sandbox.control.advance(5 * STEP_MS);
      expect((await getOrder(patientIdentifier, orderIdentifier)).status).toBe('SHIPPED');
      const badCode = await activate('th-1');
      expect(badCode.status).toBe(400);
      expect(validationError.parse(badCode.body).fieldErrors[0]?.fieldName).toBe('kitActivations[0].activationCode');
      expect(validationError.parse((await activate('TH-AB12', 'EL-9')).body).fieldErrors[0]?.fieldName).toBe(
        'kitActivations[0].packageElementIdentifier',
      );
      expect((await og.request('PATCH', path, { body: { kitActivations: [] } })).status).toBe(400);

      const ok = await activate('TH-AB12');
      expect(ok.status).toBe(200);
      expect(onegevityOrder.parse(ok.body)).toMatchObject({
        status: 'ACTIVATED',
        elements: [{ kitStatus: 'ACTIVATED', activationCode: 'TH-AB12' }],
      });
      expect((await activate('TH-AB12')).status).toBe(200);
      expect((await activate('TH-ZZ99')).status).toBe(400);
      await settle();
      const activations = receiver.received.filter(
        (hook) =>
          hook.json.orderIdentifier === orderIdentifier && hook.headers['x-onegevity-topic'] === 'kit.activated',
      );
      expect(activations.map((hook) => hook.json.activationCode)).toEqual(['TH-AB12']);
      await sandbox.control.advance(2 * STEP_MS);
      expect((await getOrder(patientIdentifier, orderIdentifier)).status).toBe('RESULTS_RELEASED');
    });

    it('kit-never-activated: the kit ships and nothing more happens until someone activates it', async () => {
      const { patientIdentifier, orderIdentifier } = await createKitOrder('kit-never-activated');
      await sandbox.control.advance(10 * STEP_MS);
      const order = await getOrder(patientIdentifier, orderIdentifier);
      expect(order).toMatchObject({ status: 'SHIPPED', elements: [{ kitStatus: 'NOT_ACTIVATED' }] });
      await settle();
      expect(topicsFor(orderIdentifier)).not.toContain('kit.activated');
      await sandbox.control.activateKit(orderIdentifier);
      expect((await getOrder(patientIdentifier, orderIdentifier)).status).toBe('ACTIVATED');
      await expect(sandbox.control.activateKit(orderIdentifier)).rejects.toMatchObject({ status: 409 });
      // An order it never had is not found (as `hold` answers), not a conflict.
      await expect(sandbox.control.activateKit('labnope')).rejects.toMatchObject({ status: 404 });
    });

    it('announces patient.created once, and patient.updated when a later order changes the details', async () => {
      const { patientIdentifier, information } = await kitPatient();
      for (const phoneNumber of [information.phoneNumber, information.phoneNumber, '415-555-0199']) {
        const answer = await og.request('POST', `/patients/${patientIdentifier}/orders`, {
          body: orderBody({ ...information, phoneNumber }, newOrderIdentifier(), false),
        });
        expect(answer.status).toBe(201);
        expect(onegevityOrder.parse(answer.body)).toMatchObject({ status: 'CREATED', fulfillment: null });
      }
      await settle();
      const patientTopics = receiver.received
        .filter((hook) => hook.json.patientIdentifier === patientIdentifier && !('orderIdentifier' in hook.json))
        .map((hook) => hook.headers['x-onegevity-topic']);
      expect(patientTopics).toEqual(['patient.created', 'patient.updated']);
    });
  });

  describe('fulfillment requests', () => {
    it('kit-rejected: rejected with a reason; a resubmission {o}R2 is accepted; duplicates and overlaps answer 409', async () => {
      const { patientIdentifier, information, orderIdentifier } = await createKitOrder('kit-rejected', {
        rejectReason: 'Address not serviceable',
      });
      await sandbox.control.advance(STEP_MS);
      const rejected = await getOrder(patientIdentifier, orderIdentifier);
      expect(rejected).toMatchObject({
        status: 'REJECTED',
        fulfillment: { status: 'REJECTED', rejectionReason: 'Address not serviceable' },
      });
      await settle();
      const rejection = receiver.received.find(
        (hook) =>
          hook.json.requestorId === orderIdentifier && hook.headers['x-onegevity-topic'] === 'fulfillment.rejected',
      );
      expect(rejection?.json.reason).toBe('Address not serviceable');

      const resubmission = {
        requestIdentifier: `${orderIdentifier}R2`,
        orderIdentifier,
        patientIdentifier,
        fulfillmentInformation: orderBody(information, orderIdentifier).fulfillmentInformation,
      };
      const created = await og.request('POST', '/fulfillment-requests', { body: resubmission });
      expect(created.status, created.text).toBe(201);
      expect(fulfillmentRequest.parse(created.body)).toMatchObject({ status: 'REQUESTED', orderIdentifier });
      expect((await og.request('POST', '/fulfillment-requests', { body: resubmission })).status).toBe(409);
      const overlap = await og.request('POST', '/fulfillment-requests', {
        body: { ...resubmission, requestIdentifier: `${orderIdentifier}R3` },
      });
      expect(overlap.status).toBe(409);
      generalError.parse(overlap.body);

      await sandbox.control.advance(2 * STEP_MS);
      const request = await og.request('GET', `/fulfillment-requests/${orderIdentifier}R2`);
      expect(fulfillmentRequest.parse(request.body)).toMatchObject({ status: 'SHIPPED' });
      const first = await og.request('GET', `/fulfillment-requests/${orderIdentifier}`);
      expect(fulfillmentRequest.parse(first.body).status).toBe('REJECTED');
      expect((await getOrder(patientIdentifier, orderIdentifier)).fulfillment?.requestIdentifier).toBe(
        `${orderIdentifier}R2`,
      );
      const counters = await sandbox.control.counters();
      expect(counters.onegevity.fulfillmentRequestsPerOrder[orderIdentifier]).toBe(2);
      expect(counters.onegevity.fulfillmentConflicts).toBeGreaterThanOrEqual(2);
      await settle();
      expect(topicsFor(orderIdentifier).filter((topic) => topic.startsWith('fulfillment.'))).toEqual([
        'fulfillment.requested',
        'fulfillment.rejected',
        'fulfillment.requested',
        'fulfillment.accepted',
        'fulfillment.shipped',
      ]);
    });

    it('validates a fulfillment request: identifier format, a known order, the same patient', async () => {
      const { patientIdentifier, information, orderIdentifier } = await createKitOrder('kit-happy-path', {}, false);
      const base = {
        requestIdentifier: orderIdentifier,
        orderIdentifier,
        patientIdentifier,
        fulfillmentInformation: orderBody(information, orderIdentifier).fulfillmentInformation,
      };
      const cases: [Record<string, unknown>, string][] = [
        [{ requestIdentifier: 'has-dash' }, 'requestIdentifier'],
        [{ requestIdentifier: 'x'.repeat(36) }, 'requestIdentifier'],
        [{ orderIdentifier: 'lab-none' }, 'orderIdentifier'],
        [{ patientIdentifier: 'P-000000' }, 'patientIdentifier'],
        [{ fulfillmentInformation: undefined }, 'fulfillmentInformation'],
      ];
      for (const [change, field] of cases) {
        const answer = await og.request('POST', '/fulfillment-requests', { body: { ...base, ...change } });
        expect(answer.status, JSON.stringify(change)).toBe(400);
        expect(validationError.parse(answer.body).fieldErrors.map((error) => error.fieldName)).toContain(field);
      }
      const ok = await og.request('POST', '/fulfillment-requests', { body: base });
      expect(ok.status).toBe(201);
      expect((await getOrder(patientIdentifier, orderIdentifier)).status).toBe('FULFILLMENT_REQUESTED');
      expect((await og.request('GET', '/fulfillment-requests/nosuchrequest')).status).toBe(404);
    });

    it('cancels a request until it ships (200, idempotent), then answers 409', async () => {
      const first = await createKitOrder();
      const cancel = (id: string) => og.request('POST', `/fulfillment-requests/${id}/cancel`);
      const canceled = await cancel(first.orderIdentifier);
      expect(canceled.status).toBe(200);
      expect(fulfillmentRequest.parse(canceled.body).status).toBe('CANCELED');
      expect((await cancel(first.orderIdentifier)).status).toBe(200);
      expect((await getOrder(first.patientIdentifier, first.orderIdentifier)).status).toBe('CANCELED');
      await sandbox.control.advance(5 * STEP_MS);
      expect((await getOrder(first.patientIdentifier, first.orderIdentifier)).status).toBe('CANCELED');

      const second = await createKitOrder('kit-never-activated');
      await sandbox.control.advance(2 * STEP_MS);
      const late = await cancel(second.orderIdentifier);
      expect(late.status).toBe(409);
      generalError.parse(late.body);
      expect((await cancel('nosuchrequest')).status).toBe(404);
      await settle();
      expect(topicsFor(first.orderIdentifier)).toEqual([
        'order.created',
        'fulfillment.requested',
        'order.updated',
        'fulfillment.canceled',
        'order.updated',
      ]);
    });
  });

  it('every webhook it sent verifies with the engine verifier, names its topic, and has the seed payload shape', async () => {
    await settle();
    const hooks = receiver.received;
    expect(hooks.length).toBeGreaterThan(30);
    for (const hook of hooks) {
      expect(hook.path).toBe('/webhooks/onegevity');
      const check = checkOnegevityWebhook(sandbox.config, hook.headers, hook.body);
      expect(check, `${check.topic} ${JSON.stringify(hook.json)} ${check.problem ?? ''}`).toMatchObject({
        signature: true,
        shape: true,
      });
    }
    const tampered = Buffer.from(hooks[0]!.body.toString().replace('"id":', '"id" :'));
    expect(checkOnegevityWebhook(sandbox.config, hooks[0]!.headers, tampered).signature).toBe(false);
  });
});
