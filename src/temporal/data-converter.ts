// The data converter shared by the worker and every client (bridge, CLI, tests, benchmarks), so payloads are encrypted
// the same way everywhere and any of them can decode what another wrote.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../crypto/payload-codec.js';
import { loadPayloadKeyRing, type PayloadKeyConfig } from '../crypto/payload-keys.js';
import type { EngineConfig } from '../config/env.js';

/** Path of the failure converter module (a .ts file from source, .js when compiled). */
export function failureConverterPath(): string {
  const ts = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('./failure-converter.js', import.meta.url));
}

/** PAYLOAD_COMPRESSION is optional here: tests and tools that give only keys get the default (compress). */
export type DataConverterConfig = PayloadKeyConfig & Partial<Pick<EngineConfig, 'PAYLOAD_COMPRESSION'>>;

export function createDataConverter(config: DataConverterConfig): DataConverter {
  return {
    payloadCodecs: [
      new AesGcmPayloadCodec(loadPayloadKeyRing(config), { compress: config.PAYLOAD_COMPRESSION ?? true }),
    ],
    failureConverterPath: failureConverterPath(),
  };
}
