// Every activity's timeouts and retry policy, as data in one place (workflows pass these to proxyActivities). The
// activities never retry on their own: they classify failures (src/domain/failure-types.ts) and mark the ones that
// must not be retried (activities/typed-failures.ts; no policy repeats that list, which would be written into
// every scheduled event), a vendor's Retry-After becomes nextRetryDelay, and these policies decide the rest. What must
// not be lost (a fill, a notification) is retried without an attempt limit, through an outage; what a person waits
// for is bounded, so they get an answer.
import type { ActivityOptions } from '@temporalio/common';

export const ACTIVITY_OPTIONS = {
  /**
   * Honeybee and partner-directory calls of the Honeybee workflows: retried until they answer. The backoff stops
   * growing at a minute: a prescription behind a flaky vendor (some calls failing, not all) is tried again within a
   * minute, not left idle for five after a run of bad luck; a 429 waits what its Retry-After asks instead.
   */
  honeybeeVendor: {
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  },
  /**
   * One page of the reconciliation sweep (a few patients' prescriptions read, the missing ones started). Bounded in
   * time, like the Onegevity reads: a page that keeps failing fails this sweep, and the next scheduled sweep reads the
   * same patients again (a sweep still running makes the next one skip).
   */
  honeybeeSweep: {
    startToCloseTimeout: '10 minutes',
    scheduleToCloseTimeout: '30 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
  },
  /**
   * The sweep's patient registry handing the ids a segment cannot carry to the next segment (signal-with-start):
   * retried without an attempt limit, since the segment keeps them and waits for it before it continues as new.
   */
  honeybeeRegistry: {
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  },
  /**
   * An operator's action at Honeybee: bounded in attempts and in time, so the operator gets an answer rather than a
   * wait (a vendor's Retry-After replaces the backoff, so the attempts alone would not bound the wait).
   */
  honeybeeOperatorAction: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '3 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
  },
  /**
   * A look-up an operator's input waits for (the partner directory asked whether a patient id exists): a few quick
   * attempts, then the workflow decides without it, so the operator is never left waiting on an outage.
   */
  operatorLookup: {
    startToCloseTimeout: '10 seconds',
    scheduleToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
  },
  /** A partner's action at a vendor (an update waits for it): bounded like an operator's, so the partner gets an answer. */
  partnerAction: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '3 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
  },
  /**
   * A partner's action that creates something at the vendor without an idempotency key (a reorder, a patient's new
   * address): one attempt, so a lost answer never becomes a second one; the partner hears the outcome (or that it is
   * unknown) and decides.
   */
  partnerCreate: {
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 1 },
  },
  /** Partner notifications and milestone reports between workflows: retried until delivered (background outbox). */
  honeybeeMessaging: {
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
    },
  },
  /** Writes at Onegevity: retried through a long outage (each attempt is idempotent), then an operator decides. */
  onegevityWrites: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '1 day',
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
    },
  },
  /** Onegevity reads: a failed reconcile read is simply tried again at the next interval. */
  onegevityReads: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '30 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
  },
  /** Partner notifications of the lab workflow: retried for a week. */
  labPartner: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '7 days',
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '30 minutes',
    },
  },
  /**
   * Re-sending parked partner notifications after an operator's resend: one attempt sends a batch in order and
   * heartbeats its progress (a retried attempt resumes there). The partner refusing one is the activity's answer, not
   * a failure; only a lost worker retries it, without limit, since the notifications must not be lost.
   */
  partnerRedelivery: {
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '1 minute',
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
    },
  },
} as const satisfies Record<string, ActivityOptions>;

/**
 * How long a fill waits before it lists the patient's orders again after a `POST /orders` whose outcome is unknown
 * (a timeout, a dropped connection, a 5xx other than 503) found nothing: Honeybee may still be making the order, and
 * it has no idempotency key, so posting again a second later could make a second fill. Two minutes outlast the
 * attempt that posted (its calls time out after 10 s each) and give the order time to appear in `GET /orders`.
 */
export const HONEYBEE_CREATE_IN_DOUBT_RECHECK_MS = 2 * 60_000;
