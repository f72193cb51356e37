// The data converter shared by the worker and every client, so payloads are encoded the same way everywhere.
// Payload encryption (PHI at rest) plugs in here as a payload codec.
import type { DataConverter } from '@temporalio/common';
import type { EngineConfig } from '../config/env.js';

export async function createDataConverter(_config: Partial<EngineConfig>): Promise<DataConverter> {
  return {};
}
