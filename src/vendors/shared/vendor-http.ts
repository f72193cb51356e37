// The HTTP core both vendor clients share: bearer token from the vendor's TokenProvider (a 401 refreshes it once and
// retries that one request once), Accept: application/json, the configured timeout, the vendor's X-Request-Id on
// every result and error, a weak-ETag cache for GETs (If-None-Match → 304 → the cached body), zod validation of every
// response, and classification of every failure into a VendorError. Nothing here retries anything else: Temporal
// retries activities.
import type { Method } from 'got';
import type { z } from 'zod';
import { FailureType } from '../../domain/failure-types.js';
import { EtagCache } from './etag-cache.js';
import { parseRetryAfter } from './retry-after.js';
import type { TokenProvider } from './token-provider.js';
import { exchange, headerValue, INVALID_JSON, parseJsonBody, type VendorResponse } from './transport.js';
import { failureTypeForStatus, VendorError, type VendorName } from './vendor-error.js';

/** What a vendor's error body says, without its free-text messages (which may echo PHI). */
export interface VendorErrorBody {
  codes: (number | string)[];
  fields: string[];
  /** Onegevity puts the request id in its error bodies. */
  requestId?: string;
}

export interface VendorHttpOptions {
  vendor: VendorName;
  /** Base URL of the API, e.g. `https://partners.honeybeehealth.com/v1`. */
  baseUrl: string;
  tokens: TokenProvider;
  timeoutMs: number;
  /** Reads the vendor's error body shape; must not throw. */
  readErrorBody: (body: unknown) => VendorErrorBody;
  /** How many GET bodies the ETag cache keeps (least recently used go first). Default 1000. */
  etagCacheSize?: number;
  /** The clock for HTTP-date Retry-After values. */
  now?: () => number;
}

export interface VendorCall<S extends z.ZodType> {
  method: Method;
  /** The endpoint template for messages, e.g. `GET /orders/{order_number}`. */
  endpoint: string;
  /** Path under the base URL, ids already encoded: `/orders/HB7K2M9Q`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** Reads the response body (undefined when empty). */
  schema: S;
}

/** Every successful call keeps the vendor's X-Request-Id: the audit trail names the vendor request behind each step. */
export interface VendorResult<T> {
  data: T;
  requestId: string | undefined;
  status: number;
  /** True when the vendor answered 304 and the body came from the ETag cache. */
  fromCache: boolean;
}

/** A document the vendor serves (a lab report): its bytes and content type. */
export interface VendorDocument {
  bytes: Buffer;
  contentType: string;
}

export interface VendorHttp {
  call<S extends z.ZodType>(call: VendorCall<S>): Promise<VendorResult<z.output<S>>>;
  /** A GET of a document (not JSON), with the same token handling and error classification; never cached. */
  download(
    call: Omit<VendorCall<z.ZodType>, 'schema' | 'json' | 'method'> & { accept: string },
  ): Promise<VendorResult<VendorDocument>>;
  readonly etagCache: EtagCache;
}

function buildUrl(baseUrl: string, path: string, query: VendorCall<z.ZodType>['query']): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

/** Issue locations only: zod's messages are generic, but values never leave this module. */
function issuePaths(error: z.ZodError): string {
  const paths = error.issues.slice(0, 5).map((issue) => issue.path.map(String).join('.') || '(root)');
  return [...new Set(paths)].join(', ') + (error.issues.length > 5 ? ', …' : '');
}

/** The cache holds up to etagCacheSize bodies: each small, so that the count bounds its memory too. */
const MAX_CACHED_BODY_CHARS = 256 * 1024;

/** `application/pdf; charset=binary` → `application/pdf`. */
function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

export function createVendorHttp(options: VendorHttpOptions): VendorHttp {
  const etagCache = new EtagCache(options.etagCacheSize ?? 1000);
  const now = options.now ?? Date.now;

  function invalid(call: VendorCall<z.ZodType>, response: VendorResponse, detail: string): VendorError {
    return new VendorError({
      vendor: options.vendor,
      endpoint: call.endpoint,
      failureType: FailureType.VendorResponseInvalid,
      status: response.status,
      requestId: response.requestId,
      detail,
    });
  }

  function read<S extends z.ZodType>(call: VendorCall<S>, response: VendorResponse, text: string, fromCache: boolean) {
    const body = parseJsonBody(text);
    if (body === INVALID_JSON) throw invalid(call, response, `HTTP ${response.status} with a body that is not JSON`);
    const parsed = call.schema.safeParse(body);
    if (!parsed.success) {
      throw invalid(call, response, `HTTP ${response.status} body does not match at ${issuePaths(parsed.error)}`);
    }
    return { data: parsed.data, requestId: response.requestId, status: response.status, fromCache };
  }

  function failure(
    call: Pick<VendorCall<z.ZodType>, 'endpoint'>,
    response: VendorResponse,
    refreshed: boolean,
  ): VendorError {
    const body = parseJsonBody(response.body);
    let details: VendorErrorBody = { codes: [], fields: [] };
    if (body !== undefined && body !== INVALID_JSON) {
      try {
        details = options.readErrorBody(body);
      } catch {
        // An unreadable error body still leaves the status to classify by.
      }
    }
    const { status } = response;
    return new VendorError({
      vendor: options.vendor,
      endpoint: call.endpoint,
      failureType: failureTypeForStatus(status),
      status,
      requestId: response.requestId ?? details.requestId,
      retryAfterMs:
        status === 429 || status === 503 ? parseRetryAfter(response.headers['retry-after'], now()) : undefined,
      codes: details.codes,
      fields: details.fields,
      detail: status === 401 && refreshed ? 'HTTP 401 after a token refresh' : `HTTP ${status}`,
    });
  }

  /** Sends with the current token; a 401 refreshes it once and sends once more. */
  async function authorized(
    send: (token: string) => Promise<VendorResponse>,
  ): Promise<{ response: VendorResponse; refreshed: boolean }> {
    let token = await options.tokens.getToken();
    let response = await send(token);
    if (response.status !== 401) return { response, refreshed: false };
    options.tokens.invalidate(token);
    token = await options.tokens.getToken();
    response = await send(token);
    return { response, refreshed: true };
  }

  return {
    etagCache,
    async download(call) {
      const url = buildUrl(options.baseUrl, call.path, call.query);
      const { response, refreshed } = await authorized((token) =>
        exchange({
          vendor: options.vendor,
          endpoint: call.endpoint,
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${token}` },
          timeoutMs: options.timeoutMs,
          binary: { accept: call.accept },
        }),
      );
      if (response.status < 200 || response.status >= 300) {
        throw failure(call, response, refreshed);
      }
      // What is passed on to the partner as the document must be what was asked for, not an error page served 200.
      const contentType = headerValue(response.headers['content-type']) ?? '';
      if (mediaType(contentType) !== mediaType(call.accept)) {
        throw new VendorError({
          vendor: options.vendor,
          endpoint: call.endpoint,
          failureType: FailureType.VendorResponseInvalid,
          status: response.status,
          requestId: response.requestId,
          detail: `HTTP ${response.status} without the ${call.accept} asked for`,
        });
      }
      return {
        data: { bytes: response.bytes ?? Buffer.alloc(0), contentType },
        requestId: response.requestId,
        status: response.status,
        fromCache: false,
      };
    },
    async call(call) {
      const url = buildUrl(options.baseUrl, call.path, call.query);
      const cached = call.method === 'GET' ? etagCache.get(url) : undefined;
      const send = (token: string) =>
        exchange({
          vendor: options.vendor,
          endpoint: call.endpoint,
          method: call.method,
          url,
          headers: { authorization: `Bearer ${token}`, ...(cached ? { 'if-none-match': cached.etag } : {}) },
          json: call.json,
          timeoutMs: options.timeoutMs,
        });

      let token = await options.tokens.getToken();
      let response = await send(token);
      let refreshed = false;
      if (response.status === 401) {
        // The token expired or was revoked early: one fresh token, one more try. A 401 then is a credentials problem.
        options.tokens.invalidate(token);
        token = await options.tokens.getToken();
        response = await send(token);
        refreshed = true;
      }

      if (response.status === 304 && cached) return read(call, response, cached.body, true);
      if (response.status >= 200 && response.status < 300) {
        const result = read(call, response, response.body, false);
        if (call.method === 'GET') {
          // Only a body that passed the schema is worth revalidating; a GET without an ETag drops the stale entry.
          const etag = headerValue(response.headers.etag);
          if (response.status === 200 && etag && response.body.length <= MAX_CACHED_BODY_CHARS) {
            etagCache.set(url, { etag, body: response.body });
          } else etagCache.delete(url);
        }
        return result;
      }
      if (call.method === 'GET' && (response.status === 404 || response.status === 410)) etagCache.delete(url);
      throw failure(call, response, refreshed);
    },
  };
}
