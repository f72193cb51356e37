// Honeybee webhook authentication beyond the vectors: the escaping rules on their own, which header is required per
// configuration, rotation of client and webhook secrets, and how headers are read.
import { describe, expect, it } from 'vitest';
import {
  authenticateHoneybeeWebhook,
  cgiEscape,
  honeybeeSecretHeader,
  honeybeeSigningKey,
  signHoneybeeWebhook,
  verifyHoneybeeSignature,
  type HoneybeeWebhookAuthConfig,
} from '../../../src/vendors/honeybee/webhook-auth.js';

const URL_AT_VENDOR = 'https://hooks.example.com/webhooks/honeybee';
const BODY = Buffer.from(
  '{"event_id":"e-1","event_type":"RX_RECEIVED","note":"José Ñandú 東京 !\'()*","dose":1.0,"medication_requests":[{"id":1}]}',
  'utf8',
);

function config(overrides: Partial<HoneybeeWebhookAuthConfig> = {}): HoneybeeWebhookAuthConfig {
  return {
    mode: 'signature',
    clientSecrets: ['current-client-secret', 'previous-client-secret'],
    webhookSecrets: ['current-webhook-secret', 'previous-webhook-secret'],
    url: URL_AT_VENDOR,
    ...overrides,
  };
}

function signed(clientSecret = 'current-client-secret', body: Buffer = BODY) {
  return signHoneybeeWebhook(clientSecret, { method: 'POST', url: URL_AT_VENDOR, body });
}

describe('Honeybee CGI escaping', () => {
  it('keeps only A-Z a-z 0-9 _ . - ~, writes space as +, and %XX-encodes UTF-8 bytes in uppercase', () => {
    expect(cgiEscape(Buffer.from('Az09_.-~'))).toBe('Az09_.-~');
    expect(cgiEscape(Buffer.from('a b'))).toBe('a+b');
    expect(cgiEscape(Buffer.from("!'()*"))).toBe('%21%27%28%29%2A');
    expect(cgiEscape(Buffer.from('+%&=/?:#'))).toBe('%2B%25%26%3D%2F%3F%3A%23');
    expect(cgiEscape(Buffer.from('é東'))).toBe('%C3%A9%E6%9D%B1');
    expect(cgiEscape(Buffer.from('\n\t'))).toBe('%0A%09');
    expect(cgiEscape(Buffer.from([0xff, 0x00]))).toBe('%FF%00');
  });

  it('keys the HMAC with the 64-character lowercase hex sha256 of the client secret', () => {
    // sha256("abc"), the FIPS 180-2 test vector.
    expect(honeybeeSigningKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('appends the newline to the 20-byte digest before base64 (21 bytes, 28 characters)', () => {
    const decoded = Buffer.from(signed(), 'base64');
    expect(decoded).toHaveLength(21);
    expect(decoded[20]).toBe(0x0a);
    expect(signed()).toHaveLength(28);
  });

  it('signs the method in upper case, as the vendor sends it', () => {
    const lower = signHoneybeeWebhook('s', { method: 'post', url: URL_AT_VENDOR, body: BODY });
    expect(lower).toBe(signHoneybeeWebhook('s', { method: 'POST', url: URL_AT_VENDOR, body: BODY }));
  });
});

describe('verifyHoneybeeSignature', () => {
  const request = { method: 'POST', url: URL_AT_VENDOR, body: BODY };

  it('accepts a signature under the current or a previous client secret (rotation)', () => {
    expect(verifyHoneybeeSignature(['current-client-secret'], request, signed('current-client-secret'))).toBe(true);
    expect(verifyHoneybeeSignature(['current-client-secret', 'old'], request, signed('old'))).toBe(true);
    expect(verifyHoneybeeSignature(['current-client-secret'], request, signed('old'))).toBe(false);
  });

  it('refuses a missing, empty, truncated or extended header, and an empty secret list', () => {
    const good = signed();
    expect(verifyHoneybeeSignature(['current-client-secret'], request, undefined)).toBe(false);
    expect(verifyHoneybeeSignature(['current-client-secret'], request, '')).toBe(false);
    expect(verifyHoneybeeSignature(['current-client-secret'], request, '\n')).toBe(false);
    expect(verifyHoneybeeSignature(['current-client-secret'], request, good.slice(0, -1))).toBe(false);
    expect(verifyHoneybeeSignature(['current-client-secret'], request, `${good}A`)).toBe(false);
    expect(verifyHoneybeeSignature([], request, good)).toBe(false);
  });

  it('accepts trailing whitespace after the value (Ruby Base64.encode64 ends with a newline)', () => {
    expect(verifyHoneybeeSignature(['current-client-secret'], request, `${signed()}\n`)).toBe(true);
    expect(verifyHoneybeeSignature(['current-client-secret'], request, `${signed()}\r\n`)).toBe(true);
  });

  it("accepts the seed's other reading, base64 of the bare 20-byte HMAC followed by a newline", () => {
    const digest = Buffer.from(signed(), 'base64').subarray(0, 20);
    expect(verifyHoneybeeSignature(['current-client-secret'], request, `${digest.toString('base64')}\n`)).toBe(true);
    expect(verifyHoneybeeSignature(['current-client-secret'], request, digest.toString('base64'))).toBe(true);
  });

  it('refuses other encodings of the right digest (hex, base64url, a newline before the digest)', () => {
    const digest = Buffer.from(signed(), 'base64').subarray(0, 20);
    for (const mangled of [
      digest.toString('hex'),
      digest.toString('base64url'),
      Buffer.concat([Buffer.from('\n'), digest]).toString('base64'),
      Buffer.concat([digest, Buffer.from('\r\n')]).toString('base64'),
    ]) {
      expect(verifyHoneybeeSignature(['current-client-secret'], request, mangled), mangled).toBe(false);
    }
  });
});

describe('authenticateHoneybeeWebhook', () => {
  const secretHeader = honeybeeSecretHeader('current-client-secret', 'current-webhook-secret');

  it('signature mode: requires a valid X-Honeybee-Signature and ignores X-Honeybee-Secret', () => {
    const auth = config({ mode: 'signature' });
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: signed(), secret: undefined }),
    ).toEqual({ ok: true });
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: undefined, secret: secretHeader }),
    ).toEqual({ ok: false, reason: 'missing' });
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: signed('x'), secret: secretHeader }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('secret mode: requires a valid X-Honeybee-Secret and ignores the signature', () => {
    const auth = config({ mode: 'secret' });
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: 'garbage', secret: secretHeader }),
    ).toEqual({ ok: true });
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: signed(), secret: undefined }),
    ).toEqual({ ok: false, reason: 'missing' });
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: signed(), secret: signed() }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('secret mode accepts previous webhook secrets and previous client secrets', () => {
    const auth = config({ mode: 'secret' });
    for (const [client, hook] of [
      ['previous-client-secret', 'current-webhook-secret'],
      ['current-client-secret', 'previous-webhook-secret'],
      ['previous-client-secret', 'previous-webhook-secret'],
    ] as const) {
      const header = honeybeeSecretHeader(client, hook);
      expect(
        authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: undefined, secret: header }),
      ).toEqual({ ok: true });
    }
    const retired = honeybeeSecretHeader('current-client-secret', 'retired-webhook-secret');
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: undefined, secret: retired }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('both mode: each header must be present and valid', () => {
    const auth = config({ mode: 'both' });
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: signed(), secret: secretHeader }),
    ).toEqual({ ok: true });
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: signed(), secret: undefined }),
    ).toEqual({ ok: false, reason: 'missing' });
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: BODY, signature: undefined, secret: secretHeader }),
    ).toEqual({ ok: false, reason: 'missing' });
    const tampered = Buffer.from(BODY.toString('utf8').replace('1.0', '1'));
    expect(
      authenticateHoneybeeWebhook(auth, { method: 'POST', body: tampered, signature: signed(), secret: secretHeader }),
    ).toEqual({ ok: false, reason: 'mismatch' });
    expect(
      authenticateHoneybeeWebhook(auth, {
        method: 'POST',
        body: BODY,
        signature: signed(),
        secret: honeybeeSecretHeader('current-client-secret', 'wrong'),
      }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('verifies against the configured public URL, not the address the request reached', () => {
    const viaProxy = signHoneybeeWebhook('current-client-secret', {
      method: 'POST',
      url: 'http://10.0.0.5:3000/webhooks/honeybee',
      body: BODY,
    });
    expect(
      authenticateHoneybeeWebhook(config(), { method: 'POST', body: BODY, signature: viaProxy, secret: undefined }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('reports not-configured rather than accepting anything without secrets', () => {
    expect(
      authenticateHoneybeeWebhook(config({ clientSecrets: [] }), {
        method: 'POST',
        body: BODY,
        signature: signed(),
        secret: undefined,
      }),
    ).toEqual({ ok: false, reason: 'not-configured' });
    expect(
      authenticateHoneybeeWebhook(config({ mode: 'both', webhookSecrets: [] }), {
        method: 'POST',
        body: BODY,
        signature: signed(),
        secret: secretHeader,
      }),
    ).toEqual({ ok: false, reason: 'not-configured' });
  });
});
