// `fulfill keys generate`: a new payload encryption key for PAYLOAD_KEYS (rotation: add it first in the list, keep the
// old keys after it until no history needs them).
import { generatePayloadKey } from '../crypto/payload-keys.js';

export function generateKeyLine(keyId: string): string {
  return generatePayloadKey(keyId);
}
