// Reading an activity's failure in workflow code: its type from the one list (src/domain/failure-types.ts) and the
// vendor details activities attach (status, request id, error codes, field names; never values).
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { VendorFailureDetails } from '../../activities/vendor-failure.js';

export interface ActivityProblem {
  type: string;
  message: string;
  codes: (number | string)[];
  fields: string[];
  status: number | null;
  requestId: string | null;
}

export function activityProblem(error: unknown): ActivityProblem | undefined {
  if (!(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure)) {
    return {
      type: 'Unknown',
      message: cause?.message ?? error.message,
      codes: [],
      fields: [],
      status: null,
      requestId: null,
    };
  }
  const details = (cause.details?.[0] ?? {}) as Partial<VendorFailureDetails>;
  return {
    type: cause.type ?? 'Unknown',
    message: cause.message,
    codes: Array.isArray(details.codes) ? details.codes : [],
    fields: Array.isArray(details.fields) ? details.fields : [],
    status: typeof details.status === 'number' ? details.status : null,
    requestId: typeof details.requestId === 'string' ? details.requestId : null,
  };
}

/** "codes 42230; fields street1" (what the vendor objected to, without values). */
export function describeRefusal(problem: ActivityProblem): string {
  const parts = [
    problem.status !== null ? `HTTP ${problem.status}` : problem.type,
    problem.codes.length > 0 ? `codes ${problem.codes.join(', ')}` : undefined,
    problem.fields.length > 0 ? `fields ${problem.fields.join(', ')}` : undefined,
    problem.requestId ? `request id ${problem.requestId}` : undefined,
  ];
  return parts.filter((part): part is string => part !== undefined).join('; ');
}

/** What went wrong in an activity (or any error), for an operator: failure type and message (never PHI). */
export function describeActivityFailure(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
