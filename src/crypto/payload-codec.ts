// AES-256-GCM payload codec: every payload (workflow inputs, signals, results, failure details) is encrypted before it
// reaches Temporal, so its database holds no PHI in clear text. The key id travels in the payload metadata, so
// payloads written under an old key still decode after rotation. The cipher is implied by the encoding: payloads
// written before 2026-12-07 also name it (`encryption-cipher`), which no reader ever read; new ones leave it out, as
// every payload's metadata is written into history (34 bytes a payload). The plaintext is compressed first when that
// makes it smaller (payload-compression.ts), marked in the metadata; a payload without the mark (every one written
// before compression, or with PAYLOAD_COMPRESSION=off) decodes as it always did.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { PayloadKeyRing } from './payload-keys.js';
import {
  compressIfSmaller,
  decompress,
  MAX_INFLATED_BYTES,
  PAYLOAD_COMPRESSION_ALGORITHM,
  PayloadDecompressionError,
} from './payload-compression.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
/** Present only on payloads whose plaintext was compressed before encryption: the algorithm. */
export const METADATA_COMPRESSION = 'encryption-compression';
// @temporalio/proto is CommonJS without static export names, so Node's ESM loader offers only its default export.
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

/** What one decode call may cost, for callers that decode on behalf of others (the codec service's requests). */
export interface DecodeLimits {
  /** Bytes the call's payloads may decode to together (plaintext, after inflating). */
  maxDecodedBytes: number;
}

/** The payloads of one decode call decode to more than its DecodeLimits allow; none is returned. */
export class DecodeLimitExceededError extends Error {
  override name = 'DecodeLimitExceededError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * What the cipher authenticates besides the ciphertext: the key id (a payload cannot be moved under another key's
 * label) and, for a compressed payload, its algorithm (the mark cannot be added or stripped).
 */
function additionalData(keyId: string, compression: string | undefined): Uint8Array {
  return encoder.encode(compression === undefined ? keyId : `${keyId}\ncompression=${compression}`);
}

/** What the compression mark adds to a payload's encoded size: compressing must save more than this. */
const COMPRESSION_MARK_BYTES = PayloadMessage.encode({
  metadata: { [METADATA_COMPRESSION]: encoder.encode(PAYLOAD_COMPRESSION_ALGORITHM) },
}).finish().length;

export interface PayloadCodecOptions {
  /** Compress plaintext before encrypting it when that makes it smaller (default true). Decoding always inflates. */
  compress?: boolean;
}

function metadataString(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? decoder.decode(value) : undefined;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly compress: boolean;

  constructor(
    private readonly keyRing: PayloadKeyRing,
    options: PayloadCodecOptions = {},
  ) {
    this.compress = options.compress ?? true;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyRing.currentKeyId;
    const key = this.keyRing.keys.get(keyId)!;
    return payloads.map((payload) => {
      const serialized = PayloadMessage.encode(payload).finish();
      const compressed = this.compress ? compressIfSmaller(serialized, COMPRESSION_MARK_BYTES) : undefined;
      const compression = compressed ? PAYLOAD_COMPRESSION_ALGORITHM : undefined;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(additionalData(keyId, compression));
      const ciphertext = Buffer.concat([cipher.update(compressed ?? serialized), cipher.final()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: encoder.encode(ENCRYPTED_ENCODING),
          [METADATA_KEY_ID]: encoder.encode(keyId),
          ...(compression ? { [METADATA_COMPRESSION]: encoder.encode(compression) } : {}),
        },
        data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
      };
    });
  }

  /** The engine's own decoding (the data converter): each payload is bounded alone, by MAX_INFLATED_BYTES. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return this.decodeAll(payloads, Number.POSITIVE_INFINITY);
  }

  /**
   * Decoding for someone else (the codec service's requests): the call as a whole is bounded too, as a small request
   * of many highly compressed payloads, each under the per-payload bound, would otherwise make the service allocate
   * gigabytes. A method of its own: the SDK passes its own second argument to `decode`.
   */
  async decodeWithin(payloads: Payload[], limits: DecodeLimits): Promise<Payload[]> {
    return this.decodeAll(payloads, limits.maxDecodedBytes);
  }

  private decodeAll(payloads: Payload[], maxDecodedBytes: number): Payload[] {
    let remaining = maxDecodedBytes;
    const exceeded = () =>
      new DecodeLimitExceededError(`the payloads decode to more than ${maxDecodedBytes} bytes in one request`);
    return payloads.map((payload) => {
      if (metadataString(payload, METADATA_ENCODING_KEY) !== ENCRYPTED_ENCODING) return payload;
      const keyId = metadataString(payload, METADATA_KEY_ID) ?? '';
      const compression = metadataString(payload, METADATA_COMPRESSION);
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
      decipher.setAAD(additionalData(keyId, compression));
      decipher.setAuthTag(tag);
      let plaintext: Buffer;
      try {
        plaintext = Buffer.concat([
          decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw new PayloadDecryptionError(
          `encrypted payload failed authentication under key "${keyId}": it was altered, or this process's key ` +
            `"${keyId}" is not the one that encrypted it (compare PAYLOAD_KEYS / PAYLOAD_KEY_FILE, and DATA_DIR, with ` +
            `the engine's)`,
        );
      }
      if (compression !== undefined) {
        try {
          plaintext = decompress(compression, plaintext, remaining);
        } catch (error) {
          if (error instanceof PayloadDecompressionError && error.tooLarge && remaining < MAX_INFLATED_BYTES) {
            throw exceeded();
          }
          if (error instanceof PayloadDecompressionError) throw new PayloadDecryptionError(error.message);
          throw error;
        }
      }
      remaining -= plaintext.length;
      if (remaining < 0) throw exceeded();
      return PayloadMessage.decode(plaintext);
    });
  }
}
