// Which workflow an Onegevity webhook goes to: the lab order named by orderIdentifier (or by the fulfillment
// requestorId derived from it). The delivery key (hash of topic + raw body) is the de-duplication key, since
// Onegevity sends no event id. Schema-invalid, topic-less or unroutable events are parked (202), never dropped.
import { labOrderWorkflowId } from '../domain/workflow-ids.js';
import {
  onegevityDeliveryKey,
  onegevityRouteKey,
  readOnegevityWebhookEvent,
} from '../vendors/onegevity/webhook-events.js';
import type { OnegevityEventSignal } from '../../workflows/definitions.js';
import type { RoutingContext, RoutingResult } from './webhook-routing.js';

export function routeOnegevityEvent(
  topic: string | undefined,
  payload: unknown,
  body: Uint8Array,
  context: RoutingContext,
): RoutingResult {
  const read = readOnegevityWebhookEvent(topic, payload);
  if (!read.ok) {
    return {
      kind: 'park',
      reason:
        read.problem === 'missing_topic'
          ? 'no topic (X-Onegevity-Topic or /webhooks/onegevity/{topic})'
          : `invalid event: ${read.issues.join(', ')}`,
    };
  }
  const route = onegevityRouteKey(read.event);
  if (route.kind !== 'order') return { kind: 'park', reason: `no lab order to route ${read.event.topic} to` };
  const signal: OnegevityEventSignal = {
    dedupeKey: onegevityDeliveryKey(read.event.topic, body),
    topic: read.event.topic,
    receivedAt: context.receivedAt,
    requestId: context.requestId,
    payload: read.event.payload,
  };
  return {
    kind: 'deliver',
    deliveries: [
      {
        workflowId: labOrderWorkflowId(route.orderIdentifier),
        workflowType: 'labOrderWorkflow',
        startArgs: [{ orderIdentifier: route.orderIdentifier, settings: context.labSettings }],
        signalName: 'onegevityEvent',
        signalArgs: [signal],
      },
    ],
  };
}
