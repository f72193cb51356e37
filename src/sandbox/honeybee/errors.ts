// Honeybee's error bodies (docs/WIRE-CONTRACT.md): 400/422 `{"errors":[{code, message, error_detail}]}`, 404 and 409
// `{"error":{"error_code", "message"}}`. Codes and their messages come from the vendor module's table. Where the
// vendor documents no code (a malformed body, an unknown simulation), `code` is the HTTP status.
import { HONEYBEE_ERROR_CODES } from '../../vendors/honeybee/error-codes.js';

export interface ErrorDetail {
  field: string;
  message: string;
}

export interface HoneybeeError {
  code: number;
  message: string;
  error_detail?: ErrorDetail[];
}

export interface HoneybeeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function codedError(code: number, details: ErrorDetail[] = [], message?: string): HoneybeeError {
  return {
    code,
    message: message ?? HONEYBEE_ERROR_CODES[code] ?? 'Unprocessable entity',
    ...(details.length > 0 ? { error_detail: details } : {}),
  };
}

export function unprocessable(errors: HoneybeeError[]): HoneybeeReply {
  return { status: 422, body: { errors } };
}

export function badRequest(message: string, details: ErrorDetail[] = []): HoneybeeReply {
  return {
    status: 400,
    body: { errors: [{ code: 400, message, ...(details.length > 0 ? { error_detail: details } : {}) }] },
  };
}

export function notFound(message: string): HoneybeeReply {
  return { status: 404, body: { error: { error_code: 404, message } } };
}

export function conflict(message: string): HoneybeeReply {
  return { status: 409, body: { error: { error_code: 409, message } } };
}

export function plainError(status: number, message: string): HoneybeeReply {
  return { status, body: { error: { error_code: status, message } } };
}
