// The one error type every vendor call fails with. The client never retries (Temporal does, per activity retry
// policy); it classifies: each failure carries a `failureType` from src/domain/failure-types.ts, which
// activities/vendor-failure.ts turns into an ApplicationFailure. The message names the vendor, the endpoint template
// and what happened; it never carries request or response bodies, so it holds no PHI and no credentials.
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../../domain/failure-types.js';
import type { Vendor } from '../../domain/vendors.js';

/** The vendor a call went to (src/domain/vendors.ts). */
export type VendorName = Vendor;

const VENDOR_LABEL: Record<VendorName, string> = { honeybee: 'Honeybee', onegevity: 'Onegevity' };

export interface VendorErrorInit {
  vendor: VendorName;
  /** The endpoint template, e.g. `GET /orders/{order_number}`: ids stay out of the message. */
  endpoint: string;
  failureType: FailureType;
  /** The HTTP status, when the vendor answered. */
  status?: number;
  /** The vendor's X-Request-Id (or its error body's id), when it answered. */
  requestId?: string;
  /** From Retry-After, when the vendor said how long to wait. */
  retryAfterMs?: number;
  /** The vendor's error codes (Honeybee 422 codes, e.g. 42227). */
  codes?: readonly (number | string)[];
  /** The request fields the vendor objected to (names only, never values). */
  fields?: readonly string[];
  /** What happened, without PHI: `HTTP 422`, `timeout after 10000 ms`, `network error ECONNRESET`, … */
  detail: string;
}

export class VendorError extends Error {
  override name = 'VendorError';
  /** Survives structured cloning and bundlers, unlike the class name. */
  readonly isVendorError = true;
  readonly vendor: VendorName;
  readonly endpoint: string;
  readonly failureType: FailureType;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly codes: readonly (number | string)[];
  readonly fields: readonly string[];

  constructor(given: VendorErrorInit) {
    const init = vendorShaped(given);
    super(describe(init));
    this.vendor = init.vendor;
    this.endpoint = init.endpoint;
    this.failureType = init.failureType;
    this.status = init.status;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.codes = init.codes ?? [];
    this.fields = init.fields ?? [];
  }

  /** Whether another attempt can succeed (429, 5xx, network). Conflicts, rejections and the like need a decision. */
  get retryable(): boolean {
    return !NON_RETRYABLE_FAILURE_TYPES.includes(this.failureType);
  }
}

/**
 * A vendor's error body and headers are its text, not ours: a "code" or "field" may be a sentence quoting the patient
 * back (`No patient Jane Roe (DOB …)`), and the message becomes a failure every log line of the SDK prints. Only values
 * shaped like what the vendor documents are kept (numeric or identifier-like codes, field paths, request ids), and at
 * most MAX_LISTED of each.
 */
const CODE_SHAPE = /^[A-Za-z0-9_.-]{1,40}$/;
const FIELD_SHAPE = /^[A-Za-z0-9_.[\]-]{1,64}$/;
const REQUEST_ID_SHAPE = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_LISTED = 20;

function vendorShaped(init: VendorErrorInit): VendorErrorInit {
  const codes = (init.codes ?? [])
    .filter((code) => (typeof code === 'number' ? Number.isFinite(code) : CODE_SHAPE.test(code)))
    .slice(0, MAX_LISTED);
  const fields = (init.fields ?? []).filter((field) => FIELD_SHAPE.test(field)).slice(0, MAX_LISTED);
  const { requestId, ...rest } = init;
  return { ...rest, codes, fields, ...(requestId && REQUEST_ID_SHAPE.test(requestId) ? { requestId } : {}) };
}

function describe(init: VendorErrorInit): string {
  const parts = [`${VENDOR_LABEL[init.vendor]} ${init.endpoint}: ${init.failureType} (${init.detail})`];
  if (init.codes && init.codes.length > 0) parts.push(`codes ${init.codes.join(', ')}`);
  if (init.fields && init.fields.length > 0) parts.push(`fields ${init.fields.join(', ')}`);
  if (init.retryAfterMs !== undefined) parts.push(`retry after ${init.retryAfterMs} ms`);
  if (init.requestId) parts.push(`request id ${init.requestId}`);
  return parts.join('; ');
}

export function isVendorError(error: unknown): error is VendorError {
  return (
    error instanceof VendorError ||
    (typeof error === 'object' && error !== null && (error as { isVendorError?: unknown }).isVendorError === true)
  );
}

/** The failure type for an HTTP status the vendor answered with (after any token refresh). */
export function failureTypeForStatus(status: number): FailureType {
  if (status === 429) return FailureType.VendorRateLimited;
  if (status === 401 || status === 403) return FailureType.VendorUnauthorized;
  if (status === 404 || status === 410) return FailureType.VendorNotFound;
  if (status === 409) return FailureType.VendorConflict;
  if (status === 408 || status >= 500) return FailureType.VendorUnavailable;
  // A redirect we do not follow (or a bare 304 we did not ask for): the configured URL or the vendor is off-contract.
  if (status >= 300 && status < 400) return FailureType.VendorResponseInvalid;
  // 400, 422 and any other 4xx: the vendor refused this request as it stands; repeating it cannot help.
  return FailureType.VendorRejected;
}
