// What an order event or a poll says about an order, read leniently from the payload (workflows cannot use zod; the
// bridge has already checked the payload against the vendor schemas): its overall status, the prescriptions it names,
// shipments, and for ORDER_EXCEPTION the exception with its offered actions.
import {
  isKnownOrderStatus,
  normalizeOrderStatus,
  type KnownHoneybeeOrderStatus,
} from '../../src/domain/honeybee-order-status.js';
import type { HoneybeeEventSignal } from './messages.js';
import type { HoneybeeOrderSnapshot, OfferedAction, ShipmentInfo } from './types.js';

export interface OrderObservation {
  source: 'event' | 'poll';
  eventType?: string;
  /** When the vendor says this was true: the event's timestamp (or its receipt), or the poll's time. */
  at: string;
  /** The overall status, canonical when known. */
  status?: string;
  prescriptionIds: string[];
  patientId?: string;
  shipments: ShipmentInfo[];
  exception?: { code: string; name: string; message?: string };
  actions?: OfferedAction[];
}

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function idString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const RANK: Readonly<Record<KnownHoneybeeOrderStatus, number>> = {
  Processing: 1,
  Filling: 2,
  'On Hold': 2,
  Shipped: 3,
  Delivered: 4,
  Canceled: 5,
};

/**
 * The order's overall status from its dispenses' (the least advanced one's, as the vendor computes it): any dispense
 * On Hold holds the order; canceled dispenses count only when all are canceled; unknown values are used only when
 * nothing known is there.
 */
export function overallOrderStatus(statuses: readonly string[]): string | undefined {
  const normalized = statuses.map(normalizeOrderStatus).filter((status) => status !== '');
  const known = normalized.filter(isKnownOrderStatus);
  if (known.length === 0) return normalized[0];
  if (known.includes('On Hold')) return 'On Hold';
  const live = known.filter((status) => status !== 'Canceled');
  if (live.length === 0) return 'Canceled';
  return live.reduce((least, status) => (RANK[status] < RANK[least] ? status : least));
}

function readShipment(value: unknown): ShipmentInfo | undefined {
  if (!isRecord(value)) return undefined;
  const shipment: ShipmentInfo = {};
  const trackingNo = text(value.tracking_no);
  const trackingUrl = text(value.tracking_url);
  const carrier = text(value.carrier);
  const shippedAt = text(value.shipped_at);
  if (trackingNo) shipment.trackingNo = trackingNo;
  if (trackingUrl) shipment.trackingUrl = trackingUrl;
  if (carrier) shipment.carrier = carrier;
  if (shippedAt) shipment.shippedAt = shippedAt;
  return Object.keys(shipment).length > 0 ? shipment : undefined;
}

export function readOfferedActions(value: unknown): OfferedAction[] {
  return list(value).flatMap((entry) => {
    if (!isRecord(entry)) return [];
    const action = text(entry.action);
    if (!action) return [];
    const fields = list(entry.fields).filter((field): field is string => typeof field === 'string' && field !== '');
    const description = text(entry.description);
    return [{ action, fields, ...(description ? { description } : {}) }];
  });
}

function readException(value: unknown): OrderObservation['exception'] {
  if (!isRecord(value)) return undefined;
  const code = idString(value.id) ?? 'unknown';
  const name = text(value.name) ?? `Exception ${code}`;
  const message = text(value.message);
  return { code, name, ...(message ? { message } : {}) };
}

/** Reads an order event (RX_UPDATED, SHIPMENT_UPDATED, ORDER_EXCEPTION); undefined for any other event. */
export function observationFromEvent(event: HoneybeeEventSignal): OrderObservation | undefined {
  const payload = event.payload;
  const type = event.eventType.trim().toUpperCase();
  const at = text(payload.timestamp) ?? event.receivedAt;
  const patientId = idString(payload.patient_id);
  if (type === 'ORDER_EXCEPTION') {
    return {
      source: 'event',
      eventType: type,
      at,
      status: 'On Hold',
      prescriptionIds: [],
      ...(patientId ? { patientId } : {}),
      shipments: [],
      exception: readException(payload.exception) ?? { code: 'unknown', name: 'Order exception' },
      actions: readOfferedActions(payload.order_actions),
    };
  }
  if (type !== 'RX_UPDATED' && type !== 'SHIPMENT_UPDATED') return undefined;
  const prescriptionIds = new Set<string>();
  const statuses: string[] = [];
  const shipments: ShipmentInfo[] = [];
  for (const request of list(payload.medication_requests)) {
    if (!isRecord(request)) continue;
    const id = idString(request.prescription_id) ?? idString(request.id);
    if (id) prescriptionIds.add(id);
    for (const dispense of list(request.medication_dispenses)) {
      if (!isRecord(dispense)) continue;
      const status = text(dispense.order_status);
      if (status) statuses.push(status);
      const shipment = readShipment(dispense.shipment);
      if (shipment) shipments.push(shipment);
    }
  }
  const status = overallOrderStatus(statuses);
  return {
    source: 'event',
    eventType: type,
    at,
    ...(status ? { status } : {}),
    prescriptionIds: [...prescriptionIds],
    ...(patientId ? { patientId } : {}),
    shipments,
  };
}

/** Reads a polled order (GET /orders/{order_number}) as of `at`. */
export function observationFromSnapshot(snapshot: HoneybeeOrderSnapshot, at: string): OrderObservation {
  const status = snapshot.status ?? overallOrderStatus(snapshot.dispenseStatuses);
  const onHold = status !== undefined && normalizeOrderStatus(status) === 'On Hold';
  const exception = onHold ? readException(snapshot.exception) : undefined;
  return {
    source: 'poll',
    at,
    ...(status ? { status: normalizeOrderStatus(status) } : {}),
    prescriptionIds: snapshot.prescriptionIds,
    ...(snapshot.patientId ? { patientId: snapshot.patientId } : {}),
    shipments: snapshot.shipments,
    ...(exception ? { exception, actions: snapshot.actions } : {}),
  };
}

/** The prescriptions an event names (RX_RECEIVED included), as strings. */
export function eventPrescriptionIds(event: HoneybeeEventSignal): string[] {
  const ids = new Set<string>();
  for (const request of list(event.payload.medication_requests)) {
    if (!isRecord(request)) continue;
    const id = idString(request.prescription_id) ?? idString(request.id);
    if (id) ids.add(id);
  }
  return [...ids];
}

/** The RX_RECEIVED medication request for one prescription, if the event carries it. */
export function eventMedicationRequest(event: HoneybeeEventSignal, prescriptionId: string): Loose | undefined {
  return list(event.payload.medication_requests).find(
    (request): request is Loose =>
      isRecord(request) && (idString(request.prescription_id) ?? idString(request.id)) === prescriptionId,
  );
}
