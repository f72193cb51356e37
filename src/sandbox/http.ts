// HTTP plumbing shared by the sandbox's routes: raw bodies (signatures and strict parsing need the bytes), JSON and
// form parsing with the right error, weak ETags, and which area of the sandbox a path belongs to.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Vendor } from '../domain/vendors.js';

export type SandboxArea = Vendor | 'partner' | 'control';

export function areaOf(path: string): SandboxArea {
  if (path.startsWith('/honeybee/')) return 'honeybee';
  if (path.startsWith('/onegevity/')) return 'onegevity';
  if (path.startsWith('/partner/')) return 'partner';
  return 'control';
}

export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string };

/** The body as JSON; an empty body is `undefined` (the caller decides whether that is allowed). */
export function jsonBody(request: FastifyRequest): JsonBody {
  const bytes = rawBody(request);
  if (bytes.length === 0) return { ok: true, value: undefined };
  const type = String(request.headers['content-type'] ?? '');
  if (type && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    return { ok: false, message: `expected Content-Type application/json, got ${type.split(';')[0] ?? type}` };
  }
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { ok: false, message: 'the body is not valid JSON' };
  }
}

/** A token request's form body (application/x-www-form-urlencoded); other bodies read as empty. */
export function formBody(request: FastifyRequest): URLSearchParams {
  const type = String(request.headers['content-type'] ?? '');
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) return new URLSearchParams();
  return new URLSearchParams(rawBody(request).toString('utf8'));
}

export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function weakEtag(body: string): string {
  return `W/"${createHash('sha1').update(body).digest('hex')}"`;
}

/** If-None-Match against an ETag by weak comparison (RFC 9110 §13.1.2): `*`, or any listed tag with W/ ignored. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
