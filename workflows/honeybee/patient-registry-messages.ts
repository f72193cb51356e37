// The messages of honeybeePatientRegistryWorkflow: activities that meet a Honeybee patient note its id, the sweep reads
// the ids back a page at a time. Ids only, validated: anything else sent by hand is refused and counted.
import { z } from 'zod';
import { lookupMessage, queryMessage, signalMessage } from '../shared/messages.js';
import { sharedSchema } from '../shared/shared-schemas.js';

/** A Honeybee patient id as the engine keeps it (numbers become their string). */
export const honeybeePatientIdInput = sharedSchema('honeybee/patient-registry-messages:honeybeePatientIdInput', () =>
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a Honeybee patient id (letters, digits, - or _; at most 64)'),
);

/** At most this many ids per signal (at most 33 KiB of ids). */
export const NOTE_PATIENTS_MAX_IDS = 500;

export const notePatientsInput = sharedSchema('honeybee/patient-registry-messages:notePatientsInput', () =>
  z.object({
    patientIds: z.array(honeybeePatientIdInput).min(1).max(NOTE_PATIENTS_MAX_IDS),
  }),
);

export const notePatientsSignal = signalMessage('notePatients', notePatientsInput);

/** What the no-argument query answers: kept for sweeps from before pages, bounded to what a run carries. */
export interface KnownHoneybeePatients {
  /** In the order they were first noted; only those this run carries on (older callers read the first segment). */
  patientIds: string[];
  /** Inputs refused (not a list of ids), and the last one's problem. */
  rejected: number;
  lastRejection?: string;
}

export const knownPatientsQuery = queryMessage<KnownHoneybeePatients>('knownPatients');

/** The most ids one page answers. */
export const KNOWN_PATIENTS_PAGE_MAX = 1_000;

export const knownPatientsPageInput = sharedSchema('honeybee/patient-registry-messages:knownPatientsPageInput', () =>
  z.object({
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    limit: z.number().int().min(1).max(KNOWN_PATIENTS_PAGE_MAX),
  }),
);

export interface KnownHoneybeePatientsPage {
  /** The ids from `offset` in the order first noted (stable: a segment only appends, and moves its tail on). */
  patientIds: string[];
  /** The ids this segment holds. */
  total: number;
  /** This registry's segment (0: honeybee-patients-{task queue}). */
  segment: number;
  /** The segment that takes the ids this one cannot carry, once it has any. */
  nextSegment?: number;
  rejected: number;
  lastRejection?: string;
}

export const knownPatientsPageLookup = lookupMessage<KnownHoneybeePatientsPage, typeof knownPatientsPageInput>(
  'knownPatientsPage',
  knownPatientsPageInput,
);
