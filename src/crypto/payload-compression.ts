// Compression of a payload's bytes before they are encrypted (ciphertext does not compress). Raw deflate at the
// fastest level: on the engine's recorded payloads (mean 291 bytes) it keeps 68% of the bytes for about a third of
// brotli's CPU, which kept 64% (docs/PERFORMANCE.md, "Payload compression"). A payload is compressed only when that
// makes it smaller; the codec marks the ones that are, so payloads written before compression existed still decode.
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';

export const PAYLOAD_COMPRESSION_ALGORITHM = 'deflate-raw';
export type PayloadCompression = typeof PAYLOAD_COMPRESSION_ALGORITHM;

/** Below this nothing the engine writes ever came out smaller (the measurement above), so it is not tried. */
const MIN_BYTES_WORTH_TRYING = 64;

/**
 * Temporal refuses payloads above 2 MiB by default; a payload that inflates far beyond is not one the engine wrote, and
 * inflating it without a bound would let whoever can submit one to the codec service exhaust its memory.
 */
export const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

/**
 * zlib's output buffer per call (default 16 KiB): payloads are mostly a few hundred bytes, and allocating 16 KiB for
 * each cost a third of an inflate (measured with bench:payload-codec); larger outputs take several chunks.
 */
const CHUNK_BYTES = 4096;

export class PayloadDecompressionError extends Error {
  override name = 'PayloadDecompressionError';

  /** True when the payload inflates beyond the bound it was given (not corrupt, just too large). */
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/**
 * The compressed bytes when they, with the `markBytes` the mark adds to the payload, are smaller than `plain`; else
 * undefined (store `plain` as it is).
 */
export function compressIfSmaller(plain: Uint8Array, markBytes: number): Buffer | undefined {
  if (plain.length < MIN_BYTES_WORTH_TRYING + markBytes) return undefined;
  const compressed = deflateRawSync(plain, { level: constants.Z_BEST_SPEED, chunkSize: CHUNK_BYTES });
  return compressed.length + markBytes < plain.length ? compressed : undefined;
}

/** Inflates `compressed`, refusing output beyond `maxBytes` (at most MAX_INFLATED_BYTES, the bound for any payload). */
export function decompress(algorithm: string, compressed: Uint8Array, maxBytes = MAX_INFLATED_BYTES): Buffer {
  const bound = Math.max(1, Math.min(maxBytes, MAX_INFLATED_BYTES));
  if (algorithm !== PAYLOAD_COMPRESSION_ALGORITHM) {
    throw new PayloadDecompressionError(
      `payload is compressed with "${algorithm}", which this version does not know (it writes ${PAYLOAD_COMPRESSION_ALGORITHM})`,
    );
  }
  try {
    return inflateRawSync(compressed, { maxOutputLength: bound, chunkSize: CHUNK_BYTES });
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new PayloadDecompressionError(
      tooLarge
        ? `compressed payload inflates beyond ${bound} bytes`
        : `compressed payload is corrupt (${PAYLOAD_COMPRESSION_ALGORITHM})`,
      tooLarge,
    );
  }
}
