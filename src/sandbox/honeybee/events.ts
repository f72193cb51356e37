// Honeybee webhook payloads, exactly as docs/WIRE-CONTRACT.md writes them. They carry ids and statuses, never PHI.
import type { ExceptionEventType, HoneybeeOrder, MedicationRequest } from './model.js';

export type HoneybeeEventType = 'RX_RECEIVED' | 'RX_UPDATED' | 'SHIPMENT_UPDATED' | 'ORDER_EXCEPTION';

export function rxReceivedEvent(eventId: string, patientId: number, timestamp: string, requests: MedicationRequest[]) {
  return {
    event_id: eventId,
    event_type: 'RX_RECEIVED' as const,
    patient_id: patientId,
    timestamp,
    medication_requests: requests.map((request) => ({ ...request })),
  };
}

/** RX_UPDATED (any status change) or SHIPMENT_UPDATED (a dispense shipped): dispenses grouped by prescription. */
export function orderUpdateEvent(
  eventId: string,
  eventType: 'RX_UPDATED' | 'SHIPMENT_UPDATED',
  order: HoneybeeOrder,
  timestamp: string,
) {
  const prescriptionIds = [...new Set(order.medication_dispenses.map((dispense) => dispense.prescription_id))];
  return {
    event_id: eventId,
    event_type: eventType,
    patient_id: order.patient_id,
    order_number: order.order_number,
    timestamp,
    medication_requests: prescriptionIds.map((prescriptionId) => ({
      id: prescriptionId,
      prescription_id: prescriptionId,
      medication_dispenses: order.medication_dispenses
        .filter((dispense) => dispense.prescription_id === prescriptionId)
        .map((dispense) => ({
          dispense_id: dispense.dispense_id,
          order_status: dispense.order_status,
          shipment: dispense.shipment ? { ...dispense.shipment } : null,
        })),
    })),
  };
}

/** ORDER_EXCEPTION, or under the seed's other name for it ("Order Exception Raised") when the sandbox is told so. */
export function orderExceptionEvent(
  eventId: string,
  order: HoneybeeOrder,
  timestamp: string,
  eventType: ExceptionEventType = 'ORDER_EXCEPTION',
) {
  if (!order.exception) throw new Error(`order ${order.order_number} has no exception`);
  return {
    event_id: eventId,
    event_type: eventType,
    patient_id: order.patient_id,
    order_number: order.order_number,
    timestamp,
    exception: { ...order.exception },
    order_actions: order.order_actions.map((action) => ({ ...action, fields: [...action.fields] })),
  };
}
