// The messages of honeybeePatientRegistryWorkflow: activities that meet a Honeybee patient note its id, the sweep reads
// the ids back. Ids only, validated: anything else sent by hand is refused and counted.
import { z } from 'zod';
import { queryMessage, signalMessage } from '../shared/messages.js';
import { sharedSchema } from '../shared/shared-schemas.js';

/** A Honeybee patient id as the engine keeps it (numbers become their string). */
export const honeybeePatientIdInput = sharedSchema('honeybee/patient-registry-messages:honeybeePatientIdInput', () =>
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a Honeybee patient id (letters, digits, - or _; at most 64)'),
);

export const notePatientsInput = sharedSchema('honeybee/patient-registry-messages:notePatientsInput', () =>
  z.object({
    patientIds: z.array(honeybeePatientIdInput).min(1).max(500),
  }),
);

export const notePatientsSignal = signalMessage('notePatients', notePatientsInput);

export interface KnownHoneybeePatients {
  /** In the order they were first noted (stable: the sweep pages through it by offset). */
  patientIds: string[];
  /** Inputs refused (not a list of ids), and the last one's problem. */
  rejected: number;
  lastRejection?: string;
}

export const knownPatientsQuery = queryMessage<KnownHoneybeePatients>('knownPatients');
