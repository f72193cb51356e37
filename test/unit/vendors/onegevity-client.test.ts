// The Onegevity client against a real local HTTP server: token with scopes, every endpoint's method, path and body,
// its error bodies (ValidationError, GeneralError) and its statuses.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/env.js';
import { FailureType } from '../../../src/domain/failure-types.js';
import {
  createOnegevityClientFromConfig,
  createOnegevityClientParts,
  type OnegevityClientOptions,
} from '../../../src/vendors/onegevity/client.js';
import { MAX_JSON_ANSWER_BYTES } from '../../../src/vendors/shared/transport.js';
import { VendorError } from '../../../src/vendors/shared/vendor-error.js';
import { startScriptedServer, type ScriptedReply, type ScriptedServer } from '../../harness/scripted-http-server.js';

const ROOT = '/onegevity';
const API = `${ROOT}/api/v1`;
const TOKEN = `${ROOT}/oauth/token`;
const ORDER_ID = 'lab0123456789abcdef01234567';
const PATIENT_ID = 'P-1001';
const ORDER_PATH = `/patients/${PATIENT_ID}/orders/${ORDER_ID}`;

let server: ScriptedServer;
let issued = 0;

const ORDER = {
  orderIdentifier: ORDER_ID,
  patientIdentifier: PATIENT_ID,
  packageIdentifier: 'KIT-STANDARD',
  status: 'created',
  completed: false,
  createdAt: '2026-11-01T10:00:00Z',
  elements: [{ packageElementIdentifier: 'EL-1', kitStatus: 'Not Activated', activationCode: null }],
  fulfillment: { requestIdentifier: ORDER_ID, status: 'Requested', trackingNumber: null, trackingUrl: null },
};

const ADDRESS = { streetAddress1: '1 Main St', city: 'Austin', region: 'TX', country: 'US', postalCode: '78701' };
const PATIENT = {
  firstName: 'Ana',
  lastName: 'Lee',
  gender: 'FEMALE' as const,
  dateOfBirth: '1990-02-03',
  email: 'ana.lee@example.com',
  address: ADDRESS,
  phoneNumber: '+1 512 555 0100',
};
const FULFILLMENT = {
  recipientFirstName: 'Ana',
  recipientLastName: 'Lee',
  recipientPhoneNumber: '+1 512 555 0100',
  shippingMethod: 'GROUND' as const,
  shippingAddress: ADDRESS,
};

function options(overrides: Partial<OnegevityClientOptions> = {}): OnegevityClientOptions {
  return {
    apiUrl: `${server.url}${ROOT}/`,
    clientId: 'og-client',
    clientSecret: 'og-secret',
    tokenAuth: 'form',
    scopes: 'patients_read patients_write fulfillment',
    timeoutMs: 5_000,
    ...overrides,
  };
}

function api(method: string, path: string, reply: ScriptedReply) {
  server.route(method, `${API}${path}`, (request) =>
    request.headers.authorization === `Bearer og-token-${issued}`
      ? reply
      : { status: 401, body: { id: 'x', message: 'no' } },
  );
}

const sent = (method: string, path: string) => server.requestsTo(method, `${API}${path}`);

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VendorError);
  return error as VendorError;
}

beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  issued = 0;
  server.route('POST', TOKEN, () => {
    issued += 1;
    return {
      status: 200,
      body: { access_token: `og-token-${issued}`, token_type: 'bearer', expires_in: 3600, scope: 'x' },
    };
  });
});

describe('Onegevity token', () => {
  it('asks {root}/oauth/token for the configured scopes', async () => {
    api('GET', ORDER_PATH, { status: 200, body: ORDER });
    const { client } = createOnegevityClientParts(options());
    await client.getPatientOrder(PATIENT_ID, ORDER_ID);
    const form = Object.fromEntries(new URLSearchParams(server.requestsTo('POST', TOKEN)[0]?.text));
    expect(form).toEqual({
      grant_type: 'client_credentials',
      client_id: 'og-client',
      client_secret: 'og-secret',
      scope: 'patients_read patients_write fulfillment',
    });
  });

  it('403 (insufficient scope) is VendorUnauthorized without a token refresh', async () => {
    api('GET', ORDER_PATH, {
      status: 403,
      body: { id: 'req-body-id', message: 'insufficient scope' },
      omitRequestId: true,
    });
    const { client } = createOnegevityClientParts(options());
    const error = await failure(client.getPatientOrder(PATIENT_ID, ORDER_ID));
    expect(error).toMatchObject({ failureType: FailureType.VendorUnauthorized, status: 403, requestId: 'req-body-id' });
    expect(server.requestsTo('POST', TOKEN)).toHaveLength(1);
  });
});

describe('Onegevity endpoints', () => {
  it('createPatientOrder: POST /patients/{p}/orders with the checked body; statuses normalised', async () => {
    api('POST', `/patients/${PATIENT_ID}/orders`, { status: 201, body: ORDER });
    const { client } = createOnegevityClientParts(options());
    const request = {
      orderIdentifier: ORDER_ID,
      packageIdentifier: 'KIT-STANDARD',
      patientInformation: PATIENT,
      fulfillmentInformation: FULFILLMENT,
    };
    const result = await client.createPatientOrder(PATIENT_ID, request);
    expect(result.status).toBe(201);
    expect(result.requestId).toMatch(/^req-/);
    expect(result.data.status).toBe('CREATED');
    expect(result.data.elements[0]?.kitStatus).toBe('NOT_ACTIVATED');
    expect(result.data.fulfillment?.status).toBe('REQUESTED');
    expect(JSON.parse(sent('POST', `/patients/${PATIENT_ID}/orders`)[0]?.text ?? '')).toEqual(request);
  });

  it('createPatientOrder refuses a bad gender or shipping method before sending', async () => {
    const { client } = createOnegevityClientParts(options());
    const error = await failure(
      client.createPatientOrder(PATIENT_ID, {
        orderIdentifier: ORDER_ID,
        packageIdentifier: 'KIT-STANDARD',
        // @ts-expect-error -- what an untyped caller could send
        patientInformation: { ...PATIENT, gender: 'F' },
        // @ts-expect-error -- likewise
        fulfillmentInformation: { ...FULFILLMENT, shippingMethod: 'DRONE' },
      }),
    );
    expect(error.failureType).toBe(FailureType.InvalidInput);
    expect(error.fields).toEqual(['patientInformation.gender', 'fulfillmentInformation.shippingMethod']);
    expect(server.requests).toHaveLength(0);
  });

  it('createPatientOrder refuses a body without the fields VENDOR-FACTS does not mark optional', async () => {
    const { client } = createOnegevityClientParts(options());
    const { email: _email, address: _address, phoneNumber: _phone, ...patient } = PATIENT;
    const { recipientPhoneNumber: _recipientPhone, ...fulfillment } = FULFILLMENT;
    const error = await failure(
      client.createPatientOrder(PATIENT_ID, {
        orderIdentifier: ORDER_ID,
        packageIdentifier: 'KIT-STANDARD',
        // @ts-expect-error -- what an untyped caller could send
        patientInformation: patient,
        // @ts-expect-error -- likewise
        fulfillmentInformation: fulfillment,
      }),
    );
    expect(error.failureType).toBe(FailureType.InvalidInput);
    expect(error.fields).toEqual([
      'patientInformation.email',
      'patientInformation.address',
      'patientInformation.phoneNumber',
      'fulfillmentInformation.recipientPhoneNumber',
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('activateKits: PATCH the order with kitActivations', async () => {
    api('PATCH', ORDER_PATH, {
      status: 200,
      body: {
        ...ORDER,
        elements: [{ packageElementIdentifier: 'EL-1', kitStatus: 'ACTIVATED', activationCode: 'TH-AB12' }],
      },
    });
    const { client } = createOnegevityClientParts(options());
    const result = await client.activateKits(PATIENT_ID, ORDER_ID, [
      { packageElementIdentifier: 'EL-1', activationCode: 'TH-AB12' },
    ]);
    expect(result.data.elements[0]).toMatchObject({ kitStatus: 'ACTIVATED', activationCode: 'TH-AB12' });
    expect(JSON.parse(sent('PATCH', ORDER_PATH)[0]?.text ?? '')).toEqual({
      kitActivations: [{ packageElementIdentifier: 'EL-1', activationCode: 'TH-AB12' }],
    });
  });

  it('listReports: GET …/reports with paging; an empty page before release; a bare list is read too', async () => {
    server.queue('GET', `${API}${ORDER_PATH}/reports`, {
      status: 200,
      body: { pageNumber: 1, numberOfElements: 0, totalNumberOfElements: 0, content: [] },
    });
    api('GET', `${ORDER_PATH}/reports`, {
      status: 200,
      body: [{ reportIdentifier: 'R-1', name: 'Panel', releasedAt: 'x' }],
    });
    const { client } = createOnegevityClientParts(options());
    expect((await client.listReports(PATIENT_ID, ORDER_ID, { pageNumber: 2, pageSize: 10 })).data.content).toEqual([]);
    expect(sent('GET', `${ORDER_PATH}/reports`)[0]?.url.search).toBe('?pageNumber=2&pageSize=10');
    const later = await client.listReports(PATIENT_ID, ORDER_ID);
    expect(later.data.content[0]?.reportIdentifier).toBe('R-1');
    expect(sent('GET', `${ORDER_PATH}/reports`)[1]?.url.search).toBe('');
  });

  it('getReportDocument: the PDF asked for; a 200 of anything else is not passed on as the report', async () => {
    const path = `${ORDER_PATH}/reports/R-1`;
    server.queue('GET', `${API}${path}`, {
      status: 200,
      headers: { 'content-type': 'application/pdf' },
      body: Buffer.from('%PDF-1.4 report'),
    });
    api('GET', path, { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' });
    const { client } = createOnegevityClientParts(options());
    const report = await client.getReportDocument(PATIENT_ID, ORDER_ID, 'R-1');
    expect(report.data).toMatchObject({ contentType: 'application/pdf' });
    expect(report.data.bytes.toString()).toBe('%PDF-1.4 report');
    await expect(client.getReportDocument(PATIENT_ID, ORDER_ID, 'R-1')).rejects.toMatchObject({
      failureType: FailureType.VendorResponseInvalid,
      message: expect.stringContaining('without the application/pdf asked for') as unknown,
    });
  });

  it('an answer over the size limit is dropped as it arrives: VendorResponseInvalid, not retried', async () => {
    const big = Buffer.alloc(MAX_JSON_ANSWER_BYTES + 1024, 0x20);
    api('GET', `${ORDER_PATH}/reports`, { status: 200, headers: { 'content-type': 'application/json' }, body: big });
    const { client } = createOnegevityClientParts(options());
    await expect(client.listReports(PATIENT_ID, ORDER_ID)).rejects.toMatchObject({
      failureType: FailureType.VendorResponseInvalid,
      retryable: false,
      message: expect.stringContaining(`an answer over ${MAX_JSON_ANSWER_BYTES} bytes`) as unknown,
    });
  });

  it('fulfillment requests: create, get and cancel', async () => {
    const fulfillmentRequest = {
      requestIdentifier: `${ORDER_ID}R2`,
      orderIdentifier: ORDER_ID,
      patientIdentifier: PATIENT_ID,
      status: 'REQUESTED',
      fulfillmentInformation: FULFILLMENT,
      trackingNumber: null,
      trackingUrl: null,
    };
    api('POST', '/fulfillment-requests', { status: 201, body: fulfillmentRequest });
    api('GET', `/fulfillment-requests/${ORDER_ID}R2`, {
      status: 200,
      body: { ...fulfillmentRequest, status: 'shipped' },
    });
    api('POST', `/fulfillment-requests/${ORDER_ID}R2/cancel`, {
      status: 200,
      body: { ...fulfillmentRequest, status: 'Cancelled' },
    });
    const { client } = createOnegevityClientParts(options());

    const created = await client.createFulfillmentRequest({
      requestIdentifier: `${ORDER_ID}R2`,
      orderIdentifier: ORDER_ID,
      patientIdentifier: PATIENT_ID,
      fulfillmentInformation: FULFILLMENT,
    });
    expect(created.data.requestIdentifier).toBe(`${ORDER_ID}R2`);
    expect(JSON.parse(sent('POST', '/fulfillment-requests')[0]?.text ?? '')).toMatchObject({
      requestIdentifier: `${ORDER_ID}R2`,
    });
    expect((await client.getFulfillmentRequest(`${ORDER_ID}R2`)).data.status).toBe('SHIPPED');
    expect((await client.cancelFulfillmentRequest(`${ORDER_ID}R2`)).data.status).toBe('CANCELED');
  });

  it.each(['x'.repeat(36), 'lab-123', ''])('refuses requestIdentifier %j before sending', async (requestIdentifier) => {
    const { client } = createOnegevityClientParts(options());
    const error = await failure(
      client.createFulfillmentRequest({
        requestIdentifier,
        orderIdentifier: ORDER_ID,
        patientIdentifier: PATIENT_ID,
        fulfillmentInformation: FULFILLMENT,
      }),
    );
    expect(error).toMatchObject({ failureType: FailureType.InvalidInput, fields: ['requestIdentifier'] });
    expect(server.requests).toHaveLength(0);
  });
});

describe('Onegevity errors', () => {
  it('400 ValidationError is VendorRejected with the field names (not their messages)', async () => {
    api('PATCH', ORDER_PATH, {
      status: 400,
      body: {
        id: 'val-1',
        globalErrors: [],
        fieldErrors: [{ fieldName: 'kitActivations[0].activationCode', message: 'TH-ab is not a valid code for Ana' }],
      },
    });
    const { client } = createOnegevityClientParts(options());
    const error = await failure(
      client.activateKits(PATIENT_ID, ORDER_ID, [{ packageElementIdentifier: 'EL-1', activationCode: 'TH-ab' }]),
    );
    expect(error).toMatchObject({
      failureType: FailureType.VendorRejected,
      status: 400,
      fields: ['kitActivations[0].activationCode'],
      retryable: false,
    });
    expect(error.message).not.toContain('Ana');
    expect(error.message).not.toContain('TH-ab');
  });

  it('409 GeneralError (order exists) is VendorConflict', async () => {
    api('POST', `/patients/${PATIENT_ID}/orders`, { status: 409, body: { id: 'c-1', message: 'exists' } });
    const { client } = createOnegevityClientParts(options());
    const error = await failure(
      client.createPatientOrder(PATIENT_ID, {
        orderIdentifier: ORDER_ID,
        packageIdentifier: 'KIT-STANDARD',
        patientInformation: PATIENT,
      }),
    );
    expect(error.failureType).toBe(FailureType.VendorConflict);
  });

  it('404, 429 and 503 are classified like Honeybee', async () => {
    api('GET', `/fulfillment-requests/nope`, { status: 404, body: { id: 'n', message: 'not found' } });
    api('GET', `/fulfillment-requests/busy`, { status: 429, headers: { 'retry-after': '2' } });
    api('GET', `/fulfillment-requests/down`, { status: 503, body: { id: 'd', message: 'maintenance' } });
    const { client } = createOnegevityClientParts(options());
    expect((await failure(client.getFulfillmentRequest('nope'))).failureType).toBe(FailureType.VendorNotFound);
    expect(await failure(client.getFulfillmentRequest('busy'))).toMatchObject({
      failureType: FailureType.VendorRateLimited,
      retryAfterMs: 2_000,
    });
    expect((await failure(client.getFulfillmentRequest('down'))).failureType).toBe(FailureType.VendorUnavailable);
  });
});

describe('createOnegevityClientFromConfig', () => {
  it('derives the token URL and the REST base from ONEGEVITY_API_URL', async () => {
    api('GET', ORDER_PATH, { status: 200, body: ORDER });
    const client = createOnegevityClientFromConfig(
      loadConfig({
        ONEGEVITY_API_URL: `${server.url}${ROOT}`,
        ONEGEVITY_CLIENT_ID: 'cfg',
        ONEGEVITY_CLIENT_SECRET: 'cfg-secret',
        ONEGEVITY_SCOPES: 'patients_read',
      }),
    );
    expect((await client.getPatientOrder(PATIENT_ID, ORDER_ID)).data.orderIdentifier).toBe(ORDER_ID);
    const token = server.requestsTo('POST', TOKEN)[0];
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from('cfg:cfg-secret').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(token?.text))).toEqual({
      grant_type: 'client_credentials',
      scope: 'patients_read',
    });
  });

  it('names the missing credentials', () => {
    expect(() => createOnegevityClientFromConfig(loadConfig({ ONEGEVITY_CLIENT_SECRET: 'x' }))).toThrow(ConfigError);
    expect(() => createOnegevityClientFromConfig(loadConfig({ ONEGEVITY_CLIENT_SECRET: 'x' }))).toThrow(
      /ONEGEVITY_CLIENT_ID/,
    );
  });
});
