// Activities toward the partner's backend: milestone notifications (both vendors' workflows use it), the re-sending of
// notifications parked while their target was disabled, and the patient directory lookup used by patient matching.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_FAILURE_TYPES } from '../src/domain/failure-types.js';
import { PartnerDirectoryError } from '../src/partner/http-directory.js';
import { PartnerNotificationError, type NotifyResult, type PartnerNotification } from '../src/partner/notifier.js';
import {
  matchPartnerPatient,
  type PartnerPatientDirectory,
  type PatientIdentity,
  type PatientMatch,
} from '../src/partner/patient-directory.js';
import type { PartnerNotifier } from '../src/partner/notifier.js';
import type { PartnerEventRecorder } from '../src/partner/event-feed.js';
import { withinFeedBounds } from '../src/partner/notification-bounds.js';

export interface PartnerActivityDependencies {
  directory: PartnerPatientDirectory;
  /** What `notifyPartner` sends through (in production: guarded by the target's state, parking while disabled). */
  notifier: PartnerNotifier;
  /** What a resend sends through: straight to the partner. Defaults to `notifier`. */
  redeliveryNotifier?: PartnerNotifier;
  /** The partner event feed every notification is recorded in before it is sent (GET /api/events). */
  feed?: PartnerEventRecorder;
}

/** How a resend went: the first `delivered` notifications went out, in order; `failure` says why the next did not. */
export interface RedeliveryResult {
  delivered: number;
  failure?: string;
}

/** A partner directory or notifier error as the ApplicationFailure Temporal retries by (other errors unchanged). */
export function toPartnerFailure(error: unknown): unknown {
  if (error instanceof PartnerDirectoryError || error instanceof PartnerNotificationError) {
    const retryAfterMs = error instanceof PartnerNotificationError ? error.retryAfterMs : undefined;
    return ApplicationFailure.create({
      type: error.failureType,
      message: error.message,
      nonRetryable: NON_RETRYABLE_FAILURE_TYPES.includes(error.failureType),
      // The partner's Retry-After replaces Temporal's backoff for the next attempt, as for the vendors.
      ...(retryAfterMs ? { nextRetryDelay: retryAfterMs } : {}),
      details: [{ status: error.status ?? null }],
    });
  }
  return error;
}

export function createPartnerActivities(deps: PartnerActivityDependencies) {
  return {
    /**
     * Records one milestone in the partner event feed, then POSTs it to the partner (Standard Webhooks); the id makes
     * retries idempotent for the feed and the receiver alike. Vendor texts are cut to what the feed takes first, so
     * both get the same notification and none is refused for ever.
     */
    async notifyPartner(raw: PartnerNotification): Promise<NotifyResult> {
      const notification = withinFeedBounds(raw);
      await deps.feed?.record(notification);
      try {
        return await deps.notifier.notify(notification);
      } catch (error) {
        throw toPartnerFailure(error);
      }
    },

    /**
     * Re-sends parked notifications in order and stops at the first the partner does not take (its reason in the
     * answer, for the operator). Progress is heartbeated, so a retried attempt does not send the same ones again.
     */
    async redeliverPartnerNotifications(notifications: PartnerNotification[]): Promise<RedeliveryResult> {
      const notifier = deps.redeliveryNotifier ?? deps.notifier;
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as unknown;
      let delivered = typeof resumed === 'number' && resumed >= 0 ? resumed : 0;
      for (; delivered < notifications.length; delivered += 1) {
        try {
          await notifier.notify(notifications[delivered]!);
        } catch (error) {
          if (error instanceof PartnerNotificationError) return { delivered, failure: error.message };
          throw error;
        }
        context.heartbeat(delivered + 1);
      }
      return { delivered };
    },

    /** Matches Honeybee's patient in the partner's directory: EHR id, then email, then name + DOB; never guesses. */
    async matchPartnerPatient(identity: PatientIdentity): Promise<PatientMatch> {
      try {
        return await matchPartnerPatient(deps.directory, identity);
      } catch (error) {
        throw toPartnerFailure(error);
      }
    },
  };
}
