// The messages of the partner patient index (patient-index.ts).
import { z } from 'zod';
import { lookupMessage, queryMessage, signalMessage } from '../shared/messages.js';
import { sharedSchema } from '../shared/shared-schemas.js';

const partnerPatientId = sharedSchema('partner-api/patient-index-messages:partnerPatientId', () =>
  z.string().min(1).max(200),
);

export const linkPatientInput = sharedSchema('partner-api/patient-index-messages:linkPatientInput', () =>
  z.object({
    partnerPatientId,
    kind: z.enum(['prescription', 'labOrder']),
    /** The prescription id, or the lab order's orderIdentifier. */
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  }),
);
export type LinkPatientInput = z.input<typeof linkPatientInput>;

export interface PatientLinks {
  prescriptions: string[];
  labOrders: string[];
}

export const linkPatientSignal = signalMessage('linkPatient', linkPatientInput);
export const patientLinksLookup = lookupMessage<
  PatientLinks,
  z.ZodObject<{ partnerPatientId: typeof partnerPatientId }>
>('patientLinks', z.object({ partnerPatientId }));
export const patientIndexSizeQuery = queryMessage<{ patients: number; rejected: number }>('patientIndexSize');
