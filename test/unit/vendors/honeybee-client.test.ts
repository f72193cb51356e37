// The Honeybee client against a real local HTTP server (no request interception): every endpoint's method, path and
// body; the ETag cache; 401 → one refresh → one retry; classification of 409, 422, 429 (both Retry-After forms), 500,
// 503, a hanging server and a dropped connection; and 50 concurrent calls with an expired token.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/env.js';
import { FailureType } from '../../../src/domain/failure-types.js';
import {
  createHoneybeeClientFromConfig,
  createHoneybeeClientParts,
  type HoneybeeClientOptions,
} from '../../../src/vendors/honeybee/client.js';
import { VendorError } from '../../../src/vendors/shared/vendor-error.js';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../../harness/scripted-http-server.js';

const API = '/honeybee/v1';
const TOKEN = '/honeybee/oauth/token';

let server: ScriptedServer;
let clock = 0;
let issued = 0;
/** Bearer tokens the fake API accepts. */
const valid = new Set<string>();

const ORDER = {
  order_number: 'HB7K2M9Q',
  patient_id: 4242,
  created_at: '2026-11-01T10:00:00Z',
  status: 'Processing',
  items: [{ prescription_id: 1111111, quantity: 1, package_size: 90 }],
  medication_dispenses: [{ dispense_id: 9001, prescription_id: 1111111, order_status: 'Processing', shipment: null }],
  exception: null,
  order_actions: [],
  partner_reference: 'kept-as-is',
};

const PATIENT = {
  patient_id: 4242,
  ehr_id: 'EHR-12345',
  first_name: 'José',
  last_name: 'Ñandú',
  dob: '1980-01-31',
  gender: 'M',
  email: 'jose@example.com',
  phone: '5550100',
  address: { street1: '1 Main St', street2: null, city: 'San Francisco', state: 'CA', zip: '94107' },
};

const ADDRESS = { street1: '1 Main St', city: 'San Francisco', state: 'CA', zip: '94107' };

function options(overrides: Partial<HoneybeeClientOptions> = {}): HoneybeeClientOptions {
  return {
    apiUrl: `${server.url}${API}`,
    tokenUrl: `${server.url}${TOKEN}`,
    clientId: 'hb-client',
    clientSecret: 'hb-secret',
    tokenAuth: 'basic',
    timeoutMs: 5_000,
    now: () => clock,
    ...overrides,
  };
}

/** An API route that checks the bearer token like the vendor does. */
function api(
  method: string,
  path: string,
  reply: (request: RecordedRequest) => Parameters<ScriptedServer['route']>[2],
) {
  server.route(method, `${API}${path}`, (request) => {
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!valid.has(token)) return { status: 401, body: { error: 'invalid_token' } };
    const answer = reply(request);
    return typeof answer === 'function' ? answer(request) : answer;
  });
}

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VendorError);
  return error as VendorError;
}

const tokenRequests = () => server.requestsTo('POST', TOKEN);
const apiRequests = (method: string, path: string) => server.requestsTo(method, `${API}${path}`);

beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  clock = 1_000_000;
  issued = 0;
  valid.clear();
  server.route('POST', TOKEN, () => {
    issued += 1;
    valid.add(`token-${issued}`);
    return {
      status: 200,
      body: { access_token: `token-${issued}`, token_type: 'Bearer', expires_in: 43200, created_at: 1 },
    };
  });
});

describe('Honeybee endpoints', () => {
  it('getPatient: GET /patients/{id} with Accept and Bearer; keeps the request id and unknown fields', async () => {
    api('GET', '/patients/4242', () => ({ status: 200, body: { patient: { ...PATIENT, loyalty_tier: 'gold' } } }));
    const { client } = createHoneybeeClientParts(options());
    const result = await client.getPatient(4242);
    expect(result.data).toMatchObject({
      patient_id: 4242,
      ehr_id: 'EHR-12345',
      dob: '1980-01-31',
      loyalty_tier: 'gold',
    });
    expect(result.requestId).toMatch(/^req-\d+$/);
    expect(result.status).toBe(200);
    const [request] = apiRequests('GET', '/patients/4242');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers.authorization).toBe('Bearer token-1');
  });

  it('reads a bare resource as well as a wrapped one', async () => {
    api('GET', '/patients/7', () => ({ status: 200, body: { ...PATIENT, patient_id: 7 } }));
    const { client } = createHoneybeeClientParts(options());
    expect((await client.getPatient('7')).data.patient_id).toBe(7);
  });

  it('listPatientPrescriptions: GET /patients/{id}/rx, lenient about numbers and nulls', async () => {
    api('GET', '/patients/4242/rx', () => ({
      status: 200,
      body: {
        medication_requests: [
          { id: 1111111, prescription_id: 1111111, drug_schedule: '2', days_supply: null, refills_left: '3' },
          { id: 2222222, drug_schedule: 4, days_supply: 30, written_qty: 30 },
        ],
      },
    }));
    const { client } = createHoneybeeClientParts(options());
    const { data } = await client.listPatientPrescriptions(4242);
    expect(data).toHaveLength(2);
    expect(data[0]).toMatchObject({ drug_schedule: '2', days_supply: null, refills_left: 3, medication_dispenses: [] });
    expect(data[1]).toMatchObject({ drug_schedule: 4, days_supply: 30 });
  });

  it('listPatientPrescriptions reads the seed\'s singular wrapper, {"medication_request": {…}}', async () => {
    api('GET', '/patients/4242/rx', () => ({
      status: 200,
      body: { medication_request: { id: 1111111, prescription_id: 1111111, refills_left: 1, active: true } },
    }));
    const { client } = createHoneybeeClientParts(options());
    const { data } = await client.listPatientPrescriptions(4242);
    expect(data).toEqual([expect.objectContaining({ id: 1111111, refills_left: 1, active: true })]);
  });

  it('createOrder: POST /orders with the checked body; 201 order, statuses normalised', async () => {
    api('POST', '/orders', () => ({
      status: 201,
      body: {
        order: {
          ...ORDER,
          status: 'PROCESSING',
          medication_dispenses: [{ dispense_id: 1, order_status: 'cancelled' }],
        },
      },
    }));
    const { client } = createHoneybeeClientParts(options());
    const request = {
      shipping: { method_id: 1 },
      patient: {
        patient_id: 4242,
        patient_safety: { medications: [], health_conditions: [], allergies: ['penicillin'] },
      },
      items: [{ prescription_id: 1111111, quantity: 1, package_size: 90 }],
    };
    const result = await client.createOrder(request);
    expect(result.status).toBe(201);
    expect(result.data.order_number).toBe('HB7K2M9Q');
    expect(result.data.status).toBe('Processing');
    expect(result.data.medication_dispenses[0]?.order_status).toBe('Canceled');
    const [sent] = apiRequests('POST', '/orders');
    expect(sent?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(sent?.text ?? '')).toEqual(request);
  });

  it('createOrder refuses a malformed request before sending it (InvalidInput, field paths only)', async () => {
    const { client } = createHoneybeeClientParts(options());
    const error = await failure(
      client.createOrder({
        shipping: { method_id: 1 },
        patient: { patient_id: 4242, patient_safety: { medications: [], health_conditions: [], allergies: [] } },
        items: [],
      }),
    );
    expect(error.failureType).toBe(FailureType.InvalidInput);
    expect(error.fields).toEqual(['items']);
    expect(server.requests).toHaveLength(0);
  });

  it('listOrders: GET /orders?patient_id= (ASSUMED filter), wrapped list', async () => {
    api('GET', '/orders', () => ({ status: 200, body: { orders: [ORDER, { ...ORDER, order_number: 'HB2' }] } }));
    const { client } = createHoneybeeClientParts(options());
    const { data } = await client.listOrders({ patientId: 4242 });
    expect(data.map((order) => order.order_number)).toEqual(['HB7K2M9Q', 'HB2']);
    expect(apiRequests('GET', '/orders')[0]?.url.search).toBe('?patient_id=4242');
  });

  it('submitOrderAction: POST /orders/{n}/actions with the action beside its fields; 204 → undefined', async () => {
    api('POST', '/orders/HB7K2M9Q/actions', () => ({ status: 204 }));
    const { client } = createHoneybeeClientParts(options());
    const result = await client.submitOrderAction('HB7K2M9Q', {
      action: 'override_allergy',
      fields: { prescriber_note: 'benefit outweighs risk' },
    });
    expect(result.data).toBeUndefined();
    expect(result.status).toBe(204);
    expect(JSON.parse(apiRequests('POST', '/orders/HB7K2M9Q/actions')[0]?.text ?? '')).toEqual({
      action: 'override_allergy',
      prescriber_note: 'benefit outweighs risk',
    });
  });

  it('reorder, updateOrderShippingAddress, addPatientShippingAddress and simulate', async () => {
    api('POST', '/orders/HB7K2M9Q/reorders', () => ({
      status: 201,
      body: { order: { ...ORDER, order_number: 'HBNEW' } },
    }));
    api('PUT', '/orders/HB7K2M9Q/shipping_address', () => ({ status: 204 }));
    api('POST', '/patients/4242/shipping_address', () => ({ status: 201, body: { address: { ...ADDRESS, id: 5 } } }));
    api('POST', '/simulate', () => ({ status: 202, body: { simulation_id: 'sim-1' } }));
    const { client } = createHoneybeeClientParts(options());

    expect((await client.reorder('HB7K2M9Q')).data.order_number).toBe('HBNEW');
    expect(apiRequests('POST', '/orders/HB7K2M9Q/reorders')[0]?.text).toBe('');

    expect((await client.updateOrderShippingAddress('HB7K2M9Q', ADDRESS)).status).toBe(204);
    expect(JSON.parse(apiRequests('PUT', '/orders/HB7K2M9Q/shipping_address')[0]?.text ?? '')).toEqual({
      address: ADDRESS,
    });

    const added = await client.addPatientShippingAddress(4242, { ...ADDRESS, street2: 'Apt 4' });
    expect(added.data).toMatchObject({ ...ADDRESS, id: 5 });
    expect(JSON.parse(apiRequests('POST', '/patients/4242/shipping_address')[0]?.text ?? '')).toEqual({
      address: { ...ADDRESS, street2: 'Apt 4' },
    });

    const simulation = {
      simulation_type: 'event',
      simulation: { event_type: 'RX_RECEIVED', medication_requests: [{ id: 1 }] },
    };
    expect((await client.simulate(simulation)).data.simulation_id).toBe('sim-1');
    expect(JSON.parse(apiRequests('POST', '/simulate')[0]?.text ?? '')).toEqual(simulation);
  });

  it('encodes ids in paths and refuses empty ones', async () => {
    api('GET', '/orders/A%2FB%20C', () => ({ status: 200, body: { order: { ...ORDER, order_number: 'A/B C' } } }));
    const { client } = createHoneybeeClientParts(options());
    expect((await client.getOrder('A/B C')).data.order_number).toBe('A/B C');
    expect((await failure(client.getOrder(' '))).failureType).toBe(FailureType.InvalidInput);
  });
});

describe('ETag cache', () => {
  it('sends If-None-Match and serves the cached body on 304, with the 304 request id', async () => {
    let version = 1;
    api('GET', '/orders/HB7K2M9Q', (request) => {
      const etag = `W/"v${version}"`;
      if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
      return {
        status: 200,
        headers: { etag },
        body: { order: { ...ORDER, status: version === 1 ? 'Filling' : 'Shipped' } },
      };
    });
    const { client, http } = createHoneybeeClientParts(options());

    const first = await client.getOrder('HB7K2M9Q');
    expect(first.fromCache).toBe(false);
    expect(first.data.status).toBe('Filling');
    first.data.status = 'mutated by the caller';

    const second = await client.getOrder('HB7K2M9Q');
    expect(apiRequests('GET', '/orders/HB7K2M9Q')[1]?.headers['if-none-match']).toBe('W/"v1"');
    expect(second.status).toBe(304);
    expect(second.fromCache).toBe(true);
    expect(second.data.status).toBe('Filling');
    expect(second.requestId).not.toBe(first.requestId);
    expect(second.requestId).toMatch(/^req-/);

    version = 2;
    const third = await client.getOrder('HB7K2M9Q');
    expect(third.fromCache).toBe(false);
    expect(third.data.status).toBe('Shipped');
    expect(http.etagCache.get(`${server.url}${API}/orders/HB7K2M9Q`)?.etag).toBe('W/"v2"');
  });

  it('does not send If-None-Match without a cached ETag, and forgets the entry on 404', async () => {
    api('GET', '/orders/GONE', (request) =>
      request.headers['if-none-match']
        ? { status: 404, body: { error: { error_code: 404, message: 'gone' } } }
        : { status: 200, headers: { etag: 'W/"x"' }, body: ORDER },
    );
    const { client, http } = createHoneybeeClientParts(options());
    await client.getOrder('GONE');
    expect(apiRequests('GET', '/orders/GONE')[0]?.headers['if-none-match']).toBeUndefined();
    const error = await failure(client.getOrder('GONE'));
    expect(error.failureType).toBe(FailureType.VendorNotFound);
    expect(http.etagCache.size).toBe(0);
  });

  it('keeps no more entries than configured', async () => {
    for (const n of [1, 2, 3]) {
      api('GET', `/orders/O${n}`, () => ({
        status: 200,
        headers: { etag: `W/"${n}"` },
        body: { ...ORDER, order_number: `O${n}` },
      }));
    }
    const { client, http } = createHoneybeeClientParts(options({ etagCacheSize: 2 }));
    for (const n of [1, 2, 3]) await client.getOrder(`O${n}`);
    expect(http.etagCache.size).toBe(2);
    await client.getOrder('O1');
    expect(apiRequests('GET', '/orders/O1')[1]?.headers['if-none-match']).toBeUndefined();
  });
});

describe('401: one refresh, one retry', () => {
  it('refreshes the token and retries the request once', async () => {
    api('GET', '/orders/HB7K2M9Q', () => ({ status: 200, body: { order: ORDER } }));
    const { client } = createHoneybeeClientParts(options());
    await client.getOrder('HB7K2M9Q');
    valid.delete('token-1'); // revoked at the vendor before it expired
    const result = await client.getOrder('HB7K2M9Q');
    expect(result.data.order_number).toBe('HB7K2M9Q');
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests('GET', '/orders/HB7K2M9Q').map((request) => request.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('a second 401 is VendorUnauthorized, with no further attempts', async () => {
    server.route('POST', `${API}/orders`, { status: 401, body: { error: 'invalid_token' } });
    const { client } = createHoneybeeClientParts(options());
    const error = await failure(
      client.createOrder({
        shipping: { method_id: 1 },
        patient: { patient_id: 1, patient_safety: { medications: [], health_conditions: [], allergies: [] } },
        items: [{ prescription_id: 1, quantity: 1 }],
      }),
    );
    expect(error.failureType).toBe(FailureType.VendorUnauthorized);
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('after a token refresh');
    expect(apiRequests('POST', '/orders')).toHaveLength(2);
    expect(tokenRequests()).toHaveLength(2);
  });

  it('50 concurrent calls with an expired token make exactly one token request', async () => {
    api('GET', '/orders/HB7K2M9Q', () => ({ status: 200, body: { order: ORDER } }));
    const { client } = createHoneybeeClientParts(options());
    await client.getOrder('HB7K2M9Q');
    clock += 43_200_000; // past expiry
    const results = await Promise.all(Array.from({ length: 50 }, () => client.getOrder('HB7K2M9Q')));
    expect(results.every((result) => result.data.order_number === 'HB7K2M9Q')).toBe(true);
    expect(tokenRequests()).toHaveLength(2);
    expect(
      new Set(
        apiRequests('GET', '/orders/HB7K2M9Q')
          .slice(1)
          .map((r) => r.headers.authorization),
      ),
    ).toEqual(new Set(['Bearer token-2']));
  });

  it('50 concurrent calls answered 401 (token revoked at the vendor) make exactly one refresh', async () => {
    api('GET', '/orders/HB7K2M9Q', () => ({ status: 200, body: { order: ORDER } }));
    const { client } = createHoneybeeClientParts(options());
    await client.getOrder('HB7K2M9Q');
    valid.clear();
    const results = await Promise.all(Array.from({ length: 50 }, () => client.getOrder('HB7K2M9Q')));
    expect(results).toHaveLength(50);
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests('GET', '/orders/HB7K2M9Q')).toHaveLength(1 + 50 + 50);
  });
});

describe('failure classification (the client never retries on its own)', () => {
  const orderRequest = {
    shipping: { method_id: 1 },
    patient: { patient_id: 4242, patient_safety: { medications: [], health_conditions: [], allergies: [] } },
    items: [{ prescription_id: 1111111, quantity: 1 }],
  };

  it('409 is VendorConflict, not retryable, with the vendor code', async () => {
    api('POST', '/orders', () => ({
      status: 409,
      body: { error: { error_code: 409, message: 'conflicts with a recent request' } },
    }));
    const { client } = createHoneybeeClientParts(options());
    const error = await failure(client.createOrder(orderRequest));
    expect(error).toMatchObject({
      failureType: FailureType.VendorConflict,
      status: 409,
      codes: [409],
      retryable: false,
    });
    expect(error.requestId).toMatch(/^req-/);
    expect(apiRequests('POST', '/orders')).toHaveLength(1);
  });

  it('422 is VendorRejected with every code and field, and no PHI in the message', async () => {
    api('POST', '/orders', () => ({
      status: 422,
      body: {
        errors: [
          { code: 42227, message: 'Zip 94107-X for José is invalid', error_detail: [{ field: 'zip', message: 'bad' }] },
          { code: 42201, message: 'jose@example.com is not an email', error_detail: [{ field: 'email' }] },
        ],
      },
    }));
    const { client } = createHoneybeeClientParts(options());
    const error = await failure(
      client.createOrder({ ...orderRequest, address: { ...ADDRESS, first_name: 'José', zip: '94107-X' } }),
    );
    expect(error).toMatchObject({
      failureType: FailureType.VendorRejected,
      status: 422,
      codes: [42227, 42201],
      fields: ['zip', 'email'],
      retryable: false,
    });
    expect(error.message).toContain('POST /orders');
    expect(error.message).toContain('42227');
    for (const phi of ['José', 'jose@example.com', '94107', '1 Main St']) expect(error.message).not.toContain(phi);
    expect(JSON.stringify(error)).not.toContain('José');
  });

  it('keeps only code-, field- and id-shaped values of an error body: free text there may quote the patient', async () => {
    api('POST', '/orders', () => ({
      status: 422,
      headers: { 'x-request-id': `req-${'x'.repeat(200)} Jane Roe` },
      body: {
        errors: [
          { code: 'dob 1980-01-01 does not match', error_detail: [{ field: 'email jane@roe.io' }, { field: 'zip' }] },
          { code: 42201, error_detail: [{ field: 'address[0].street1' }] },
        ],
        error: 'No patient Jane Roe (DOB 1980-01-01) at 1 Main St',
      },
    }));
    const { client } = createHoneybeeClientParts(options());
    const error = await failure(client.createOrder(orderRequest));
    expect(error).toMatchObject({ codes: [42201], fields: ['zip', 'address[0].street1'] });
    expect(error.requestId).toBeUndefined();
    for (const phi of ['Jane', 'Roe', '1980', 'jane@roe.io', 'Main St']) expect(error.message).not.toContain(phi);
    expect(error.message.length).toBeLessThan(200);
  });

  it('400 is VendorRejected too', async () => {
    api('POST', '/orders', () => ({ status: 400, body: { errors: [{ code: 40001, message: 'syntax' }] } }));
    const { client } = createHoneybeeClientParts(options());
    expect(await failure(client.createOrder(orderRequest))).toMatchObject({
      failureType: FailureType.VendorRejected,
      codes: [40001],
    });
  });

  it('429 with Retry-After in seconds is VendorRateLimited with that delay', async () => {
    api('GET', '/orders/HB7K2M9Q', () => ({ status: 429, headers: { 'retry-after': '30' } }));
    const { client } = createHoneybeeClientParts(options());
    const error = await failure(client.getOrder('HB7K2M9Q'));
    expect(error).toMatchObject({ failureType: FailureType.VendorRateLimited, status: 429, retryAfterMs: 30_000 });
    expect(error.retryable).toBe(true);
    expect(apiRequests('GET', '/orders/HB7K2M9Q')).toHaveLength(1);
  });

  it('429 with Retry-After as an HTTP date is VendorRateLimited with the time until then', async () => {
    clock = Date.parse('2026-11-22T10:00:00Z');
    api('GET', '/orders/HB7K2M9Q', () => ({
      status: 429,
      headers: { 'retry-after': 'Sun, 22 Nov 2026 10:01:30 GMT' },
    }));
    const { client } = createHoneybeeClientParts(options());
    expect((await failure(client.getOrder('HB7K2M9Q'))).retryAfterMs).toBe(90_000);
  });

  it.each([500, 502, 503, 504])('%i is VendorUnavailable, retryable, tried once', async (status) => {
    api('GET', '/orders/HB7K2M9Q', () => ({ status, body: 'upstream trouble' }));
    const { client } = createHoneybeeClientParts(options());
    const error = await failure(client.getOrder('HB7K2M9Q'));
    expect(error).toMatchObject({ failureType: FailureType.VendorUnavailable, status, retryable: true });
    expect(apiRequests('GET', '/orders/HB7K2M9Q')).toHaveLength(1);
  });

  it('503 with Retry-After carries the delay', async () => {
    api('POST', '/orders', () => ({ status: 503, headers: { 'retry-after': '5' } }));
    const { client } = createHoneybeeClientParts(options());
    expect(await failure(client.createOrder(orderRequest))).toMatchObject({
      failureType: FailureType.VendorUnavailable,
      retryAfterMs: 5_000,
    });
    expect(apiRequests('POST', '/orders')).toHaveLength(1);
  });

  it('404 is VendorNotFound', async () => {
    api('GET', '/patients/9', () => ({
      status: 404,
      body: { error: { error_code: 404, message: 'no such patient' } },
    }));
    const { client } = createHoneybeeClientParts(options());
    expect(await failure(client.getPatient(9))).toMatchObject({
      failureType: FailureType.VendorNotFound,
      codes: [404],
    });
  });

  it('a server that never answers is VendorUnavailable after the timeout', async () => {
    api('GET', '/orders/HB7K2M9Q', () => ({ hang: true }));
    // The timeout bounds the token request too, and the hanging request must reach the server before it runs out: a
    // few hundred milliseconds is not enough for both under a loaded CI machine.
    const { client } = createHoneybeeClientParts(options({ timeoutMs: 2_000 }));
    const error = await failure(client.getOrder('HB7K2M9Q'));
    expect(error.failureType).toBe(FailureType.VendorUnavailable);
    expect(error.endpoint).toBe('GET /orders/{order_number}');
    expect(error.status).toBeUndefined();
    expect(error.message).toContain('timeout after 2000 ms');
    expect(apiRequests('GET', '/orders/HB7K2M9Q')).toHaveLength(1);
  });

  it('a dropped connection is VendorUnavailable, and a POST is not resent', async () => {
    api('POST', '/orders', () => ({ drop: true }));
    const { client } = createHoneybeeClientParts(options());
    const error = await failure(client.createOrder(orderRequest));
    expect(error.failureType).toBe(FailureType.VendorUnavailable);
    expect(error.message).toMatch(/network error E[A-Z]+/);
    expect(error.requestId).toBeUndefined();
    expect(apiRequests('POST', '/orders')).toHaveLength(1);
  });

  it('a dropped GET is not resent by got either', async () => {
    api('GET', '/orders/HB7K2M9Q', () => ({ drop: true }));
    const { client } = createHoneybeeClientParts(options());
    expect((await failure(client.getOrder('HB7K2M9Q'))).failureType).toBe(FailureType.VendorUnavailable);
    expect(apiRequests('GET', '/orders/HB7K2M9Q')).toHaveLength(1);
  });

  it('a 200 that is not JSON, or lacks the order number, is VendorResponseInvalid (locations, not values)', async () => {
    api('GET', '/orders/HTML', () => ({ status: 200, body: '<html>maintenance</html>' }));
    api('GET', '/orders/BAD', () => ({ status: 200, body: { order: { ...ORDER, order_number: undefined } } }));
    const { client } = createHoneybeeClientParts(options());
    const html = await failure(client.getOrder('HTML'));
    expect(html).toMatchObject({ failureType: FailureType.VendorResponseInvalid, status: 200, retryable: false });
    const bad = await failure(client.getOrder('BAD'));
    expect(bad.failureType).toBe(FailureType.VendorResponseInvalid);
    expect(bad.message).toContain('order_number');
  });

  it('a redirect is not followed and counts as an invalid response', async () => {
    api('GET', '/orders/MOVED', () => ({ status: 302, headers: { location: 'https://elsewhere.example/' } }));
    const { client } = createHoneybeeClientParts(options());
    expect((await failure(client.getOrder('MOVED'))).failureType).toBe(FailureType.VendorResponseInvalid);
  });
});

describe('createHoneybeeClientFromConfig', () => {
  it('uses the configured URLs, credentials and token auth', async () => {
    api('GET', '/orders/HB7K2M9Q', () => ({ status: 200, body: { order: ORDER } }));
    const client = createHoneybeeClientFromConfig(
      loadConfig({
        HONEYBEE_API_URL: `${server.url}${API}`,
        HONEYBEE_TOKEN_URL: `${server.url}${TOKEN}`,
        HONEYBEE_CLIENT_ID: 'cfg-client',
        HONEYBEE_CLIENT_SECRET: 'cfg-secret',
        HONEYBEE_TOKEN_AUTH: 'form',
        VENDOR_HTTP_TIMEOUT: '2s',
      }),
    );
    expect((await client.getOrder('HB7K2M9Q')).data.order_number).toBe('HB7K2M9Q');
    const form = Object.fromEntries(new URLSearchParams(tokenRequests()[0]?.text));
    expect(form).toMatchObject({ client_id: 'cfg-client', client_secret: 'cfg-secret' });
  });

  it('names the missing credentials', () => {
    expect(() => createHoneybeeClientFromConfig(loadConfig({ HONEYBEE_CLIENT_ID: 'x' }))).toThrow(ConfigError);
    expect(() => createHoneybeeClientFromConfig(loadConfig({}))).toThrow(
      /HONEYBEE_CLIENT_ID[\s\S]*HONEYBEE_CLIENT_SECRET/,
    );
  });
});
