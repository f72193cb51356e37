// The one list of failure types. Activities throw `ApplicationFailure.create({ type, nonRetryable, nextRetryDelay })`
// with one of these; workflows catch on `failure.type`. Types are data: nothing depends on a class name surviving the
// bundler. Pure module: workflows import it.

export const FailureType = {
  /** 429: retry after the vendor's Retry-After (carried as nextRetryDelay). */
  VendorRateLimited: 'VendorRateLimited',
  /** 500/502/503/504, network error or timeout: retry with backoff. */
  VendorUnavailable: 'VendorUnavailable',
  /** 409: conflicts with a recent request. Never blindly retried: the caller reconciles. */
  VendorConflict: 'VendorConflict',
  /** 400/422: the vendor refused the request; carries its error codes and fields. Not retryable. */
  VendorRejected: 'VendorRejected',
  /** 404. Not retryable. */
  VendorNotFound: 'VendorNotFound',
  /** 401/403 after one token refresh. Not retryable: credentials need fixing. */
  VendorUnauthorized: 'VendorUnauthorized',
  /** The vendor answered something our schemas cannot read. Not retryable: a human must look. */
  VendorResponseInvalid: 'VendorResponseInvalid',
  /** The partner's own backend (directory, notifications) failed. Retryable. */
  PartnerUnavailable: 'PartnerUnavailable',
  /** Input that can never succeed (bad operator input, impossible state). Not retryable. */
  InvalidInput: 'InvalidInput',
  /**
   * An update's validator refused an operator's input. Its message names fields, actions and states, never a value
   * sent, so it travels unencoded (src/temporal/failure-converter.ts) and the Web UI's "Send an Update" can show it.
   * Never thrown by an activity.
   */
  InputRefused: 'InputRefused',
  /**
   * The partner supplied no patient-safety data (medications, health conditions, allergies) for an order, and
   * HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN=hold: the order is not created until an operator acts. Not retryable.
   */
  PatientSafetyUnknown: 'PatientSafetyUnknown',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/**
 * Failure types an activity retry must not repeat: every activity's failure of one of these is marked `nonRetryable`
 * (activities/typed-failures.ts).
 */
export const NON_RETRYABLE_FAILURE_TYPES: readonly FailureType[] = [
  FailureType.VendorConflict,
  FailureType.VendorRejected,
  FailureType.VendorNotFound,
  FailureType.VendorUnauthorized,
  FailureType.VendorResponseInvalid,
  FailureType.InvalidInput,
  FailureType.PatientSafetyUnknown,
];

export function isFailureType(value: unknown): value is FailureType {
  return typeof value === 'string' && Object.values<string>(FailureType).includes(value);
}
