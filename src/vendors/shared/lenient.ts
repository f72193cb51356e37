// zod building blocks for reading vendor responses leniently (docs/WIRE-CONTRACT.md): unknown fields pass through
// (schemas use z.looseObject), unknown enum values are kept as strings, and a resource may come wrapped in its name
// (`{"order": …}`) or bare.
import { z } from 'zod';

/** Vendor ids are numbers in the docs; a string form is kept as it came rather than refused. */
export const vendorId = z.union([z.number(), z.string().min(1)]);

/** An identifier the engine uses in paths and workflow ids: numbers become strings. */
export const vendorIdString = vendorId.transform(String);

/** An open enum: any string, normalised (casing, spelling) by `normalize`; unknown values are kept. */
export function openEnum(normalize: (value: string) => string) {
  return z.string().transform(normalize);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"order": {…}}` or `{…}`: both read as the resource. */
export function wrappedOrBare<S extends z.ZodType>(key: string, schema: S) {
  return z.preprocess((value) => (isRecord(value) && isRecord(value[key]) ? value[key] : value), schema);
}

/** `{"orders": […]}` or `[…]`: both read as the list. */
export function listWrappedOrBare<S extends z.ZodType>(key: string, item: S) {
  return z.preprocess((value) => (isRecord(value) && Array.isArray(value[key]) ? value[key] : value), z.array(item));
}

/**
 * A list the vendor may write under any of `keys`, each holding a list or a single object, or bare (a list, or one
 * object carrying `idField`): all read as the list. A body matching none of these is left for the schema to refuse.
 */
export function listUnderAnyKey<S extends z.ZodType>(keys: readonly string[], idField: string, item: S) {
  return z.preprocess((value: unknown): unknown => {
    if (!isRecord(value)) return value;
    for (const key of keys) {
      const inner: unknown = value[key];
      if (Array.isArray(inner) || isRecord(inner)) return Array.isArray(inner) ? inner : [inner];
    }
    return idField in value ? [value] : value;
  }, z.array(item));
}

/** A 204 (or any body we do not use): always undefined. */
export const emptyBody = z.unknown().transform(() => undefined);

/** A number, or a string holding one (`"30"`): vendors are not always consistent about quoting numbers. */
export const numberish = z.preprocess(
  (value) =>
    typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value,
  z.number(),
);

/** A list that may be missing or null: read as empty. */
export function listOrEmpty<S extends z.ZodType>(item: S) {
  return z
    .array(item)
    .nullish()
    .transform((value) => value ?? []);
}
