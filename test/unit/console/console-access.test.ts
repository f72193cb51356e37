// Who gets into the operator console (src/console/authentication.ts, sessions.ts, plugin.ts), through the bridge's
// own HTTP handling (fastify inject; nothing listens at the Temporal address): nobody without a credential, in
// production or development; a partner API key only with the operate scope; an access token only as the codec
// verifies it (a JWKS served by this test); a session cookie that is HttpOnly, SameSite=Strict and Secure outside
// development; forms that need the session's CSRF token; no POST a browser says comes from another site; strict
// security headers. In development the sign-in page names the sandbox's key.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { pino } from 'pino';
import { buildBridge } from '../../../src/bridge/server.js';
import { loadConfig } from '../../../src/config/env.js';
import { createLogger } from '../../../src/observability/logger.js';
import { SANDBOX_PARTNER_API_KEY } from '../../../src/sandbox/dev-credentials.js';
import { createLazyClient } from '../../../src/temporal/client.js';
import { TEST_PAYLOAD_KEYS } from '../../harness/payload-keys.js';

const OPERATE_KEY = 'console-operate-key-0123456789';
const READ_KEY = 'console-read-key-0123456789';
const ISSUER = 'https://idp.console.example/';
const AUDIENCE = 'fulfillment-console';

function bridge(env: Record<string, string>, logLines?: string[]): FastifyInstance {
  const config = loadConfig({
    // Nothing listens there: these requests never reach Temporal.
    TEMPORAL_ADDRESS: '127.0.0.1:9',
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    PARTNER_API_KEYS: `coordinator:operate:${OPERATE_KEY},auditor:read:${READ_KEY}`,
    ...env,
  });
  const logger = logLines
    ? pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) })
    : createLogger('bridge', 'silent');
  return buildBridge({ config, client: createLazyClient(config), logger });
}

function form(fields: Record<string, string>): { headers: Record<string, string>; payload: string } {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  };
}

async function signIn(app: FastifyInstance, credential: string, operator = 'Casey') {
  return app.inject({ method: 'POST', url: '/console/sign-in', ...form({ credential, operator, next: '/console' }) });
}

function cookieOf(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return (header ?? '').split(';')[0] ?? '';
}

describe('the console in production', () => {
  const app = bridge({ ENGINE_ENV: 'production' });
  afterAll(() => app.close());

  it('sends a browser without a credential to sign in, and refuses everything else without one', async () => {
    const page = await app.inject({ method: 'GET', url: '/console' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/console/sign-in?next=%2Fconsole');
    const detail = await app.inject({ method: 'GET', url: '/console/workflows/honeybee-order-HB1' });
    expect(detail.headers.location).toBe('/console/sign-in?next=%2Fconsole%2Fworkflows%2Fhoneybee-order-HB1');
    const resolve = await app.inject({
      method: 'POST',
      url: '/console/workflows/honeybee-order-HB1/resolve',
      ...form({ action: 'override_allergy', operator: 'x', reason: 'y' }),
    });
    expect(resolve.statusCode).toBe(401);
    expect(resolve.body).toContain('sign in to use the console');
    const redrive = await app.inject({ method: 'POST', url: `/console/parked/sp.${'a'.repeat(64)}/redrive` });
    expect(redrive.statusCode).toBe(401);
  });

  it('refuses a wrong bearer, and a key without the operate scope', async () => {
    const wrong = await app.inject({ method: 'GET', url: '/console', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('that key is not accepted');
    const reader = await app.inject({
      method: 'GET',
      url: '/console',
      headers: { authorization: `Bearer ${READ_KEY}` },
    });
    expect(reader.statusCode).toBe(403);
    expect(reader.body).toContain('the key auditor lacks the operate scope');
    const signedIn = await signIn(app, READ_KEY);
    expect(signedIn.statusCode).toBe(403);
    expect(signedIn.headers['set-cookie']).toBeUndefined();
    expect((await signIn(app, 'guess')).statusCode).toBe(401);
  });

  it('signs an operate key in with a Secure, HttpOnly, SameSite=Strict cookie; never names a dev key', async () => {
    const signInPage = await app.inject({ method: 'GET', url: '/console/sign-in' });
    expect(signInPage.statusCode).toBe(200);
    expect(signInPage.body).toContain('<label for="credential">API key or access token</label>');
    expect(signInPage.body).not.toContain('Development');
    const signedIn = await signIn(app, OPERATE_KEY);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/console');
    const cookie = String(signedIn.headers['set-cookie']);
    expect(cookie).toMatch(
      /^fulfill_console=[\w-]{43}; Max-Age=\d+; Path=\/console; HttpOnly; SameSite=Strict; Secure$/,
    );
  });

  it('goes back only to console pages after signing in', async () => {
    for (const next of ['//evil.example/console', 'https://evil.example/', '/api/orders/1', '/console\\@evil']) {
      const signedIn = await app.inject({
        method: 'POST',
        url: '/console/sign-in',
        ...form({ credential: OPERATE_KEY, operator: 'Casey', next }),
      });
      expect(signedIn.headers.location, next).toBe('/console');
    }
    const back = await app.inject({
      method: 'POST',
      url: '/console/sign-in',
      ...form({ credential: OPERATE_KEY, operator: 'Casey', next: '/console/parked' }),
    });
    expect(back.headers.location).toBe('/console/parked');
    // Characters a Location header cannot carry (a URL would have them percent-encoded): the queue instead.
    const cookie = cookieOf(back.headers['set-cookie']);
    for (const next of ['/console/%C4%80', '/console/%E2%80%A8', '/console?q=%C3%A9']) {
      const signedIn = await app.inject({ method: 'GET', url: `/console/sign-in?next=${next}`, headers: { cookie } });
      expect(signedIn.statusCode, next).toBe(303);
      expect(signedIn.headers.location, next).toBe('/console');
    }
    const encoded = await app.inject({
      method: 'GET',
      url: `/console/sign-in?next=${encodeURIComponent('/console?q=%C4%80')}`,
      headers: { cookie },
    });
    expect(encoded.headers.location).toBe('/console?q=%C4%80');
  });

  it("refuses a session's form without its CSRF token, and signs out", async () => {
    const cookie = cookieOf((await signIn(app, OPERATE_KEY)).headers['set-cookie']);
    const forged = await app.inject({
      method: 'POST',
      url: '/console/workflows/honeybee-order-HB1/resolve',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ action: 'override_allergy', operator: 'x', reason: 'y' }).toString(),
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('This form is out of date or was not sent from the console');
    const outWithoutToken = await app.inject({ method: 'POST', url: '/console/sign-out', headers: { cookie } });
    expect(outWithoutToken.statusCode).toBe(403);
  });

  it('refuses every POST a browser says comes from another site, bearer and sign-in included', async () => {
    const resolve = form({ action: 'override_allergy', operator: 'x', reason: 'y' });
    const signInForm = form({ credential: OPERATE_KEY, operator: 'Casey', next: '/console' });
    // What a browser sends, and whether that says another site (clients that send neither: the other tests).
    const senders: [Record<string, string>, 'cross-site' | 'own'][] = [
      [{ 'sec-fetch-site': 'cross-site' }, 'cross-site'],
      [{ 'sec-fetch-site': 'same-site' }, 'cross-site'],
      [{ host: 'console.example', origin: 'https://evil.example' }, 'cross-site'],
      [{ host: 'console.example', origin: 'https://console.example.evil.example' }, 'cross-site'],
      [{ host: 'console.example', origin: 'null' }, 'cross-site'],
      [{ 'sec-fetch-site': 'same-origin' }, 'own'],
      [{ 'sec-fetch-site': 'none' }, 'own'],
      [{ host: 'console.example', origin: 'https://console.example' }, 'own'],
      [{ host: 'console.example:443', origin: 'https://console.example' }, 'own'],
      [{ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }, 'own'],
    ];
    for (const [headers, site] of senders) {
      const label = JSON.stringify(headers);
      const signedIn = await app.inject({
        method: 'POST',
        url: '/console/sign-in',
        headers: { ...signInForm.headers, ...headers },
        payload: signInForm.payload,
      });
      if (site === 'own') {
        expect(signedIn.statusCode, label).toBe(303);
        continue;
      }
      expect(signedIn.statusCode, label).toBe(403);
      expect(signedIn.headers['set-cookie'], label).toBeUndefined();
      const bearer = await app.inject({
        method: 'POST',
        url: '/console/workflows/honeybee-order-HB1/resolve',
        headers: { ...resolve.headers, ...headers, authorization: `Bearer ${OPERATE_KEY}` },
        payload: resolve.payload,
      });
      expect(bearer.statusCode, label).toBe(403);
      expect(bearer.body, label).toContain('This form was sent from another site');
    }
  });

  it('takes forms only (415 otherwise), so a large JSON body is not read', async () => {
    const large = JSON.stringify({ credential: OPERATE_KEY, padding: 'x'.repeat(1_000_000) });
    const bodies: { contentType: string; payload: string }[] = [
      { contentType: 'application/json', payload: large },
      { contentType: 'text/plain', payload: 'credential=x' },
      { contentType: 'multipart/form-data; boundary=x', payload: '--x--' },
    ];
    const routes: { url: string; headers: Record<string, string> }[] = [
      { url: '/console/sign-in', headers: {} },
      { url: '/console/workflows/honeybee-order-HB1/resolve', headers: { authorization: `Bearer ${OPERATE_KEY}` } },
    ];
    for (const { url, headers } of routes) {
      for (const { contentType, payload } of bodies) {
        const answer = await app.inject({
          method: 'POST',
          url,
          headers: { ...headers, 'content-type': contentType },
          payload,
        });
        expect(answer.statusCode, `${url} ${contentType}`).toBe(415);
        expect(answer.body).toContain('The console takes form posts only');
        expect(answer.headers['set-cookie']).toBeUndefined();
      }
    }
  });

  it("refuses a form over 64 KB as too large (413), naming the limit, and logs it as the client's fault", async () => {
    const lines: string[] = [];
    const logged = bridge({ ENGINE_ENV: 'production' }, lines);
    try {
      const padding = 'x'.repeat(64 * 1024);
      const routes: { url: string; headers: Record<string, string> }[] = [
        { url: '/console/sign-in', headers: {} },
        { url: '/console/workflows/honeybee-order-HB1/resolve', headers: { authorization: `Bearer ${OPERATE_KEY}` } },
        { url: `/console/parked/sp.${'a'.repeat(64)}/redrive`, headers: { authorization: `Bearer ${OPERATE_KEY}` } },
      ];
      for (const { url, headers } of routes) {
        const { headers: formHeaders, payload } = form({ credential: OPERATE_KEY, operator: 'Casey', padding });
        const answer = await logged.inject({ method: 'POST', url, headers: { ...formHeaders, ...headers }, payload });
        expect(answer.statusCode, url).toBe(413);
        expect(answer.headers['content-type'], url).toBe('text/html; charset=utf-8');
        expect(answer.body, url).toContain('<h1>Form too large</h1>');
        expect(answer.body, url).toContain('at most 64 KB');
        expect(answer.body, url).not.toContain('Something went wrong');
        expect(answer.headers['set-cookie'], url).toBeUndefined();
      }
      const records = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
      const refusals = records.filter((record) => record.msg === 'console body refused: over the form limit');
      expect(refusals).toHaveLength(routes.length);
      // pino's levels: 40 is warn, 50 error.
      expect(refusals.every((record) => record.level === 40)).toBe(true);
      expect(records.filter((record) => record.level >= 50)).toEqual([]);
    } finally {
      await logged.close();
    }
  });

  it('turns no form field name into a key of Object.prototype: later sign-ins still last', async () => {
    try {
      // For an action not offered (here: no status at all) every field.* input is nested by its dots.
      await app.inject({
        method: 'POST',
        url: '/console/workflows/honeybee-order-HB1/resolve',
        headers: { authorization: `Bearer ${OPERATE_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          action: 'not_offered',
          operator: 'x',
          reason: 'y',
          'field.__proto__.expiresAt:': '0',
          'field.constructor.prototype.expiresAt:': '0',
        }).toString(),
      });
      expect(Object.hasOwn(Object.prototype, 'expiresAt')).toBe(false);
      const cookie = cookieOf((await signIn(app, OPERATE_KEY)).headers['set-cookie']);
      // Still signed in: the sign-in page sends the browser on.
      expect((await app.inject({ method: 'GET', url: '/console/sign-in', headers: { cookie } })).statusCode).toBe(303);
    } finally {
      delete (Object.prototype as Record<string, unknown>).expiresAt;
    }
  });

  it('says Temporal is unreachable (503, Retry-After) when it is, for pages, a resolution and a re-drive', async () => {
    const bearer = { authorization: `Bearer ${OPERATE_KEY}` };
    const detail = await app.inject({ method: 'GET', url: '/console/workflows/honeybee-order-HB1', headers: bearer });
    const resolve = await app.inject({
      method: 'POST',
      url: '/console/workflows/honeybee-order-HB1/resolve',
      headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ action: 'override_allergy', operator: 'x', reason: 'y' }).toString(),
    });
    // A dead-letter event is read from Temporal too.
    const deadLetter = `/console/parked/dl.${'a'.repeat(40)}`;
    const parked = await app.inject({ method: 'GET', url: deadLetter, headers: bearer });
    const redrive = await app.inject({ method: 'POST', url: `${deadLetter}/redrive`, headers: bearer });
    for (const answer of [detail, resolve, parked, redrive]) {
      expect(answer.statusCode).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.body).toContain('<h1>Temporal is unreachable</h1>');
      expect(answer.body).toContain('Signed in as <strong>key:coordinator</strong>');
    }
  });

  it('serves its assets itself, with a strict content security policy on every answer', async () => {
    const script = await app.inject({ method: 'GET', url: '/console/assets/console.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('startLiveRefresh');
    const style = await app.inject({ method: 'GET', url: '/console/assets/console.css' });
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    for (const name of ['other.js', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect((await app.inject({ method: 'GET', url: `/console/assets/${name}` })).statusCode, name).toBe(404);
    }
    const signInPage = await app.inject({ method: 'GET', url: '/console/sign-in' });
    expect(signInPage.headers['content-security-policy']).toContain("script-src 'self'");
    expect(signInPage.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(signInPage.headers['cache-control']).toBe('no-store');
    // Not `no-referrer`: under it a browser posts the console's own forms with `Origin: null`, refused as cross-site
    // wherever it sends no Sec-Fetch-Site (plain HTTP to a host other than localhost).
    expect(signInPage.headers['referrer-policy']).toBe('same-origin');
    expect(signInPage.body).not.toMatch(/<script>|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('with no way to sign in configured, says what to configure and lets nobody in', async () => {
    const closed = bridge({ ENGINE_ENV: 'production', PARTNER_API_KEYS: '' });
    const signInPage = await closed.inject({ method: 'GET', url: '/console/sign-in' });
    expect(signInPage.body).toContain('No way to sign in is configured');
    expect((await signIn(closed, OPERATE_KEY)).statusCode).toBe(401);
    expect((await closed.inject({ method: 'GET', url: '/console' })).statusCode).toBe(303);
    await closed.close();
  });
});

describe('failed sign-ins', () => {
  it('are limited per address: past the limit every sign-in from it is 429 with Retry-After, checked or not', async () => {
    const app = bridge({
      ENGINE_ENV: 'production',
      CONSOLE_SIGN_IN_RATE_LIMIT: '3',
      CONSOLE_SIGN_IN_RATE_WINDOW: '10m',
    });
    // Sign-ins that succeed are not counted.
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await signIn(app, OPERATE_KEY)).statusCode).toBe(303);
    expect((await signIn(app, 'guess-1')).statusCode).toBe(401);
    expect((await signIn(app, READ_KEY)).statusCode).toBe(403);
    expect((await signIn(app, 'guess-2')).statusCode).toBe(401);
    const refused = await signIn(app, OPERATE_KEY);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(590);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(600);
    expect(refused.body).toMatch(/role="alert"[^>]*>too many failed sign-ins from your address: try again in \d+ s</);
    expect(refused.headers['set-cookie']).toBeUndefined();
    // Another address is counted apart.
    const elsewhere = await app.inject({
      method: 'POST',
      url: '/console/sign-in',
      remoteAddress: '10.0.0.2',
      ...form({ credential: OPERATE_KEY, operator: 'Casey', next: '/console' }),
    });
    expect(elsewhere.statusCode).toBe(303);
    await app.close();
  });
});

describe('failed bearers', () => {
  it('count with failed sign-ins per address: past the limit every bearer from it is 429 with Retry-After, right or wrong', async () => {
    const app = bridge({
      ENGINE_ENV: 'production',
      CONSOLE_SIGN_IN_RATE_LIMIT: '3',
      CONSOLE_SIGN_IN_RATE_WINDOW: '10m',
    });
    try {
      // A session made before the limit is reached is not ended by it (as sign-in's limit ends none).
      const cookie = cookieOf((await signIn(app, OPERATE_KEY)).headers['set-cookie']);
      // Past authentication without reaching Temporal: an id the console refuses to look up (400).
      const authenticated = (headers: Record<string, string>, remoteAddress?: string) =>
        app.inject({
          method: 'GET',
          url: "/console/workflows/not'an-id",
          headers,
          ...(remoteAddress ? { remoteAddress } : {}),
        });
      // Bearers that succeed are not counted.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        expect((await authenticated({ authorization: `Bearer ${OPERATE_KEY}` })).statusCode).toBe(400);
      }
      expect((await authenticated({ authorization: 'Bearer wrong-1' })).statusCode).toBe(401);
      expect((await authenticated({ authorization: 'Basic d3Jvbmc6Mg==' })).statusCode).toBe(401);
      expect((await authenticated({ authorization: `Bearer ${READ_KEY}` })).statusCode).toBe(403);
      for (const authorization of ['Bearer wrong-4', `Bearer ${OPERATE_KEY}`]) {
        const refused = await authenticated({ authorization });
        expect(refused.statusCode, authorization).toBe(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(590);
        expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(600);
        expect(refused.body).toMatch(/role="alert">too many failed sign-ins from your address: try again in \d+ s/);
      }
      // One count with the sign-in page: it refuses the right key now too.
      expect((await signIn(app, OPERATE_KEY)).statusCode).toBe(429);
      expect((await authenticated({ cookie })).statusCode).toBe(400);
      // Another address is counted apart.
      expect((await authenticated({ authorization: `Bearer ${OPERATE_KEY}` }, '10.0.0.2')).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('count towards the limit sign-in checks', async () => {
    const app = bridge({ ENGINE_ENV: 'production', CONSOLE_SIGN_IN_RATE_LIMIT: '2' });
    try {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const wrong = await app.inject({ method: 'GET', url: '/console', headers: { authorization: 'Bearer nope' } });
        expect(wrong.statusCode).toBe(401);
      }
      const refused = await signIn(app, OPERATE_KEY);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['set-cookie']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('the console in development', () => {
  it("names the sandbox's dev key on the sign-in page, still needs it, and sets no Secure flag (plain http)", async () => {
    const app = bridge({
      ENGINE_ENV: 'development',
      PARTNER_API_KEYS: `sandbox:admin:${SANDBOX_PARTNER_API_KEY}`,
    });
    const signInPage = await app.inject({ method: 'GET', url: '/console/sign-in' });
    expect(signInPage.body).toContain(`<code>${SANDBOX_PARTNER_API_KEY}</code>`);
    expect((await app.inject({ method: 'GET', url: '/console' })).statusCode).toBe(303);
    const signedIn = await signIn(app, SANDBOX_PARTNER_API_KEY);
    expect(signedIn.statusCode).toBe(303);
    expect(String(signedIn.headers['set-cookie'])).not.toContain('Secure');
    await app.close();
  });

  it('does not name a key that is not the sandbox one', async () => {
    const app = bridge({ ENGINE_ENV: 'development' });
    expect((await app.inject({ method: 'GET', url: '/console/sign-in' })).body).not.toContain('Development:');
    await app.close();
  });
});

describe('access tokens, verified as the codec verifies them', () => {
  let jwks: Server;
  let key: CryptoKey;
  let app: FastifyInstance;

  const token = (claims: Record<string, unknown>, expiresAt = Math.floor(Date.now() / 1000) + 300) =>
    new SignJWT({ email: 'alice@example.test', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-alice')
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(key);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const address = jwks.address();
    app = bridge({
      // The test's JWKS is served over plain http, which only development accepts.
      ENGINE_ENV: 'development',
      PARTNER_API_KEYS: '',
      CODEC_JWKS_URL: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jwks.json`,
      CODEC_JWT_ISSUER: ISSUER,
      CODEC_JWT_AUDIENCE: AUDIENCE,
      CODEC_DECODE_ALLOWED: 'phi-readers',
    });
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('signs in with a valid token, for no longer than the token lives', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 120;
    const signedIn = await signIn(app, await token({ groups: ['phi-readers'] }, expiresAt), '');
    expect(signedIn.statusCode).toBe(303);
    const maxAge = Number(/Max-Age=(\d+)/.exec(String(signedIn.headers['set-cookie']))?.[1]);
    expect(maxAge).toBeGreaterThan(100);
    expect(maxAge).toBeLessThanOrEqual(120);
  });

  it('refuses an expired token, one from another audience, and a token without any sign of the JWKS', async () => {
    const expired = await signIn(app, await token({}, Math.floor(Date.now() / 1000) - 600));
    expect(expired.statusCode).toBe(401);
    expect(expired.body).toContain('the access token has expired');
    const other = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('another-app')
      .setExpirationTime(Math.floor(Date.now() / 1000) + 300)
      .sign(key);
    expect((await signIn(app, other)).statusCode).toBe(401);
    const bearer = await app.inject({ method: 'GET', url: '/console', headers: { authorization: 'Bearer a.b.c' } });
    expect(bearer.statusCode).toBe(401);
  });
});

describe('access tokens while the identity provider is in trouble', () => {
  it('a JWKS answering 5xx is 503 with Retry-After, never a wrong credential, and never counts as a failed sign-in', async () => {
    const jwks = createServer((_request, response) => response.writeHead(503).end('down'));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const address = jwks.address();
    const app = bridge({
      ENGINE_ENV: 'development',
      CODEC_JWKS_URL: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jwks.json`,
      CODEC_JWT_ISSUER: ISSUER,
      CODEC_JWT_AUDIENCE: AUDIENCE,
      CONSOLE_SIGN_IN_RATE_LIMIT: '2',
    });
    try {
      const { privateKey } = await generateKeyPair('RS256');
      const jwt = await new SignJWT({ email: 'alice@example.test' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime(Math.floor(Date.now() / 1000) + 300)
        .sign(privateKey);
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const refused = await signIn(app, jwt);
        expect(refused.statusCode).toBe(503);
        expect(refused.headers['retry-after']).toBe('5');
        expect(refused.body).toContain('could not be fetched');
        expect(refused.body).not.toContain('not accepted');
      }
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const bearer = await app.inject({
          method: 'GET',
          url: '/console',
          headers: { authorization: `Bearer ${jwt}` },
        });
        expect(bearer.statusCode).toBe(503);
        expect(bearer.headers['retry-after']).toBe('5');
      }
    } finally {
      await app.close();
      await new Promise((resolve) => jwks.close(resolve));
    }
  });
});
