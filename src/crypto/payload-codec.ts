// AES-256-GCM payload codec: every payload (workflow inputs, signals, results, failure details) is encrypted before it
// reaches Temporal, so its database holds no PHI in clear text. The key id travels in the payload metadata, so
// payloads written under an old key still decode after rotation.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { PayloadKeyRing } from './payload-keys.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
export const METADATA_CIPHER = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
// @temporalio/proto is CommonJS without static export names, so Node's ESM loader offers only its default export.
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function metadataString(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? decoder.decode(value) : undefined;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyRing: PayloadKeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyRing.currentKeyId;
    const key = this.keyRing.keys.get(keyId)!;
    return payloads.map((payload) => {
      const plaintext = PayloadMessage.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is authenticated too: a payload cannot be moved under another key's label.
      cipher.setAAD(encoder.encode(keyId));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: encoder.encode(ENCRYPTED_ENCODING),
          [METADATA_KEY_ID]: encoder.encode(keyId),
          [METADATA_CIPHER]: encoder.encode(CIPHER),
        },
        data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (metadataString(payload, METADATA_ENCODING_KEY) !== ENCRYPTED_ENCODING) return payload;
      const keyId = metadataString(payload, METADATA_KEY_ID) ?? '';
      const key = this.keyRing.keys.get(keyId);
      if (!key) {
        throw new PayloadDecryptionError(
          `payload was encrypted with key "${keyId}", which is not configured (add it to PAYLOAD_KEYS or PAYLOAD_KEY_FILE)`,
        );
      }
      const data = payload.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('encrypted payload is truncated');
      const iv = data.subarray(0, IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(encoder.encode(keyId));
      decipher.setAuthTag(tag);
      let plaintext: Buffer;
      try {
        plaintext = Buffer.concat([
          decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw new PayloadDecryptionError(`encrypted payload failed authentication under key "${keyId}"`);
      }
      return PayloadMessage.decode(plaintext);
    });
  }
}
