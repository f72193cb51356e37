// The partner's view of its notifications beyond the webhook: the undelivered ones (parked while the target was
// disabled, kept by the target workflow and its batches), one sent again on request (a workflow of its own records
// it), and the event feed, every notification in order from a cursor (src/partner/event-feed.ts).
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import {
  batchNotificationsQuery,
  parkedNotificationsQuery,
  type ParkedNotification,
} from '../../../workflows/notifications/messages.js';
import { partnerNotificationResendWorkflow, type ResendOutcome } from '../../../workflows/notifications/resend-one.js';
import {
  earliestFeedMinute,
  FeedMinuteUnreadableError,
  minuteOf,
  readBucket,
  readFeed,
  type FeedPosition,
} from '../../partner/event-feed.js';
import { notificationTargetWorkflowId } from '../../partner/notification-target.js';
import { feedGap, PartnerApiError } from './errors.js';
import { decodeCursor, encodeCursor } from './listing.js';
import type { CallContext } from './operation.js';

/** A reader without a cursor starts this far back. */
const DEFAULT_FEED_LOOKBACK_MS = 24 * 3_600_000;
/** Minutes of the feed one call reads at most (empty minutes included). */
const FEED_MINUTES_PER_CALL = 240;

function targetWorkflowId(call: CallContext): string {
  const url = call.engine.settings.notificationTargetUrl;
  if (!url) throw new PartnerApiError(404, 'not_found', 'no notification target is configured (PARTNER_WEBHOOK_URL)');
  return notificationTargetWorkflowId(url);
}

/** Every parked notification in the order it was parked: the batches' (oldest batch first), then the target's own. */
async function parkedNotifications(call: CallContext): Promise<ParkedNotification[]> {
  const target = call.client.workflow.getHandle(targetWorkflowId(call));
  let state;
  try {
    state = await target.query(parkedNotificationsQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return [];
    throw error;
  }
  const all: ParkedNotification[] = [];
  for (const batch of state.batches) {
    try {
      all.push(...(await call.client.workflow.getHandle(batch).query(batchNotificationsQuery)).notifications);
    } catch (error) {
      // A batch that ended has re-sent everything it held.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return [...all, ...state.parked];
}

/** Exactly the keys `keys`, each a safe integer at least 0: a cursor from another listing has others. */
const hasOnly =
  <K extends string>(...keys: K[]) =>
  (value: unknown): value is Record<K, number> =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === keys.length &&
    keys.every((key) => {
      const field = (value as Record<string, unknown>)[key];
      return Number.isSafeInteger(field) && (field as number) >= 0;
    });

const isOffset = hasOnly('o');

export async function undeliveredPage(call: CallContext, page: { limit: number; cursor?: string | undefined }) {
  const all = await call.engine.within(() => parkedNotifications(call));
  const offset = page.cursor ? decodeCursor(page.cursor, isOffset).o : 0;
  const items = all
    .slice(offset, offset + page.limit)
    .map(({ id, type, occurredAt, data }) => ({ id, type, occurredAt, data }));
  const end = offset + items.length;
  return { items, nextCursor: end < all.length ? encodeCursor({ o: end }) : null };
}

const isPosition = hasOnly('m', 's');

const feedCursor = (position: FeedPosition) => encodeCursor({ m: position.minute, s: position.seq });

export async function eventsPage(
  call: CallContext,
  query: { after?: string | undefined; since?: string | undefined; limit: number },
) {
  const since = query.since ? Date.parse(query.since) : Date.now() - DEFAULT_FEED_LOOKBACK_MS;
  if (!Number.isFinite(since)) throw new PartnerApiError(400, 'invalid_request', '`since` is not a time');
  const asked = query.after
    ? ((cursor) => ({ minute: cursor.m, seq: cursor.s }))(decodeCursor(query.after, isPosition))
    : { minute: Math.max(0, minuteOf(since)), seq: 0 };
  // Minutes past the retention are gone: starting there reads nothing, at the cost of a call per minute.
  const earliest = await call.engine.within(() => earliestFeedMinute(call.client));
  const from = asked.minute < earliest ? { minute: earliest, seq: 0 } : asked;
  const page = await call.engine
    .within(() =>
      readFeed(call.client, from, {
        taskQueue: call.engine.settings.taskQueue,
        limit: query.limit,
        maxMinutes: FEED_MINUTES_PER_CALL,
      }),
    )
    .catch((error: unknown) => {
      if (error instanceof FeedMinuteUnreadableError) {
        throw feedGap(error, feedCursor({ minute: error.minute + 1, seq: 0 }));
      }
      throw error;
    });
  return {
    events: page.events.map(({ position, id, type, occurredAt, workflowId, data }) => ({
      cursor: feedCursor(position),
      id,
      type,
      occurredAt,
      workflowId,
      data,
    })),
    nextCursor: feedCursor(page.next),
    caughtUp: page.caughtUp,
  };
}

/** The notification with this id: parked, or in the feed at the given cursor. */
async function findNotification(
  call: CallContext,
  notificationId: string,
  cursor: string | undefined,
): Promise<ParkedNotification> {
  const parked = (await parkedNotifications(call)).find((notification) => notification.id === notificationId);
  if (parked) return parked;
  if (cursor) {
    const { m } = decodeCursor(cursor, isPosition);
    const bucket = await readBucket(call.client, call.engine.settings.taskQueue, m);
    const event = bucket?.events.find((candidate) => candidate.id === notificationId);
    if (event) return { id: event.id, type: event.type, occurredAt: event.occurredAt, data: event.data };
  }
  throw new PartnerApiError(
    404,
    'not_found',
    cursor
      ? `no notification ${notificationId} at that feed cursor`
      : `notification ${notificationId} is not parked; give its feed cursor to send it again`,
  );
}

export async function resendOne(
  call: CallContext,
  notificationId: string,
  body: { operator: string; reason: string; cursor?: string | undefined },
) {
  targetWorkflowId(call);
  const notification = await call.engine.within(() => findNotification(call, notificationId, body.cursor));
  const workflowId = `partner-notification-resend-${call.idempotent?.updateId ?? randomUUID()}`;
  await call.engine.within(async () => {
    try {
      await call.client.workflow.start(partnerNotificationResendWorkflow, {
        workflowId,
        taskQueue: call.engine.settings.taskQueue,
        args: [{ notification, operator: body.operator, reason: body.reason }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (error) {
      // A retry with the same Idempotency-Key (the first answer was lost or not kept): the first run's outcome is
      // this call's, and the notification is not sent twice.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  });
  const outcome = await call.engine.outcome(
    workflowId,
    () => call.client.workflow.getHandle(workflowId).result() as Promise<ResendOutcome>,
  );
  return { notificationId, workflowId, ...outcome };
}
