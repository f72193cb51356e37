// Contract: the engine's Honeybee client (src/vendors/honeybee) against the Honeybee simulator (src/sandbox/honeybee)
// over real HTTP. Every client method, every error path as the client classifies it (failure type, status, request
// id, codes, fields), both token styles, the faults a real pharmacy API produces, and every webhook the simulator
// sends: authenticated with the engine's verifier (mode both), read with the engine's event reader, and routed by the
// bridge's routing function.
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { routeHoneybeeEvent } from '../../src/bridge/honeybee-routing.js';
import { honeybeeWebhookUrl } from '../../src/config/env.js';
import { FailureType } from '../../src/domain/failure-types.js';
import { prescriptionWorkflowId } from '../../src/domain/workflow-ids.js';
import { honeybeeSettingsFromConfig, labSettingsFromConfig } from '../../src/domain/workflow-settings.js';
import { SANDBOX_DEV_CREDENTIALS } from '../../src/sandbox/dev-credentials.js';
import { RX_RESPONSE_SHAPES } from '../../src/sandbox/honeybee/model.js';
import type { HoneybeeClient, HoneybeeClientParts } from '../../src/vendors/honeybee/client.js';
import type { HoneybeeAddressInput, HoneybeeCreateOrderRequest } from '../../src/vendors/honeybee/schemas.js';
import { authenticateHoneybeeWebhook } from '../../src/vendors/honeybee/webhook-auth.js';
import {
  honeybeeEventOrderNumber,
  honeybeeEventPrescriptionIds,
  parseHoneybeeWebhookEvent,
  type HoneybeeWebhookEvent,
} from '../../src/vendors/honeybee/webhook-events.js';
import type { EngineConfig } from '../../src/config/env.js';
import { startTestSandbox, STEP_MS, type InProcessSandbox } from '../harness/sandbox.js';
import { honeybeeClientFor, vendorErrorOf } from '../harness/vendor-clients.js';
import { fullOrderBody, minimalOrderBody, VALID_ADDRESS } from '../harness/vendor-http.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../harness/webhook-receiver.js';

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** What the bridge does with one delivery: authenticate (mode both), read, route. Throws on any failure. */
function acceptAsBridge(config: EngineConfig, hook: ReceivedWebhook): HoneybeeWebhookEvent {
  const auth = authenticateHoneybeeWebhook(
    {
      mode: 'both',
      clientSecrets: [config.HONEYBEE_CLIENT_SECRET as string],
      webhookSecrets: config.HONEYBEE_WEBHOOK_SECRETS,
      url: honeybeeWebhookUrl(config),
    },
    {
      method: hook.method,
      body: hook.body,
      signature: headerOf(hook.headers, 'x-honeybee-signature'),
      secret: headerOf(hook.headers, 'x-honeybee-secret'),
    },
  );
  expect(auth, `authentication of ${String(hook.json.event_type)}`).toEqual({ ok: true });
  const read = parseHoneybeeWebhookEvent(hook.body);
  if (!read.ok) throw new Error(`the engine cannot read ${String(hook.json.event_type)}: ${read.issues.join(', ')}`);
  expect(read.event.kind).not.toBe('UNKNOWN');
  expect(read.event.kind).toBe(hook.json.event_type);
  return read.event;
}

function routingContext(config: EngineConfig) {
  return {
    receivedAt: new Date().toISOString(),
    requestId: 'contract-test',
    honeybeeSettings: honeybeeSettingsFromConfig(config),
    labSettings: labSettingsFromConfig(config),
    followUnknownLabOrders: config.ONEGEVITY_FOLLOW_UNKNOWN_ORDERS,
  };
}

/** `EVENT_TYPE:status` of an order update as the engine reads it (the least advanced dispense's status). */
function statusLine(event: HoneybeeWebhookEvent): string {
  if (event.kind !== 'RX_UPDATED' && event.kind !== 'SHIPMENT_UPDATED') return event.kind;
  const statuses = event.event.medication_requests.flatMap((request) =>
    request.medication_dispenses.map((dispense) => dispense.order_status),
  );
  return `${event.kind}:${[...new Set(statuses)].join('+')}`;
}

const safety = { medications: [], health_conditions: [], allergies: [] };

describe('contract: Honeybee client ↔ Honeybee simulator', () => {
  let sandbox: InProcessSandbox;
  let receiver: WebhookReceiver;
  let parts: HoneybeeClientParts;
  let hb: HoneybeeClient;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sandbox = await startTestSandbox({ BRIDGE_PUBLIC_URL: receiver.url });
    parts = honeybeeClientFor(sandbox);
    hb = parts.client;
  });

  afterEach(async () => {
    await sandbox.control.clearFaults();
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  async function newPrescription(scenario = 'happy-path', options: Record<string, unknown> = {}) {
    const result = await sandbox.control.runScenario(scenario, options);
    const patientId = result.patient.honeybeePatientId as number;
    const prescriptionIds = result.prescriptionIds as number[];
    return { result, patientId, prescriptionIds, prescriptionId: prescriptionIds[0] as number };
  }

  async function newOrder(scenario = 'happy-path', options: Record<string, unknown> = {}) {
    const prescription = await newPrescription(scenario, options);
    const created = await hb.createOrder(minimalOrderBody(prescription.patientId, [prescription.prescriptionId]));
    return { ...prescription, order: created.data, orderNumber: created.data.order_number };
  }

  /** Advances the sandbox clock by whole order steps (webhooks caused are attempted before it returns). */
  const steps = (count: number) => sandbox.control.advance(count * STEP_MS);

  const webhooksFor = (orderNumber: string) =>
    receiver.received.filter((hook) => hook.json.order_number === orderNumber);

  async function lastRequest(endpoint: string) {
    const { requests } = await sandbox.control.requests({ endpoint, limit: 1 });
    const entry = requests.at(-1);
    if (!entry) throw new Error(`no request to ${endpoint} was logged`);
    return entry;
  }

  describe('tokens', () => {
    it('gets a token by HTTP Basic and by form body, and every call carries the request id the sandbox logged', async () => {
      const { patientId } = await newPrescription();
      for (const tokenAuth of ['basic', 'form'] as const) {
        const client = honeybeeClientFor(sandbox, { tokenAuth });
        const issued = (await sandbox.control.counters()).honeybee.tokensIssued;
        const token = await client.tokens.getToken();
        expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect((await sandbox.control.counters()).honeybee.tokensIssued).toBe(issued + 1);
        const result = await client.client.getPatient(patientId);
        expect(result.status).toBe(200);
        expect(result.requestId).toBe((await lastRequest('honeybee.getPatient')).requestId);
      }
    });

    it('classifies bad credentials as VendorUnauthorized from the token endpoint, for both styles', async () => {
      for (const tokenAuth of ['basic', 'form'] as const) {
        const wrong = honeybeeClientFor(sandbox, { tokenAuth, clientSecret: 'not-the-secret' });
        const error = await vendorErrorOf(wrong.client.getPatient(1));
        expect(error).toMatchObject({
          vendor: 'honeybee',
          endpoint: 'POST /oauth/token',
          failureType: FailureType.VendorUnauthorized,
          status: 401,
          retryable: false,
        });
        expect(error.requestId).toBe((await lastRequest('honeybee.token')).requestId);
      }
    });

    it('refreshes once on a 401 from an expired token and retries the request once', async () => {
      const { patientId } = await newPrescription();
      await hb.getPatient(patientId);
      const before = (await sandbox.control.counters()).honeybee.tokensIssued;
      expect((await sandbox.control.expireTokens('honeybee')).expired).toBeGreaterThan(0);
      const result = await hb.getPatient(patientId);
      // The retry still revalidates the patient the client has cached.
      expect(result).toMatchObject({ status: 304, fromCache: true, data: { patient_id: patientId } });
      expect((await sandbox.control.counters()).honeybee.tokensIssued).toBe(before + 1);
      const { requests } = await sandbox.control.requests({ endpoint: 'honeybee.getPatient', limit: 2 });
      expect(requests.map((entry) => entry.status)).toEqual([401, 304]);
      expect(requests[1]?.requestId).toBe(result.requestId);
    });

    it('refreshes a token the sandbox clock has outlived (12 h of sandbox time)', async () => {
      const { patientId } = await newPrescription();
      await hb.getPatient(patientId);
      const before = (await sandbox.control.counters()).honeybee.tokensIssued;
      await sandbox.control.advance('12h');
      expect((await hb.getPatient(patientId)).data.patient_id).toBe(patientId);
      expect((await sandbox.control.counters()).honeybee.tokensIssued).toBe(before + 1);
    });
  });

  describe('patients and prescriptions', () => {
    it('getPatient reads the patient the scenario generated', async () => {
      const { patientId, result } = await newPrescription();
      const patient = await hb.getPatient(patientId);
      const person = result.patient.person;
      expect(patient.data).toMatchObject({
        patient_id: patientId,
        ehr_id: result.patient.ehrId,
        first_name: person.firstName,
        last_name: person.lastName,
        dob: person.dob,
        email: person.email,
        address: { street1: person.address.street1, state: person.address.state, zip: person.address.zip },
      });
      expect(patient.fromCache).toBe(false);
    });

    it('getPatient and listPatientPrescriptions of an unknown patient are VendorNotFound with the request id', async () => {
      for (const call of [() => hb.getPatient(1), () => hb.listPatientPrescriptions(1)]) {
        const error = await vendorErrorOf(call());
        expect(error).toMatchObject({ failureType: FailureType.VendorNotFound, status: 404, codes: [404] });
        expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
      }
      const notNumeric = await vendorErrorOf(hb.getPatient('not-a-number'));
      expect(notNumeric.failureType).toBe(FailureType.VendorNotFound);
    });

    it('listPatientPrescriptions reads every medication request with its fields', async () => {
      const { patientId, prescriptionIds } = await newPrescription('happy-path', { medications: 3, refills: 4 });
      const listed = await hb.listPatientPrescriptions(patientId);
      expect(listed.data.map((request) => request.id).sort()).toEqual([...prescriptionIds].sort());
      for (const request of listed.data) {
        expect(request.prescription_id).toBe(request.id);
        expect(request.refills_left).toBe(4);
        expect(request.ndc).toMatch(/^\d{11}$/);
        expect(request.active).toBe(true);
      }
    });

    it('listPatientPrescriptions reads every wrapper the simulator can write for GET /patients/{id}/rx', async () => {
      const single = await newPrescription('happy-path', { medications: 1 });
      const several = await newPrescription('happy-path', { medications: 3 });
      try {
        for (const shape of RX_RESPONSE_SHAPES) {
          await sandbox.control.updateSettings({ rxResponseShape: shape });
          const [key, form] = shape.split('-');
          for (const { patientId, prescriptionIds } of [single, several]) {
            const written = sandbox.core.honeybee.listPrescriptions(patientId).body as Record<string, unknown>;
            expect(Object.keys(written), shape).toEqual([key]);
            expect(Array.isArray(written[key as string]), shape).toBe(form === 'list' || prescriptionIds.length > 1);
            const listed = await hb.listPatientPrescriptions(patientId);
            expect(listed.data.map((request) => request.id).sort(), shape).toEqual([...prescriptionIds].sort());
          }
        }
      } finally {
        await sandbox.control.updateSettings({ rxResponseShape: 'medication_requests-list' });
      }
    });

    it('addPatientShippingAddress answers the stored address; the patient then has it', async () => {
      const { patientId } = await newPrescription();
      const added = await hb.addPatientShippingAddress(patientId, VALID_ADDRESS);
      expect(added.status).toBe(201);
      expect(added.data).toEqual(VALID_ADDRESS);
      expect((await hb.getPatient(patientId)).data.address).toEqual(VALID_ADDRESS);
      const missing = await vendorErrorOf(hb.addPatientShippingAddress(1, VALID_ADDRESS));
      expect(missing).toMatchObject({ failureType: FailureType.VendorNotFound, status: 404 });
    });
  });

  describe('creating and reading orders', () => {
    it('createOrder with the minimal body: 201, the order as the client reads it', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const created = await hb.createOrder(minimalOrderBody(patientId, [prescriptionId]));
      expect(created.status).toBe(201);
      expect(created.requestId).toBe((await lastRequest('honeybee.createOrder')).requestId);
      expect(created.data).toMatchObject({
        patient_id: patientId,
        status: 'Processing',
        exception: null,
        order_actions: [],
        items: [{ prescription_id: prescriptionId, quantity: 1, package_size: 30 }],
      });
      expect(created.data.order_number).toMatch(/^HB[A-Z0-9]{8}$/);
      expect(created.data.medication_dispenses).toEqual([
        expect.objectContaining({ prescription_id: prescriptionId, order_status: 'Processing', shipment: null }),
      ]);
    });

    it('createOrder with the full body (patient details and address): the sandbox ships to that address', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const body: HoneybeeCreateOrderRequest = {
        ...fullOrderBody(patientId, [prescriptionId], { methodId: 2 }),
        shipping: { method_id: 2 },
      };
      const created = await hb.createOrder(body);
      expect(created.status).toBe(201);
      const { orders } = await sandbox.control.honeybeeOrders();
      const record = orders.find((candidate) => candidate.order.order_number === created.data.order_number);
      expect(record).toMatchObject({ address: VALID_ADDRESS, shippingMethodId: 2, origin: 'api' });
    });

    it('a second createOrder while the first is open is VendorConflict (409), and the sandbox counts no second fill', async () => {
      const { patientId, prescriptionId, orderNumber } = await newOrder();
      const error = await vendorErrorOf(hb.createOrder(minimalOrderBody(patientId, [prescriptionId])));
      expect(error).toMatchObject({
        endpoint: 'POST /orders',
        failureType: FailureType.VendorConflict,
        status: 409,
        codes: [409],
        retryable: false,
      });
      expect(error.requestId).toBe((await lastRequest('honeybee.createOrder')).requestId);
      const listed = await hb.listOrders({ patientId });
      expect(listed.data.map((order) => order.order_number)).toEqual([orderNumber]);
      const counters = await sandbox.control.counters();
      expect(counters.honeybee.ordersPerFill[prescriptionId]).toEqual({ 1: 1 });
    });

    it('createOrder for an unknown patient or prescription is VendorNotFound', async () => {
      const { patientId } = await newPrescription();
      const unknownPatient = await vendorErrorOf(hb.createOrder(minimalOrderBody(1, [1234567])));
      expect(unknownPatient).toMatchObject({ failureType: FailureType.VendorNotFound, status: 404 });
      const unknownRx = await vendorErrorOf(hb.createOrder(minimalOrderBody(patientId, [1])));
      expect(unknownRx).toMatchObject({ failureType: FailureType.VendorNotFound, status: 404 });
    });

    it('listOrders filters by patient, newest first', async () => {
      const { patientId, prescriptionIds } = await newPrescription('happy-path', { medications: 2 });
      const first = await hb.createOrder(minimalOrderBody(patientId, [prescriptionIds[0] as number]));
      await sandbox.control.advance('1s');
      const second = await hb.createOrder(minimalOrderBody(patientId, [prescriptionIds[1] as number]));
      const other = await newOrder();
      const listed = await hb.listOrders({ patientId });
      expect(listed.status).toBe(200);
      expect(listed.data.map((order) => order.order_number)).toEqual([
        second.data.order_number,
        first.data.order_number,
      ]);
      expect(listed.data.every((order) => order.patient_id === patientId)).toBe(true);
      expect((await hb.listOrders({ patientId: other.patientId })).data.map((o) => o.order_number)).toEqual([
        other.orderNumber,
      ]);
      const { requests } = await sandbox.control.requests({ endpoint: 'honeybee.listOrders', limit: 1 });
      expect(requests[0]?.status).toBe(200);
    });

    it('getOrder revalidates with If-None-Match: 304 served from the client cache, then 200 once the order moved', async () => {
      const { orderNumber } = await newOrder();
      const first = await hb.getOrder(orderNumber);
      expect(first).toMatchObject({ status: 200, fromCache: false });
      const second = await hb.getOrder(orderNumber);
      expect(second).toMatchObject({ status: 304, fromCache: true });
      expect(second.data).toEqual(first.data);
      expect(second.requestId).not.toBe(first.requestId);
      const { requests } = await sandbox.control.requests({ endpoint: 'honeybee.getOrder', limit: 2 });
      expect(requests.map((entry) => [entry.status, entry.requestId])).toEqual([
        [200, first.requestId],
        [304, second.requestId],
      ]);

      await steps(1);
      const moved = await hb.getOrder(orderNumber);
      expect(moved).toMatchObject({ status: 200, fromCache: false });
      expect(moved.data.status).toBe('Filling');
      expect((await hb.getOrder(orderNumber)).fromCache).toBe(true);
    });

    it('getOrder of an unknown order is VendorNotFound with the vendor error code', async () => {
      const error = await vendorErrorOf(hb.getOrder('HBNOSUCH00'));
      expect(error).toMatchObject({
        endpoint: 'GET /orders/{order_number}',
        failureType: FailureType.VendorNotFound,
        status: 404,
        codes: [404],
      });
      expect(error.requestId).toBe((await lastRequest('honeybee.getOrder')).requestId);
    });
  });

  describe('422 codes as the client reads them', () => {
    const longText = (length: number) => 'x'.repeat(length);

    it('patient and item codes on createOrder: 42201–42206, 42208, 42216, 42241, with the field names', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const body = fullOrderBody(patientId, [prescriptionId], {
        patient: {
          first_name: '1st',
          last_name: '2nd',
          email: 'not-an-email',
          phone: '12',
          gender: 'X',
          identity_documents: [{ type: 'passport' }, { type: 'library_card', number: 'A1' }],
        },
      });
      const withNdc = {
        ...body,
        items: [{ ...body.items[0], prescription_id: prescriptionId, quantity: 1, ndc: '123' }],
      };
      const error = await vendorErrorOf(hb.createOrder(withNdc));
      expect(error).toMatchObject({ failureType: FailureType.VendorRejected, status: 422, retryable: false });
      expect([...error.codes].sort()).toEqual([42201, 42202, 42203, 42204, 42205, 42208, 42216, 42241]);
      expect(error.fields).toEqual(
        expect.arrayContaining([
          'first_name',
          'last_name',
          'email',
          'phone',
          'gender',
          'identity_documents[0]',
          'identity_documents[1].type',
          'items[0].ndc',
        ]),
      );

      const badPatientId = await vendorErrorOf(
        hb.createOrder({
          ...minimalOrderBody(patientId, [prescriptionId]),
          patient: { patient_id: 'P-1', patient_safety: safety },
        }),
      );
      expect(badPatientId).toMatchObject({ status: 422, codes: [42206], fields: ['patient_id'] });
    });

    it('address shape codes 42202–42204, 42222–42227 on createOrder, updateOrderShippingAddress and addPatientShippingAddress', async () => {
      const { patientId, orderNumber } = await newOrder();
      const address: HoneybeeAddressInput = {
        first_name: '9',
        last_name: '8',
        street1: longText(101),
        street2: longText(101),
        city: longText(61),
        state: 'ZZ',
        zip: 'ABCDE',
        phone: 'call me',
        country: 'CA',
      };
      const expected = [42202, 42203, 42204, 42222, 42223, 42224, 42225, 42226, 42227];
      const other = await newPrescription();
      const calls = [
        () => hb.createOrder({ ...fullOrderBody(other.patientId, [other.prescriptionId]), address }),
        () => hb.updateOrderShippingAddress(orderNumber, address),
        () => hb.addPatientShippingAddress(patientId, address),
      ];
      for (const call of calls) {
        const error = await vendorErrorOf(call());
        expect(error).toMatchObject({ failureType: FailureType.VendorRejected, status: 422 });
        expect([...error.codes].sort()).toEqual(expected);
        expect([...error.fields].sort()).toEqual(
          ['city', 'country', 'first_name', 'last_name', 'phone', 'state', 'street1', 'street2', 'zip'].sort(),
        );
      }
      // Nothing changed: the order still ships to the patient's address on file.
      const { orders } = await sandbox.control.honeybeeOrders();
      const record = orders.find((candidate) => candidate.order.order_number === orderNumber);
      expect(record?.address).toEqual((await hb.getPatient(patientId)).data.address);
    });

    it('an address that is not an object (42221) is refused by the client before it is sent', async () => {
      const { orderNumber } = await newOrder();
      const before = (await sandbox.control.counters()).requests['honeybee.updateOrderAddress']?.total ?? 0;
      const error = await vendorErrorOf(
        hb.updateOrderShippingAddress(orderNumber, 'Main Street 1' as unknown as HoneybeeAddressInput),
      );
      expect(error).toMatchObject({ failureType: FailureType.InvalidInput, status: undefined });
      expect((await sandbox.control.counters()).requests['honeybee.updateOrderAddress']?.total ?? 0).toBe(before);
    });

    it('deliverability codes: 42230 not found and 42231 not shippable, 42293 PO box with a non-USPS method', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const nowhere = await vendorErrorOf(
        hb.createOrder({
          ...fullOrderBody(patientId, [prescriptionId]),
          address: { ...VALID_ADDRESS, street1: '1 Nowhere Road', state: 'PR', zip: '00901' },
        }),
      );
      expect(nowhere).toMatchObject({ status: 422, codes: [42230, 42231], fields: ['street1', 'state'] });

      const poBox = await vendorErrorOf(
        hb.createOrder({
          ...fullOrderBody(patientId, [prescriptionId], { methodId: 2 }),
          address: { ...VALID_ADDRESS, street1: 'PO Box 12' },
        }),
      );
      expect(poBox).toMatchObject({ status: 422, codes: [42293], fields: ['street1'] });

      const patientAddress = await vendorErrorOf(
        hb.addPatientShippingAddress(patientId, { ...VALID_ADDRESS, street1: '2 Nowhere Lane' }),
      );
      expect(patientAddress).toMatchObject({ status: 422, codes: [42230] });
    });

    it('the minimal body with an undeliverable address on file is 42230', async () => {
      const { patientId, prescriptionId } = await newPrescription('address-rejected');
      const error = await vendorErrorOf(hb.createOrder(minimalOrderBody(patientId, [prescriptionId])));
      expect(error).toMatchObject({ failureType: FailureType.VendorRejected, status: 422, codes: [42230] });
      const counters = await sandbox.control.counters();
      expect(counters.honeybee.prescriptions[prescriptionId]).toMatchObject({ ordersCreated: 0, rejected: 1 });
    });

    it('a malformed body the client lets through is 400 VendorRejected with the field', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const error = await vendorErrorOf(hb.createOrder(minimalOrderBody(patientId, [prescriptionId], 9)));
      expect(error).toMatchObject({
        failureType: FailureType.VendorRejected,
        status: 400,
        codes: [400],
        fields: ['shipping.method_id'],
      });
    });
  });

  describe('order writes', () => {
    it('updateOrderShippingAddress: 204 while Processing, 42228 once shipped, 42229 for a controlled drug, 409 once canceled, 404', async () => {
      const { orderNumber } = await newOrder();
      const moved = { ...VALID_ADDRESS, street1: '200 Example Ave' };
      const updated = await hb.updateOrderShippingAddress(orderNumber, moved);
      expect(updated).toMatchObject({ status: 204, data: undefined });
      let { orders } = await sandbox.control.honeybeeOrders();
      expect(orders.find((record) => record.order.order_number === orderNumber)?.address).toEqual(moved);

      await steps(2);
      expect((await hb.getOrder(orderNumber)).data.status).toBe('Shipped');
      const shipped = await vendorErrorOf(hb.updateOrderShippingAddress(orderNumber, VALID_ADDRESS));
      expect(shipped).toMatchObject({ failureType: FailureType.VendorRejected, status: 422, codes: [42228] });

      const controlled = await newOrder('happy-path', { controlled: true });
      const approval = await vendorErrorOf(hb.updateOrderShippingAddress(controlled.orderNumber, VALID_ADDRESS));
      expect(approval).toMatchObject({ status: 422, codes: [42229], fields: ['address'] });

      const held = await newOrder('exception-80');
      await steps(1);
      await hb.submitOrderAction(held.orderNumber, { action: 'cancel_order', fields: { reason: 'contract test' } });
      const canceled = await vendorErrorOf(hb.updateOrderShippingAddress(held.orderNumber, VALID_ADDRESS));
      expect(canceled).toMatchObject({ failureType: FailureType.VendorConflict, status: 409 });

      const missing = await vendorErrorOf(hb.updateOrderShippingAddress('HBNOSUCH00', VALID_ADDRESS));
      expect(missing).toMatchObject({ failureType: FailureType.VendorNotFound, status: 404 });
      ({ orders } = await sandbox.control.honeybeeOrders());
      expect(orders.find((record) => record.order.order_number === orderNumber)?.address).toEqual(moved);
    });

    it('reorder: 422 before shipping, then 201 with a new order once shipped; 404 for an unknown order', async () => {
      const { orderNumber, patientId, prescriptionId } = await newOrder();
      const early = await vendorErrorOf(hb.reorder(orderNumber));
      expect(early).toMatchObject({ failureType: FailureType.VendorRejected, status: 422, fields: ['order_number'] });
      await steps(2);
      const reordered = await hb.reorder(orderNumber);
      expect(reordered.status).toBe(201);
      expect(reordered.data.order_number).not.toBe(orderNumber);
      expect(reordered.data).toMatchObject({ patient_id: patientId, status: 'Processing' });
      expect(reordered.data.items.map((item) => item.prescription_id)).toEqual([prescriptionId]);
      const counters = await sandbox.control.counters();
      expect(counters.honeybee.prescriptions[prescriptionId]).toMatchObject({ ordersCreated: 1, reorders: 1 });
      expect(await vendorErrorOf(hb.reorder('HBNOSUCH00'))).toMatchObject({ status: 404 });
    });

    it('submitOrderAction: 422 42250 for an action not offered, 422 per missing field, 204 when accepted, 409 once resolved', async () => {
      const { orderNumber } = await newOrder('exception-74');
      await steps(1);
      const held = await hb.getOrder(orderNumber);
      expect(held.data).toMatchObject({ status: 'On Hold', exception: { id: 74, name: 'Allergy Detected' } });
      expect(held.data.order_actions.map((action) => action.action)).toEqual(['override_allergy', 'cancel_order']);

      const notOffered = await vendorErrorOf(hb.submitOrderAction(orderNumber, { action: 'release_hold' }));
      expect(notOffered).toMatchObject({
        endpoint: 'POST /orders/{order_number}/actions',
        failureType: FailureType.VendorRejected,
        status: 422,
        codes: [42250],
        fields: ['action'],
      });
      expect(notOffered.requestId).toBe((await lastRequest('honeybee.orderAction')).requestId);

      const missingField = await vendorErrorOf(hb.submitOrderAction(orderNumber, { action: 'override_allergy' }));
      expect(missingField).toMatchObject({ status: 422, codes: [42250], fields: ['prescriber_note'] });

      const accepted = await hb.submitOrderAction(orderNumber, {
        action: 'override_allergy',
        fields: { prescriber_note: 'Reviewed with the patient; benefit outweighs the risk.' },
      });
      expect(accepted).toMatchObject({ status: 204, data: undefined });
      expect((await hb.getOrder(orderNumber)).data).toMatchObject({
        status: 'Filling',
        exception: null,
        order_actions: [],
      });

      const again = await vendorErrorOf(hb.submitOrderAction(orderNumber, { action: 'cancel_order' }));
      expect(again).toMatchObject({ failureType: FailureType.VendorConflict, status: 409 });
      expect(await vendorErrorOf(hb.submitOrderAction('HBNOSUCH00', { action: 'cancel_order' }))).toMatchObject({
        failureType: FailureType.VendorNotFound,
      });
    });

    it('submitOrderAction checks the action fields: a bad address is rejected with its address codes', async () => {
      const { orderNumber } = await newOrder('exception-66');
      await steps(1);
      const invalid = await vendorErrorOf(
        hb.submitOrderAction(orderNumber, {
          action: 'update_shipping_address',
          fields: { address: { ...VALID_ADDRESS, zip: '1' } },
        }),
      );
      expect(invalid).toMatchObject({ status: 422, codes: [42227], fields: ['zip'] });
      const fixed = await hb.submitOrderAction(orderNumber, {
        action: 'update_shipping_address',
        fields: { address: VALID_ADDRESS },
      });
      expect(fixed.status).toBe(204);
      const { orders } = await sandbox.control.honeybeeOrders();
      expect(orders.find((record) => record.order.order_number === orderNumber)).toMatchObject({
        address: VALID_ADDRESS,
        order: { status: 'Filling' },
      });
    });
  });

  describe('simulate', () => {
    it('202 with a simulation id, then an RX_RECEIVED the engine authenticates, reads and routes to its prescription', async () => {
      const result = await hb.simulate({
        simulation_type: 'event',
        simulation: { event_type: 'RX_RECEIVED', medication_requests: [{ id: 7770001 }, { drug_name: 'Sample' }] },
      });
      expect(result.status).toBe(202);
      expect(result.data.simulation_id).toMatch(/^[0-9a-f-]{36}$/);
      const hooks = await receiver.waitFor((received) =>
        received.some((hook) => JSON.stringify(hook.json).includes('7770001')),
      );
      const hook = hooks.find((candidate) => JSON.stringify(candidate.json).includes('7770001'));
      const event = acceptAsBridge(sandbox.config, hook as ReceivedWebhook);
      expect(event.kind).toBe('RX_RECEIVED');
      const ids = honeybeeEventPrescriptionIds(event);
      expect(ids).toHaveLength(2);
      expect(ids).toContain('7770001');
      const route = routeHoneybeeEvent(JSON.parse(hook!.body.toString('utf8')), routingContext(sandbox.config));
      expect(route.kind).toBe('deliver');
      if (route.kind === 'deliver') {
        expect(route.deliveries.map((delivery) => delivery.workflowId).sort()).toEqual(
          ids.map((id) => prescriptionWorkflowId(id)).sort(),
        );
      }
      // The prescriptions exist at the pharmacy under the simulated patient.
      const patientId = Number(event.event.patient_id);
      const listed = await hb.listPatientPrescriptions(patientId);
      expect(listed.data.map((request) => String(request.id)).sort()).toEqual([...ids].sort());
    });

    it('an unknown simulation is VendorRejected (422)', async () => {
      const error = await vendorErrorOf(
        hb.simulate({ simulation_type: 'event', simulation: { event_type: 'RX_DELETED' } }),
      );
      expect(error).toMatchObject({ failureType: FailureType.VendorRejected, status: 422, fields: ['simulation'] });
    });
  });

  describe('faults as the client classifies them', () => {
    it('429 with Retry-After in seconds → VendorRateLimited with retryAfterMs', async () => {
      await sandbox.control.addFault({ endpoint: 'honeybee.listOrders', rate429: 1, retryAfterSeconds: 7, limit: 1 });
      const error = await vendorErrorOf(hb.listOrders({ patientId: 1 }));
      expect(error).toMatchObject({
        failureType: FailureType.VendorRateLimited,
        status: 429,
        retryAfterMs: 7_000,
        retryable: true,
      });
      expect(error.requestId).toBe((await lastRequest('honeybee.listOrders')).requestId);
      expect((await hb.listOrders({ patientId: 1 })).data).toEqual([]);
    });

    it('429 with Retry-After as an HTTP date → retryAfterMs until that date', async () => {
      await sandbox.control.addFault({
        endpoint: 'honeybee.getOrder',
        rate429: 1,
        retryAfterSeconds: 120,
        retryAfterFormat: 'http-date',
        limit: 1,
      });
      const error = await vendorErrorOf(hb.getOrder('HBNOSUCH00'));
      expect(error.failureType).toBe(FailureType.VendorRateLimited);
      // An HTTP date has whole seconds: the wait is the two minutes less the moments since the header was written.
      expect(error.retryAfterMs).toBeGreaterThan(100_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
    });

    it('503 and 500 → VendorUnavailable (retryable), with the request id', async () => {
      const { patientId } = await newPrescription();
      for (const rate of ['rate503', 'rate500'] as const) {
        await sandbox.control.addFault({ endpoint: 'honeybee.getPatient', [rate]: 1, limit: 1 });
        const error = await vendorErrorOf(hb.getPatient(patientId));
        expect(error).toMatchObject({
          failureType: FailureType.VendorUnavailable,
          status: rate === 'rate503' ? 503 : 500,
          retryable: true,
        });
        expect(error.requestId).toBe((await lastRequest('honeybee.getPatient')).requestId);
      }
      expect((await hb.getPatient(patientId)).status).toBe(200);
    });

    it('a dropped connection → VendorUnavailable; nothing happened at the vendor', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      await sandbox.control.addFault({ endpoint: 'honeybee.createOrder', dropRate: 1, limit: 1 });
      const error = await vendorErrorOf(hb.createOrder(minimalOrderBody(patientId, [prescriptionId])));
      expect(error).toMatchObject({ failureType: FailureType.VendorUnavailable, status: undefined, retryable: true });
      expect(error.message).toMatch(/network error/);
      expect(await lastRequest('honeybee.createOrder')).toMatchObject({ fault: 'drop', status: null });
      expect((await hb.listOrders({ patientId })).data).toEqual([]);
    });

    it('a lost response → VendorUnavailable although the order exists: listOrders finds it, a blind retry is 409', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      await sandbox.control.addFault({ endpoint: 'honeybee.createOrder', lostResponseRate: 1, limit: 1 });
      const error = await vendorErrorOf(hb.createOrder(minimalOrderBody(patientId, [prescriptionId])));
      expect(error).toMatchObject({ failureType: FailureType.VendorUnavailable, retryable: true });
      const listed = await hb.listOrders({ patientId });
      expect(listed.data).toHaveLength(1);
      expect(listed.data[0]?.items.map((item) => item.prescription_id)).toEqual([prescriptionId]);
      const retry = await vendorErrorOf(hb.createOrder(minimalOrderBody(patientId, [prescriptionId])));
      expect(retry.failureType).toBe(FailureType.VendorConflict);
    });

    it('latency beyond the client timeout → VendorUnavailable (timeout)', async () => {
      const { patientId } = await newPrescription();
      const impatient = honeybeeClientFor(sandbox, { timeoutMs: 200 });
      await impatient.tokens.getToken();
      await sandbox.control.addFault({ endpoint: 'honeybee.getPatient', latency: '1s' });
      const error = await vendorErrorOf(impatient.client.getPatient(patientId));
      expect(error).toMatchObject({ failureType: FailureType.VendorUnavailable, status: undefined });
      expect(error.message).toMatch(/timeout after 200 ms/);
    });

    it('the token endpoint throttled (429) or down (503) stays retryable, not unauthorized', async () => {
      await sandbox.control.addFault({ endpoint: 'honeybee.token', rate429: 1, retryAfterSeconds: 3, limit: 1 });
      const throttled = await vendorErrorOf(honeybeeClientFor(sandbox).client.getPatient(1));
      expect(throttled).toMatchObject({
        endpoint: 'POST /oauth/token',
        failureType: FailureType.VendorRateLimited,
        status: 429,
        retryAfterMs: 3_000,
        retryable: true,
      });
      await sandbox.control.addFault({ endpoint: 'honeybee.token', rate503: 1, limit: 1 });
      const down = await vendorErrorOf(honeybeeClientFor(sandbox).client.getPatient(1));
      expect(down).toMatchObject({
        endpoint: 'POST /oauth/token',
        failureType: FailureType.VendorUnavailable,
        status: 503,
        retryable: true,
      });
      expect(down.requestId).toBe((await lastRequest('honeybee.token')).requestId);
    });
  });

  describe('webhooks through the whole lifecycle', () => {
    it('RX_RECEIVED for a scenario reaches the prescription workflow by routing', async () => {
      const { prescriptionIds } = await newPrescription('happy-path', { medications: 2 });
      const hooks = await receiver.waitFor((received) =>
        received.some(
          (hook) =>
            hook.json.event_type === 'RX_RECEIVED' &&
            JSON.stringify(hook.json).includes(`"id":${prescriptionIds[0] ?? 0}`),
        ),
      );
      const hook = hooks.find(
        (candidate) =>
          candidate.json.event_type === 'RX_RECEIVED' &&
          JSON.stringify(candidate.json).includes(`"id":${prescriptionIds[0] ?? 0}`),
      ) as ReceivedWebhook;
      const event = acceptAsBridge(sandbox.config, hook);
      expect(honeybeeEventPrescriptionIds(event).sort()).toEqual(prescriptionIds.map(String).sort());
      const route = routeHoneybeeEvent(hook.json, routingContext(sandbox.config));
      expect(route).toMatchObject({ kind: 'deliver' });
      if (route.kind === 'deliver') {
        expect(route.deliveries.map((delivery) => delivery.workflowId).sort()).toEqual(
          prescriptionIds.map((id) => prescriptionWorkflowId(id)).sort(),
        );
        expect(route.deliveries.every((delivery) => delivery.signalName === 'honeybeeEvent')).toBe(true);
      }
    });

    it('happy path: RX_UPDATED Processing → Filling, SHIPMENT_UPDATED Shipped with tracking, RX_UPDATED Delivered', async () => {
      const { orderNumber, prescriptionId } = await newOrder();
      await steps(3);
      const hooks = await receiver.waitFor(() => webhooksFor(orderNumber).length >= 4);
      const events = hooks
        .filter((hook) => hook.json.order_number === orderNumber)
        .map((hook) => acceptAsBridge(sandbox.config, hook));
      expect(events.map(statusLine)).toEqual([
        'RX_UPDATED:Processing',
        'RX_UPDATED:Filling',
        'SHIPMENT_UPDATED:Shipped',
        'RX_UPDATED:Delivered',
      ]);
      for (const event of events) {
        expect(honeybeeEventOrderNumber(event)).toBe(orderNumber);
        expect(honeybeeEventPrescriptionIds(event)).toEqual([String(prescriptionId)]);
      }
      const shipment =
        events[2]?.kind === 'SHIPMENT_UPDATED'
          ? events[2].event.medication_requests[0]?.medication_dispenses[0]?.shipment
          : undefined;
      const order = await hb.getOrder(orderNumber);
      expect(order.data.status).toBe('Delivered');
      expect(shipment).toBeTruthy();
      expect(order.data.medication_dispenses[0]?.shipment).toEqual(shipment);
      expect(new Set(events.map((event) => event.event.event_id)).size).toBe(events.length);
    });

    it('exception and resolution: RX_UPDATED On Hold + ORDER_EXCEPTION with the order’s actions, then RX_UPDATED Filling', async () => {
      const { orderNumber } = await newOrder('exception-74');
      await steps(1);
      const held = await hb.getOrder(orderNumber);
      await hb.submitOrderAction(orderNumber, { action: 'override_allergy', fields: { prescriber_note: 'ok' } });
      const hooks = await receiver.waitFor(() => webhooksFor(orderNumber).length >= 4);
      const events = hooks
        .filter((hook) => hook.json.order_number === orderNumber)
        .map((hook) => acceptAsBridge(sandbox.config, hook));
      expect(events.map(statusLine)).toEqual([
        'RX_UPDATED:Processing',
        'RX_UPDATED:On Hold',
        'ORDER_EXCEPTION',
        'RX_UPDATED:Filling',
      ]);
      const exception = events[2];
      if (exception?.kind !== 'ORDER_EXCEPTION') throw new Error('expected ORDER_EXCEPTION');
      expect(exception.event.exception).toEqual(held.data.exception);
      expect(exception.event.order_actions).toEqual(held.data.order_actions);
      expect(exception.event.order_actions).toEqual([
        expect.objectContaining({ action: 'override_allergy', fields: ['prescriber_note'] }),
        expect.objectContaining({ action: 'cancel_order', fields: ['reason'] }),
      ]);
    });

    it('ORDER_EXCEPTION for several reasons (66, 80, and an unknown 99 offering only cancel_order), and RX_UPDATED Canceled', async () => {
      const cases = [
        { scenario: 'exception-66', options: {}, reason: 66, actions: ['update_shipping_address', 'cancel_order'] },
        { scenario: 'exception-80', options: {}, reason: 80, actions: ['retry_payment', 'cancel_order'] },
        { scenario: 'exception', options: { reason: 99 }, reason: 99, actions: ['cancel_order'] },
      ];
      const orders: ((typeof cases)[number] & Awaited<ReturnType<typeof newOrder>>)[] = [];
      for (const entry of cases) orders.push({ ...entry, ...(await newOrder(entry.scenario, entry.options)) });
      await steps(1);
      for (const entry of orders) {
        await hb.submitOrderAction(entry.orderNumber, { action: 'cancel_order', fields: { reason: 'contract test' } });
      }
      await receiver.waitFor(() => orders.every((entry) => webhooksFor(entry.orderNumber).length >= 4));
      for (const entry of orders) {
        const events = webhooksFor(entry.orderNumber).map((hook) => acceptAsBridge(sandbox.config, hook));
        expect(events.map(statusLine)).toEqual([
          'RX_UPDATED:Processing',
          'RX_UPDATED:On Hold',
          'ORDER_EXCEPTION',
          'RX_UPDATED:Canceled',
        ]);
        const exception = events[2];
        if (exception?.kind !== 'ORDER_EXCEPTION') throw new Error('expected ORDER_EXCEPTION');
        expect(exception.event.exception?.id).toBe(entry.reason);
        expect(exception.event.order_actions.map((action) => action.action)).toEqual(entry.actions);
        expect((await hb.getOrder(entry.orderNumber)).data.status).toBe('Canceled');
      }
    });

    it('Automatic Processing: the pharmacy creates the order itself; its RX_UPDATED names an order listOrders shows', async () => {
      const { result, patientId } = await newPrescription('happy-path', { mode: 'automatic' });
      const orderNumber = result.orderNumber as string;
      expect(orderNumber).toMatch(/^HB/);
      await receiver.waitFor(() => webhooksFor(orderNumber).length >= 1);
      const [event] = webhooksFor(orderNumber).map((hook) => acceptAsBridge(sandbox.config, hook));
      expect(event && statusLine(event)).toBe('RX_UPDATED:Processing');
      expect((await hb.listOrders({ patientId })).data.map((order) => order.order_number)).toEqual([orderNumber]);
    });

    it('every webhook the simulator sent in this file authenticates (mode both), reads as a known event, and RX_RECEIVED routes', async () => {
      await sandbox.control.settleWebhooks();
      expect(receiver.received.length).toBeGreaterThan(30);
      const kinds = new Set<string>();
      for (const hook of receiver.received) {
        expect(hook.path).toBe(new URL(honeybeeWebhookUrl(sandbox.config)).pathname);
        const event = acceptAsBridge(sandbox.config, hook);
        kinds.add(statusLine(event));
        if (event.kind === 'RX_RECEIVED') {
          expect(routeHoneybeeEvent(hook.json, routingContext(sandbox.config)).kind).toBe('deliver');
        } else {
          expect(honeybeeEventOrderNumber(event)).toMatch(/^HB[A-Z0-9]{8}$/);
        }
      }
      expect([...kinds].sort()).toEqual(
        [
          'RX_RECEIVED',
          'RX_UPDATED:Processing',
          'RX_UPDATED:Filling',
          'RX_UPDATED:On Hold',
          'RX_UPDATED:Canceled',
          'RX_UPDATED:Delivered',
          'SHIPMENT_UPDATED:Shipped',
          'ORDER_EXCEPTION',
        ].sort(),
      );
    });
  });
});

describe('contract: Honeybee credentials that form-encoding changes (RFC 6749 §2.3.1)', () => {
  let sandbox: InProcessSandbox;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sandbox = await startTestSandbox({
      BRIDGE_PUBLIC_URL: receiver.url,
      HONEYBEE_CLIENT_ID: 'partner id:1/é',
      HONEYBEE_CLIENT_SECRET: 'a+b c:d%20&=é',
    });
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  it('the sandbox decodes what the client form-encodes, by HTTP Basic and by form body', async () => {
    expect(sandbox.config.HONEYBEE_CLIENT_SECRET).not.toBe(SANDBOX_DEV_CREDENTIALS.HONEYBEE_CLIENT_SECRET);
    for (const tokenAuth of ['basic', 'form'] as const) {
      const { client } = honeybeeClientFor(sandbox, { tokenAuth });
      const result = await client.listOrders({ patientId: 1 });
      expect(result).toMatchObject({ status: 200, data: [] });
    }
    // Near misses ('+' and space are different characters once encoded) are refused.
    for (const clientSecret of ['a+b+c:d%20&=é', 'a b c:d%20&=é']) {
      const nearMiss = honeybeeClientFor(sandbox, { clientSecret });
      expect(await vendorErrorOf(nearMiss.client.listOrders({ patientId: 1 }))).toMatchObject({
        failureType: FailureType.VendorUnauthorized,
        status: 401,
      });
    }
  });

  it('webhooks signed with that client secret verify with the engine’s verifier', async () => {
    const { client } = honeybeeClientFor(sandbox, { tokenAuth: 'form' });
    await client.simulate({ simulation_type: 'event', simulation: { event_type: 'RX_RECEIVED' } });
    const [hook] = await receiver.waitFor((received) => received.length >= 1);
    expect(acceptAsBridge(sandbox.config, hook as ReceivedWebhook).kind).toBe('RX_RECEIVED');
  });
});
