// One HTTP exchange with a vendor, on got, with got's own retries off: Temporal retries activities, so a client that
// also retried would multiply attempts (and could duplicate a Honeybee fill). Every HTTP status comes back as a
// response; only failures with no answer (network error, timeout) throw, already classified as VendorUnavailable.
import type { IncomingHttpHeaders } from 'node:http';
import { got, RequestError, TimeoutError, type CancelableRequest, type Method } from 'got';
import { FailureType } from '../../domain/failure-types.js';
import { observeVendorCall } from '../../observability/vendor-calls.js';
import { VendorError } from './vendor-error.js';
import type { Vendor } from '../../domain/vendors.js';

export interface VendorExchange {
  vendor: Vendor;
  /** Endpoint template for errors, e.g. `GET /orders/{order_number}`. */
  endpoint: string;
  method: Method;
  url: string;
  headers: Record<string, string>;
  /** A JSON body (sent with Content-Type: application/json). */
  json?: unknown;
  /** A form body (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  timeoutMs: number;
  /** Read the answer as bytes (a document), not text; `accept` then says what is wanted. */
  binary?: { accept: string };
}

/**
 * The largest answer read: a vendor's JSON is a few KiB, a lab report a few MiB. Past these the answer is dropped as
 * it arrives (VendorResponseInvalid, not retried), so a broken or hostile endpoint cannot fill the worker's memory.
 */
export const MAX_JSON_ANSWER_BYTES = 8 * 1024 * 1024;
export const MAX_DOCUMENT_ANSWER_BYTES = 32 * 1024 * 1024;

export interface VendorResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  requestId: string | undefined;
  /** The answer's bytes, for a `binary` exchange. */
  bytes?: Buffer;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** One call, observed (trace span, latency, 429s and Retry-After: src/observability/vendor-calls.ts). */
export async function exchange(request: VendorExchange): Promise<VendorResponse> {
  return observeVendorCall(
    { vendor: request.vendor, operation: request.endpoint, method: request.method, url: request.url },
    (traceHeaders) => send(request, traceHeaders),
  );
}

async function send(request: VendorExchange, traceHeaders: Record<string, string>): Promise<VendorResponse> {
  const maxBytes = request.binary ? MAX_DOCUMENT_ANSWER_BYTES : MAX_JSON_ANSWER_BYTES;
  let tooLarge = false;
  /** Cancels the request once the answer says (Content-Length) or shows (bytes read) that it is over maxBytes. */
  const bounded = <T>(pending: CancelableRequest<T>): CancelableRequest<T> =>
    pending.on('downloadProgress', (progress) => {
      if (!tooLarge && (progress.transferred > maxBytes || (progress.total ?? 0) > maxBytes)) {
        tooLarge = true;
        pending.cancel();
      }
    });
  try {
    const options = {
      method: request.method,
      headers: { accept: request.binary?.accept ?? 'application/json', ...request.headers, ...traceHeaders },
      ...(request.json !== undefined ? { json: request.json } : {}),
      ...(request.form !== undefined ? { form: request.form } : {}),
      throwHttpErrors: false,
      followRedirect: false,
      retry: { limit: 0 },
      timeout: { request: request.timeoutMs },
    } as const;
    if (request.binary) {
      const response = await bounded(got(request.url, { ...options, responseType: 'buffer' }));
      return {
        status: response.statusCode,
        headers: response.headers,
        // An error answer is read like any other (JSON); a document stays bytes.
        body: response.statusCode >= 300 ? response.body.toString('utf8') : '',
        bytes: response.body,
        requestId: headerValue(response.headers['x-request-id']),
      };
    }
    const response = await bounded(got(request.url, { ...options, responseType: 'text' }));
    return {
      status: response.statusCode,
      headers: response.headers,
      body: response.body,
      requestId: headerValue(response.headers['x-request-id']),
    };
  } catch (error) {
    if (tooLarge) {
      throw new VendorError({
        vendor: request.vendor,
        endpoint: request.endpoint,
        failureType: FailureType.VendorResponseInvalid,
        detail: `an answer over ${maxBytes} bytes, not read`,
      });
    }
    if (!(error instanceof RequestError)) throw error;
    // got's errors hold the request options (bearer token, body): only the error code leaves this function.
    throw new VendorError({
      vendor: request.vendor,
      endpoint: request.endpoint,
      failureType: FailureType.VendorUnavailable,
      detail: error instanceof TimeoutError ? `timeout after ${request.timeoutMs} ms` : `network error ${error.code}`,
    });
  }
}

/** The body parsed as JSON, undefined when empty, or the symbol INVALID_JSON. */
export const INVALID_JSON: unique symbol = Symbol('invalid JSON');

export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return INVALID_JSON;
  }
}
