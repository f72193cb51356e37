// Which workflows a Honeybee webhook goes to (pure; the pipeline does the signal-with-start):
//   RX_RECEIVED                                        → one prescriptionWorkflow per medication request
//   RX_UPDATED, SHIPMENT_UPDATED, ORDER_EXCEPTION      → the honeybeeOrderWorkflow of its order_number
// Each start carries what the event says (ids), the engine's Honeybee settings and the search attributes of the
// workflow's first state (free at start; an upsert later). The order workflow reports to its prescription workflows
// itself, so the bridge never needs to know which prescription an order belongs to. An RX_RECEIVED without a
// patient_id, an order event without an order_number, an id unfit for a workflow id, an unknown event type or a
// schema-invalid payload is parked (202), never dropped.
import { honeybeeOrderWorkflowId, isVendorIdFitForWorkflowId, prescriptionWorkflowId } from '../domain/workflow-ids.js';
import { honeybeeEventPrescriptionIds } from '../domain/honeybee-events.js';
import { readHoneybeeWebhookEvent, toHoneybeeEvent } from '../vendors/honeybee/webhook-events.js';
import {
  orderEventStartSearchAttributes,
  prescriptionStartSearchAttributes,
} from '../../workflows/honeybee/visibility.js';
import type { HoneybeeOrderWorkflowInput, PrescriptionWorkflowInput } from '../../workflows/honeybee/types.js';
import { issueList, type RoutingContext, type RoutingResult } from './webhook-routing.js';

/** What Honeybee routing reads of the context (the reconciliation sweep routes its rebuilt RX_RECEIVED here too). */
export type HoneybeeRoutingContext = Pick<RoutingContext, 'receivedAt' | 'requestId' | 'honeybeeSettings'>;

export function routeHoneybeeEvent(payload: unknown, context: HoneybeeRoutingContext): RoutingResult {
  const read = readHoneybeeWebhookEvent(payload);
  if (!read.ok) return { kind: 'park', reason: `invalid event: ${issueList(read.issues) || read.problem}` };
  const { event } = read;
  // What the workflows get: the typed event, read once here (they never see the raw payload).
  const signal = toHoneybeeEvent(event, { receivedAt: context.receivedAt, requestId: context.requestId });
  const { patientId } = signal;
  const prescriptionIds =
    event.kind === 'RX_RECEIVED' || event.kind === 'RX_UPDATED' || event.kind === 'SHIPMENT_UPDATED'
      ? honeybeeEventPrescriptionIds(signal)
      : [];
  const unfit = [
    ...(signal.orderNumber && !isVendorIdFitForWorkflowId(signal.orderNumber) ? ['an order_number'] : []),
    ...(prescriptionIds.some((id) => !isVendorIdFitForWorkflowId(id)) ? ['a prescription id'] : []),
  ];
  // Parked, not delivered: the id would become a workflow id the partner API cannot address and a notification header
  // no HTTP client sends. The reason names the field, never the value (it is the vendor's text).
  if (unfit.length > 0) {
    return {
      kind: 'park',
      reason: `${signal.eventType} names ${unfit.join(' and ')} unfit for a workflow id (letters, digits, _ and -; 1 to 64)`,
    };
  }

  if (event.kind === 'RX_RECEIVED') {
    if (prescriptionIds.length === 0) return { kind: 'park', reason: 'RX_RECEIVED without medication requests' };
    // Without the patient there is no one to match the prescription to: it would wait unseen, so it is parked.
    if (!patientId) return { kind: 'park', reason: 'RX_RECEIVED without a patient_id' };
    return {
      kind: 'deliver',
      deliveries: prescriptionIds.map((prescriptionId) => {
        const start: PrescriptionWorkflowInput = {
          prescriptionId,
          ...(patientId ? { patientId } : {}),
          settings: context.honeybeeSettings,
        };
        return {
          workflowId: prescriptionWorkflowId(prescriptionId),
          workflowType: 'prescriptionWorkflow',
          startArgs: [start],
          startSearchAttributes: prescriptionStartSearchAttributes(start),
          signalName: 'honeybeeEvent',
          signalArgs: [signal],
        };
      }),
    };
  }

  if (event.kind === 'RX_UPDATED' || event.kind === 'SHIPMENT_UPDATED' || event.kind === 'ORDER_EXCEPTION') {
    const orderNumber = signal.orderNumber;
    if (!orderNumber) return { kind: 'park', reason: `${signal.eventType} without an order_number` };
    const start: HoneybeeOrderWorkflowInput = {
      orderNumber,
      ...(patientId ? { patientId } : {}),
      ...(prescriptionIds.length > 0 ? { prescriptionIds } : {}),
      settings: context.honeybeeSettings,
    };
    return {
      kind: 'deliver',
      deliveries: [
        {
          workflowId: honeybeeOrderWorkflowId(orderNumber),
          workflowType: 'honeybeeOrderWorkflow',
          startArgs: [start],
          startSearchAttributes: orderEventStartSearchAttributes(start, signal, context.receivedAt),
          signalName: 'honeybeeEvent',
          signalArgs: [signal],
        },
      ],
    };
  }

  return { kind: 'park', reason: `no route for event type ${signal.eventType}` };
}
