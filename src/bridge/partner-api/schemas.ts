// Inputs of the partner API, validated with zod at the edge. Ids in paths are vendor ids, never PHI. Bodies that a
// workflow takes as they are use that message's own schema (workflows/*/messages.ts), strict here: the partner hears
// of a field it misspelled.
import { z } from 'zod';
import { isLabOrderIdentifier } from '../../domain/lab-order-identifiers.js';
import { isParkedEventId } from '../../operators/parked-events.js';
import { approveFillInput, matchPatientInput, requestRefillInput } from '../../../workflows/honeybee/messages.js';
import { attribution, cancelInput, resolveExceptionInput } from '../../../workflows/shared/operator-messages.js';

export const prescriptionParams = z.object({ prescriptionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export const orderParams = z.object({ orderNumber: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export const labOrderParams = z.object({
  orderIdentifier: z.string().refine(isLabOrderIdentifier, 'not a lab order identifier issued by this engine'),
});

export const approveFillBody = z.strictObject(approveFillInput.shape);

export const requestRefillBody = z.strictObject(requestRefillInput.shape);

export const matchPatientBody = z.strictObject(matchPatientInput.shape);

/** resolveException, the same for every workflow type: an offered action with its fields. */
export const resolutionBody = z.strictObject(resolveExceptionInput.shape);

/** Lab orders also take the corrected address at the top level, as before `fields` (the same as `fields.address`). */
export const labResolutionBody = z.strictObject({
  ...resolveExceptionInput.shape,
  address: z.record(z.string(), z.unknown()).optional(),
});

export const cancelBody = z.strictObject(cancelInput.shape);

export const operatorQueueQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const resendBody = z.strictObject(attribution);

export const parkedParams = z.object({
  id: z.string().refine(isParkedEventId, 'not a parked event id (dl.<40 hex> or sp.<64 hex>)'),
});
export const redriveBody = z.strictObject({ operator: attribution.operator });
