// zod schemas for everything Onegevity sends us and everything we send it (docs/VENDOR-FACTS.md,
// docs/WIRE-CONTRACT.md). Reading is lenient: unknown fields pass through, statuses are normalised to upper snake case
// (`Cancelled` = `CANCELED`) and unknown ones kept, and only the identifiers the engine routes by are required.
// Types are inferred from the schemas.
import { z } from 'zod';
import { REQUEST_IDENTIFIER_PATTERN } from '../../domain/lab-order-identifiers.js';
import { normalizeOnegevityStatus } from '../../domain/onegevity-status.js';
import { listOrEmpty, numberish, openEnum, vendorIdString, wrappedOrBare } from '../shared/lenient.js';

const text = z.string().nullish();

/** Kit, fulfillment and order statuses: normalised, unknown values kept. */
export const onegevityStatusSchema = openEnum(normalizeOnegevityStatus);

export const onegevityAddressSchema = z.looseObject({
  streetAddress1: text,
  streetAddress2: text,
  city: text,
  region: text,
  country: text,
  postalCode: text,
});

export const onegevityKitElementSchema = z.looseObject({
  packageElementIdentifier: vendorIdString.optional(),
  /** UNREGISTERED, NOT_ACTIVATED, ACTIVATED, AT_LAB, COMPLETED (seed); others kept. */
  kitStatus: onegevityStatusSchema.nullish(),
  activationCode: text,
});

export const onegevityOrderFulfillmentSchema = z.looseObject({
  requestIdentifier: text,
  status: onegevityStatusSchema.nullish(),
  trackingNumber: text,
  trackingUrl: text,
  rejectionReason: text,
});

export const onegevityOrderSchema = z.looseObject({
  orderIdentifier: vendorIdString,
  patientIdentifier: vendorIdString.optional(),
  packageIdentifier: text,
  /** ASSUMED set (WIRE-CONTRACT.md): CREATED, FULFILLMENT_REQUESTED, ACCEPTED, REJECTED, CANCELED, SHIPPED, … */
  status: onegevityStatusSchema.nullish(),
  completed: z.boolean().nullish(),
  createdAt: text,
  elements: listOrEmpty(onegevityKitElementSchema),
  fulfillment: onegevityOrderFulfillmentSchema.nullish(),
});

export const onegevityReportSchema = z.looseObject({
  reportIdentifier: vendorIdString.optional(),
  name: text,
  releasedAt: text,
});

/** A page of reports; a bare array is read as one complete page. */
export const onegevityReportPageSchema = z.preprocess(
  (value) => (Array.isArray(value) ? { content: value } : value),
  z.looseObject({
    pageNumber: numberish.nullish(),
    numberOfElements: numberish.nullish(),
    totalNumberOfElements: numberish.nullish(),
    content: listOrEmpty(onegevityReportSchema),
  }),
);

export const onegevityFulfillmentRequestSchema = z.looseObject({
  requestIdentifier: vendorIdString,
  orderIdentifier: text,
  patientIdentifier: text,
  /** REQUESTED, ACCEPTED, REJECTED, CANCELED, SHIPPED; others kept. */
  status: onegevityStatusSchema.nullish(),
  fulfillmentInformation: z.looseObject({}).nullish(),
  trackingNumber: text,
  trackingUrl: text,
  rejectionReason: text,
});

// Onegevity answers bare resources; a wrapped one is read too, like Honeybee's.
export const onegevityOrderResponseSchema = wrappedOrBare('order', onegevityOrderSchema);
export const onegevityFulfillmentRequestResponseSchema = wrappedOrBare(
  'fulfillmentRequest',
  onegevityFulfillmentRequestSchema,
);

export type OnegevityAddress = z.output<typeof onegevityAddressSchema>;
export type OnegevityKitElement = z.output<typeof onegevityKitElementSchema>;
export type OnegevityOrder = z.output<typeof onegevityOrderSchema>;
export type OnegevityReport = z.output<typeof onegevityReportSchema>;
export type OnegevityReportPage = z.output<typeof onegevityReportPageSchema>;
export type OnegevityFulfillmentRequest = z.output<typeof onegevityFulfillmentRequestSchema>;

// Requests: checked before they leave; loose, so fields the vendor accepts beyond these go through unchanged. Required
// and optional exactly as VENDOR-FACTS.md writes the bodies (only the fields marked `?` there are optional).

export const onegevityAddressInputSchema = z.looseObject({
  streetAddress1: z.string().min(1),
  streetAddress2: z.string().nullish(),
  city: z.string().min(1),
  region: z.string().min(1),
  country: z.string().min(1),
  postalCode: z.string().min(1),
});

export const onegevityFulfillmentInformationSchema = z.looseObject({
  recipientFirstName: z.string().min(1),
  recipientLastName: z.string().min(1),
  recipientPhoneNumber: z.string().min(1),
  shippingMethod: z.enum(['GROUND', 'TWODAY', 'NEXTDAY']),
  shippingAddress: onegevityAddressInputSchema,
});

export const onegevityCreateOrderRequestSchema = z.looseObject({
  orderIdentifier: z.string().min(1),
  packageIdentifier: z.string().min(1),
  patientInformation: z.looseObject({
    firstName: z.string().min(1),
    lastName: z.string().min(1),
    gender: z.enum(['FEMALE', 'MALE', 'UNKNOWN']),
    dateOfBirth: z.string().min(1),
    email: z.string().min(1),
    address: onegevityAddressInputSchema,
    phoneNumber: z.string().min(1),
  }),
  /** Present: Onegevity also creates the fulfillment request, with requestIdentifier = orderIdentifier. */
  fulfillmentInformation: onegevityFulfillmentInformationSchema.optional(),
  notes: z.string().optional(),
});

export const onegevityKitActivationsSchema = z
  .array(z.looseObject({ packageElementIdentifier: z.string().min(1), activationCode: z.string().min(1) }))
  .min(1);

export const onegevityCreateFulfillmentRequestSchema = z.looseObject({
  /** ≤ 35 characters of [a-zA-Z0-9]: the natural idempotency key. */
  requestIdentifier: z.string().regex(REQUEST_IDENTIFIER_PATTERN),
  orderIdentifier: z.string().min(1),
  patientIdentifier: z.string().min(1),
  fulfillmentInformation: onegevityFulfillmentInformationSchema,
});

export type OnegevityAddressInput = z.input<typeof onegevityAddressInputSchema>;
export type OnegevityFulfillmentInformation = z.input<typeof onegevityFulfillmentInformationSchema>;
export type OnegevityCreateOrderRequest = z.input<typeof onegevityCreateOrderRequestSchema>;
export type OnegevityKitActivation = z.input<typeof onegevityKitActivationsSchema>[number];
export type OnegevityCreateFulfillmentRequest = z.input<typeof onegevityCreateFulfillmentRequestSchema>;
