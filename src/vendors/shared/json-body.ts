// Webhook bodies arrive as raw bytes (authenticated on those bytes first); this reads them as JSON for the schemas.

export type JsonBodyResult = { ok: true; value: unknown } | { ok: false };

export function readJsonBody(body: Uint8Array | string): JsonBodyResult {
  const text =
    typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Where a payload failed its schema: paths only, never values (payloads may hold PHI). */
export function issueLocations(issues: readonly { path: readonly PropertyKey[] }[]): string[] {
  return [...new Set(issues.map((issue) => issue.path.map(String).join('.') || '(root)'))];
}
