// The codec service over real HTTP, with a JWKS served by this test and tokens it signs: a valid token decodes (and is
// logged with who, namespace and payload count, never the payload), an expired one, one for another audience, one
// signed by a key the JWKS does not hold, and none at all are refused; the claim allow-list gates decoding but not
// encoding; static tokens serve the CLI; `{}` (what the `temporal` CLI sends for no payloads) is an empty list.
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { pino } from 'pino';
import { createCodecAuthenticator } from '../../../src/codec/authentication.js';
import { payloadToJson } from '../../../src/codec/payloads-json.js';
import { buildCodecServer, createCodecMetrics, DECODE_LIMIT_BYTES } from '../../../src/codec/server.js';
import { loadConfig } from '../../../src/config/env.js';
import { AesGcmPayloadCodec, METADATA_COMPRESSION } from '../../../src/crypto/payload-codec.js';
import { loadPayloadKeyRing } from '../../../src/crypto/payload-keys.js';
import { testPayloadKeyConfig } from '../../harness/payload-keys.js';

const ISSUER = 'https://idp.test.example/';
const AUDIENCE = 'fulfillment-codec';
const UI_ORIGIN = 'http://localhost:8233';
const STATIC_TOKEN = 'ops-cli-token-0123456789';
const MARKER = 'Zyxwvutsrq-patient';

interface Signer {
  key: CryptoKey;
  kid: string;
}

async function signer(kid: string): Promise<Signer & { jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { key: privateKey, kid, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function token(
  by: Signer,
  claims: Record<string, unknown> = {},
  options: { audience?: string; expiresAt?: number } = {},
): Promise<string> {
  return new SignJWT({ email: 'alice@example.test', groups: ['phi-readers'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: by.kid })
    .setIssuer(ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject('user-alice')
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 300)
    .sign(by.key);
}

describe('codec service', () => {
  let jwksServer: Server;
  let jwksRequests = 0;
  let url: string;
  let close: () => Promise<void>;
  let idp: Signer;
  let impostor: Signer;
  const logLines: Record<string, unknown>[] = [];
  const codec = new AesGcmPayloadCodec(loadPayloadKeyRing(testPayloadKeyConfig));
  const metrics = createCodecMetrics();

  beforeAll(async () => {
    const real = await signer('idp-key-1');
    // Another key under the same kid: a token it signs names a key the JWKS has, and must still fail.
    impostor = await signer('idp-key-1');
    idp = real;
    jwksServer = createServer((_request, response) => {
      jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [real.jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const address = jwksServer.address();
    const jwksUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jwks.json`;

    const config = loadConfig({
      // The test's JWKS is served over plain http, which only development accepts.
      ENGINE_ENV: 'development',
      CODEC_JWKS_URL: jwksUrl,
      CODEC_JWT_ISSUER: ISSUER,
      CODEC_JWT_AUDIENCE: AUDIENCE,
      CODEC_DECODE_ALLOWED: 'phi-readers,ops',
      CODEC_AUTH_TOKENS: `ops-cli:${STATIC_TOKEN}`,
      CODEC_CORS_ORIGINS: UI_ORIGIN,
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = buildCodecServer({
      codec,
      authenticator: createCodecAuthenticator(config),
      allowedOrigins: config.CODEC_CORS_ORIGINS,
      logger: pino({ level: 'info' }, sink),
      metrics,
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    close = () => app.close();
  });

  afterAll(async () => {
    await close?.();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  async function encryptedBody(value: unknown) {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    return JSON.stringify({ payloads: [payloadToJson(encrypted!)] });
  }

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body,
    });

  async function errorCode(response: Response): Promise<string> {
    return ((await response.json()) as { error: { code: string } }).error.code;
  }

  it('decodes for a valid access token from the identity provider, and logs who, namespace and count only', async () => {
    const response = await post('/decode', await encryptedBody({ lastName: MARKER }), {
      authorization: `Bearer ${await token(idp)}`,
      origin: UI_ORIGIN,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const body = (await response.json()) as { payloads: { data: string }[] };
    expect(JSON.parse(Buffer.from(body.payloads[0]!.data, 'base64').toString())).toEqual({ lastName: MARKER });
    expect(jwksRequests).toBeGreaterThan(0);

    const line = logLines.find((entry) => entry.msg === 'codec decode' && entry.who === 'jwt:alice@example.test');
    expect(line).toMatchObject({ operation: 'decode', namespace: 'default', payloads: 1, outcome: 'ok' });
    expect(JSON.stringify(logLines)).not.toContain(MARKER);
  });

  it('refuses an expired token, one for another audience, one signed by another key, and none at all', async () => {
    const body = await encryptedBody({ lastName: MARKER });
    const cases: [string, Record<string, string>, string][] = [
      [
        'expired',
        { authorization: `Bearer ${await token(idp, {}, { expiresAt: Math.floor(Date.now() / 1000) - 600 })}` },
        'expired_token',
      ],
      [
        'wrong audience',
        { authorization: `Bearer ${await token(idp, {}, { audience: 'another-service' })}` },
        'wrong_audience_or_issuer',
      ],
      ['wrong key', { authorization: `Bearer ${await token(impostor)}` }, 'invalid_token'],
      ['missing', {}, 'missing_token'],
      ['not a bearer', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'missing_token'],
      ['unknown static token', { authorization: 'Bearer not-a-configured-token-at-all' }, 'invalid_token'],
    ];
    for (const [name, headers, code] of cases) {
      const response = await post('/decode', body, headers);
      expect(response.status, name).toBe(401);
      expect(response.headers.get('www-authenticate'), name).toBe('Bearer');
      expect(await errorCode(response), name).toBe(code);
    }
    const refused = logLines.filter(
      (entry) => entry.msg === 'codec decode refused' && entry.outcome === 'unauthorized',
    );
    expect(refused.length).toBeGreaterThanOrEqual(cases.length);
    expect(JSON.stringify(logLines)).not.toContain(MARKER);
  });

  it('decodes only for tokens whose groups claim is allowed; encoding needs authentication alone', async () => {
    const outsider = await token(idp, { email: 'bob@example.test', groups: ['billing'] });
    const decode = await post('/decode', await encryptedBody({ lastName: MARKER }), {
      authorization: `Bearer ${outsider}`,
    });
    expect(decode.status).toBe(403);
    expect(((await decode.json()) as { error: { message: string } }).error.message).toBe(
      'decoding with an access token needs its groups claim to include one of: phi-readers, ops',
    );
    const encode = await post(
      '/encode',
      JSON.stringify({ payloads: [payloadToJson(defaultPayloadConverter.toPayload({ a: 1 }))] }),
      {
        authorization: `Bearer ${outsider}`,
      },
    );
    expect(encode.status).toBe(200);
    // A single group as a string claim counts too.
    const single = await post('/decode', await encryptedBody({ a: 1 }), {
      authorization: `Bearer ${await token(idp, { groups: 'ops' })}`,
    });
    expect(single.status).toBe(200);
  });

  it('serves the CLI and tools with a static token, whatever the case of "Bearer", the allow-list (JWT only) aside', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const response = await post('/decode', await encryptedBody({ lastName: MARKER }), {
        authorization: `${scheme} ${STATIC_TOKEN}`,
      });
      expect(response.status, scheme).toBe(200);
    }
    expect(logLines.some((entry) => entry.msg === 'codec decode' && entry.who === 'token:ops-cli')).toBe(true);
  });

  it('decodes payloads written before compression and compressed ones in one request', async () => {
    const note = { lastName: MARKER, note: 'refill '.repeat(40) };
    const plainCodec = new AesGcmPayloadCodec(loadPayloadKeyRing(testPayloadKeyConfig), { compress: false });
    const [old] = await plainCodec.encode([defaultPayloadConverter.toPayload(note)]);
    const [compressed] = await codec.encode([defaultPayloadConverter.toPayload(note)]);
    expect(compressed!.metadata![METADATA_COMPRESSION]).toBeDefined();
    expect(old!.metadata![METADATA_COMPRESSION]).toBeUndefined();
    const response = await post('/decode', JSON.stringify({ payloads: [old!, compressed!].map(payloadToJson) }), {
      authorization: `Bearer ${STATIC_TOKEN}`,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { payloads: { data: string }[] };
    expect(
      body.payloads.map((payload) => JSON.parse(Buffer.from(payload.data, 'base64').toString()) as unknown),
    ).toEqual([note, note]);
  });

  it("reads what every client sends: {} and an empty list (the temporal CLI's bodies), with any content type", async () => {
    const auth = { authorization: `Bearer ${STATIC_TOKEN}` };
    for (const body of ['{}', '{"payloads":[]}', '']) {
      const response = await post('/decode', body, auth);
      expect(response.status, body).toBe(200);
      expect(await response.json()).toEqual({ payloads: [] });
    }
    const plain = await post('/decode', await encryptedBody({ a: 1 }), { ...auth, 'content-type': 'text/plain' });
    expect(plain.status).toBe(200);
    const bad = await post('/decode', '{"payloads": 3}', auth);
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe('invalid_payloads');
    expect(await errorCode(await post('/decode', '{"payloads": [', auth))).toBe('malformed_json');
  });

  it('answers the Web UI preflight, and refuses other origins', async () => {
    const preflight = await fetch(`${url}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace,authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await post('/decode', '{}', {
      origin: 'https://evil.example',
      authorization: `Bearer ${STATIC_TOKEN}`,
    });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses with 413 a request whose payloads decode to more than its budget, each under the per-payload bound', async () => {
    // A 15 MiB payload of zeros compresses to under 100 KiB: three in a small body would inflate to 45 MiB.
    const [bomb] = await codec.encode([
      { metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.alloc(15 * 1024 * 1024) },
    ]);
    const body = JSON.stringify({ payloads: Array.from({ length: 3 }, () => payloadToJson(bomb!)) });
    expect(body.length).toBeLessThan(300_000);
    const response = await post('/decode', body, { authorization: `Bearer ${STATIC_TOKEN}`, origin: UI_ORIGIN });
    expect(response.status).toBe(413);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error).toEqual({
      code: 'decoded_too_large',
      message: `the payloads decode to more than ${DECODE_LIMIT_BYTES} bytes in one request: ask for fewer payloads at once`,
    });
    expect(await metrics.registry.metrics()).toMatch(
      /fulfill_codec_requests_total\{operation="decode",outcome="too_large"\} 1/,
    );
    // Two fit.
    const two = JSON.stringify({ payloads: [payloadToJson(bomb!), payloadToJson(bomb!)] });
    expect((await post('/decode', two, { authorization: `Bearer ${STATIC_TOKEN}` })).status).toBe(200);
  });

  it('answers a body over the size limit 413 with the CORS headers, so the Web UI sees "too large"', async () => {
    const response = await post('/decode', ' '.repeat(9 * 1024 * 1024), {
      authorization: `Bearer ${STATIC_TOKEN}`,
      origin: UI_ORIGIN,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(await errorCode(response)).toBe('payload_too_large');
  });

  it('counts requests by operation and outcome', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/fulfill_codec_requests_total\{operation="decode",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/fulfill_codec_requests_total\{operation="decode",outcome="unauthorized"\} [1-9]/);
    expect(text).toMatch(/fulfill_codec_requests_total\{operation="decode",outcome="forbidden"\} [1-9]/);
    expect(text).toMatch(/fulfill_codec_payloads_total\{operation="decode"\} [1-9]/);
  });
});

describe('codec service with its identity provider in trouble', () => {
  it('answers 503 jwks_unavailable with Retry-After, not a bad token, when the JWKS answers 5xx or no key set', async () => {
    const idp = await signer('idp-key-1');
    let answer: { status: number; body: string } = { status: 503, body: 'down for maintenance' };
    const jwksServer = createServer((_request, response) =>
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body),
    );
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const address = jwksServer.address();
    const metrics = createCodecMetrics();
    const config = loadConfig({
      ENGINE_ENV: 'development',
      CODEC_JWKS_URL: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jwks.json`,
      CODEC_JWT_ISSUER: ISSUER,
      CODEC_JWT_AUDIENCE: AUDIENCE,
    });
    const app = buildCodecServer({
      codec: new AesGcmPayloadCodec(loadPayloadKeyRing(testPayloadKeyConfig)),
      authenticator: createCodecAuthenticator(config),
      allowedOrigins: [],
      logger: pino({ level: 'silent' }),
      metrics,
    });
    try {
      for (const [name, next] of [
        ['5xx', { status: 503, body: 'down for maintenance' }],
        ['500', { status: 500, body: '{}' }],
        ['not a key set', { status: 200, body: '{"keys": "none"}' }],
        ['not JSON', { status: 200, body: '<html>' }],
      ] as const) {
        answer = next;
        // A fresh authenticator each time: jose keeps a key set it fetched, and waits 30 s before fetching again.
        const authenticator = createCodecAuthenticator(config);
        const result = await authenticator.authenticate(`Bearer ${await token(idp)}`);
        expect(result, name).toMatchObject({ ok: false, failure: { status: 503, code: 'jwks_unavailable' } });
      }
      answer = { status: 502, body: 'bad gateway' };
      const response = await app.inject({
        method: 'POST',
        url: '/decode',
        headers: { authorization: `Bearer ${await token(idp)}` },
        payload: '{}',
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json<{ error: { code: string } }>().error.code).toBe('jwks_unavailable');
      expect(await metrics.registry.metrics()).toMatch(
        /fulfill_codec_requests_total\{operation="decode",outcome="unavailable"\} 1/,
      );
    } finally {
      await app.close();
      await new Promise((resolve) => jwksServer.close(resolve));
    }
  });
});
