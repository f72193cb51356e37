import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { defaultKeyId } from '../../src/cli/keys.js';
import { ConfigError } from '../../src/config/env.js';
import {
  AesGcmPayloadCodec,
  DecodeLimitExceededError,
  ENCRYPTED_ENCODING,
  METADATA_COMPRESSION,
  METADATA_KEY_ID,
  PayloadDecryptionError,
} from '../../src/crypto/payload-codec.js';
import { MAX_INFLATED_BYTES } from '../../src/crypto/payload-compression.js';
import { generatePayloadKey, generatePayloadKeyFile, loadPayloadKeyRing } from '../../src/crypto/payload-keys.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';

const keyA = generatePayloadKey('a');
const keyB = generatePayloadKey('b');
const phi = { firstName: 'Zebulon', lastName: 'Testpatient', dob: '1961-02-03', street: '742 Evergreen Terrace' };

function ring(keys: string[], current?: string) {
  return loadPayloadKeyRing({ PAYLOAD_KEYS: keys, PAYLOAD_KEY_FILE: undefined, PAYLOAD_CURRENT_KEY_ID: current });
}

const text = (payload: Payload) => Buffer.from(payload.data ?? new Uint8Array()).toString('latin1');

describe('AES-256-GCM payload codec', () => {
  it('round-trips payloads and hides their content', async () => {
    const codec = new AesGcmPayloadCodec(ring([keyA]));
    const original = defaultPayloadConverter.toPayload(phi);
    const [encoded] = await codec.encode([original]);
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(encoded!.metadata![METADATA_KEY_ID]!).toString()).toBe('a');
    // Nothing else: every metadata byte is written into history for every payload (the cipher is the encoding's).
    expect(Object.keys(encoded!.metadata!).sort()).toEqual(['encoding', METADATA_KEY_ID]);
    for (const value of Object.values(phi)) expect(text(encoded!)).not.toContain(value);
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(phi);
  });

  it('uses a fresh IV for every payload', async () => {
    const codec = new AesGcmPayloadCodec(ring([keyA]));
    const payload = defaultPayloadConverter.toPayload('same');
    const [first, second] = await codec.encode([payload, payload]);
    expect(Buffer.compare(Buffer.from(first!.data!), Buffer.from(second!.data!))).not.toBe(0);
  });

  it('decodes payloads written under an old key after rotation, and encodes with the new current key', async () => {
    const before = new AesGcmPayloadCodec(ring([keyA]));
    const [old] = await before.encode([defaultPayloadConverter.toPayload(phi)]);
    const after = new AesGcmPayloadCodec(ring([keyB, keyA]));
    const [decoded] = await after.decode([old!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(phi);
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload(phi)]);
    expect(Buffer.from(fresh!.metadata![METADATA_KEY_ID]!).toString()).toBe('b');
  });

  it('refuses a payload under an unknown key, naming the key id', async () => {
    const [encoded] = await new AesGcmPayloadCodec(ring([keyA])).encode([defaultPayloadConverter.toPayload(1)]);
    await expect(new AesGcmPayloadCodec(ring([keyB])).decode([encoded!])).rejects.toThrow(/key "a".*PAYLOAD_KEYS/);
  });

  it('refuses a payload under a key of the same id but other bytes, saying which settings to compare', async () => {
    const [encoded] = await new AesGcmPayloadCodec(ring([keyA])).encode([defaultPayloadConverter.toPayload(1)]);
    const otherA = generatePayloadKey('a');
    await expect(new AesGcmPayloadCodec(ring([otherA])).decode([encoded!])).rejects.toThrow(
      /failed authentication under key "a".*PAYLOAD_KEYS.*DATA_DIR/,
    );
  });

  it('detects tampering, truncation and a relabelled key id', async () => {
    const codec = new AesGcmPayloadCodec(ring([keyA, generatePayloadKey('c')]));
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(phi)]);
    const tampered = Buffer.from(encoded!.data!);
    tampered[20] = tampered[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data: tampered }])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([{ ...encoded!, data: tampered.subarray(0, 10) }])).rejects.toThrow(/truncated/);
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, [METADATA_KEY_ID]: Buffer.from('c') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(PayloadDecryptionError);
  });

  it('passes unencrypted payloads through on decode', async () => {
    const plain = defaultPayloadConverter.toPayload('legacy');
    const [decoded] = await new AesGcmPayloadCodec(ring([keyA])).decode([plain]);
    expect(decoded).toEqual(plain);
  });
});

describe('payload compression before encryption', () => {
  const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
  // A prescription's state: repetitive JSON, as most of the engine's payloads are.
  const state = {
    prescriptionId: '4242',
    events: Array.from({ length: 20 }, (_, n) => ({ eventType: 'RX_UPDATED', status: 'Processing', n })),
  };
  const compressing = () => new AesGcmPayloadCodec(ring([keyA]));
  const mark = (payload: Payload) => payload.metadata?.[METADATA_COMPRESSION];

  /** Encrypts bytes the way the codec does, with whatever authenticated data and marks a test needs. */
  function sealed(plaintext: Uint8Array, aad: string, metadata: Record<string, string>): Payload {
    const keyBytes = ring([keyA]).keys.get('a')!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyBytes, iv);
    cipher.setAAD(Buffer.from(aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING),
        [METADATA_KEY_ID]: Buffer.from('a'),
        ...Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value)])),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  it('compresses a payload that shrinks, marks it, and decodes it', async () => {
    const original = defaultPayloadConverter.toPayload(state);
    const [compressed] = await compressing().encode([original]);
    const [plain] = await new AesGcmPayloadCodec(ring([keyA]), { compress: false }).encode([original]);
    expect(Buffer.from(mark(compressed!)!).toString()).toBe('deflate-raw');
    expect(mark(plain!)).toBeUndefined();
    expect(compressed!.data!.length).toBeLessThan(plain!.data!.length / 2);
    const [decoded] = await compressing().decode([compressed!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(state);
  });

  it('leaves unmarked a payload that compression would not shrink', async () => {
    const tiny = defaultPayloadConverter.toPayload('ok');
    const noise = defaultPayloadConverter.toPayload(new Uint8Array(randomBytes(600)));
    const encoded = await compressing().encode([tiny, noise]);
    for (const payload of encoded) expect(mark(payload)).toBeUndefined();
    const decoded = await compressing().decode(encoded);
    expect(decoded).toEqual(
      [tiny, noise].map((payload) => PayloadMessage.decode(PayloadMessage.encode(payload).finish())),
    );
  });

  it('decodes both kinds whichever way the decoding process is set', async () => {
    const original = defaultPayloadConverter.toPayload(state);
    const [plain] = await new AesGcmPayloadCodec(ring([keyA]), { compress: false }).encode([original]);
    const [compressed] = await compressing().encode([original]);
    for (const codec of [compressing(), new AesGcmPayloadCodec(ring([keyA]), { compress: false })]) {
      const decoded = await codec.decode([plain!, compressed!]);
      expect(decoded.map((payload) => defaultPayloadConverter.fromPayload(payload))).toEqual([state, state]);
    }
  });

  it('still decodes a payload recorded before compression existed, naming its cipher (a committed history)', async () => {
    const history = JSON.parse(
      readFileSync(join(import.meta.dirname, '../fixtures/histories/prescription-automatic-happy-path.json'), 'utf8'),
    ) as {
      events: { workflowExecutionStartedEventAttributes?: { input: { payloads: Record<string, unknown>[] } } }[];
    };
    const recorded = history.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]! as {
      metadata: Record<string, string>;
      data: string;
    };
    expect(Object.keys(recorded.metadata)).not.toContain(METADATA_COMPRESSION);
    expect(Buffer.from(recorded.metadata['encryption-cipher']!, 'base64').toString()).toBe('AES-256-GCM');
    const payload: Payload = {
      metadata: Object.fromEntries(
        Object.entries(recorded.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
      ),
      data: Buffer.from(recorded.data, 'base64'),
    };
    const codec = new AesGcmPayloadCodec(loadPayloadKeyRing(testPayloadKeyConfig));
    const [decoded] = await codec.decode([payload]);
    const input = defaultPayloadConverter.fromPayload<{ prescriptionId?: unknown }>(decoded!);
    expect(typeof input.prescriptionId).toBe('string');
  });

  it('refuses a payload whose compression mark was stripped or forged', async () => {
    const [compressed] = await compressing().encode([defaultPayloadConverter.toPayload(state)]);
    const { [METADATA_COMPRESSION]: _stripped, ...unmarked } = compressed!.metadata!;
    await expect(compressing().decode([{ ...compressed!, metadata: unmarked }])).rejects.toThrow(
      PayloadDecryptionError,
    );
    const [plain] = await new AesGcmPayloadCodec(ring([keyA]), { compress: false }).encode([
      defaultPayloadConverter.toPayload(state),
    ]);
    const forged = { ...plain!, metadata: { ...plain!.metadata, [METADATA_COMPRESSION]: Buffer.from('deflate-raw') } };
    await expect(compressing().decode([forged])).rejects.toThrow(PayloadDecryptionError);
  });

  it('names an algorithm it does not know, and refuses a payload that inflates beyond the bound', async () => {
    const serialized = PayloadMessage.encode(defaultPayloadConverter.toPayload(state)).finish();
    const unknown = sealed(serialized, 'a\ncompression=zstd', { [METADATA_COMPRESSION]: 'zstd' });
    await expect(compressing().decode([unknown])).rejects.toThrow(/compressed with "zstd"/);
    const bomb = sealed(deflateRawSync(Buffer.alloc(MAX_INFLATED_BYTES + 1)), 'a\ncompression=deflate-raw', {
      [METADATA_COMPRESSION]: 'deflate-raw',
    });
    await expect(compressing().decode([bomb])).rejects.toThrow(/inflates beyond 16777216 bytes/);
    const corrupt = sealed(Buffer.from('not deflate at all'), 'a\ncompression=deflate-raw', {
      [METADATA_COMPRESSION]: 'deflate-raw',
    });
    await expect(compressing().decode([corrupt])).rejects.toThrow(/compressed payload is corrupt/);
  });

  it("bounds what one decodeWithin call decodes to, all payloads together; decode (the engine's) bounds each alone", async () => {
    const codec = compressing();
    const big = { metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.alloc(600 * 1024) };
    const [compressed] = await codec.encode([big]);
    const [stored] = await new AesGcmPayloadCodec(ring([keyA]), { compress: false }).encode([big]);
    expect(compressed!.data!.length).toBeLessThan(10_000);
    const limits = { maxDecodedBytes: 1024 * 1024 };
    // One fits; two, each well under the per-payload bound, do not: nothing is returned, however they are stored.
    expect(await codec.decodeWithin([compressed!], limits)).toHaveLength(1);
    for (const pair of [
      [compressed!, compressed!],
      [stored!, stored!],
      [stored!, compressed!],
    ]) {
      await expect(codec.decodeWithin(pair, limits)).rejects.toThrow(DecodeLimitExceededError);
    }
    await expect(codec.decodeWithin([compressed!, compressed!], limits)).rejects.toThrow(
      'the payloads decode to more than 1048576 bytes in one request',
    );
    const decoded = await codec.decode([compressed!, compressed!, stored!]);
    expect(decoded.map((payload) => payload.data?.length)).toEqual([614_400, 614_400, 614_400]);
  });
});

describe('payload key ring configuration', () => {
  it('requires at least one key, and says how to make one', () => {
    expect(() => ring([])).toThrow(/PAYLOAD_KEYS.*fulfill keys generate/s);
  });

  it('names the variable of a malformed or short key', () => {
    expect(() => ring(['nocolon'])).toThrow(ConfigError);
    expect(() => ring(['k:' + Buffer.alloc(16).toString('base64')])).toThrow(/PAYLOAD_KEYS.*32 bytes/s);
    expect(() => ring([keyA], 'missing')).toThrow(/PAYLOAD_CURRENT_KEY_ID/);
  });

  it('reads a key file and merges it with PAYLOAD_KEYS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const file = join(dir, 'keys.json');
    writeFileSync(file, generatePayloadKeyFile('filekey'));
    const fromFile = loadPayloadKeyRing({
      PAYLOAD_KEYS: [],
      PAYLOAD_KEY_FILE: file,
      PAYLOAD_CURRENT_KEY_ID: undefined,
    });
    expect(fromFile.currentKeyId).toBe('filekey');
    const merged = loadPayloadKeyRing({
      PAYLOAD_KEYS: [keyA],
      PAYLOAD_KEY_FILE: file,
      PAYLOAD_CURRENT_KEY_ID: undefined,
    });
    expect([...merged.keys.keys()].sort()).toEqual(['a', 'filekey']);
    expect(merged.currentKeyId).toBe('a');
    writeFileSync(file, '{"keys": 3}');
    expect(() =>
      loadPayloadKeyRing({ PAYLOAD_KEYS: [], PAYLOAD_KEY_FILE: file, PAYLOAD_CURRENT_KEY_ID: undefined }),
    ).toThrow(/PAYLOAD_KEY_FILE/);
  });

  it('refuses one key id given twice with different keys, naming both places; the same key twice is harmless', () => {
    const [id, first] = generatePayloadKey('key-2026-12-07').split(':');
    const second = generatePayloadKey('key-2026-12-07');
    expect(() => ring([keyA, `${id}:${first}`, second])).toThrow(
      /PAYLOAD_KEYS: key id "key-2026-12-07" \(entry 3\) is also in PAYLOAD_KEYS \(entry 2\) with a different key/,
    );
    expect(ring([`${id}:${first}`, `${id}:${first}`]).keys.size).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const file = join(dir, 'keys.json');
    writeFileSync(file, generatePayloadKeyFile('key-2026-12-07'));
    const fromBoth = (keys: string[]) =>
      loadPayloadKeyRing({ PAYLOAD_KEYS: keys, PAYLOAD_KEY_FILE: file, PAYLOAD_CURRENT_KEY_ID: undefined });
    expect(() => fromBoth([second])).toThrow(
      `key id "key-2026-12-07" (entry 1) is also in PAYLOAD_KEY_FILE (${file}) with a different key`,
    );
    const inFile = (JSON.parse(readFileSync(file, 'utf8')) as { keys: Record<string, string> }).keys['key-2026-12-07'];
    expect(fromBoth([`key-2026-12-07:${inFile}`]).keys.size).toBe(1);
  });

  it('gives keys generated the same day different ids by default', () => {
    const day = new Date('2026-12-07T09:00:00Z');
    const ids = new Set(Array.from({ length: 20 }, () => defaultKeyId(day)));
    expect(ids.size).toBe(20);
    for (const id of ids) {
      expect(id).toMatch(/^key-2026-12-07-[0-9a-f]{6}$/);
      expect(() => generatePayloadKey(id)).not.toThrow();
    }
  });

  it('says a key file is not JSON without quoting it (a bare key pasted in), and names a read error by its code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const bare = join(dir, 'keys.txt');
    const key = randomBytes(32).toString('base64');
    writeFileSync(bare, `${key}\n`);
    const message = (file: string) => {
      try {
        loadPayloadKeyRing({ PAYLOAD_KEYS: [], PAYLOAD_KEY_FILE: file, PAYLOAD_CURRENT_KEY_ID: undefined });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    expect(message(bare)).toContain(`PAYLOAD_KEY_FILE: cannot read ${bare}: not valid JSON`);
    expect(message(bare)).not.toContain(key.slice(0, 8));
    expect(message(join(dir, 'none.json'))).toContain(`cannot read ${join(dir, 'none.json')}: ENOENT`);
  });
});
