// OAuth2 client credentials against a real local token endpoint: how credentials are sent, caching, refresh before
// expiry, single flight, invalidation, and how token failures are classified.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../../src/domain/failure-types.js';
import { createTokenProvider, type TokenProviderOptions } from '../../../src/vendors/shared/token-provider.js';
import { VendorError } from '../../../src/vendors/shared/vendor-error.js';
import { startScriptedServer, type ScriptedServer } from '../../harness/scripted-http-server.js';

let server: ScriptedServer;
let clock = 0;
let issued = 0;

/** A token response; `expiresIn` null leaves expires_in out. */
function tokenReply(expiresIn: number | null = 3600) {
  issued += 1;
  const body: Record<string, unknown> = {
    access_token: `token-${issued}`,
    token_type: 'Bearer',
    created_at: 1592972935,
  };
  if (expiresIn !== null) body.expires_in = expiresIn;
  return { status: 200, body };
}

function provider(overrides: Partial<TokenProviderOptions> = {}) {
  return createTokenProvider({
    vendor: 'honeybee',
    tokenUrl: `${server.url}/oauth/token`,
    clientId: 'PAE_client id&=:',
    clientSecret: 'jXA3:secret/+ü',
    auth: 'basic',
    timeoutMs: 5_000,
    now: () => clock,
    ...overrides,
  });
}

const tokenRequests = () => server.requestsTo('POST', '/oauth/token');

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
  server.route('POST', '/oauth/token', () => tokenReply());
});

describe('token request', () => {
  it('basic: form-encoded credentials in HTTP Basic, only the grant type in the body', async () => {
    expect(await provider().getToken()).toBe('token-1');
    const [request] = tokenRequests();
    expect(request?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request?.headers.accept).toBe('application/json');
    const basic = Buffer.from(request?.headers.authorization?.replace(/^Basic /, '') ?? '', 'base64').toString();
    expect(basic).toBe('PAE_client+id%26%3D%3A:jXA3%3Asecret%2F%2B%C3%BC');
    expect(Object.fromEntries(new URLSearchParams(request?.text))).toEqual({ grant_type: 'client_credentials' });
  });

  it('form: credentials and scope in the body, no Authorization header', async () => {
    await provider({ auth: 'form', scope: 'patients_read fulfillment' }).getToken();
    const [request] = tokenRequests();
    expect(request?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(request?.text))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'PAE_client id&=:',
      client_secret: 'jXA3:secret/+ü',
      scope: 'patients_read fulfillment',
    });
  });
});

describe('caching and refresh', () => {
  it('reuses the token until the refresh margin before expiry, then fetches a new one', async () => {
    const tokens = provider({ refreshMarginMs: 60_000 });
    expect(await tokens.getToken()).toBe('token-1');
    clock += 3_600_000 - 60_001;
    expect(await tokens.getToken()).toBe('token-1');
    clock += 2;
    expect(await tokens.getToken()).toBe('token-2');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('caps the margin at half the lifetime of a short-lived token', async () => {
    server.route('POST', '/oauth/token', () => tokenReply(10));
    const tokens = provider({ refreshMarginMs: 60_000 });
    expect(await tokens.getToken()).toBe('token-1');
    clock += 4_999;
    expect(await tokens.getToken()).toBe('token-1');
    clock += 2;
    expect(await tokens.getToken()).toBe('token-2');
  });

  it('treats a response without expires_in as valid for five minutes (ASSUMED)', async () => {
    server.route('POST', '/oauth/token', () => tokenReply(null));
    const tokens = provider({ refreshMarginMs: 0 });
    await tokens.getToken();
    clock += 299_999;
    expect(await tokens.getToken()).toBe('token-1');
    clock += 2;
    expect(await tokens.getToken()).toBe('token-2');
  });

  it.each([null, '', 0, 'soon'])(
    'reads expires_in %j as absent: the token is used, for five minutes',
    async (value) => {
      server.route('POST', '/oauth/token', () => {
        const reply = tokenReply(null);
        return { ...reply, body: { ...reply.body, expires_in: value } };
      });
      const tokens = provider({ refreshMarginMs: 0 });
      expect(await tokens.getToken()).toBe(`token-${issued}`);
      const first = issued;
      clock += 299_999;
      expect(await tokens.getToken()).toBe(`token-${first}`);
    },
  );

  it('sends one token request however many callers wait for it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.route('POST', '/oauth/token', async () => {
      await gate;
      return tokenReply();
    });
    const tokens = provider();
    const waiting = Array.from({ length: 50 }, () => tokens.getToken());
    release();
    expect(new Set(await Promise.all(waiting))).toEqual(new Set(['token-1']));
    expect(tokenRequests()).toHaveLength(1);
  });

  it('invalidate drops the token it names, and only that one', async () => {
    const tokens = provider();
    const first = await tokens.getToken();
    tokens.invalidate(first);
    const second = await tokens.getToken();
    expect(second).toBe('token-2');
    tokens.invalidate(first); // a late 401 for the old token must not throw away the new one
    expect(await tokens.getToken()).toBe('token-2');
    expect(tokenRequests()).toHaveLength(2);
  });
});

describe('token failures', () => {
  async function failure(promise: Promise<unknown>): Promise<VendorError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(VendorError);
    return error as VendorError;
  }

  it.each([
    [401, { error: 'invalid_client' }, FailureType.VendorUnauthorized],
    [400, { error: 'invalid_scope' }, FailureType.VendorUnauthorized],
    [403, { error: 'unauthorized_client' }, FailureType.VendorUnauthorized],
    [503, 'down', FailureType.VendorUnavailable],
  ] as const)('HTTP %i is %s', async (status, body, failureType) => {
    server.route('POST', '/oauth/token', { status, body });
    const error = await failure(provider().getToken());
    expect(error.failureType).toBe(failureType);
    expect(error.status).toBe(status);
    expect(error.endpoint).toBe('POST /oauth/token');
    expect(error.requestId).toMatch(/^req-/);
    expect(error.message).not.toContain('secret');
  });

  it('429 is rate limited with the Retry-After delay', async () => {
    server.route('POST', '/oauth/token', { status: 429, headers: { 'retry-after': '12' } });
    const error = await failure(provider().getToken());
    expect(error.failureType).toBe(FailureType.VendorRateLimited);
    expect(error.retryAfterMs).toBe(12_000);
  });

  it('a 200 without an access_token is an invalid response', async () => {
    server.route('POST', '/oauth/token', { status: 200, body: { token_type: 'Bearer' } });
    expect((await failure(provider().getToken())).failureType).toBe(FailureType.VendorResponseInvalid);
    server.route('POST', '/oauth/token', { status: 200, body: '<html>' });
    expect((await failure(provider().getToken())).failureType).toBe(FailureType.VendorResponseInvalid);
  });

  it('a failed refresh fails every waiter once, and the next call tries again', async () => {
    server.queue('POST', '/oauth/token', { status: 503 });
    const tokens = provider();
    const results = await Promise.allSettled([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(tokenRequests()).toHaveLength(1);
    expect(await tokens.getToken()).toBe('token-1');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('an unreachable token endpoint is unavailable', async () => {
    const closed = await startScriptedServer();
    const url = `${closed.url}/oauth/token`;
    await closed.close();
    const error = await failure(provider({ tokenUrl: url }).getToken());
    expect(error.failureType).toBe(FailureType.VendorUnavailable);
    expect(error.message).toMatch(/network error ECONNREFUSED/);
  });
});
