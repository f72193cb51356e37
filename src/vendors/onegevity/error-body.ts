// Onegevity error bodies (docs/VENDOR-FACTS.md): `ValidationError {id, globalErrors[], fieldErrors[{fieldName,
// message}]}` and `GeneralError {id, message}`, where `id` is the request id; OAuth errors `{"error":"invalid_scope"}`.
// We keep the field names, the OAuth error code and the id; the free-text messages stay out (they may echo PHI).
import { z } from 'zod';
import type { VendorErrorBody } from '../shared/vendor-http.js';

const onegevityErrorBodySchema = z.looseObject({
  id: z.union([z.string(), z.number()]).optional().catch(undefined),
  fieldErrors: z
    .array(z.looseObject({ fieldName: z.string().optional().catch(undefined) }))
    .optional()
    .catch(undefined),
  error: z.string().optional().catch(undefined),
});

export function readOnegevityErrorBody(body: unknown): VendorErrorBody {
  const parsed = onegevityErrorBodySchema.safeParse(body);
  if (!parsed.success) return { codes: [], fields: [] };
  const fields = (parsed.data.fieldErrors ?? []).flatMap((entry) => (entry.fieldName ? [entry.fieldName] : []));
  return {
    codes: parsed.data.error ? [parsed.data.error] : [],
    fields: [...new Set(fields)],
    ...(parsed.data.id !== undefined ? { requestId: String(parsed.data.id) } : {}),
  };
}
