// What leaves an activity is a typed failure, and one of a type that must not be retried (NON_RETRYABLE_FAILURE_TYPES)
// is marked so on the failure itself, whichever throw site it came from. The retry policies do not list those types:
// the list would be written into every activity's scheduled event (about 130 bytes each, a kilobyte per
// prescription), and the failure event shows the decision where an operator reads it.
import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_FAILURE_TYPES } from '../src/domain/failure-types.js';
import { isVendorError } from '../src/vendors/shared/vendor-error.js';
import { toApplicationFailure } from './vendor-failure.js';

const NON_RETRYABLE_TYPES: ReadonlySet<string> = new Set(NON_RETRYABLE_FAILURE_TYPES);

/** The error to throw in place of what an activity threw. */
export function typedFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) {
    if (error.nonRetryable || !error.type || !NON_RETRYABLE_TYPES.has(error.type)) return error;
    const marked = ApplicationFailure.create({
      message: error.message,
      type: error.type,
      nonRetryable: true,
      details: error.details ?? undefined,
      cause: error.cause,
      category: error.category ?? undefined,
    });
    marked.stack = error.stack;
    return marked;
  }
  // A vendor client's error let through: typed by its class (retryable or not) rather than named "VendorError".
  if (isVendorError(error)) return toApplicationFailure(error);
  // Temporal types any other error by its name: one named like a non-retryable type is that type.
  if (error instanceof Error && NON_RETRYABLE_TYPES.has(error.name)) {
    return ApplicationFailure.fromError(error, { type: error.name, nonRetryable: true });
  }
  return error;
}

type ActivityFunction = (...args: never[]) => Promise<unknown>;

/** The same activities, each failing with a typed failure (`typedFailure`). */
export function withTypedFailures<T extends Record<string, ActivityFunction>>(activities: T): T {
  const wrapped: Record<string, ActivityFunction> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await activity(...args);
      } catch (error) {
        throw typedFailure(error);
      }
    };
  }
  return wrapped as T;
}
