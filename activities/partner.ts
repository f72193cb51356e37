// Activities toward the partner's backend: milestone notifications (both vendors' workflows use it) and the patient
// directory lookup used by patient matching.
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

export interface PartnerActivityDependencies {
  directory: PartnerPatientDirectory;
  notifier: PartnerNotifier;
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
    /** POSTs one milestone to the partner (Standard Webhooks); the id makes retries idempotent for the receiver. */
    async notifyPartner(notification: PartnerNotification): Promise<NotifyResult> {
      try {
        return await deps.notifier.notify(notification);
      } catch (error) {
        throw toPartnerFailure(error);
      }
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
