// Which workflows a Honeybee webhook goes to. RX_RECEIVED: one prescriptionWorkflow per medication request. A
// schema-invalid or unknown event is parked (202), never dropped.
import { prescriptionWorkflowId } from '../domain/workflow-ids.js';
import { honeybeeEventPrescriptionIds, readHoneybeeWebhookEvent } from '../vendors/honeybee/webhook-events.js';
import type { HoneybeeEventSignal } from '../../workflows/definitions.js';
import type { RoutingContext, RoutingResult } from './webhook-routing.js';

export function routeHoneybeeEvent(payload: unknown, context: RoutingContext): RoutingResult {
  const read = readHoneybeeWebhookEvent(payload);
  if (!read.ok) return { kind: 'park', reason: `invalid event: ${read.issues.join(', ') || read.problem}` };
  const { event } = read;
  const signal: HoneybeeEventSignal = {
    eventId: String(event.event.event_id),
    eventType: String(event.event.event_type),
    receivedAt: context.receivedAt,
    requestId: context.requestId,
    payload: event.event,
  };
  if (event.kind !== 'RX_RECEIVED') return { kind: 'park', reason: `no route for event type ${signal.eventType}` };
  const prescriptionIds = honeybeeEventPrescriptionIds(event);
  if (prescriptionIds.length === 0) return { kind: 'park', reason: 'RX_RECEIVED without medication requests' };
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
