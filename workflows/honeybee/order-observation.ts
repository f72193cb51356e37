// What an order event or a poll says about an order: its overall status, the prescriptions it names, shipments, and
// for ORDER_EXCEPTION the exception with its offered actions. Events arrive typed (src/domain/honeybee-events.ts);
// polls are the activity's compact snapshot.
import {
  isKnownOrderStatus,
  normalizeOrderStatus,
  type KnownHoneybeeOrderStatus,
} from '../../src/domain/honeybee-order-status.js';
import {
  honeybeeEventPrescriptionIds,
  normalizeHoneybeeEventType,
  readException,
  type HoneybeeEvent,
} from '../../src/domain/honeybee-events.js';
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

/** Reads an order event (RX_UPDATED, SHIPMENT_UPDATED, ORDER_EXCEPTION); undefined for any other event. */
export function observationFromEvent(event: HoneybeeEvent): OrderObservation | undefined {
  const type = normalizeHoneybeeEventType(event.eventType);
  const at = event.occurredAt ?? event.receivedAt;
  const patientId = event.patientId;
  if (type === 'ORDER_EXCEPTION') {
    return {
      source: 'event',
      eventType: type,
      at,
      status: 'On Hold',
      prescriptionIds: [],
      ...(patientId ? { patientId } : {}),
      shipments: [],
      exception: event.exception ?? { code: 'unknown', name: 'Order exception' },
      actions: event.actions ?? [],
    };
  }
  if (type !== 'RX_UPDATED' && type !== 'SHIPMENT_UPDATED') return undefined;
  const dispenses = event.prescriptions.flatMap((request) => request.dispenses);
  const status = overallOrderStatus(dispenses.flatMap((dispense) => (dispense.status ? [dispense.status] : [])));
  return {
    source: 'event',
    eventType: type,
    at,
    ...(status ? { status } : {}),
    prescriptionIds: honeybeeEventPrescriptionIds(event),
    ...(patientId ? { patientId } : {}),
    shipments: dispenses.flatMap((dispense) => (dispense.shipment ? [dispense.shipment] : [])),
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
