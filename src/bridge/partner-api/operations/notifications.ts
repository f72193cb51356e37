// The notification target (the partner's own webhook endpoint): its state, and the resend after an outage.
import { WorkflowNotFoundError } from '@temporalio/client';
import { resumeDeliveryUpdate, targetStateQuery } from '../../../../workflows/notifications/messages.js';
import { notificationTargetWorkflowId } from '../../../partner/notification-target.js';
import { PartnerApiError } from '../errors.js';
import { defineOperation, json, type CallContext } from '../operation.js';
import { eventsPage, resendOne, undeliveredPage } from '../notifications.js';
import { feedPage, resendOutcome, targetState, undeliveredPage as undeliveredSchema } from '../responses.js';
import { eventsQuery, notificationParams, resendBody, resendOneBody, undeliveredQuery } from '../schemas.js';

function targetHandle(call: CallContext) {
  const url = call.engine.settings.notificationTargetUrl;
  if (!url) throw new PartnerApiError(404, 'not_found', 'no notification target is configured (PARTNER_WEBHOOK_URL)');
  return call.client.workflow.getHandle(notificationTargetWorkflowId(url));
}

export const notificationOperations = [
  defineOperation({
    operationId: 'getNotificationTarget',
    method: 'GET',
    path: '/api/notifications/target',
    tag: 'Notifications',
    scope: 'read',
    summary: "The webhook target's state",
    description:
      'Failing since, disabled since, the last failure, how many notifications are parked. A target that never ' +
      'failed has no record: `{"parked": 0, "redelivering": false, "resumes": []}`.',
    responses: { 200: { description: 'The state', schema: targetState } },
    errors: [404],
    handle: async (_input, call) => {
      try {
        return json(200, await call.engine.within(() => targetHandle(call).query(targetStateQuery)));
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return json(200, { parked: 0, redelivering: false, resumes: [] });
        throw error;
      }
    },
  }),
  defineOperation({
    operationId: 'resendParkedNotifications',
    method: 'POST',
    path: '/api/notifications/target/resend',
    tag: 'Notifications',
    scope: 'admin',
    summary: 'Enable the target and re-send what was parked',
    description:
      'Enables a disabled target again and re-sends its parked notifications in the order they were parked. The ' +
      'resend continues after the answer (`redelivering`). 409 `nothing_to_resend` if the target never failed; ' +
      '409 `wrong_state` while a resend is under way.',
    body: resendBody,
    responses: { 200: { description: "The target's state as the resend begins", schema: targetState } },
    errors: [404, 409, 413, 415, 504],
    handle: async ({ body }, call) => {
      const handle = targetHandle(call);
      try {
        return json(200, await call.engine.update(handle, resumeDeliveryUpdate, body, call));
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          throw new PartnerApiError(409, 'nothing_to_resend', 'the target never failed: nothing is parked');
        }
        throw error;
      }
    },
  }),
  defineOperation({
    operationId: 'listUndeliveredNotifications',
    method: 'GET',
    path: '/api/notifications/undelivered',
    tag: 'Notifications',
    scope: 'read',
    summary: 'Notifications not delivered',
    description:
      'The notifications parked while the webhook target was disabled (kept, not sent), until a resend delivers ' +
      'them, in the order they were parked, which is the order a resend sends them (notifications raised at once ' +
      'by several workflows may reach the target out of their `occurredAt` order). Ids, types and statuses only.',
    query: undeliveredQuery,
    responses: { 200: { description: 'One page', schema: undeliveredSchema } },
    errors: [404],
    handle: async ({ query }, call) => json(200, await undeliveredPage(call, query)),
  }),
  defineOperation({
    operationId: 'resendNotification',
    method: 'POST',
    path: '/api/notifications/{notificationId}/resend',
    tag: 'Notifications',
    scope: 'operate',
    summary: 'Send one notification again',
    description:
      "Sends one notification to the webhook target again, now, whatever the target's state: a parked one by its " +
      'id, or any other with its feed `cursor`. A parked copy stays parked for the full resend (the receiver ' +
      'de-duplicates by `webhook-id`). `delivered: false` with `failure` when the endpoint did not take it.',
    params: notificationParams,
    body: resendOneBody,
    responses: { 200: { description: 'What the endpoint said', schema: resendOutcome } },
    errors: [404, 409, 413, 415, 422, 504],
    handle: async ({ params, body }, call) => json(200, await resendOne(call, params.notificationId, body)),
  }),
  defineOperation({
    operationId: 'listEvents',
    method: 'GET',
    path: '/api/events',
    tag: 'Notifications',
    scope: 'read',
    summary: 'The event feed',
    description:
      'Every notification the engine raised, in the order it was recorded (before its delivery), from a cursor: ' +
      'the pull alternative to webhooks. Keep `nextCursor` and ask again; `caughtUp: true` means nothing newer ' +
      'yet. At least once: a notification may appear twice (the same `id`) after a retry. Kept as long as the ' +
      "namespace's retention.",
    query: eventsQuery,
    responses: { 200: { description: 'One page of events', schema: feedPage } },
    errors: [409],
    handle: async ({ query }, call) => json(200, await eventsPage(call, query)),
  }),
];
