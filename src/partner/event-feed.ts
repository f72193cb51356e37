// The partner event feed (workflows/notifications/event-feed.ts): every notification appended, before delivery, to
// the bucket of the minute it is recorded in; and read back in order from a cursor (the partner API's
// GET /api/events). A cursor names a minute and a position in it; a reader moves past a minute only once it can take
// no more appends (its grace period over), so an append that was still on its way is never skipped.
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { partnerEventBucketWorkflow } from '../../workflows/notifications/event-feed.js';
import {
  appendPartnerEventUpdate,
  EVENT_BUCKET_GRACE_MS,
  EVENT_BUCKET_MS,
  partnerEventsQuery,
  type PartnerEventBucket,
  type PartnerFeedEvent,
} from '../../workflows/notifications/feed-messages.js';
import { feedKey } from './feed-key.js';
import { linkPartnerPatient, patientLinkOf } from './patient-index.js';
import type { PartnerNotification } from './notifier.js';

export const EVENT_BUCKET_PREFIX = 'partner-events-';

/**
 * Past its grace period, plus this much for clocks that differ (the bridge's and the Temporal server's, NTP-synced),
 * a minute takes no more appends. A bucket that says it is sealed needs no clock.
 */
const CLOCK_MARGIN_MS = 10_000;

export function eventBucketWorkflowId(taskQueue: string, minute: number): string {
  return `${EVENT_BUCKET_PREFIX}${feedKey(taskQueue)}-${minute}`;
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / EVENT_BUCKET_MS);
}

/** The workflow that raised a notification: its id is `{workflowId}:{…}`. */
export function sourceWorkflowOf(notificationId: string): string {
  return notificationId.split(':')[0] ?? notificationId;
}

export interface PartnerEventRecorder {
  record(notification: PartnerNotification): Promise<void>;
}

/** Records notifications in the feed (and a prescription's patient in the patient index). */
export class TemporalEventFeed implements PartnerEventRecorder {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly now: () => number = Date.now,
  ) {}

  async record(notification: PartnerNotification): Promise<void> {
    const link = patientLinkOf(notification);
    if (link) await linkPartnerPatient(this.client, this.taskQueue, link);
    const event = { ...notification, workflowId: sourceWorkflowOf(notification.id) };
    // A minute that sealed (or filled) while this append was on its way refuses it: the next minute takes it.
    for (let attempt = 0; ; attempt += 1) {
      const minute = minuteOf(this.now()) + attempt;
      try {
        await this.whileBucketBusy(() => this.append(event, minute));
        return;
      } catch (error) {
        const refused =
          error instanceof WorkflowExecutionAlreadyStartedError || error instanceof WorkflowUpdateFailedError;
        if (!refused || attempt >= 2) throw error;
      }
    }
  }

  /**
   * Temporal takes at most a few updates in flight per workflow (10 by default), and every notification of the
   * minute goes to one bucket: a busy bucket answers RESOURCE_EXHAUSTED. Try again soon, with jitter, rather than
   * through the activity's backoff, which would stretch into minutes under load.
   */
  private async whileBucketBusy(append: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await append();
      } catch (error) {
        if (!isResourceExhausted(error) || attempt >= BUSY_BUCKET_ATTEMPTS) throw error;
        await sleep(BUSY_BUCKET_PAUSE_MS * (0.5 + Math.random()));
      }
    }
  }

  private async append(event: Omit<PartnerFeedEvent, 'seq'>, minute: number): Promise<void> {
    await this.client.workflow.executeUpdateWithStart(appendPartnerEventUpdate, {
      args: [event],
      startWorkflowOperation: new WithStartWorkflowOperation(partnerEventBucketWorkflow, {
        workflowId: eventBucketWorkflowId(this.taskQueue, minute),
        taskQueue: this.taskQueue,
        args: [{ minute }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // A sealed minute is never started again.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      }),
    });
  }
}

/** A busy bucket is tried this often, about this long apart (with jitter): up to about 15 s in all. */
const BUSY_BUCKET_ATTEMPTS = 60;
const BUSY_BUCKET_PAUSE_MS = 250;
/** gRPC's status code RESOURCE_EXHAUSTED. */
const GRPC_RESOURCE_EXHAUSTED = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's "too many in flight" answer (gRPC RESOURCE_EXHAUSTED), as the client wraps it. */
export function isResourceExhausted(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current === 'object' && (current as { code?: unknown }).code === GRPC_RESOURCE_EXHAUSTED) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export interface FeedPosition {
  minute: number;
  seq: number;
}

export interface FeedPage {
  /** Each event with its position: reading again after it continues with the next one. */
  events: (PartnerFeedEvent & { position: FeedPosition })[];
  next: FeedPosition;
  /** True when the reader has reached what the feed holds now (ask again later). */
  caughtUp: boolean;
}

export async function readBucket(
  client: Client,
  taskQueue: string,
  minute: number,
): Promise<PartnerEventBucket | undefined> {
  const handle = client.workflow.getHandle(eventBucketWorkflowId(taskQueue, minute));
  try {
    const description = await handle.describe();
    if (description.status.name === 'RUNNING') return await handle.query(partnerEventsQuery);
    return (await handle.result()) as PartnerEventBucket;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** Reads up to `limit` events after `from`, walking at most `maxMinutes` minutes (empty ones cost one call each). */
export async function readFeed(
  client: Client,
  from: FeedPosition,
  options: { taskQueue: string; limit: number; maxMinutes: number; now?: number },
): Promise<FeedPage> {
  const now = options.now ?? Date.now();
  const events: FeedPage['events'] = [];
  let position = { ...from };
  for (let walked = 0; walked < options.maxMinutes; walked += 1) {
    if (position.minute > minuteOf(now)) return { events, next: position, caughtUp: true };
    const bucket = await readBucket(client, options.taskQueue, position.minute);
    for (const event of bucket?.events ?? []) {
      if (event.seq <= position.seq) continue;
      if (events.length >= options.limit) return { events, next: position, caughtUp: false };
      position = { minute: position.minute, seq: event.seq };
      events.push({ ...event, position });
    }
    const closed = (position.minute + 1) * EVENT_BUCKET_MS + EVENT_BUCKET_GRACE_MS + CLOCK_MARGIN_MS <= now;
    if (!closed && !bucket?.sealed) return { events, next: position, caughtUp: true };
    position = { minute: position.minute + 1, seq: 0 };
  }
  return { events, next: position, caughtUp: false };
}
