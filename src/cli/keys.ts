// `fulfill keys generate`: a new payload encryption key for PAYLOAD_KEYS. Rotation (SECURITY.md): add it to every
// process first (listed after the current key, or with PAYLOAD_CURRENT_KEY_ID pinned, so no process encrypts with it
// before all can decrypt), then set PAYLOAD_CURRENT_KEY_ID to it; keep the old keys until no history needs them.
import { randomBytes } from 'node:crypto';
import { generatePayloadKey } from '../crypto/payload-keys.js';

export function generateKeyLine(keyId: string): string {
  return generatePayloadKey(keyId);
}

/**
 * The id a new key gets unless one is given: the date for people, and random characters because two keys made the same
 * day must not share an id (every payload records its key by id; the key ring refuses one id with two keys).
 */
export function defaultKeyId(now: Date = new Date()): string {
  return `key-${now.toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
}
