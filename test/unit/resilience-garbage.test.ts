// The resilience suite's webhook garbage is garbage: under the bridge's own verifiers, every generated request fails
// authentication, or is not JSON, or is not sent as JSON, or is over the size limit. (Otherwise the suite could send
// an authentic webhook, see it accepted, and call that a bridge fault.) Also: the same seed makes the same requests.
import { describe, expect, it } from 'vitest';
import { authenticateHoneybeeWebhook } from '../../src/vendors/honeybee/webhook-auth.js';
import { authenticateOnegevityWebhook } from '../../src/vendors/onegevity/webhook-auth.js';
import {
  GARBAGE_CATEGORIES,
  generateGarbage,
  type GarbageRequest,
  type GarbageSecrets,
} from '../resilience/garbage-webhooks.js';

const SECRETS: GarbageSecrets = {
  honeybeeClientSecret: 'client-secret',
  honeybeeUrl: 'http://127.0.0.1:3000/webhooks/honeybee',
  onegevitySecret: 'onegevity-secret',
  bodyLimitBytes: 4_096,
};

function authentic(request: GarbageRequest): boolean {
  if (request.vendor === 'honeybee') {
    return authenticateHoneybeeWebhook(
      {
        mode: 'signature',
        clientSecrets: [SECRETS.honeybeeClientSecret],
        webhookSecrets: [],
        url: SECRETS.honeybeeUrl,
      },
      { method: 'POST', body: request.body, signature: request.headers['x-honeybee-signature'], secret: undefined },
    ).ok;
  }
  return authenticateOnegevityWebhook([SECRETS.onegevitySecret], {
    body: request.body,
    signature: request.headers['x-onegevity-signature'],
  }).ok;
}

function parses(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

describe('resilience garbage webhooks', () => {
  const requests = [...generateGarbage(42, 2_000, SECRETS)];

  it('makes nothing the bridge could accept', () => {
    const acceptable = requests.filter(
      (request) =>
        authentic(request) &&
        parses(request.body) &&
        request.headers['content-type'] === 'application/json' &&
        request.body.length <= SECRETS.bodyLimitBytes,
    );
    expect(acceptable).toEqual([]);
  });

  it('covers every category for both vendors, each failing for its own reason', () => {
    for (const category of GARBAGE_CATEGORIES) {
      for (const vendor of ['honeybee', 'onegevity'] as const) {
        const some = requests.filter((r) => r.category === category && r.vendor === vendor);
        expect(some.length, `${category} ${vendor}`).toBeGreaterThan(0);
      }
    }
    const of = (category: string) => requests.filter((r) => r.category === category);
    // Signed correctly, only the JSON is wrong; oversized and wrong-type bodies are signed too.
    expect(of('malformed-json-signed').every((r) => authentic(r) && !parses(r.body))).toBe(true);
    expect(of('oversized-body').every((r) => authentic(r) && r.body.length > SECRETS.bodyLimitBytes)).toBe(true);
    expect(of('wrong-content-type').every((r) => r.headers['content-type'] !== 'application/json')).toBe(true);
    for (const category of ['forged-signature', 'wrong-secret', 'truncated-body', 'missing-headers']) {
      expect(of(category).some(authentic), category).toBe(false);
    }
    // A replay with a tampered body: valid JSON, the original's signature, no longer authentic.
    expect(of('replayed-tampered-body').every((r) => parses(r.body) && !authentic(r))).toBe(true);
  });

  it('repeats with its seed and changes with another', () => {
    const again = [...generateGarbage(42, 50, SECRETS)];
    const other = [...generateGarbage(43, 50, SECRETS)];
    expect(again.map((r) => r.body.toString('base64'))).toEqual(
      requests.slice(0, 50).map((r) => r.body.toString('base64')),
    );
    expect(other.map((r) => r.body.toString('base64'))).not.toEqual(again.map((r) => r.body.toString('base64')));
  });
});
