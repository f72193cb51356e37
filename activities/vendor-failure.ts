// Activities call the vendor clients and turn what they throw into the ApplicationFailure Temporal retries by: the
// `type` comes from the one list (src/domain/failure-types.ts), so retry policies and workflows decide on data, not
// on class names; a 429's Retry-After becomes `nextRetryDelay`; conflicts, rejections and the like are not retryable
// and carry the vendor's codes and fields for the operator.
import { ApplicationFailure } from '@temporalio/common';
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../src/domain/failure-types.js';
import type { Vendor } from '../src/domain/vendors.js';
import { isVendorError } from '../src/vendors/shared/vendor-error.js';

/** `details[0]` of every vendor ApplicationFailure: ids and codes only, no PHI. */
export interface VendorFailureDetails {
  vendor: Vendor;
  endpoint: string;
  status: number | null;
  requestId: string | null;
  retryAfterMs: number | null;
  codes: (number | string)[];
  fields: string[];
}

/** Errors Node raises when a connection fails before any answer: the vendor was unreachable, so retry. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
]);

function networkErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_ERROR_CODES.has(code) ? code : undefined;
}

export function toApplicationFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (isVendorError(error)) {
    const details: VendorFailureDetails = {
      vendor: error.vendor,
      endpoint: error.endpoint,
      status: error.status ?? null,
      requestId: error.requestId ?? null,
      retryAfterMs: error.retryAfterMs ?? null,
      codes: [...error.codes],
      fields: [...error.fields],
    };
    return ApplicationFailure.create({
      type: error.failureType,
      message: error.message,
      nonRetryable: NON_RETRYABLE_FAILURE_TYPES.includes(error.failureType),
      // Temporal waits this long instead of its backoff; a zero or absent Retry-After leaves the backoff in charge.
      ...(error.retryAfterMs ? { nextRetryDelay: error.retryAfterMs } : {}),
      details: [details],
    });
  }
  const code = networkErrorCode(error);
  if (code) {
    return ApplicationFailure.create({
      type: FailureType.VendorUnavailable,
      message: `vendor unreachable (${code})`,
      nonRetryable: false,
    });
  }
  // Anything else fails the attempt exactly as if it had been thrown (retryable, typed by its name).
  return ApplicationFailure.fromError(error);
}

/** Runs one vendor call inside an activity, failing the activity with a typed ApplicationFailure. */
export async function callVendor<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toApplicationFailure(error);
  }
}
