import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ConfigError } from '../../src/config/env.js';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  METADATA_KEY_ID,
  PayloadDecryptionError,
} from '../../src/crypto/payload-codec.js';
import { generatePayloadKey, generatePayloadKeyFile, loadPayloadKeyRing } from '../../src/crypto/payload-keys.js';

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
});
