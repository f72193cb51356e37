// Request schemas of the simulated Onegevity (docs/VENDOR-FACTS.md, docs/WIRE-CONTRACT.md) and their translation into
// Onegevity's ValidationError `{id, globalErrors, fieldErrors:[{fieldName, message}]}`.
import { z } from 'zod';

/** Missing fields say so, instead of zod's "expected string, received undefined". */
const presence = (kind: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${kind}`),
});

const text = (max: number) =>
  z.string(presence('a string')).trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

const isoDate = z
  .string(presence('a date YYYY-MM-DD'))
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'must be a real date');

export const IDENTIFIER = /^[A-Za-z0-9_-]{1,64}$/;
export const REQUEST_IDENTIFIER = /^[a-zA-Z0-9]{1,35}$/;
/** ASSUMED from the seed's `TH-YYYY` (docs/WIRE-CONTRACT.md). */
export const ACTIVATION_CODE = /^[A-Z]{2}-[A-Z0-9]{4,12}$/;

export const addressSchema = z.object(
  {
    streetAddress1: text(100),
    streetAddress2: z.string().max(100).nullish(),
    city: text(60),
    region: text(60),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code'),
    postalCode: z.string(presence('a string')).regex(/^[A-Za-z0-9 -]{3,10}$/, 'must be a postal code'),
  },
  presence('an object'),
);

export const patientInformationSchema = z.object(
  {
    firstName: text(50),
    lastName: text(50),
    gender: z.enum(['FEMALE', 'MALE', 'UNKNOWN'], { error: 'must be FEMALE, MALE or UNKNOWN' }),
    dateOfBirth: isoDate,
    email: z.email('must be an email address'),
    address: addressSchema,
    phoneNumber: z.string(presence('a string')).regex(/^\+?[0-9 ().-]{7,20}$/, 'must be a phone number'),
  },
  presence('an object'),
);

export const fulfillmentInformationSchema = z.object(
  {
    recipientFirstName: text(50),
    recipientLastName: text(50),
    recipientPhoneNumber: z.string().regex(/^\+?[0-9 ().-]{7,20}$/, 'must be a phone number'),
    shippingMethod: z.enum(['GROUND', 'TWODAY', 'NEXTDAY'], { error: 'must be GROUND, TWODAY or NEXTDAY' }),
    shippingAddress: addressSchema,
  },
  presence('an object'),
);

export const createOrderSchema = z.object({
  orderIdentifier: z.string(presence('a string')).regex(IDENTIFIER, 'must be 1 to 64 letters, digits, _ or -'),
  packageIdentifier: text(64),
  patientInformation: patientInformationSchema,
  fulfillmentInformation: fulfillmentInformationSchema.optional(),
  notes: z.string().max(2000).optional(),
});

export const updateOrderSchema = z.object({
  kitActivations: z
    .array(
      z.object({
        packageElementIdentifier: text(64),
        activationCode: z.string().regex(ACTIVATION_CODE, 'must look like TH-AB12 (^[A-Z]{2}-[A-Z0-9]{4,12}$)'),
      }),
    )
    .min(1, 'must not be empty')
    .optional(),
  notes: z.string().max(2000).optional(),
});

export const createFulfillmentSchema = z.object({
  requestIdentifier: z.string(presence('a string')).regex(REQUEST_IDENTIFIER, 'must be 1 to 35 letters or digits'),
  orderIdentifier: z.string(presence('a string')).regex(IDENTIFIER, 'must be 1 to 64 letters, digits, _ or -'),
  patientIdentifier: z.string(presence('a string')).regex(IDENTIFIER, 'must be 1 to 64 letters, digits, _ or -'),
  fulfillmentInformation: fulfillmentInformationSchema,
});

export interface FieldError {
  fieldName: string;
  message: string;
}

export function fieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name ? `.${String(part)}` : String(part);
  }
  return name;
}

export function fieldErrorsOf(error: z.ZodError): { globalErrors: string[]; fieldErrors: FieldError[] } {
  const globalErrors: string[] = [];
  const fieldErrors: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.path.length === 0) globalErrors.push(issue.message);
    else fieldErrors.push({ fieldName: fieldName(issue.path), message: issue.message });
  }
  return { globalErrors, fieldErrors };
}
