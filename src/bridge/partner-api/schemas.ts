// Inputs of the partner API, validated with zod at the edge (and written into the OpenAPI document from the same
// schemas). Ids in paths are vendor or engine ids, never PHI. Bodies that a workflow takes as they are use that
// message's own schema (workflows/*/messages.ts), strict here: the partner hears of a field it misspelled.
import { z } from 'zod';
import { FOLLOWABLE_ORDER_IDENTIFIER } from '../../domain/lab-order-identifiers.js';
import { isParkedEventId } from '../../operators/parked-events.js';
import {
  approveFillInput,
  changeShippingAddressInput,
  matchPatientInput,
  placePartnerHoldInput,
  requestRefillInput,
} from '../../../workflows/honeybee/messages.js';
import { activateKitInput } from '../../../workflows/lab/messages.js';
import { OrderStage } from '../../../workflows/honeybee/order-state.js';
import { PrescriptionStage } from '../../../workflows/honeybee/prescription-state.js';
import { LabStage } from '../../../workflows/lab/state.js';
import { VENDOR_ID_PATTERN } from '../../domain/workflow-ids.js';
import { boundedJson } from '../../../workflows/shared/json-value.js';
import { attribution, cancelInput, strictResolveExceptionInput } from '../../../workflows/shared/operator-messages.js';

const VENDOR_ID = VENDOR_ID_PATTERN;

export const prescriptionParams = z.object({
  prescriptionId: z.string().regex(VENDOR_ID).describe("Honeybee's prescription id"),
});
export const orderParams = z.object({
  orderNumber: z.string().regex(VENDOR_ID).describe("Honeybee's order number"),
});
/** The engine's own orders (`lab…`) and those it follows, placed outside it: both are lab order workflows. */
export const labOrderParams = z.object({
  orderIdentifier: z
    .string()
    .regex(FOLLOWABLE_ORDER_IDENTIFIER, 'not a lab order identifier (letters, digits, _ and -, at most 64)')
    .describe(
      'The orderIdentifier: the one the engine gave the lab order (`lab` + 24 lowercase hex), or that of an order ' +
        'placed outside the engine that it follows (e.g. `O13988`)',
    ),
});

export const approveFillBody = z.strictObject(approveFillInput.shape);

export const requestRefillBody = z.strictObject(requestRefillInput.shape);

export const matchPatientBody = z.strictObject(matchPatientInput.shape);

/** resolveException, the same for every workflow type: an offered action with its fields. */
export const resolutionBody = z.strictObject(strictResolveExceptionInput.shape);

/** Lab orders also take the corrected address at the top level, as before `fields` (the same as `fields.address`). */
export const labResolutionBody = z.strictObject({
  ...strictResolveExceptionInput.shape,
  address: boundedJson(z.record(z.string(), z.unknown())).optional(),
});

export const cancelBody = z.strictObject(cancelInput.shape);

export const partnerHoldBody = z.strictObject(placePartnerHoldInput.shape);
export const releaseHoldBody = z.strictObject(attribution);
export const shippingAddressBody = z.strictObject(changeShippingAddressInput.shape);
export const reorderBody = z.strictObject(attribution);
export const patientParams = z.object({
  patientId: z.string().regex(VENDOR_ID).describe("Honeybee's patient id"),
});
export const kitActivationBody = z.strictObject(activateKitInput.shape);
export const reportParams = z.object({
  ...labOrderParams.shape,
  reportIdentifier: z.string().regex(VENDOR_ID).describe("Onegevity's report identifier (from the report list)"),
});

export const operatorQueueQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const resendBody = z.strictObject(attribution);

export const parkedParams = z.object({
  id: z.string().refine(isParkedEventId, 'not a parked event id (dl.<40 hex> or sp.<64 hex>)'),
});
export const redriveBody = z.strictObject({ operator: attribution.operator });
const stages = (stage: Record<string, string>) => z.enum(Object.values(stage) as [string, ...string[]]);

/** Query strings say booleans as `true` / `false`. */
const queryBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(25).describe('Items per page (1 to 100)'),
  cursor: z.string().min(1).max(4096).optional().describe("The previous page's `nextCursor`, with the same filters"),
};

const listQuery = (stage: Record<string, string>) =>
  z.strictObject({
    stage: stages(stage).optional().describe('Only this stage (the FulfillmentStage)'),
    needsOperator: queryBoolean.optional().describe('Only those that wait (true) or do not wait (false) for a human'),
    partnerPatientId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Only this partner patient's (looked up in the engine's patient index, never in search attributes)"),
    updatedSince: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('Only those with a milestone (a notification in the event feed) at or after this time'),
    ...pageQuery,
  });

export const prescriptionListQuery = listQuery(PrescriptionStage);
export const orderListQuery = listQuery(OrderStage);
export const labOrderListQuery = listQuery(LabStage);

export const undeliveredQuery = z.strictObject({ ...pageQuery, limit: pageQuery.limit.default(100) });

export const eventsQuery = z.strictObject({
  after: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("An event's `cursor` (or a page's `nextCursor`): the events after it"),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Without `after`: the events recorded from this time on (default: the last 24 hours)'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Events per page (1 to 500)'),
});

export const notificationParams = z.object({
  notificationId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,500}$/)
    .describe('The notification id (`webhook-id`), e.g. `honeybee-order-HB7K2M9Q:shipped`'),
});

export const resendOneBody = z.strictObject({
  ...attribution,
  cursor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("The event's feed cursor, for a notification that is not parked (one the partner saw in the feed)"),
});
