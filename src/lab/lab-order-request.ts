// The partner's request for a lab-test kit (partner API and `fulfill lab order`), checked at the boundary, and the
// placement the workflow carries to Onegevity. The request holds PHI (names, date of birth, contact, address): it
// travels only inside the encrypted workflow input, never into ids, search attributes, logs or error messages (issues
// name fields, never values).
import { z } from 'zod';
import type { LabWorkflowSettings } from '../domain/workflow-settings.js';
import { labAddressSchema } from '../../workflows/lab/messages.js';
import { presence } from '../../workflows/shared/input-problems.js';

export { labAddressSchema };

const str = () => z.string(presence('a string'));

const text = (max: number) => str().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

/**
 * Control characters and the direction overrides (U+202A–U+202E, U+2066–U+2069): no name has them, and they make what
 * an operator or a pharmacist reads differ from what is stored.
 */
function hasHiddenCharacter(value: string): boolean {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return true;
  }
  return false;
}

/** A person's name: text without hidden characters. */
const name = (max: number) =>
  text(max).refine((value) => !hasHiddenCharacter(value), 'must not contain control or direction characters');

/** The earliest birth date taken: anything before is a typo or a placeholder (0000-01-01). */
const EARLIEST_BIRTH_DATE = '1900-01-01';

const phoneNumber = str().regex(/^\+?[0-9 ().-]{7,20}$/, 'must be a phone number');

const dateOfBirth = str()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return (
      !Number.isNaN(date.getTime()) &&
      date.toISOString().startsWith(value) &&
      date.getTime() <= Date.now() &&
      value >= EARLIEST_BIRTH_DATE
    );
  }, `must be a real date in the past, from ${EARLIEST_BIRTH_DATE} on`);

export const labPatientInformationSchema = z.strictObject(
  {
    firstName: name(50),
    lastName: name(50),
    gender: z.enum(['FEMALE', 'MALE', 'UNKNOWN'], presence('FEMALE, MALE or UNKNOWN')),
    dateOfBirth,
    // RFC 5321's limit on a path: a longer one is no address a kit's mail can reach.
    email: z.email(presence('an email address')).max(254, 'must be at most 254 characters'),
    address: labAddressSchema,
    phoneNumber,
  },
  presence('an object'),
);

/** Everything optional: the recipient defaults to the patient, the address to the patient's, the method to GROUND. */
export const labFulfillmentRequestSchema = z.strictObject(
  {
    recipientFirstName: name(50).optional(),
    recipientLastName: name(50).optional(),
    recipientPhoneNumber: phoneNumber.optional(),
    shippingMethod: z.enum(['GROUND', 'TWODAY', 'NEXTDAY'], presence('GROUND, TWODAY or NEXTDAY')).optional(),
    shippingAddress: labAddressSchema.optional(),
  },
  presence('an object'),
);

/** The partner's own patient id: it goes into Onegevity URL paths, so letters, digits, `_` and `-` only. */
export const PATIENT_IDENTIFIER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The partner's idempotency key for retries: the same key always means the same order. */
export const REQUEST_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const labOrderRequestSchema = z.strictObject(
  {
    patientIdentifier: str().regex(PATIENT_IDENTIFIER_PATTERN, 'must be 1 to 64 letters, digits, _ or -'),
    packageIdentifier: text(64).optional(),
    patientInformation: labPatientInformationSchema,
    fulfillmentInformation: labFulfillmentRequestSchema.optional(),
    notes: str().max(2000, 'must be at most 2000 characters').optional(),
    requestKey: str().regex(REQUEST_KEY_PATTERN, 'must be 1 to 128 letters, digits, ".", "_", ":" or "-"').optional(),
  },
  presence('an object'),
);

export type LabOrderRequest = z.output<typeof labOrderRequestSchema>;
export type LabOrderRequestInput = z.input<typeof labOrderRequestSchema>;
export type LabAddress = z.output<typeof labAddressSchema>;
export type LabPatientInformation = z.output<typeof labPatientInformationSchema>;

// Type aliases, not interfaces: they must fit the vendor schemas' open (index-signature) object types.
export type LabFulfillmentInformation = {
  recipientFirstName: string;
  recipientLastName: string;
  recipientPhoneNumber: string;
  shippingMethod: 'GROUND' | 'TWODAY' | 'NEXTDAY';
  shippingAddress: LabAddress;
};

/** What the workflow sends to Onegevity: the request with every default filled in (PHI: encrypted input only). */
export type LabOrderPlacement = {
  patientIdentifier: string;
  packageIdentifier: string;
  patientInformation: LabPatientInformation;
  fulfillmentInformation: LabFulfillmentInformation;
  notes?: string;
};

export interface LabOrderRequestIssue {
  /** Where in the request, e.g. `patientInformation.address.postalCode`. */
  path: string;
  /** What is wrong, never the value. */
  message: string;
}

export class LabOrderRequestError extends Error {
  override name = 'LabOrderRequestError';
  readonly issues: readonly LabOrderRequestIssue[];

  constructor(issues: readonly LabOrderRequestIssue[]) {
    super(
      `Invalid lab order request: ${issues.map((issue) => `${issue.path || '(request)'} ${issue.message}`).join('; ')}`,
    );
    this.issues = issues;
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/** Reads a partner request; throws LabOrderRequestError naming every wrong field. */
export function parseLabOrderRequest(input: unknown): LabOrderRequest {
  const parsed = labOrderRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new LabOrderRequestError(
    parsed.error.issues.map((issue) => ({
      path: pathOf(issue.path),
      // Unknown keys are named by zod's message; every other message here is ours and names no value.
      message: issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message,
    })),
  );
}

/** The placement for a request: recipient, address and shipping method default to the patient's and GROUND. */
export function labOrderPlacement(
  request: LabOrderRequest,
  settings: Pick<LabWorkflowSettings, 'packageIdentifier'>,
): LabOrderPlacement {
  const patient = request.patientInformation;
  const fulfillment = request.fulfillmentInformation ?? {};
  return {
    patientIdentifier: request.patientIdentifier,
    packageIdentifier: request.packageIdentifier ?? settings.packageIdentifier,
    patientInformation: patient,
    fulfillmentInformation: {
      recipientFirstName: fulfillment.recipientFirstName ?? patient.firstName,
      recipientLastName: fulfillment.recipientLastName ?? patient.lastName,
      recipientPhoneNumber: fulfillment.recipientPhoneNumber ?? patient.phoneNumber,
      shippingMethod: fulfillment.shippingMethod ?? 'GROUND',
      shippingAddress: fulfillment.shippingAddress ?? patient.address,
    },
    ...(request.notes !== undefined ? { notes: request.notes } : {}),
  };
}
