// Reading the OpenAPI document back (the docs page and the manual's operations are written from it): `$ref`s
// followed within the document, and fields taken as text only when they are text.
export type Json = Record<string, unknown>;

/** A field of the document as text (`fallback` when it is not text). */
export function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** `value`, or what its `$ref` names in `document`. */
export function resolveRef(document: Json, value: unknown): Json {
  const ref = (value as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return (value ?? {}) as Json;
  let target: unknown = document;
  for (const part of ref.slice(2).split('/')) target = (target as Json | undefined)?.[part];
  return (target ?? {}) as Json;
}
