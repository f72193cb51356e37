// One error shape for the partner API: {"error": {"code", "message", "issues"?, "offeredActions"?}}, with the status
// that says what to do: 400 fix the request, 401 authenticate, 403 use a key with the scope, 404 no such workflow,
// 409 the workflow's state does not allow it now (reason given), or wait (another call with this Idempotency-Key
// runs), or repair (the workflow's task keeps failing: an operator must repair it), 413 send less, 422 refused as
// invalid (reason given), 429 and 503 retry after Retry-After, 504 the input was taken and its outcome is not known
// yet (never 503 then: a blind retry could act twice).
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  ApplicationFailure,
  ValueError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import { FailureType } from '../../domain/failure-types.js';
import type { FastifyReply } from 'fastify';
import { WorkflowTaskFailingError } from '../../operators/workflow-health.js';
import { FeedMinuteUnreadableError } from '../../partner/event-feed.js';
import type { z } from 'zod';
import type { RefusalDetails } from '../../../workflows/shared/handlers.js';

export class PartnerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
    /** Sent as Retry-After (429, 409, 503). */
    readonly retryAfterSeconds?: number,
    /** What the workflow would accept instead of a refused action. */
    readonly offeredActions?: string[],
  ) {
    super(message);
  }
}

/**
 * A workflow or update accepted the call's input and was still carrying it out when the call stopped waiting (or
 * Temporal stopped answering after it accepted it): the outcome is not known yet, and the work goes on.
 */
export class OutcomePendingError extends Error {
  override name = 'OutcomePendingError';

  constructor(
    readonly workflowId: string,
    cause: unknown,
  ) {
    super(`${workflowId} accepted the input and is still carrying it out`, { cause });
  }
}

export function invalidRequest(what: string, error: z.ZodError): PartnerApiError {
  return new PartnerApiError(
    400,
    'invalid_request',
    `invalid ${what}`,
    error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })),
  );
}

/** The deepest message of an update failure: the validator's or the handler's own words. */
function updateFailureReason(error: WorkflowUpdateFailedError): string {
  let cause: unknown = error.cause;
  let message = error.message;
  while (cause instanceof Error) {
    message = cause.message;
    cause = (cause as { cause?: unknown }).cause;
  }
  return message;
}

/**
 * An update's refusal: 409 when the workflow's state does not allow the input now, 422 when the input is invalid (the
 * validator says which in its details, workflows/shared/handlers.ts; anything else is 422).
 */
function updateRefusal(error: WorkflowUpdateFailedError): PartnerApiError {
  const failure = error.cause instanceof ApplicationFailure ? error.cause : undefined;
  const details = (failure?.type === FailureType.InputRefused ? failure.details?.[0] : undefined) as
    Partial<Record<keyof RefusalDetails, unknown>> | undefined;
  const offeredActions = Array.isArray(details?.offeredActions)
    ? details.offeredActions.filter((action): action is string => typeof action === 'string')
    : undefined;
  const reason = updateFailureReason(error);
  return details?.refusal === 'state'
    ? new PartnerApiError(409, 'wrong_state', reason, undefined, undefined, offeredActions)
    : new PartnerApiError(422, 'rejected', reason, undefined, undefined, offeredActions);
}

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) anywhere in the cause chain: Temporal could not be reached. */
export function isTemporalUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (code === 14 || code === 4) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * 409 for a minute the feed cannot read: the reader is told, not moved past it; the cursor after it is the reader's
 * choice to go on without that minute's events.
 */
export function feedGap(error: FeedMinuteUnreadableError, cursorAfter: string): PartnerApiError {
  return new PartnerApiError(
    409,
    'feed_gap',
    `${error.message} (an operator can read them from its history); to read on without them, continue from cursor ${cursorAfter}`,
  );
}

/** A call whose outcome was still pending: about when to ask again. */
const OUTCOME_RETRY_AFTER_SECONDS = 30;

export function toPartnerApiError(error: unknown): PartnerApiError {
  if (error instanceof PartnerApiError) return error;
  if (error instanceof WorkflowNotFoundError) {
    return new PartnerApiError(404, 'not_found', 'no such workflow (or it has ended and been removed)');
  }
  if (error instanceof WorkflowTaskFailingError) {
    return new PartnerApiError(409, 'workflow_task_failing', `${error.message} (an operator must repair it)`);
  }
  if (error instanceof WorkflowUpdateFailedError) return updateRefusal(error);
  if (error instanceof FeedMinuteUnreadableError) return new PartnerApiError(409, 'feed_gap', error.message);
  // Before isTemporalUnreachable: the deadline that ended this wait is not Temporal being away.
  if (error instanceof OutcomePendingError) {
    return new PartnerApiError(
      504,
      'outcome_pending',
      `${error.message}: its outcome is not known yet (its status will show it); a retry with the same ` +
        'Idempotency-Key answers with the outcome instead of acting again',
      undefined,
      OUTCOME_RETRY_AFTER_SECONDS,
    );
  }
  // The payload converter could not write the input (anything the body's checks let through that JSON cannot hold).
  if (error instanceof ValueError && error.message.startsWith('Unable to convert')) {
    return new PartnerApiError(400, 'invalid_request', 'the input cannot be sent to the workflow as JSON');
  }
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return new PartnerApiError(
      409,
      'already_started',
      `${error.workflowId} was already started for this request; retry after \`Retry-After\` for its outcome`,
      undefined,
      OUTCOME_RETRY_AFTER_SECONDS,
    );
  }
  if (isTemporalUnreachable(error)) {
    return new PartnerApiError(
      503,
      'temporal_unavailable',
      'the engine could not reach Temporal; retry later',
      undefined,
      5,
    );
  }
  return new PartnerApiError(500, 'internal_error', 'internal error; see the bridge logs');
}

export function sendPartnerApiError(reply: FastifyReply, error: PartnerApiError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  if (error.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(error.status).send({
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
      ...(error.offeredActions ? { offeredActions: error.offeredActions } : {}),
    },
  });
}
