// The Honeybee simulator over real HTTP: tokens, every endpoint with its error paths, the order lifecycle on the
// sandbox clock, every exception reason with its order actions, Automatic Processing, and the webhooks it sends
// (signed as the seed says, verified with the engine's own verifiers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCEPTION_REASONS } from '../../src/domain/honeybee-exception-reasons.js';
import { startTestSandbox, STEP_MS, type InProcessSandbox } from '../harness/sandbox.js';
import { fullOrderBody, HoneybeeHttp, minimalOrderBody, VALID_ADDRESS } from '../harness/vendor-http.js';
import { checkHoneybeeWebhook } from '../harness/webhook-checks.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../harness/webhook-receiver.js';
import {
  honeybeeError,
  honeybeeErrors,
  honeybeeOrder,
  honeybeePatient,
  honeybeeToken,
  medicationRequest,
  orderExceptionEvent,
  orderUpdateEvent,
  rxReceivedEvent,
} from '../harness/wire-shapes.js';

type Order = ReturnType<typeof honeybeeOrder.parse>;

describe('Honeybee simulator', () => {
  let sandbox: InProcessSandbox;
  let receiver: WebhookReceiver;
  let hb: HoneybeeHttp;
  let hookUrl: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sandbox = await startTestSandbox({ BRIDGE_PUBLIC_URL: receiver.url });
    hb = new HoneybeeHttp(sandbox.url);
    hookUrl = `${receiver.url}/webhooks/honeybee`;
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  const eventsFor = (orderNumber: string) =>
    receiver.received.filter((hook) => hook.json.order_number === orderNumber).map((hook) => hook.json);

  const statusesOf = (orderNumber: string) =>
    eventsFor(orderNumber)
      .filter((event) => event.event_type !== 'ORDER_EXCEPTION')
      .map((event) => {
        const update = orderUpdateEvent.parse(event);
        return `${update.event_type}:${update.medication_requests[0]?.medication_dispenses[0]?.order_status}`;
      });

  const waitForEvents = (orderNumber: string, count: number) =>
    receiver.waitFor(() => eventsFor(orderNumber).length >= count);

  async function newPrescription(scenario = 'happy-path', options = {}) {
    const result = await sandbox.control.runScenario(scenario, options);
    const patientId = result.patient.honeybeePatientId as number;
    const prescriptionIds = result.prescriptionIds as number[];
    return { result, patientId, prescriptionIds, prescriptionId: prescriptionIds[0] as number };
  }

  async function createOrder(patientId: number, prescriptionIds: number[]): Promise<Order> {
    const answer = await hb.request('POST', '/orders', { body: minimalOrderBody(patientId, prescriptionIds) });
    expect(answer.status, answer.text).toBe(201);
    return honeybeeOrder.parse((answer.body as { order: unknown }).order);
  }

  async function getOrder(orderNumber: string): Promise<Order> {
    const answer = await hb.request('GET', `/orders/${orderNumber}`);
    expect(answer.status, answer.text).toBe(200);
    return honeybeeOrder.parse((answer.body as { order: unknown }).order);
  }

  describe('tokens', () => {
    it('issues a Bearer token for the configured client by HTTP Basic and by form body', async () => {
      for (const via of ['basic', 'form'] as const) {
        const answer = await hb.token({ via });
        expect(answer.status).toBe(200);
        expect(honeybeeToken.parse(answer.body).token_type).toBe('Bearer');
        expect(answer.headers.get('cache-control')).toBe('no-store');
      }
    });

    it('refuses bad credentials, other grants and missing, unknown or expired bearer tokens', async () => {
      const bad = await hb.token({ clientSecret: 'wrong' });
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ error: 'invalid_client' });
      expect((await hb.token({ clientId: 'someone-else', via: 'form' })).status).toBe(401);
      const grant = await hb.token({ grantType: 'password' });
      expect(grant.status).toBe(400);
      expect(grant.body).toEqual({ error: 'unsupported_grant_type' });

      const none = await hb.request('GET', '/orders', { token: null });
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ error: 'invalid_token' });
      expect(none.headers.get('www-authenticate')).toContain('invalid_token');
      expect((await hb.request('GET', '/orders', { token: 'not-a-token' })).status).toBe(401);

      const token = String((await hb.token()).body.access_token);
      expect((await hb.request('GET', '/orders', { token })).status).toBe(200);
      await sandbox.control.advance('12h');
      const expired = await hb.request('GET', '/orders', { token });
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual({ error: 'invalid_token' });
      const fresh = String((await hb.token()).body.access_token);
      expect((await hb.request('GET', '/orders', { token: fresh })).status).toBe(200);
      expect((await sandbox.control.expireTokens('honeybee')).expired).toBeGreaterThan(0);
      expect((await hb.request('GET', '/orders', { token: fresh })).status).toBe(401);
    });
  });

  describe('patients and prescriptions', () => {
    it('serves the patient wrapped in "patient", with a request id, a weak ETag and 304 on a match', async () => {
      const { patientId, result } = await newPrescription();
      const answer = await hb.request('GET', `/patients/${patientId}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers.get('x-honeybee-signature')).toBeTruthy();
      const patient = honeybeePatient.parse((answer.body as { patient: unknown }).patient);
      expect(patient).toMatchObject({ patient_id: patientId, ehr_id: result.patient.ehrId });
      const etag = answer.headers.get('etag');
      expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
      const again = await hb.request('GET', `/patients/${patientId}`, { headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      const stale = await hb.request('GET', `/patients/${patientId}`, { headers: { 'if-none-match': 'W/"other"' } });
      expect(stale.status).toBe(200);

      const missing = await hb.request('GET', '/patients/1');
      expect(missing.status).toBe(404);
      honeybeeError.parse(missing.body);
      expect((await hb.request('GET', '/patients/abc')).status).toBe(404);
    });

    it("lists a patient's prescriptions as medication_requests", async () => {
      const { patientId, prescriptionIds } = await newPrescription('happy-path', { medications: 2, refills: 3 });
      const answer = await hb.request('GET', `/patients/${patientId}/rx`);
      expect(answer.status).toBe(200);
      const requests = (answer.body as { medication_requests: unknown[] }).medication_requests.map((request) =>
        medicationRequest.parse(request),
      );
      expect(requests.map((request) => request.id).sort()).toEqual([...prescriptionIds].sort());
      expect(requests.every((request) => request.prescription_id === request.id && request.refills_left === 3)).toBe(
        true,
      );
      expect((await hb.request('GET', '/patients/1/rx')).status).toBe(404);
    });

    it('adds a patient shipping address (201) and refuses an invalid one (422)', async () => {
      const { patientId } = await newPrescription();
      const added = await hb.request('POST', `/patients/${patientId}/shipping_address`, {
        body: { address: VALID_ADDRESS },
      });
      expect(added.status).toBe(201);
      expect(added.body).toEqual({ address: VALID_ADDRESS });
      const patient = await hb.request('GET', `/patients/${patientId}`);
      expect((patient.body as { patient: { address: unknown } }).patient.address).toEqual(VALID_ADDRESS);

      const invalid = await hb.request('POST', `/patients/${patientId}/shipping_address`, {
        body: { address: { ...VALID_ADDRESS, zip: 'ABCDE', state: 'ZZ' } },
      });
      expect(invalid.status).toBe(422);
      expect(honeybeeErrors.parse(invalid.body).errors.map((error) => error.code)).toEqual([42225, 42227]);
      expect((await hb.request('POST', `/patients/${patientId}/shipping_address`, { body: {} })).status).toBe(400);
      expect(
        (await hb.request('POST', '/patients/1/shipping_address', { body: { address: VALID_ADDRESS } })).status,
      ).toBe(404);
    });
  });

  describe('creating orders', () => {
    it('creates an order (201) and answers 409 to a second create while it is open, counting both', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const order = await createOrder(patientId, [prescriptionId]);
      expect(order).toMatchObject({ patient_id: patientId, status: 'Processing', exception: null, order_actions: [] });
      expect(order.order_number).toMatch(/^HB[A-Z0-9]{8}$/);
      expect(order.medication_dispenses).toEqual([
        expect.objectContaining({ prescription_id: prescriptionId, order_status: 'Processing', shipment: null }),
      ]);

      const again = await hb.request('POST', '/orders', { body: minimalOrderBody(patientId, [prescriptionId]) });
      expect(again.status).toBe(409);
      expect(honeybeeError.parse(again.body).error.error_code).toBe(409);

      const counters = await sandbox.control.counters();
      expect(counters.honeybee.ordersPerFill[prescriptionId]).toEqual({ 1: 1 });
      expect(counters.honeybee.prescriptions[prescriptionId]).toMatchObject({ ordersCreated: 1, conflicts: 1 });
    });

    it('accepts the full form with patient details and an address', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const answer = await hb.request('POST', '/orders', { body: fullOrderBody(patientId, [prescriptionId]) });
      expect(answer.status, answer.text).toBe(201);
      const { orders } = await sandbox.control.honeybeeOrders();
      const record = orders.find((candidate) => candidate.order.items[0]?.prescription_id === prescriptionId);
      expect(record?.address).toEqual(VALID_ADDRESS);
      expect(record?.origin).toBe('api');
    });

    it('answers 404 for an unknown patient or prescription and 400 for a malformed body', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const other = await newPrescription();
      for (const body of [
        minimalOrderBody(1, [prescriptionId]),
        minimalOrderBody(patientId, [1]),
        minimalOrderBody(patientId, [other.prescriptionId]),
      ]) {
        const answer = await hb.request('POST', '/orders', { body });
        expect(answer.status, answer.text).toBe(404);
        honeybeeError.parse(answer.body);
      }
      const malformed = await hb.request('POST', '/orders', { rawBody: '{"shipping":' });
      expect(malformed.status).toBe(400);
      honeybeeErrors.parse(malformed.body);
      const structural = await hb.request('POST', '/orders', { body: { patient: { patient_id: patientId } } });
      expect(structural.status).toBe(400);
      const fields = honeybeeErrors.parse(structural.body).errors[0]?.error_detail?.map((detail) => detail.field);
      expect(fields).toEqual(expect.arrayContaining(['shipping', 'patient.patient_safety', 'items']));
      const counters = await sandbox.control.counters();
      // Counted on the prescriptions a refused create named (an unknown prescription id counts nowhere).
      expect(counters.honeybee.prescriptions[prescriptionId]?.rejected).toBe(1);
      expect(counters.honeybee.prescriptions[other.prescriptionId]?.rejected).toBe(1);
      expect(counters.honeybee.ordersPerFill[prescriptionId]).toEqual({});
    });

    const cases: [string, Parameters<typeof fullOrderBody>[2], number, string][] = [
      ['an invalid email', { patient: { email: 'not-an-email' } }, 42201, 'email'],
      ['an invalid first name', { patient: { first_name: '42' } }, 42202, 'first_name'],
      ['an invalid last name', { patient: { last_name: '' } }, 42203, 'last_name'],
      ['an invalid phone', { patient: { phone: '555' } }, 42204, 'phone'],
      ['an invalid gender', { patient: { gender: 'X' } }, 42205, 'gender'],
      ['an invalid patient id', { patient: { patient_id: 'abc' } }, 42206, 'patient_id'],
      [
        'identity documents without a number',
        { patient: { identity_documents: [{ type: 'passport' }] } },
        42208,
        'identity_documents[0]',
      ],
      [
        'an unknown identity document type',
        { patient: { identity_documents: [{ type: 'library_card', number: '7' }] } },
        42216,
        'identity_documents[0].type',
      ],
      ['no street', { address: { street1: '' } }, 42222, 'street1'],
      ['a street line 2 that is not text', { address: { street2: 5 } }, 42223, 'street2'],
      ['no city', { address: { city: ' ' } }, 42224, 'city'],
      ['an unknown state', { address: { state: 'XX' } }, 42225, 'state'],
      ['a foreign country', { address: { country: 'CA' } }, 42226, 'country'],
      ['an invalid zip', { address: { zip: '1234' } }, 42227, 'zip'],
      ['an address that cannot be found', { address: { street1: '12 Nowhere Lane' } }, 42230, 'street1'],
      ['a state the drug cannot ship to', { address: { state: 'PR', zip: '00901' } }, 42231, 'state'],
      [
        'a PO box with a carrier that cannot deliver there',
        { address: { street1: 'PO Box 12' }, methodId: 2 },
        42293,
        'street1',
      ],
    ];

    it.each(cases.map(([name, overrides, code, field]) => ({ name, overrides, code, field })))(
      'answers 422 for $name (code $code)',
      async ({ overrides, code, field }) => {
        const { patientId, prescriptionId } = await newPrescription();
        const answer = await hb.request('POST', '/orders', {
          body: fullOrderBody(patientId, [prescriptionId], overrides),
        });
        expect(answer.status, answer.text).toBe(422);
        const { errors } = honeybeeErrors.parse(answer.body);
        expect(errors).toEqual([expect.objectContaining({ code, error_detail: [expect.objectContaining({ field })] })]);
        const counters = await sandbox.control.counters();
        expect(counters.honeybee.ordersPerFill[prescriptionId] ?? {}).toEqual({});
        expect(counters.honeybee.prescriptions[prescriptionId]?.rejected).toBe(1);
      },
    );

    it('answers 422 (42241) for an item NDC that does not match the prescription', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const body = minimalOrderBody(patientId, [prescriptionId]);
      const items = [{ ...body.items[0], ndc: '99999999999' }];
      const answer = await hb.request('POST', '/orders', { body: { ...body, items } });
      expect(answer.status).toBe(422);
      expect(honeybeeErrors.parse(answer.body).errors[0]?.code).toBe(42241);
    });

    it('address-rejected: the address on file is refused (42230) until a corrected address is given', async () => {
      const { patientId, prescriptionId, result } = await newPrescription('address-rejected');
      expect(result.patient.person.address.street1).toMatch(/Nowhere/);
      const refused = await hb.request('POST', '/orders', { body: minimalOrderBody(patientId, [prescriptionId]) });
      expect(refused.status).toBe(422);
      expect(honeybeeErrors.parse(refused.body).errors[0]).toMatchObject({
        code: 42230,
        error_detail: [{ field: 'street1' }],
      });
      const fixed = await hb.request('POST', '/orders', { body: fullOrderBody(patientId, [prescriptionId]) });
      expect(fixed.status).toBe(201);
    });

    it('lists orders by patient_id, newest first, and refuses a malformed filter', async () => {
      const { patientId, prescriptionIds } = await newPrescription('happy-path', { medications: 2 });
      const first = await createOrder(patientId, [prescriptionIds[0]!]);
      const second = await createOrder(patientId, [prescriptionIds[1]!]);
      const answer = await hb.request('GET', `/orders?patient_id=${patientId}`);
      expect(answer.status).toBe(200);
      const orders = (answer.body as { orders: unknown[] }).orders.map((order) => honeybeeOrder.parse(order));
      expect(orders.map((order) => order.order_number)).toEqual([second.order_number, first.order_number]);
      expect((await hb.request('GET', '/orders?patient_id=1')).body).toEqual({ orders: [] });
      expect((await hb.request('GET', '/orders?patient_id=abc')).status).toBe(400);
      expect((await hb.request('GET', '/orders/HBNOSUCH01')).status).toBe(404);
    });
  });

  describe('order lifecycle', () => {
    it('moves Processing → Filling → Shipped → Delivered one step per step delay, announcing each change', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const order = await createOrder(patientId, [prescriptionId]);
      const n = order.order_number;
      await waitForEvents(n, 1);
      const first = await hb.request('GET', `/orders/${n}`);
      const etag = first.headers.get('etag')!;
      expect((await hb.request('GET', `/orders/${n}`, { headers: { 'if-none-match': etag } })).status).toBe(304);

      await sandbox.control.advance(STEP_MS);
      expect((await getOrder(n)).status).toBe('Filling');
      expect((await hb.request('GET', `/orders/${n}`, { headers: { 'if-none-match': etag } })).status).toBe(200);
      await sandbox.control.advance(STEP_MS);
      const shipped = await getOrder(n);
      expect(shipped.status).toBe('Shipped');
      expect(shipped.medication_dispenses[0]?.shipment).toMatchObject({ carrier: 'USPS' });
      await sandbox.control.advance(STEP_MS);
      expect((await getOrder(n)).status).toBe('Delivered');
      await sandbox.control.advance(STEP_MS);
      expect((await getOrder(n)).status).toBe('Delivered');

      await waitForEvents(n, 4);
      expect(statusesOf(n)).toEqual([
        'RX_UPDATED:Processing',
        'RX_UPDATED:Filling',
        'SHIPMENT_UPDATED:Shipped',
        'RX_UPDATED:Delivered',
      ]);
      const shipmentEvent = orderUpdateEvent.parse(eventsFor(n)[2]);
      expect(shipmentEvent.medication_requests[0]?.medication_dispenses[0]?.shipment?.tracking_no).toBe(
        shipped.medication_dispenses[0]?.shipment?.tracking_no,
      );
    });

    it('sends RX_RECEIVED with the prescriptions for each new e-prescription', async () => {
      const { patientId, prescriptionIds } = await newPrescription('happy-path', { medications: 2 });
      const [hook] = await receiver
        .waitFor((all) => all.some((h) => h.json.event_type === 'RX_RECEIVED' && h.json.patient_id === patientId))
        .then((all) => all.filter((h) => h.json.event_type === 'RX_RECEIVED' && h.json.patient_id === patientId));
      const event = rxReceivedEvent.parse(hook);
      expect(event.medication_requests.map((request) => request.id)).toEqual(prescriptionIds);
    });

    it('a refill after delivery is fill 2 and uses up a refill', async () => {
      const { patientId, prescriptionId } = await newPrescription('happy-path', { refills: 1 });
      await createOrder(patientId, [prescriptionId]);
      await sandbox.control.advance(3 * STEP_MS);
      await createOrder(patientId, [prescriptionId]);
      const counters = await sandbox.control.counters();
      expect(counters.honeybee.ordersPerFill[prescriptionId]).toEqual({ 1: 1, 2: 1 });
      const rx = await hb.request('GET', `/patients/${patientId}/rx`);
      expect(
        (rx.body as { medication_requests: { refills_left: number }[] }).medication_requests[0]?.refills_left,
      ).toBe(0);
    });

    it('reorders only a shipped or delivered order; the reorder keeps its fill', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const order = await createOrder(patientId, [prescriptionId]);
      const early = await hb.request('POST', `/orders/${order.order_number}/reorders`, { body: {} });
      expect(early.status).toBe(422);
      honeybeeErrors.parse(early.body);
      await sandbox.control.advance(2 * STEP_MS);
      const reorder = await hb.request('POST', `/orders/${order.order_number}/reorders`);
      expect(reorder.status, reorder.text).toBe(201);
      const created = honeybeeOrder.parse((reorder.body as { order: unknown }).order);
      expect(created.order_number).not.toBe(order.order_number);
      expect(created.status).toBe('Processing');
      const counters = await sandbox.control.counters();
      expect(counters.honeybee.prescriptions[prescriptionId]).toMatchObject({ ordersCreated: 1, reorders: 1 });
      expect(counters.honeybee.ordersPerFill[prescriptionId]).toEqual({ 1: 1 });
      expect((await hb.request('POST', '/orders/HBNOSUCH01/reorders')).status).toBe(404);
    });

    it("changes an order's address until it ships (42228), never for a controlled substance (42229)", async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const order = await createOrder(patientId, [prescriptionId]);
      const path = `/orders/${order.order_number}/shipping_address`;
      const changed = await hb.request('PUT', path, { body: { address: VALID_ADDRESS } });
      expect(changed.status).toBe(204);
      expect(changed.text).toBe('');
      const invalid = await hb.request('PUT', path, { body: { address: { ...VALID_ADDRESS, zip: '1' } } });
      expect(invalid.status).toBe(422);
      expect(honeybeeErrors.parse(invalid.body).errors[0]?.code).toBe(42227);
      expect((await hb.request('PUT', path, { body: {} })).status).toBe(400);
      await sandbox.control.advance(2 * STEP_MS);
      const shipped = await hb.request('PUT', path, { body: { address: VALID_ADDRESS } });
      expect(shipped.status).toBe(422);
      expect(honeybeeErrors.parse(shipped.body).errors[0]?.code).toBe(42228);
      expect(
        (await hb.request('PUT', '/orders/HBNOSUCH01/shipping_address', { body: { address: VALID_ADDRESS } })).status,
      ).toBe(404);

      const controlled = await newPrescription('happy-path', { controlled: true });
      const held = await createOrder(controlled.patientId, [controlled.prescriptionId]);
      const refused = await hb.request('PUT', `/orders/${held.order_number}/shipping_address`, {
        body: { address: VALID_ADDRESS },
      });
      expect(refused.status).toBe(422);
      expect(honeybeeErrors.parse(refused.body).errors[0]?.code).toBe(42229);
    });
  });

  describe('exceptions and order actions', () => {
    const fieldValues: Record<string, unknown> = {
      address: VALID_ADDRESS,
      email: 'new.address@example.com',
      dob: '1980-01-31',
      quantity: 30,
      prescriber_note: 'Reviewed with the patient',
      name: 'A Sandbox',
      reason: 'Patient request',
    };

    it.each(EXCEPTION_REASONS.map((reason) => [reason.id, reason.name, reason] as const))(
      'exception %i (%s): On Hold with its order actions; only an offered action with its fields resumes the order',
      async (id, _name, reason) => {
        const { patientId, prescriptionId } = await newPrescription(`exception-${id}`);
        const order = await createOrder(patientId, [prescriptionId]);
        const n = order.order_number;
        const notHeld = await hb.request('POST', `/orders/${n}/actions`, {
          body: { action: 'cancel_order', reason: 'x' },
        });
        expect(notHeld.status).toBe(409);
        honeybeeError.parse(notHeld.body);

        await sandbox.control.advance(STEP_MS);
        const held = await getOrder(n);
        expect(held.status).toBe('On Hold');
        expect(held.exception).toEqual({ id, name: reason.name, message: reason.description });
        expect(held.order_actions).toEqual(reason.actions.map((action) => ({ ...action, fields: [...action.fields] })));
        const exceptionHook = (
          await receiver.waitFor(() => eventsFor(n).some((event) => event.event_type === 'ORDER_EXCEPTION'))
        ).find((hook) => hook.json.order_number === n && hook.json.event_type === 'ORDER_EXCEPTION');
        const event = orderExceptionEvent.parse(exceptionHook!.json);
        expect(event.exception.id).toBe(id);
        expect(event.order_actions).toEqual(held.order_actions);

        const notOffered = await hb.request('POST', `/orders/${n}/actions`, { body: { action: 'release_everything' } });
        expect(notOffered.status).toBe(422);
        expect(honeybeeErrors.parse(notOffered.body).errors[0]?.code).toBe(42250);
        const action = reason.actions[0]!;
        if (action.fields.length > 0) {
          const missing = await hb.request('POST', `/orders/${n}/actions`, { body: { action: action.action } });
          expect(missing.status).toBe(422);
          const error = honeybeeErrors.parse(missing.body).errors[0];
          expect(error?.code).toBe(42250);
          expect(error?.error_detail?.map((detail) => detail.field)).toEqual(action.fields);
        }
        const body = { action: action.action, ...Object.fromEntries(action.fields.map((f) => [f, fieldValues[f]])) };
        const accepted = await hb.request('POST', `/orders/${n}/actions`, { body });
        expect(accepted.status, accepted.text).toBe(204);
        const resumed = await getOrder(n);
        expect(resumed).toMatchObject({ status: 'Filling', exception: null, order_actions: [] });
        await sandbox.control.advance(STEP_MS);
        expect((await getOrder(n)).status).toBe('Shipped');
        expect(statusesOf(n)).toEqual([
          'RX_UPDATED:Processing',
          'RX_UPDATED:On Hold',
          'RX_UPDATED:Filling',
          'SHIPMENT_UPDATED:Shipped',
        ]);
      },
    );

    it('written as "Order Exception Raised" without order_actions when told so; the reason\'s actions still work', async () => {
      await sandbox.control.updateSettings({
        exceptionEventType: 'Order Exception Raised',
        exceptionActions: 'omitted',
      });
      try {
        const { patientId, prescriptionId } = await newPrescription('exception-72');
        const order = await createOrder(patientId, [prescriptionId]);
        const n = order.order_number;
        await sandbox.control.advance(STEP_MS);
        const held = await getOrder(n);
        expect(held).toMatchObject({ status: 'On Hold', exception: { id: 72 }, order_actions: [] });
        await receiver.waitFor(() => eventsFor(n).some((event) => event.event_type === 'Order Exception Raised'));
        const hook = eventsFor(n).find((event) => event.event_type === 'Order Exception Raised');
        const event = orderExceptionEvent.parse(hook);
        expect(event).toMatchObject({ event_type: 'Order Exception Raised', exception: { id: 72 }, order_actions: [] });
        const accepted = await hb.request('POST', `/orders/${n}/actions`, {
          body: { action: 'confirm_quantity', quantity: 30 },
        });
        expect(accepted.status, accepted.text).toBe(204);
        expect((await getOrder(n)).status).toBe('Filling');
      } finally {
        await sandbox.control.updateSettings({ exceptionEventType: 'ORDER_EXCEPTION', exceptionActions: 'listed' });
      }
    });

    it('cancel_order cancels; a new order for the prescription is then allowed and counted on the same fill', async () => {
      const { patientId, prescriptionId } = await newPrescription('exception-74');
      const order = await createOrder(patientId, [prescriptionId]);
      await sandbox.control.advance(STEP_MS);
      const cancel = await hb.request('POST', `/orders/${order.order_number}/actions`, {
        body: { action: 'cancel_order', reason: 'Prescriber withdrew it' },
      });
      expect(cancel.status).toBe(204);
      expect((await getOrder(order.order_number)).status).toBe('Canceled');
      await createOrder(patientId, [prescriptionId]);
      const counters = await sandbox.control.counters();
      expect(counters.honeybee.prescriptions[prescriptionId]).toMatchObject({ ordersCreated: 2, canceled: 1 });
      expect(counters.honeybee.ordersPerFill[prescriptionId]).toEqual({ 1: 2 });
    });

    it('checks action fields: an invalid address answers its address code', async () => {
      const { patientId, prescriptionId } = await newPrescription('exception-77');
      const order = await createOrder(patientId, [prescriptionId]);
      await sandbox.control.advance(STEP_MS);
      const path = `/orders/${order.order_number}/actions`;
      const notAnObject = await hb.request('POST', path, { body: { action: 'update_shipping_address', address: 'x' } });
      expect(honeybeeErrors.parse(notAnObject.body).errors[0]?.code).toBe(42221);
      const notFound = await hb.request('POST', path, {
        body: { action: 'update_shipping_address', address: { ...VALID_ADDRESS, street1: '9 Nowhere Lane' } },
      });
      expect(notFound.status).toBe(422);
      expect(honeybeeErrors.parse(notFound.body).errors[0]?.code).toBe(42230);
      expect((await hb.request('POST', path, { body: {} })).status).toBe(400);
      expect((await hb.request('POST', '/orders/HBNOSUCH01/actions', { body: { action: 'x' } })).status).toBe(404);
    });

    it('raises several exceptions in turn, and an unknown reason offers only cancellation', async () => {
      const { patientId, prescriptionId } = await newPrescription('exception', {
        reasons: [64, 99],
        holdAt: 'Filling',
      });
      const order = await createOrder(patientId, [prescriptionId]);
      const n = order.order_number;
      await sandbox.control.advance(STEP_MS);
      expect((await getOrder(n)).status).toBe('Filling');
      await sandbox.control.advance(STEP_MS);
      expect((await getOrder(n)).exception?.id).toBe(64);
      expect((await hb.request('POST', `/orders/${n}/actions`, { body: { action: 'release_hold' } })).status).toBe(204);
      await sandbox.control.advance(STEP_MS);
      const second = await getOrder(n);
      expect(second.exception).toMatchObject({ id: 99 });
      expect(second.order_actions.map((action) => action.action)).toEqual(['cancel_order']);
    });

    it('puts an order on hold on demand through the control API', async () => {
      const { patientId, prescriptionId } = await newPrescription();
      const order = await createOrder(patientId, [prescriptionId]);
      await sandbox.control.holdOrder(order.order_number, 76);
      const held = await getOrder(order.order_number);
      expect(held).toMatchObject({ status: 'On Hold', exception: { id: 76 } });
      await expect(sandbox.control.holdOrder(order.order_number, 64)).rejects.toMatchObject({ status: 409 });
    });
  });

  describe("the partner's patient-safety intake", () => {
    it('records the patient_safety each POST /orders carried, and raises 74 Allergy Detected for an allergy to the drug', async () => {
      const { result, patientId, prescriptionId } = await newPrescription('allergy-from-intake');
      const intake = result.patient.directoryEntries[0]?.patientSafety as { allergies: string[] };
      expect(intake.allergies).toHaveLength(1);
      const allergy = intake.allergies[0] as string;
      // The intake is in the partner's directory as the engine reads it.
      const listed = await fetch(`${sandbox.url}/partner/patients/search`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sandbox.config.PARTNER_DIRECTORY_API_KEY}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ partner_patient_id: result.patient.directoryEntries[0]?.partnerPatientId }),
      });
      expect(((await listed.json()) as { patients: { patientSafety?: unknown }[] }).patients).toEqual([
        expect.objectContaining({ patientSafety: { medications: [], healthConditions: [], allergies: [allergy] } }),
      ]);

      const safety = {
        medications: ['ibuprofen'],
        health_conditions: [],
        allergies: [{ name: allergy.toUpperCase() }],
      };
      const body = minimalOrderBody(patientId, [prescriptionId]);
      const answer = await hb.request('POST', '/orders', {
        body: { ...body, patient: { ...body.patient, patient_safety: safety } },
      });
      expect(answer.status, answer.text).toBe(201);
      const orderNumber = honeybeeOrder.parse((answer.body as { order: unknown }).order).order_number;
      await sandbox.control.advance(STEP_MS);
      expect(await getOrder(orderNumber)).toMatchObject({
        status: 'On Hold',
        exception: { id: 74, name: 'Allergy Detected' },
      });
      const { orders } = await sandbox.control.honeybeeOrders();
      expect(orders.find((record) => record.order.order_number === orderNumber)?.patientSafety).toEqual(safety);
    });

    it('fills the same prescription normally when the order names no allergy to its drug', async () => {
      const { patientId, prescriptionId } = await newPrescription('allergy-from-intake');
      const order = await createOrder(patientId, [prescriptionId]);
      await sandbox.control.advance(STEP_MS);
      expect((await getOrder(order.order_number)).status).toBe('Filling');
      const { orders } = await sandbox.control.honeybeeOrders();
      expect(orders.find((record) => record.order.order_number === order.order_number)?.patientSafety).toEqual({
        medications: [],
        health_conditions: [],
        allergies: [],
      });
    });

    it('can leave the intake out of the directory record (intake: missing)', async () => {
      const { result } = await newPrescription('happy-path', { intake: 'missing', allergies: ['latex'] });
      expect(result.patient.directoryEntries[0]).not.toHaveProperty('patientSafety');
      const { result: listed } = await newPrescription('happy-path', { allergies: ['latex'] });
      expect(listed.patient.directoryEntries[0]?.patientSafety).toEqual({
        medications: [],
        healthConditions: [],
        allergies: ['latex'],
      });
    });
  });

  describe('Automatic Processing and the vendor sandbox simulation', () => {
    it('creates the order itself on receipt of the prescription, so a create answers 409', async () => {
      const { result, patientId, prescriptionId } = await newPrescription('happy-path', { mode: 'automatic' });
      expect(result.orderNumber).toMatch(/^HB/);
      const order = await getOrder(result.orderNumber!);
      expect(order.status).toBe('Processing');
      const again = await hb.request('POST', '/orders', { body: minimalOrderBody(patientId, [prescriptionId]) });
      expect(again.status).toBe(409);
      await receiver.waitFor(() => eventsFor(result.orderNumber!).length >= 1);
      const received = receiver.received.filter((hook) => hook.json.patient_id === patientId);
      expect(received.map((hook) => hook.json.event_type)).toEqual(['RX_RECEIVED', 'RX_UPDATED']);
      const { orders } = await sandbox.control.honeybeeOrders();
      expect(orders.find((record) => record.order.order_number === result.orderNumber)?.origin).toBe('automatic');
    });

    it('under Automatic Processing an address it cannot ship to becomes exception 77', async () => {
      const { result } = await newPrescription('address-rejected', { mode: 'automatic' });
      await sandbox.control.advance(STEP_MS);
      expect((await getOrder(result.orderNumber!)).exception?.id).toBe(77);
    });

    it('POST /simulate fires RX_RECEIVED for a new e-prescription (202); other simulations answer 422', async () => {
      const answer = await hb.request('POST', '/simulate', {
        body: {
          simulation_type: 'event',
          simulation: { event_type: 'RX_RECEIVED', medication_requests: [{ id: 7_777_777 }] },
        },
      });
      expect(answer.status, answer.text).toBe(202);
      expect(Object.keys(answer.body as object)).toEqual(['simulation_id']);
      expect((answer.body as { simulation_id: string }).simulation_id).toMatch(/^[0-9a-f-]{36}$/);
      const hooks = await receiver.waitFor((all) =>
        all.some((hook) => hook.json.event_type === 'RX_RECEIVED' && JSON.stringify(hook.json).includes('7777777')),
      );
      const event = rxReceivedEvent.parse(
        hooks.find((hook) => hook.json.event_type === 'RX_RECEIVED' && JSON.stringify(hook.json).includes('7777777'))!
          .json,
      );
      expect(event.medication_requests[0]).toMatchObject({ id: 7_777_777, prescription_id: 7_777_777 });
      const rx = await hb.request('GET', `/patients/${event.patient_id}/rx`);
      expect(JSON.stringify(rx.body)).toContain('7777777');

      const again = await hb.request('POST', '/simulate', {
        body: {
          simulation_type: 'event',
          simulation: { event_type: 'RX_RECEIVED', medication_requests: [{ id: 7_777_777 }] },
        },
      });
      expect(again.status).toBe(422);
      const unknown = await hb.request('POST', '/simulate', {
        body: { simulation_type: 'event', simulation: { event_type: 'ORDER_EXCEPTION' } },
      });
      expect(unknown.status).toBe(422);
      honeybeeErrors.parse(unknown.body);
      expect((await sandbox.control.counters()).honeybee.simulations).toBe(1);
    });
  });

  it('every webhook it sent verifies with the engine verifiers (signature and secret) and has the contract shape', async () => {
    await sandbox.control.settleWebhooks();
    const hooks: ReceivedWebhook[] = receiver.received;
    expect(hooks.length).toBeGreaterThan(50);
    for (const hook of hooks) {
      expect(hook.path).toBe('/webhooks/honeybee');
      const check = checkHoneybeeWebhook(sandbox.config, hookUrl, hook.headers, hook.body);
      expect(check, JSON.stringify(hook.json)).toEqual({ signature: true, secret: true, shape: true });
    }
    const tampered = Buffer.concat([hooks[0]!.body, Buffer.from(' ')]);
    expect(checkHoneybeeWebhook(sandbox.config, hookUrl, hooks[0]!.headers, tampered).signature).toBe(false);
    const { deliveries } = await sandbox.control.webhooks({ vendor: 'honeybee' });
    expect(deliveries.length).toBe(hooks.length);
    expect(deliveries.every((delivery) => delivery.state === 'delivered' && delivery.attempts[0]?.status === 200)).toBe(
      true,
    );
  });
});
