// The payload encryption key ring: several AES-256 keys, one current. New payloads are encrypted with the current key;
// any known key decrypts, so a key can be rotated without downtime (add the new key, make it current, keep the old one
// until no history needs it). Keys come from PAYLOAD_KEYS (`id:base64,…`) and/or PAYLOAD_KEY_FILE; they are never
// logged.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type EngineConfig } from '../config/env.js';

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface PayloadKeyRing {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const keyFileSchema = z.object({
  current: z.string().regex(KEY_ID).optional(),
  keys: z.record(z.string().regex(KEY_ID), z.string().min(1)),
});

export type PayloadKeyConfig = Pick<EngineConfig, 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_FILE' | 'PAYLOAD_CURRENT_KEY_ID'>;

function decodeKey(variable: string, keyId: string, base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== base64.replace(/=+$/, '')) {
    throw new ConfigError([
      { variable, message: `key "${keyId}" must be ${KEY_BYTES} bytes of base64 (openssl rand -base64 32)` },
    ]);
  }
  return key;
}

/**
 * Why the key file could not be read, in words that never quote it: JSON.parse's message shows the start of the text,
 * which in a key file that is not JSON (a bare key pasted in) is the key itself.
 */
function keyFileProblem(error: unknown): string {
  if (error instanceof z.ZodError) return 'expected {"current": "id", "keys": {"id": "base64"}}';
  if (error instanceof SyntaxError) return 'not valid JSON';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unreadable';
}

/** Builds the key ring from configuration; throws a ConfigError naming the variable when something is wrong. */
export function loadPayloadKeyRing(config: PayloadKeyConfig): PayloadKeyRing {
  const keys = new Map<string, Buffer>();
  /** Where each id was first given, to name both places when it is given again. */
  const origin = new Map<string, string>();
  let fileCurrent: string | undefined;

  if (config.PAYLOAD_KEY_FILE) {
    let parsed: z.infer<typeof keyFileSchema>;
    try {
      parsed = keyFileSchema.parse(JSON.parse(readFileSync(config.PAYLOAD_KEY_FILE, 'utf8')));
    } catch (error) {
      throw new ConfigError([
        { variable: 'PAYLOAD_KEY_FILE', message: `cannot read ${config.PAYLOAD_KEY_FILE}: ${keyFileProblem(error)}` },
      ]);
    }
    for (const [id, base64] of Object.entries(parsed.keys)) {
      keys.set(id, decodeKey('PAYLOAD_KEY_FILE', id, base64));
      origin.set(id, `in PAYLOAD_KEY_FILE (${config.PAYLOAD_KEY_FILE})`);
    }
    fileCurrent = parsed.current;
  }

  let firstListed: string | undefined;
  for (const [index, entry] of config.PAYLOAD_KEYS.entries()) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator);
    if (separator <= 0 || !KEY_ID.test(id)) {
      throw new ConfigError([{ variable: 'PAYLOAD_KEYS', message: 'expected keyId:base64 pairs, comma-separated' }]);
    }
    const key = decodeKey('PAYLOAD_KEYS', id, entry.slice(separator + 1));
    const earlier = keys.get(id);
    // The id is what a payload records: two keys under one id would leave every payload written under the one not
    // kept undecodable. The same key given twice (in the file and in the variable while moving it) is harmless.
    if (earlier && !earlier.equals(key)) {
      throw new ConfigError([
        {
          variable: 'PAYLOAD_KEYS',
          message:
            `key id "${id}" (entry ${index + 1}) is also ${origin.get(id)} with a different key: ` +
            'give every key its own id (`fulfill keys generate` makes one)',
        },
      ]);
    }
    keys.set(id, key);
    origin.set(id, origin.get(id) ?? `in PAYLOAD_KEYS (entry ${index + 1})`);
    firstListed ??= id;
  }

  if (keys.size === 0) {
    throw new ConfigError([
      {
        variable: 'PAYLOAD_KEYS',
        message:
          'no payload encryption key configured: set PAYLOAD_KEYS or PAYLOAD_KEY_FILE ' +
          '(create one with `fulfill keys generate`); PHI is never stored in Temporal unencrypted',
      },
    ]);
  }
  const currentKeyId = config.PAYLOAD_CURRENT_KEY_ID ?? firstListed ?? fileCurrent ?? [...keys.keys()][0]!;
  if (!keys.has(currentKeyId)) {
    throw new ConfigError([
      { variable: 'PAYLOAD_CURRENT_KEY_ID', message: `no key with id "${currentKeyId}" is configured` },
    ]);
  }
  return { currentKeyId, keys };
}

/** A new random key as a PAYLOAD_KEYS entry. */
export function generatePayloadKey(keyId: string): string {
  if (!KEY_ID.test(keyId)) throw new Error(`key id must match ${KEY_ID.source}`);
  return `${keyId}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/** The JSON of a key file holding one new key (what `fulfill dev` writes on first start). */
export function generatePayloadKeyFile(keyId: string): string {
  const [, base64] = generatePayloadKey(keyId).split(':');
  return `${JSON.stringify({ current: keyId, keys: { [keyId]: base64 } }, null, 2)}\n`;
}
