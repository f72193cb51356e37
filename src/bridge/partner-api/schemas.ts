// Inputs of the partner API, validated with zod at the edge. Ids in paths are vendor ids, never PHI.
import { z } from 'zod';
import { isLabOrderIdentifier } from '../../domain/lab-order-identifiers.js';

const text = (max: number) => z.string().trim().min(1).max(max);

export const prescriptionParams = z.object({ prescriptionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export const orderParams = z.object({ orderNumber: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export const labOrderParams = z.object({
  orderIdentifier: z.string().refine(isLabOrderIdentifier, 'not a lab order identifier issued by this engine'),
});

const attribution = { operator: text(200), reason: text(2000) };

export const approveFillBody = z.strictObject({
  approvedBy: text(200),
  fillNumber: z.number().int().positive().optional(),
  paymentReference: text(200).optional(),
});

export const requestRefillBody = z.strictObject({ requestedBy: text(200) });

export const matchPatientBody = z.strictObject({ partnerPatientId: text(200), ...attribution });

export const resolutionBody = z.strictObject({
  action: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'an action key like override_allergy'),
  fields: z.record(z.string(), z.unknown()).optional(),
  ...attribution,
});

export const labResolutionBody = z.strictObject({
  action: z.enum(['resubmit', 'cancel']),
  address: z.record(z.string(), z.unknown()).optional(),
  ...attribution,
});

export const cancelBody = z.strictObject(attribution);

export const operatorQueueQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const resendBody = z.strictObject(attribution);
