// Requests are checked before they leave (zod at the HTTP-out boundary). A request that cannot be right fails here
// as InvalidInput (not retryable), naming the fields but never their values.
import type { z } from 'zod';
import { FailureType } from '../../domain/failure-types.js';
import { VendorError } from './vendor-error.js';
import type { Vendor } from '../../domain/vendors.js';

export function checkRequest<S extends z.ZodType>(
  vendor: Vendor,
  endpoint: string,
  schema: S,
  input: unknown,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.') || '(body)'))];
  throw new VendorError({
    vendor,
    endpoint,
    failureType: FailureType.InvalidInput,
    fields,
    detail: 'request refused before sending',
  });
}

/** An id as a string, refusing an empty one (an empty id would address a different endpoint or filter nothing). */
export function requireId(vendor: Vendor, endpoint: string, id: string | number): string {
  const value = String(id);
  if (value.trim() === '') {
    throw new VendorError({
      vendor,
      endpoint,
      failureType: FailureType.InvalidInput,
      detail: 'empty identifier',
    });
  }
  return value;
}

/** A path segment from an id: non-empty and percent-encoded. */
export function pathId(vendor: Vendor, endpoint: string, id: string | number): string {
  return encodeURIComponent(requireId(vendor, endpoint, id));
}
