// Which workflows a Honeybee webhook goes to. RX_RECEIVED: one prescriptionWorkflow per medication request.
import { prescriptionWorkflowId } from '../domain/workflow-ids.js';
import type { HoneybeeEventSignal } from '../../workflows/definitions.js';
import type { RoutingContext, RoutingResult } from './webhook-routing.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function routeHoneybeeEvent(payload: unknown, context: RoutingContext): RoutingResult {
  if (!isRecord(payload) || typeof payload.event_id !== 'string' || typeof payload.event_type !== 'string') {
    return { kind: 'park', reason: 'event_id and event_type are required strings' };
  }
  const signal: HoneybeeEventSignal = {
    eventId: payload.event_id,
    eventType: payload.event_type,
    receivedAt: context.receivedAt,
    requestId: context.requestId,
    payload,
  };
  const prescriptionIds = Array.isArray(payload.medication_requests)
    ? payload.medication_requests.flatMap((item: unknown) =>
        isRecord(item) && (typeof item.id === 'number' || typeof item.id === 'string') ? [String(item.id)] : [],
      )
    : [];
  if (prescriptionIds.length === 0) return { kind: 'park', reason: 'no prescription to route to' };
  return {
    kind: 'deliver',
    deliveries: prescriptionIds.map((prescriptionId) => ({
      workflowId: prescriptionWorkflowId(prescriptionId),
      workflowType: 'prescriptionWorkflow',
      startArgs: [{ prescriptionId }],
      signalName: 'honeybeeEvent',
      signalArgs: [signal],
    })),
  };
}
