// Generated garbage for the vendor webhook endpoints, from a seeded PRNG (a run repeats with its seed): every request
// is something a vendor never sends or an attacker would. None may be accepted; each must get a 4xx with a reason.
import { signHoneybeeWebhook } from '../../src/vendors/honeybee/webhook-auth.js';
import { signOnegevityWebhook } from '../../src/vendors/onegevity/webhook-auth.js';

export const GARBAGE_CATEGORIES = [
  'malformed-json-signed',
  'forged-signature',
  'wrong-secret',
  'truncated-body',
  'wrong-content-type',
  'oversized-body',
  'missing-headers',
  'replayed-tampered-body',
] as const;

export type GarbageCategory = (typeof GARBAGE_CATEGORIES)[number];

export interface GarbageRequest {
  category: GarbageCategory;
  vendor: 'honeybee' | 'onegevity';
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface GarbageSecrets {
  honeybeeClientSecret: string;
  /** The Honeybee webhook URL exactly as the bridge verifies it (the public URL). */
  honeybeeUrl: string;
  onegevitySecret: string;
  bodyLimitBytes: number;
}

/** mulberry32: small, fast and good enough to pick cases; the same seed gives the same requests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const HONEYBEE_EVENTS = ['RX_RECEIVED', 'RX_UPDATED', 'SHIPMENT_UPDATED', 'ORDER_EXCEPTION'];
const ONEGEVITY_TOPICS = ['order.created', 'kit.activated', 'results.released', 'fulfillment.shipped'];
const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'text/json',
];
const JSON_FRAGMENTS = ['{', '}', '[', ']', '"', ':', ',', 'null', 'tru', '1e', '\\', '\u0000', 'NaN', "'", '{"a":'];

/** The categories in turn, each thrice, but the costly oversized bodies (a megabyte each) once per round. */
const ROTATION: GarbageCategory[] = GARBAGE_CATEGORIES.flatMap((category) =>
  category === 'oversized-body' ? [category] : [category, category, category],
);

/** Made one at a time: a run's oversized bodies alone would be hundreds of megabytes. */
export function* generateGarbage(seed: number, count: number, secrets: GarbageSecrets): Generator<GarbageRequest> {
  const random = seededRandom(seed);
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  let made = 0;

  /** A body a vendor could send: real event shapes, ids in the vendors' ranges. */
  function authenticBody(vendor: 'honeybee' | 'onegevity'): { body: Buffer; topic: string } {
    if (vendor === 'honeybee') {
      const id = 90_000_000 + int(9_000_000);
      const eventType = pick(HONEYBEE_EVENTS);
      return {
        topic: eventType,
        body: Buffer.from(
          JSON.stringify({
            event_id: `garbage-${seed}-${made}`,
            event_type: eventType,
            patient_id: id,
            order_number: `HB${id}`,
            medication_requests: [{ id, refills_left: int(3) }],
          }),
        ),
      };
    }
    const topic = pick(ONEGEVITY_TOPICS);
    const orderIdentifier = `lab${Array.from({ length: 24 }, () => int(16).toString(16)).join('')}`;
    return {
      topic,
      body: Buffer.from(JSON.stringify({ id: int(1e6), orderIdentifier, patientIdentifier: `P-${int(1e6)}` })),
    };
  }

  function signedHeaders(vendor: 'honeybee' | 'onegevity', topic: string, body: Buffer): Record<string, string> {
    if (vendor === 'honeybee') {
      return {
        'x-honeybee-signature': signHoneybeeWebhook(secrets.honeybeeClientSecret, {
          method: 'POST',
          url: secrets.honeybeeUrl,
          body,
        }),
      };
    }
    return { 'x-onegevity-topic': topic, 'x-onegevity-signature': signOnegevityWebhook(secrets.onegevitySecret, body) };
  }

  function pathOf(vendor: 'honeybee' | 'onegevity', topic: string): string {
    if (vendor === 'honeybee') return '/webhooks/honeybee';
    return random() < 0.5 ? '/webhooks/onegevity' : `/webhooks/onegevity/${topic}`;
  }

  function malformedJson(): Buffer {
    for (;;) {
      const text = Array.from({ length: 1 + int(12) }, () => pick(JSON_FRAGMENTS)).join('');
      try {
        JSON.parse(text);
      } catch {
        return Buffer.from(text);
      }
    }
  }

  /** The authentic body with one thing changed: still valid JSON, no longer what was signed. */
  function tamper(body: Buffer): Buffer {
    const value = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const keys = Object.keys(value);
    const key = pick(keys);
    value[key] = random() < 0.5 ? `${String(value[key])}1` : 424242;
    if (random() < 0.3) value.injected = 'extra';
    return Buffer.from(JSON.stringify(value));
  }

  for (let i = 0; i < count; i += 1) {
    const category = ROTATION[i % ROTATION.length] as GarbageCategory;
    const vendor = random() < 0.5 ? 'honeybee' : 'onegevity';
    const { body, topic } = authenticBody(vendor);
    const path = pathOf(vendor, topic);
    const json = { 'content-type': 'application/json' };
    const signature = signedHeaders(vendor, topic, body);
    let request: Omit<GarbageRequest, 'category' | 'vendor' | 'path'>;
    switch (category) {
      case 'malformed-json-signed': {
        // Signed correctly, so the request gets past authentication and the JSON parser must refuse it.
        const bad = malformedJson();
        request = { headers: { ...json, ...signedHeaders(vendor, topic, bad) }, body: bad };
        break;
      }
      case 'forged-signature': {
        const length = vendor === 'honeybee' ? 21 : 32;
        const forged = Buffer.from(Array.from({ length }, () => int(256))).toString('base64');
        const header = vendor === 'honeybee' ? 'x-honeybee-signature' : 'x-onegevity-signature';
        request = {
          headers: { ...json, ...signature, [header]: random() < 0.8 ? forged : 'not base64 at all!' },
          body,
        };
        break;
      }
      case 'wrong-secret': {
        const other: GarbageSecrets = {
          ...secrets,
          honeybeeClientSecret: `${secrets.honeybeeClientSecret}-wrong`,
          onegevitySecret: `${secrets.onegevitySecret}-wrong`,
          // Or the right secret over another URL (Honeybee signs the URL too).
          honeybeeUrl: random() < 0.5 ? secrets.honeybeeUrl : 'https://attacker.example/webhooks/honeybee',
        };
        const headers: Record<string, string> =
          vendor === 'honeybee'
            ? {
                'x-honeybee-signature': signHoneybeeWebhook(
                  other.honeybeeUrl === secrets.honeybeeUrl ? other.honeybeeClientSecret : secrets.honeybeeClientSecret,
                  { method: 'POST', url: other.honeybeeUrl, body },
                ),
              }
            : {
                'x-onegevity-topic': topic,
                'x-onegevity-signature': signOnegevityWebhook(other.onegevitySecret, body),
              };
        request = { headers: { ...json, ...headers }, body };
        break;
      }
      case 'truncated-body':
        // Cut short in transit: the signature of the whole body, some of its bytes.
        request = { headers: { ...json, ...signature }, body: body.subarray(0, int(body.length)) };
        break;
      case 'wrong-content-type': {
        const type: Record<string, string> = random() < 0.85 ? { 'content-type': pick(WRONG_CONTENT_TYPES) } : {};
        request = { headers: { ...type, ...signature }, body };
        break;
      }
      case 'oversized-body': {
        // Signed, valid JSON, just past the limit (a string field padded out).
        const padded = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        padded.padding = 'x'.repeat(secrets.bodyLimitBytes + 1 + int(4096));
        const big = Buffer.from(JSON.stringify(padded));
        request = { headers: { ...json, ...signedHeaders(vendor, topic, big) }, body: big };
        break;
      }
      case 'missing-headers': {
        // No signature header at all (and for Onegevity, sometimes no topic either).
        const headers: Record<string, string> =
          vendor === 'onegevity' && random() < 0.7 ? { 'x-onegevity-topic': topic } : {};
        request = { headers: { ...(random() < 0.9 ? json : {}), ...headers }, body };
        break;
      }
      case 'replayed-tampered-body':
        // An authentic delivery captured and replayed with its body altered.
        request = { headers: { ...json, ...signature }, body: tamper(body) };
        break;
    }
    made += 1;
    yield { category, vendor, path, ...request };
  }
}
