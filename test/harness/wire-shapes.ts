// docs/WIRE-CONTRACT.md as strict schemas: the sandbox must write exactly these shapes (no missing and no extra
// fields), so the tests parse every body and webhook the simulators produce with them.
import { z } from 'zod';

const isoTime = z.iso.datetime();
const isoDay = z.iso.date();

// ------------------------------------------------------------------------------------------------ Honeybee

export const honeybeeStatus = z.enum(['Processing', 'Filling', 'On Hold', 'Shipped', 'Delivered', 'Canceled']);

export const honeybeeAddress = z.strictObject({
  street1: z.string().min(1),
  street2: z.string().nullable(),
  city: z.string().min(1),
  state: z.string().regex(/^[A-Z]{2}$/),
  zip: z.string().regex(/^\d{5}(-\d{4})?$/),
});

export const honeybeePatient = z.strictObject({
  patient_id: z.number().int().positive(),
  ehr_id: z.string().nullable(),
  first_name: z.string().min(1),
  last_name: z.string().min(1),
  dob: isoDay,
  gender: z.enum(['M', 'F', 'N']),
  email: z.string().nullable(),
  phone: z.string(),
  address: honeybeeAddress,
});

export const medicationRequest = z.strictObject({
  id: z.number().int().positive(),
  prescription_id: z.number().int().positive(),
  active: z.boolean(),
  prescriber_name: z.string(),
  receive_date: isoDay,
  drug_name: z.string(),
  ndc: z.string().regex(/^\d{11}$/),
  sig_text: z.string(),
  written_qty: z.number().int().positive(),
  refills_left: z.number().int().min(0),
  expire_date: isoDay,
  drug_schedule: z.union([z.string(), z.number()]),
  days_supply: z.number().int().nullable(),
});

export const shipment = z.strictObject({
  tracking_no: z.string().min(1),
  tracking_url: z.url(),
  carrier: z.string().min(1),
  shipped_at: isoTime,
});

export const orderAction = z.strictObject({
  action: z.string().min(1),
  description: z.string(),
  fields: z.array(z.string()),
});

export const orderException = z.strictObject({ id: z.number().int(), name: z.string(), message: z.string() });

export const honeybeeOrder = z.strictObject({
  order_number: z.string().regex(/^[A-Z0-9]+$/),
  patient_id: z.number().int().positive(),
  created_at: isoTime,
  status: honeybeeStatus,
  items: z.array(
    z.strictObject({
      prescription_id: z.number().int(),
      quantity: z.number().int().positive(),
      package_size: z.number().int().positive(),
    }),
  ),
  medication_dispenses: z.array(
    z.strictObject({
      dispense_id: z.number().int(),
      prescription_id: z.number().int(),
      order_status: honeybeeStatus,
      shipment: shipment.nullable(),
    }),
  ),
  exception: orderException.nullable(),
  order_actions: z.array(orderAction),
});

export const honeybeeErrors = z.strictObject({
  errors: z
    .array(
      z.strictObject({
        code: z.number().int(),
        message: z.string().min(1),
        error_detail: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
      }),
    )
    .min(1),
});

export const honeybeeError = z.strictObject({
  error: z.strictObject({ error_code: z.number().int(), message: z.string().min(1) }),
});

export const honeybeeToken = z.strictObject({
  access_token: z.string().min(20),
  token_type: z.literal('Bearer'),
  expires_in: z.literal(43200),
  created_at: z.number().int(),
});

const eventBase = {
  event_id: z.uuid(),
  patient_id: z.number().int().positive(),
  timestamp: isoTime,
};

export const rxReceivedEvent = z.strictObject({
  ...eventBase,
  event_type: z.literal('RX_RECEIVED'),
  medication_requests: z.array(medicationRequest).min(1),
});

export const orderUpdateEvent = z.strictObject({
  ...eventBase,
  event_type: z.enum(['RX_UPDATED', 'SHIPMENT_UPDATED']),
  order_number: z.string(),
  medication_requests: z
    .array(
      z.strictObject({
        id: z.number().int(),
        prescription_id: z.number().int(),
        medication_dispenses: z
          .array(
            z.strictObject({
              dispense_id: z.number().int(),
              order_status: honeybeeStatus,
              shipment: shipment.nullable(),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});

/**
 * By default `ORDER_EXCEPTION` with its actions; told so (`fulfill sandbox settings`), the sandbox writes the seed's
 * "Order Exception Raised" and lists no actions.
 */
export const orderExceptionEvent = z.strictObject({
  ...eventBase,
  event_type: z.enum(['ORDER_EXCEPTION', 'Order Exception Raised']),
  order_number: z.string(),
  exception: orderException,
  order_actions: z.array(orderAction),
});

export const honeybeeEvent = z.union([rxReceivedEvent, orderUpdateEvent, orderExceptionEvent]);

// ------------------------------------------------------------------------------------------------ Onegevity

const onegevityAddress = z.strictObject({
  streetAddress1: z.string(),
  streetAddress2: z.string().nullable().optional(),
  city: z.string(),
  region: z.string(),
  country: z.string(),
  postalCode: z.string(),
});

export const fulfillmentStatus = z.enum(['REQUESTED', 'ACCEPTED', 'REJECTED', 'CANCELED', 'SHIPPED']);

export const onegevityOrder = z.strictObject({
  orderIdentifier: z.string(),
  patientIdentifier: z.string(),
  packageIdentifier: z.string(),
  status: z.enum([
    'CREATED',
    'FULFILLMENT_REQUESTED',
    'ACCEPTED',
    'REJECTED',
    'CANCELED',
    'SHIPPED',
    'ACTIVATED',
    'RESULTS_RELEASED',
  ]),
  completed: z.boolean(),
  createdAt: isoTime,
  elements: z
    .array(
      z.strictObject({
        packageElementIdentifier: z.string(),
        kitStatus: z.enum(['UNREGISTERED', 'NOT_ACTIVATED', 'ACTIVATED', 'AT_LAB', 'COMPLETED']),
        activationCode: z.string().nullable(),
      }),
    )
    .min(1),
  fulfillment: z
    .strictObject({
      requestIdentifier: z.string(),
      status: fulfillmentStatus,
      trackingNumber: z.string().nullable(),
      trackingUrl: z.string().nullable(),
      rejectionReason: z.string().nullable(),
    })
    .nullable(),
});

export const fulfillmentRequest = z.strictObject({
  requestIdentifier: z.string().regex(/^[a-zA-Z0-9]{1,35}$/),
  orderIdentifier: z.string(),
  patientIdentifier: z.string(),
  status: fulfillmentStatus,
  fulfillmentInformation: z.strictObject({
    recipientFirstName: z.string(),
    recipientLastName: z.string(),
    recipientPhoneNumber: z.string(),
    shippingMethod: z.enum(['GROUND', 'TWODAY', 'NEXTDAY']),
    shippingAddress: onegevityAddress,
  }),
  trackingNumber: z.string().nullable(),
  trackingUrl: z.string().nullable(),
});

export const reportsPage = z.strictObject({
  pageNumber: z.number().int().min(1),
  numberOfElements: z.number().int().min(0),
  totalNumberOfElements: z.number().int().min(0),
  content: z.array(z.strictObject({ reportIdentifier: z.string(), name: z.string(), releasedAt: isoTime })),
});

export const validationError = z.strictObject({
  id: z.string().min(1),
  globalErrors: z.array(z.string()),
  fieldErrors: z.array(z.strictObject({ fieldName: z.string(), message: z.string() })),
});

export const generalError = z.strictObject({ id: z.string().min(1), message: z.string().min(1) });

export const onegevityToken = z.strictObject({
  access_token: z.string().min(20),
  token_type: z.literal('bearer'),
  expires_in: z.literal(3600),
  scope: z.string(),
});

const resourceId = z.number().int().positive();

/** Onegevity webhook bodies per topic: the seed's payloads (plus ASSUMED `reason` on fulfillment.rejected). */
export const onegevityWebhookBodies = {
  'patient.created': z.strictObject({ id: resourceId, patientIdentifier: z.string() }),
  'patient.updated': z.strictObject({ id: resourceId, patientIdentifier: z.string() }),
  'order.created': z.strictObject({ id: resourceId, orderIdentifier: z.string(), patientIdentifier: z.string() }),
  'order.updated': z.strictObject({ id: resourceId, orderIdentifier: z.string(), patientIdentifier: z.string() }),
  'kit.activated': z.strictObject({
    id: resourceId,
    orderIdentifier: z.string(),
    patientIdentifier: z.string(),
    activationCode: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{4,12}$/),
  }),
  'results.released': z.strictObject({ id: resourceId, orderIdentifier: z.string(), patientIdentifier: z.string() }),
  'fulfillment.requested': z.strictObject({ id: resourceId, requestorId: z.string() }),
  'fulfillment.accepted': z.strictObject({ id: resourceId, requestorId: z.string() }),
  'fulfillment.rejected': z.strictObject({ id: resourceId, requestorId: z.string(), reason: z.string() }),
  'fulfillment.canceled': z.strictObject({ id: resourceId, requestorId: z.string() }),
  'fulfillment.shipped': z.strictObject({
    id: resourceId,
    requestorId: z.string(),
    trackingNumber: z.string().min(1),
    trackingUrl: z.url(),
  }),
} as const;

export type OnegevityTopic = keyof typeof onegevityWebhookBodies;

export const partnerPatients = z.strictObject({
  patients: z.array(
    z.strictObject({
      partnerPatientId: z.string(),
      ehrId: z.string().nullable(),
      email: z.string().nullable(),
      firstName: z.string(),
      lastName: z.string(),
      dob: isoDay,
      /** The partner's intake; the sandbox's generated patients have one unless a scenario leaves it out. */
      patientSafety: z
        .strictObject({
          medications: z.array(z.string()),
          healthConditions: z.array(z.string()),
          allergies: z.array(z.string()),
        })
        .optional(),
    }),
  ),
});
