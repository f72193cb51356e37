// The bridge's codec endpoint, as the Temporal Web UI uses it: CORS for the UI's origin with X-Namespace, an optional
// bearer token, and payloads that the engine's own data converter wrote decode through it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../../src/crypto/payload-codec.js';
import { loadPayloadKeyRing } from '../../src/crypto/payload-keys.js';
import type { EngineProcess } from '../../src/runtime/child-process.js';
import { engineEnv, startBridgeProcess } from '../harness/engine.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';

const UI_ORIGIN = 'http://localhost:8233';
const TOKEN = 'codec-test-token';

function toJson(payload: { metadata?: Record<string, Uint8Array | null> | null; data?: Uint8Array | null }) {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

describe('codec endpoint', () => {
  let bridge: EngineProcess;
  let url: string;

  beforeAll(async () => {
    const started = await startBridgeProcess(engineEnv({ CODEC_AUTH_TOKEN: TOKEN, CODEC_CORS_ORIGINS: UI_ORIGIN }));
    bridge = started.process;
    url = started.url;
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  it('answers the UI preflight with CORS headers that allow X-Namespace', async () => {
    const response = await fetch(`${url}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(response.headers.get('access-control-allow-headers')).toContain('x-namespace');
  });

  it('decodes what the engine encrypted, and encodes what the UI sends', async () => {
    const codec = new AesGcmPayloadCodec(loadPayloadKeyRing(testPayloadKeyConfig));
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ lastName: 'Testpatient' })]);
    const headers = {
      origin: UI_ORIGIN,
      'content-type': 'application/json',
      'x-namespace': 'default',
      authorization: `Bearer ${TOKEN}`,
    };
    const decoded = await fetch(`${url}/codec/decode`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ payloads: [toJson(encrypted!)] }),
    });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const decodedBody = (await decoded.json()) as { payloads: { data: string }[] };
    expect(JSON.parse(Buffer.from(decodedBody.payloads[0]!.data, 'base64').toString())).toEqual({
      lastName: 'Testpatient',
    });

    const input = toJson(defaultPayloadConverter.toPayload({ action: 'override_allergy' }));
    const encoded = await fetch(`${url}/codec/encode`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ payloads: [input] }),
    });
    const encodedBody = (await encoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(encodedBody.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    const roundTrip = await codec.decode([
      {
        metadata: Object.fromEntries(
          Object.entries(encodedBody.payloads[0]!.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
        ),
        data: Buffer.from(encodedBody.payloads[0]!.data, 'base64'),
      },
    ]);
    expect(defaultPayloadConverter.fromPayload(roundTrip[0]!)).toEqual({ action: 'override_allergy' });
  });

  it('requires the bearer token, refuses other origins and bad bodies', async () => {
    const body = JSON.stringify({ payloads: [] });
    const noToken = await fetch(`${url}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(noToken.status).toBe(401);
    const otherOrigin = await fetch(`${url}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example', authorization: `Bearer ${TOKEN}` },
      body,
    });
    expect(otherOrigin.status).toBe(403);
    expect(otherOrigin.headers.get('access-control-allow-origin')).toBeNull();
    const malformed = await fetch(`${url}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"payloads": 3}',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('invalid_payloads');
  });
});
