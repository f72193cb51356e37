// Which workflow an Onegevity webhook goes to. Pure: the bridge has no state, so it decides from the payload alone.
//
// - Order, kit, results and fulfillment events go to the lab order named by orderIdentifier, or by the fulfillment
//   requestorId (the engine's requestIdentifier: the orderIdentifier, or `{orderIdentifier}R{n}` after a
//   resubmission). The delivery key (hash of topic + raw body) is the de-duplication key, since Onegevity sends no
//   event id (a workflow never drops an `order.updated` repeat as a duplicate: its body never changes).
// - An order the engine did not create (placed in the patient's browser with Onegevity's UI-Kit, or anyone's
//   identifier) starts labOrderWorkflow without a placement in follow mode: it reads the order and tracks it to its
//   results (ONEGEVITY_FOLLOW_UNKNOWN_ORDERS, default on). Its fulfillment events carry a requestorId the engine
//   cannot tie to an order (not `lab…`): parked as informational, since the followed order learns its fulfillment
//   from reading the order, which every change announces with `order.updated`. An identifier unfit for a workflow id
//   is parked.
// - With following off, as before follow mode: an identifier that is not the engine's (`lab` + 24 hex) is parked, and
//   an engine-shaped one whose workflow does not exist starts labOrderWorkflow as an "unknown order" for an operator.
// - An event for a lab order whose workflow already ended is recorded in the dead-letter workflow by the pipeline.
// - patient.created / patient.updated carry only a patientIdentifier. Delivering them to that patient's open lab
//   orders would need state the bridge does not have, and a per-patient workflow would put a patient's identifier in
//   a workflow id; the lab workflow has no use for them either (the order and fulfillment events say everything it
//   follows). They are parked as informational: the history of the day's dead-letter workflow keeps
//   them (`dead-letter-onegevity-{engine}-{day}`, in the Web UI), not the audits of the patient's orders.
// - Schema-invalid, topic-less or unroutable events are parked (202), never dropped; so is a topic longer than a lab
//   order takes (ONEGEVITY_TOPIC_MAX_LENGTH: no documented topic comes near), which delivered would be refused by the
//   workflow's signal schema and lost. A reason quotes at most the start of a topic.
import {
  isEngineRequestIdentifier,
  isFollowableOrderIdentifier,
  isLabOrderIdentifier,
} from '../domain/lab-order-identifiers.js';
import { ONEGEVITY_TOPIC_MAX_LENGTH } from '../domain/onegevity-events.js';
import { labOrderWorkflowId } from '../domain/workflow-ids.js';
import {
  onegevityDeliveryKey,
  onegevityRouteKey,
  readOnegevityWebhookEvent,
  toOnegevityEvent,
} from '../vendors/onegevity/webhook-events.js';
import type { LabOrderWorkflowInput } from '../../workflows/lab-order.js';
import { issueList, type RoutingContext, type RoutingResult } from './webhook-routing.js';

/** Reason prefix of parked events that are expected and need nobody (operators filter them out). */
export const INFORMATIONAL_PARK_PREFIX = 'informational:';

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
          : `invalid event: ${issueList(read.issues)}`,
    };
  }
  const { event } = read;
  if (event.topic.length > ONEGEVITY_TOPIC_MAX_LENGTH) {
    return {
      kind: 'park',
      reason:
        `a topic of ${event.topic.length} characters, longer than any a lab order takes ` +
        `(${ONEGEVITY_TOPIC_MAX_LENGTH}): "${event.topic.slice(0, 40)}…"`,
    };
  }
  if (event.kind === 'patient.created' || event.kind === 'patient.updated') {
    return {
      kind: 'park',
      reason:
        `${INFORMATIONAL_PARK_PREFIX} ${event.topic} names only a patient; lab orders follow their order and ` +
        'fulfillment events',
    };
  }
  const route = onegevityRouteKey(event);
  if (route.kind !== 'order') return { kind: 'park', reason: `no lab order to route ${event.topic} to` };
  if (!context.followUnknownLabOrders && !isLabOrderIdentifier(route.orderIdentifier)) {
    return {
      kind: 'park',
      reason:
        `${event.topic} names an order identifier this engine never issues (not lab + 24 hex), and following ` +
        'orders placed elsewhere is off (ONEGEVITY_FOLLOW_UNKNOWN_ORDERS)',
    };
  }
  if (route.requestorId !== undefined && !isEngineRequestIdentifier(route.requestorId)) {
    return {
      kind: 'park',
      reason:
        `${INFORMATIONAL_PARK_PREFIX} ${event.topic} names a fulfillment request this engine did not make; a ` +
        'followed order learns its fulfillment by reading the order',
    };
  }
  if (!isFollowableOrderIdentifier(route.orderIdentifier)) {
    return { kind: 'park', reason: `${event.topic} names an order identifier unfit for a workflow id` };
  }
  // What the workflow gets: the typed event, read once here (it never sees the raw payload).
  const signal = toOnegevityEvent(event, {
    dedupeKey: onegevityDeliveryKey(event.topic, body),
    receivedAt: context.receivedAt,
    requestId: context.requestId,
  });
  // No placement: if this starts the workflow, the order is not one the engine placed (see above).
  const startInput: LabOrderWorkflowInput = {
    orderIdentifier: route.orderIdentifier,
    settings: context.labSettings,
    ...(context.followUnknownLabOrders ? { follow: true } : {}),
  };
  return {
    kind: 'deliver',
    deliveries: [
      {
        workflowId: labOrderWorkflowId(route.orderIdentifier),
        workflowType: 'labOrderWorkflow',
        startArgs: [startInput],
        signalName: 'onegevityEvent',
        signalArgs: [signal],
      },
    ],
  };
}
