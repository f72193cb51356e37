// Honeybee error bodies (docs/VENDOR-FACTS.md): 400/422 `{"errors":[{"code","message","error_detail":[{"field",
// "message"}]}]}`, 404/409 `{"error":{"error_code","message"}}`, OAuth `{"error":"invalid_token"}`. We keep the codes
// and the field names; the free-text messages stay out (they may quote the patient's data back).
import { z } from 'zod';
import type { VendorErrorBody } from '../shared/vendor-http.js';

const code = z.union([z.number(), z.string()]);

const honeybeeErrorBodySchema = z.looseObject({
  errors: z
    .array(
      z.looseObject({
        code: code.optional().catch(undefined),
        error_detail: z
          .array(z.looseObject({ field: z.string().optional().catch(undefined) }))
          .optional()
          .catch(undefined),
      }),
    )
    .optional()
    .catch(undefined),
  error: z
    .union([z.looseObject({ error_code: code.optional().catch(undefined) }), z.string()])
    .optional()
    .catch(undefined),
});

export function readHoneybeeErrorBody(body: unknown): VendorErrorBody {
  const parsed = honeybeeErrorBodySchema.safeParse(body);
  if (!parsed.success) return { codes: [], fields: [] };
  const codes: (number | string)[] = [];
  const fields: string[] = [];
  for (const entry of parsed.data.errors ?? []) {
    if (entry.code !== undefined) codes.push(entry.code);
    for (const detail of entry.error_detail ?? []) if (detail.field) fields.push(detail.field);
  }
  const { error } = parsed.data;
  if (typeof error === 'string') codes.push(error);
  else if (error?.error_code !== undefined) codes.push(error.error_code);
  return { codes: [...new Set(codes)], fields: [...new Set(fields)] };
}
