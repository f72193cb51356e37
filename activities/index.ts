// Activities are built by a factory that receives their dependencies, so tests pass fakes and production passes
// real clients (src/runtime/dependencies.ts). Each domain contributes its own factory.
import type { Client } from '@temporalio/client';
import type { Logger } from '../src/observability/logger.js';
import type { PatientSafetyWhenUnknown } from '../src/partner/patient-safety.js';
import type { HoneybeeClient } from '../src/vendors/honeybee/client.js';
import type { OnegevityClient } from '../src/vendors/onegevity/client.js';
import { createHoneybeeActivities } from './honeybee.js';
import { createHoneybeeReconcileActivities } from './honeybee-reconcile.js';
import { createLabActivities } from './lab.js';
import { withTypedFailures } from './typed-failures.js';
import { createPartnerActionActivities } from './partner-actions.js';
import { createPartnerActivities, type PartnerActivityDependencies } from './partner.js';

export interface ActivityDependencies extends PartnerActivityDependencies {
  honeybee: HoneybeeClient;
  onegevity: OnegevityClient;
  /** HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN. */
  patientSafetyWhenUnknown: PatientSafetyWhenUnknown;
  /** HONEYBEE_CREATE_IN_DOUBT_RECHECK; default HONEYBEE_CREATE_IN_DOUBT_RECHECK_MS. */
  createInDoubtRecheckMs?: number;
  /** For activities that hand work to other workflows (signal-with-start). */
  temporal: Client;
  logger: Logger;
  /** HONEYBEE_RX_SWEEP_MAX_AGE (the reconciliation sweep); unset: no limit. */
  rxSweepMaxAgeMs?: number;
}

export function createActivities(deps: ActivityDependencies) {
  return withTypedFailures({
    ...createPartnerActivities(deps),
    ...createHoneybeeActivities(deps),
    ...createHoneybeeReconcileActivities(deps),
    ...createLabActivities(deps),
    ...createPartnerActionActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
