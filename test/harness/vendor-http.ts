// Plain HTTP calls to the simulated vendors, as any client would make them (no engine client involved): tokens,
// authorized requests, and the answer with its status, headers and parsed body. The contract tests that later run the
// engine's own clients against the sandbox can reuse the scenarios and shape checks built on these.
import { SANDBOX_DEV_CREDENTIALS } from '../../src/sandbox/dev-credentials.js';

export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined for an empty or non-JSON body). */
  body: T;
}

export async function call<T = unknown>(url: string, init: RequestInit = {}): Promise<HttpAnswer<T>> {
  const response = await fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(15_000) });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: body as T };
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

interface TokenRequest {
  via?: 'basic' | 'form';
  clientId?: string;
  clientSecret?: string;
  grantType?: string;
  scope?: string;
}

function tokenInit(request: TokenRequest, id: string, secret: string): RequestInit {
  const form = new URLSearchParams({ grant_type: request.grantType ?? 'client_credentials' });
  if (request.scope !== undefined) form.set('scope', request.scope);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded;charset=utf-8',
    accept: 'application/json',
  };
  if ((request.via ?? 'basic') === 'basic') {
    headers.authorization = basic(request.clientId ?? id, request.clientSecret ?? secret);
  } else {
    form.set('client_id', request.clientId ?? id);
    form.set('client_secret', request.clientSecret ?? secret);
  }
  return { method: 'POST', headers, body: form.toString() };
}

abstract class VendorHttp {
  protected accessToken: string | undefined;

  constructor(readonly base: string) {}

  protected abstract fetchToken(): Promise<string>;

  async authorize(): Promise<string> {
    this.accessToken ??= await this.fetchToken();
    return this.accessToken;
  }

  /** Forgets the cached token (the next call fetches a new one). */
  reset(): void {
    this.accessToken = undefined;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; token?: string | null } = {},
  ): Promise<HttpAnswer<T>> {
    const managed = options.token === undefined;
    const send = async (token: string | null) => {
      const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.rawBody !== undefined) body = options.rawBody;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      return call<T>(`${this.base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    };
    const answer = await send(managed ? await this.authorize() : (options.token ?? null));
    if (!managed || answer.status !== 401) return answer;
    // As the vendors ask: on a 401, fetch a new token once and retry the request once.
    this.reset();
    return send(await this.authorize());
  }
}

/** Honeybee's Partner API in a sandbox: /honeybee/oauth/token and /honeybee/v1. */
export class HoneybeeHttp extends VendorHttp {
  constructor(
    readonly sandboxUrl: string,
    readonly clientId: string = SANDBOX_DEV_CREDENTIALS.HONEYBEE_CLIENT_ID,
    readonly clientSecret: string = SANDBOX_DEV_CREDENTIALS.HONEYBEE_CLIENT_SECRET,
  ) {
    super(`${sandboxUrl}/honeybee/v1`);
  }

  token(request: TokenRequest = {}) {
    return call<Record<string, unknown>>(
      `${this.sandboxUrl}/honeybee/oauth/token`,
      tokenInit(request, this.clientId, this.clientSecret),
    );
  }

  protected async fetchToken(): Promise<string> {
    const answer = await this.token();
    if (answer.status !== 200) throw new Error(`Honeybee token: ${answer.status} ${answer.text}`);
    return String(answer.body.access_token);
  }
}

/** Onegevity in a sandbox: /onegevity/oauth/token and /onegevity/api/v1. */
export class OnegevityHttp extends VendorHttp {
  constructor(
    readonly sandboxUrl: string,
    readonly scope = 'patients_read patients_write fulfillment',
    readonly clientId: string = SANDBOX_DEV_CREDENTIALS.ONEGEVITY_CLIENT_ID,
    readonly clientSecret: string = SANDBOX_DEV_CREDENTIALS.ONEGEVITY_CLIENT_SECRET,
  ) {
    super(`${sandboxUrl}/onegevity/api/v1`);
  }

  token(request: TokenRequest = {}) {
    return call<Record<string, unknown>>(
      `${this.sandboxUrl}/onegevity/oauth/token`,
      tokenInit({ scope: this.scope, ...request }, this.clientId, this.clientSecret),
    );
  }

  protected async fetchToken(): Promise<string> {
    const answer = await this.token();
    if (answer.status !== 200) throw new Error(`Onegevity token: ${answer.status} ${answer.text}`);
    return String(answer.body.access_token);
  }
}

/** The minimal POST /orders body for a patient's prescriptions (the address on file is used). */
export function minimalOrderBody(patientId: number, prescriptionIds: number[], methodId = 1) {
  return {
    shipping: { method_id: methodId },
    patient: { patient_id: patientId, patient_safety: { medications: [], health_conditions: [], allergies: [] } },
    items: prescriptionIds.map((prescriptionId) => ({
      prescription_id: prescriptionId,
      quantity: 1,
      package_size: 30,
    })),
  };
}

export const VALID_ADDRESS = {
  street1: '100 Example Ave',
  street2: null,
  city: 'Austin',
  state: 'TX',
  zip: '78701',
};

/** The full POST /orders body, with patient details and an address. */
export function fullOrderBody(
  patientId: number,
  prescriptionIds: number[],
  overrides: { patient?: Record<string, unknown>; address?: Record<string, unknown>; methodId?: number } = {},
) {
  return {
    shipping: { method_id: overrides.methodId ?? 1 },
    patient: {
      patient_id: patientId,
      first_name: 'Avery',
      last_name: 'Sandbox',
      dob: '1980-01-31',
      gender: 'F',
      email: 'avery.sandbox@example.com',
      phone: '415-555-0101',
      patient_safety: { medications: [], health_conditions: [], allergies: [] },
      ...overrides.patient,
    },
    address: {
      first_name: 'Avery',
      last_name: 'Sandbox',
      ...VALID_ADDRESS,
      phone: '415-555-0101',
      accept_suggested: false,
      ignore_warnings: false,
      ...overrides.address,
    },
    items: prescriptionIds.map((prescriptionId) => ({
      prescription_id: prescriptionId,
      quantity: 1,
      package_size: 30,
    })),
  };
}
