// The simulated Onegevity's resources, exactly as docs/WIRE-CONTRACT.md writes them (bare, not wrapped), and the
// internal records that carry them. Records are plain JSON so the sandbox state can be persisted.

export type OnegevityOrderStatus =
  | 'CREATED'
  | 'FULFILLMENT_REQUESTED'
  | 'ACCEPTED'
  | 'REJECTED'
  | 'CANCELED'
  | 'SHIPPED'
  | 'ACTIVATED'
  | 'RESULTS_RELEASED';

/**
 * When `order.updated` goes out. `every-change`: whenever the order gains information (its fulfillment is requested,
 * accepted, rejected, canceled or shipped, a kit is activated, the samples reach the lab, results are released), every
 * time with the same body, as the seed describes Onegevity. `lab-only`: once, when the samples reach the lab.
 */
export const ORDER_UPDATE_MODES = ['every-change', 'lab-only'] as const;
export type OrderUpdateMode = (typeof ORDER_UPDATE_MODES)[number];

export type KitStatus = 'UNREGISTERED' | 'NOT_ACTIVATED' | 'ACTIVATED' | 'AT_LAB' | 'COMPLETED';

export type FulfillmentStatus = 'REQUESTED' | 'ACCEPTED' | 'REJECTED' | 'CANCELED' | 'SHIPPED';

export interface OnegevityAddress {
  streetAddress1: string;
  streetAddress2?: string | null;
  city: string;
  region: string;
  country: string;
  postalCode: string;
}

export interface PatientInformation {
  firstName: string;
  lastName: string;
  gender: 'FEMALE' | 'MALE' | 'UNKNOWN';
  dateOfBirth: string;
  email: string;
  address: OnegevityAddress;
  phoneNumber: string;
}

export interface FulfillmentInformation {
  recipientFirstName: string;
  recipientLastName: string;
  recipientPhoneNumber: string;
  shippingMethod: 'GROUND' | 'TWODAY' | 'NEXTDAY';
  shippingAddress: OnegevityAddress;
}

export interface KitElement {
  packageElementIdentifier: string;
  kitStatus: KitStatus;
  activationCode: string | null;
}

export interface OrderFulfillment {
  requestIdentifier: string;
  status: FulfillmentStatus;
  trackingNumber: string | null;
  trackingUrl: string | null;
  rejectionReason: string | null;
}

export interface OnegevityOrder {
  orderIdentifier: string;
  patientIdentifier: string;
  packageIdentifier: string;
  status: OnegevityOrderStatus;
  completed: boolean;
  createdAt: string;
  elements: KitElement[];
  fulfillment: OrderFulfillment | null;
}

export interface FulfillmentRequest {
  requestIdentifier: string;
  orderIdentifier: string;
  patientIdentifier: string;
  status: FulfillmentStatus;
  fulfillmentInformation: FulfillmentInformation;
  trackingNumber: string | null;
  trackingUrl: string | null;
}

export interface Report {
  reportIdentifier: string;
  name: string;
  releasedAt: string;
}

/** How kit orders for a patient behave (set by scenarios; the default is the happy path). */
export interface KitPlan {
  /** Reject this many fulfillment requests of each order before accepting one. */
  rejectFirst: number;
  rejectReason: string;
  /** Who activates the kit once shipped: a simulated patient, only the API, or nobody. */
  activation: 'patient' | 'api' | 'never';
  scenario?: string;
}

export type KitStep = 'review' | 'ship' | 'activate' | 'lab' | 'release';

export interface KitOrderRecord {
  /** The resource id the webhooks carry as `id`. */
  id: number;
  order: OnegevityOrder;
  patientInformation: PatientInformation;
  notes: string | null;
  plan: KitPlan;
  rejectionsLeft: number;
  reports: Report[];
  nextStep: KitStep | null;
  nextStepAt: number | null;
}

export interface FulfillmentRecord {
  id: number;
  request: FulfillmentRequest;
}

export interface OnegevityPatientRecord {
  id: number;
  patientIdentifier: string;
  information: PatientInformation;
}

export interface OnegevityState {
  patients: Record<string, OnegevityPatientRecord>;
  orders: Record<string, KitOrderRecord>;
  fulfillments: Record<string, FulfillmentRecord>;
  plans: Record<string, KitPlan>;
  counters: {
    createOrderRequests: number;
    /** POST …/orders answered 409 because the orderIdentifier existed. */
    orderConflicts: number;
    /** Fulfillment requests created per orderIdentifier (the order's own included). */
    fulfillmentRequestsPerOrder: Record<string, number>;
    fulfillmentConflicts: number;
    validationErrors: number;
    kitActivations: { api: number; patient: number };
  };
}

export function emptyOnegevityState(): OnegevityState {
  return {
    patients: {},
    orders: {},
    fulfillments: {},
    plans: {},
    counters: {
      createOrderRequests: 0,
      orderConflicts: 0,
      fulfillmentRequestsPerOrder: {},
      fulfillmentConflicts: 0,
      validationErrors: 0,
      kitActivations: { api: 0, patient: 0 },
    },
  };
}

export const DEFAULT_KIT_PLAN: KitPlan = {
  rejectFirst: 0,
  rejectReason: 'Shipping address is not serviceable',
  activation: 'patient',
};
