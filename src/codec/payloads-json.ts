// The remote codec protocol every Temporal client speaks (Web UI, `temporal --codec-endpoint`, `fulfill audit`): a
// Payloads message in proto3 JSON, `{"payloads": [{"metadata": {"k": base64}, "data": base64}]}`. proto3 JSON leaves
// out empty fields, so `{}` is an empty list (what the CLI sends when a query result has no payloads) and a payload
// may lack `metadata` or `data`.
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');

export const payloadsJsonSchema = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), base64).nullish(),
        data: base64.nullish(),
      }),
    )
    .nullish(),
});

export type PayloadsJson = z.infer<typeof payloadsJsonSchema>;
export type PayloadJson = { metadata: Record<string, string>; data: string };

export function payloadsFromJson(body: PayloadsJson): Payload[] {
  return (body.payloads ?? []).map((payload) => ({
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(payload.data ?? '', 'base64'),
  }));
}

export function payloadToJson(payload: Payload): PayloadJson {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    if (value) metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}
