// The simulated Honeybee's resources, exactly as docs/WIRE-CONTRACT.md writes them (the sandbox is a strict writer),
// and the internal records that carry them. Records are plain JSON so the sandbox state can be persisted.
import type { Gender } from '../people.js';

export type HoneybeeOrderStatus = 'Processing' | 'Filling' | 'On Hold' | 'Shipped' | 'Delivered' | 'Canceled';

/**
 * How GET /patients/{id}/rx is wrapped: the key (`medication_requests` as the webhooks write it, or the seed's example
 * `medication_request`) and whether it holds a list or one object. An object form answers a list when the patient has
 * more than one prescription (one object cannot hold them).
 */
export const RX_RESPONSE_SHAPES = [
  'medication_requests-list',
  'medication_requests-object',
  'medication_request-object',
  'medication_request-list',
] as const;
export type RxResponseShape = (typeof RX_RESPONSE_SHAPES)[number];

/**
 * How the exception event is written: `event_type` as the payloads say (`ORDER_EXCEPTION`) or as the seed's event
 * list names it (`Order Exception Raised`), and whether it lists the `order_actions` (`listed`) or not (`omitted`:
 * neither the event nor GET /orders lists any, and the pharmacy still takes the reason's documented actions).
 */
export const EXCEPTION_EVENT_TYPES = ['ORDER_EXCEPTION', 'Order Exception Raised'] as const;
export type ExceptionEventType = (typeof EXCEPTION_EVENT_TYPES)[number];
export const EXCEPTION_ACTION_LISTINGS = ['listed', 'omitted'] as const;
export type ExceptionActionListing = (typeof EXCEPTION_ACTION_LISTINGS)[number];

export interface HoneybeeAddress {
  street1: string;
  street2: string | null;
  city: string;
  state: string;
  zip: string;
}

export interface HoneybeePatient {
  patient_id: number;
  /** The partner's own patient id (ASSUMED name); null when Honeybee has none. */
  ehr_id: string | null;
  first_name: string;
  last_name: string;
  dob: string;
  gender: Gender;
  email: string | null;
  phone: string;
  address: HoneybeeAddress;
}

export interface MedicationRequest {
  id: number;
  prescription_id: number;
  active: boolean;
  prescriber_name: string;
  receive_date: string;
  drug_name: string;
  ndc: string;
  sig_text: string;
  written_qty: number;
  refills_left: number;
  expire_date: string;
  drug_schedule: string | number;
  days_supply: number | null;
}

export interface OrderItem {
  prescription_id: number;
  quantity: number;
  package_size: number;
}

export interface Shipment {
  tracking_no: string;
  tracking_url: string;
  carrier: string;
  shipped_at: string;
}

export interface MedicationDispense {
  dispense_id: number;
  prescription_id: number;
  order_status: HoneybeeOrderStatus;
  shipment: Shipment | null;
}

export interface OrderException {
  id: number;
  name: string;
  message: string;
}

export interface OrderActionOffer {
  action: string;
  description: string;
  fields: string[];
}

export interface HoneybeeOrder {
  order_number: string;
  patient_id: number;
  created_at: string;
  status: HoneybeeOrderStatus;
  items: OrderItem[];
  medication_dispenses: MedicationDispense[];
  exception: OrderException | null;
  order_actions: OrderActionOffer[];
}

/** When a planned exception strikes: on leaving Processing (the pharmacist's review) or Filling. */
export type HoldPoint = 'Processing' | 'Filling';

export interface PlannedHold {
  reasonId: number;
  at: HoldPoint;
}

export interface PrescriptionRecord {
  request: MedicationRequest;
  patientId: number;
  /** Exceptions the first order for this prescription will raise, in order (set by scenarios). */
  plannedHolds: PlannedHold[];
  scenario?: string;
}

export interface OrderRecord {
  order: HoneybeeOrder;
  address: HoneybeeAddress;
  shippingMethodId: number;
  /** Which fill of each of its prescriptions the order is (1 = first fill); a reorder keeps its original's. */
  fills: Record<string, number>;
  origin: 'api' | 'automatic' | 'reorder';
  reorderOf: string | null;
  /** `patient.patient_safety` as POST /orders sent it (absent for orders the pharmacy made itself, and reorders). */
  patientSafety?: Record<string, unknown>;
  pendingHolds: PlannedHold[];
  /** Sandbox time (ms) of the next lifecycle step, if one is scheduled. */
  nextStepAt: number | null;
  updatedAt: string;
  /** Creation order, to sort orders created within the same millisecond. */
  createdSeq: number;
}

export interface PatientRecord {
  patient: HoneybeePatient;
  scenario?: string;
}

export interface PrescriptionCounters {
  /** Orders created for this prescription (POST /orders and Automatic Processing; reorders apart). */
  ordersCreated: number;
  /** The same, per fill number: more than one order on a fill that was not canceled is a duplicate fill. */
  byFill: Record<string, number>;
  reorders: number;
  canceled: number;
  /** POST /orders answered 409 because an order for the prescription was still open. */
  conflicts: number;
  /** POST /orders answered 400/422 for this prescription. */
  rejected: number;
}

export interface HoneybeeState {
  patients: Record<string, PatientRecord>;
  prescriptions: Record<string, PrescriptionRecord>;
  orders: Record<string, OrderRecord>;
  nextDispenseId: number;
  counters: {
    prescriptions: Record<string, PrescriptionCounters>;
    createOrderRequests: number;
    simulations: number;
  };
}

export function emptyHoneybeeState(): HoneybeeState {
  return {
    patients: {},
    prescriptions: {},
    orders: {},
    nextDispenseId: 9001,
    counters: { prescriptions: {}, createOrderRequests: 0, simulations: 0 },
  };
}

const STATUS_RANK: Record<HoneybeeOrderStatus, number> = {
  Processing: 0,
  'On Hold': 1,
  Filling: 2,
  Shipped: 3,
  Delivered: 4,
  Canceled: 5,
};

/** The order's overall status: its least advanced dispense's. */
export function overallStatus(dispenses: readonly MedicationDispense[]): HoneybeeOrderStatus {
  let least: HoneybeeOrderStatus = 'Canceled';
  for (const dispense of dispenses) {
    if (STATUS_RANK[dispense.order_status] < STATUS_RANK[least]) least = dispense.order_status;
  }
  return least;
}

export function isOpen(status: HoneybeeOrderStatus): boolean {
  return status !== 'Delivered' && status !== 'Canceled';
}
