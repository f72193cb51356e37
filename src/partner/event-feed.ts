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
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { FailureType } from '../domain/failure-types.js';
import { partnerEventBucketWorkflow } from '../../workflows/notifications/event-feed.js';
import {
  appendPartnerEventsUpdate,
  appendPartnerEventUpdate,
  EVENT_BUCKET_GRACE_MS,
  EVENT_BUCKET_MS,
  MAX_EVENTS_PER_APPEND,
  partnerEventsQuery,
  partnerFeedEventInput,
  type PartnerEventAppended,
  type PartnerEventBucket,
  type PartnerEventsAppended,
  type PartnerFeedEvent,
} from '../../workflows/notifications/feed-messages.js';
import type { RefusalDetails, RefusalKind } from '../../workflows/shared/handlers.js';
import { WindowBatcher, type Batched } from '../runtime/window-batcher.js';
import { engineKey } from '../temporal/engine-key.js';
import { assertWorkflowTaskHealthy } from '../operators/workflow-health.js';
import { linkPartnerPatient, patientLinkOf } from './patient-index.js';
import type { PartnerNotification } from './notifier.js';

export const EVENT_BUCKET_PREFIX = 'partner-events-';

/**
 * Past its grace period, plus this much for clocks that differ (the bridge's and the Temporal server's, NTP-synced),
 * a minute takes no more appends. A bucket that says it is sealed needs no clock.
 */
const CLOCK_MARGIN_MS = 10_000;

export function eventBucketWorkflowId(taskQueue: string, minute: number): string {
  return `${EVENT_BUCKET_PREFIX}${engineKey(taskQueue)}-${minute}`;
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / EVENT_BUCKET_MS);
}

/** The workflow that raised a notification: its id is `{workflowId}:{…}`. */
export function sourceWorkflowOf(notificationId: string): string {
  return notificationId.split(':')[0] ?? notificationId;
}

export interface PartnerEventRecorder {
  /** Resolves once the notification is in the feed (with its place there, where the recorder knows it). */
  record(notification: PartnerNotification): Promise<PartnerEventAppended | void>;
}

export interface EventFeedBatching {
  /** How long the first notification of a batch waits for others to go with it. */
  windowMs: number;
  /** A batch this long goes at once (at most MAX_EVENTS_PER_APPEND, the update's limit). */
  maxEvents: number;
  /** A batch whose events' JSON reaches this many bytes goes at once (Temporal refuses payloads over 2 MB). */
  maxBytes: number;
}

export const DEFAULT_FEED_BATCHING: EventFeedBatching = {
  windowMs: 100,
  maxEvents: MAX_EVENTS_PER_APPEND,
  maxBytes: 256 * 1024,
};

type FeedEvent = Omit<PartnerFeedEvent, 'seq'>;

/** A recorded notification waiting for its batch to be appended. */
type Waiting = Batched<FeedEvent, PartnerEventAppended>;

/** A minute that is full or sealed sends its events on to the next: at most this many minutes after the present. */
const LAST_MINUTE_OFFSET = 2;

/**
 * Records notifications in the feed (and a prescription's patient in the patient index). One per worker process: the
 * notifications its activities record within a short window go to the minute's bucket as one update (each update is
 * a workflow task and history events in a workflow every notification of the minute goes through), and each caller
 * still waits until its own event is appended.
 */
export class TemporalEventFeed implements PartnerEventRecorder {
  private readonly batcher: WindowBatcher<FeedEvent, PartnerEventAppended>;
  /** The latest minute whose bucket refused a batch as an unknown update (run by a worker that predates batches). */
  private singleAppendMinute: number | undefined;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly now: () => number = Date.now,
    batching: Partial<EventFeedBatching> = {},
  ) {
    const { windowMs, maxEvents, maxBytes } = { ...DEFAULT_FEED_BATCHING, ...batching };
    this.batcher = new WindowBatcher({
      windowMs,
      maxItems: Math.min(Math.max(1, maxEvents), MAX_EVENTS_PER_APPEND),
      maxBytes,
      send: (batch) => this.appendBatch(batch),
    });
  }

  /** Resolves once the notification is in the feed: its place in its minute (a retry's is a duplicate). */
  async record(notification: PartnerNotification): Promise<PartnerEventAppended> {
    const link = patientLinkOf(notification);
    if (link) await linkPartnerPatient(this.client, this.taskQueue, link);
    const event: FeedEvent = { ...notification, workflowId: sourceWorkflowOf(notification.id) };
    // One the bucket would refuse must not take a batch down with it: alone, it gets the validator's answer.
    if (!partnerFeedEventInput.safeParse(event).success) return this.recordOne(event, 0);
    return this.batcher.add(event);
  }

  /** Settles every caller of the batch: with its event's place, or with the error that kept it out. */
  private async appendBatch(batch: Waiting[]): Promise<void> {
    let left = batch;
    try {
      for (let offset = 0; left.length > 0; offset += 1) {
        const minute = minuteOf(this.now()) + offset;
        if (left.length === 1 || minute === this.singleAppendMinute) return await this.oneByOne(left, offset);
        let answer: PartnerEventsAppended;
        try {
          answer = await this.whileBucketBusy(() => this.appendMany(left, minute));
        } catch (error) {
          const refusal = batchRefusal(error);
          if (refusal === 'unknown') this.singleAppendMinute = minute;
          if (refusal === 'unknown' || refusal === 'invalid') return await this.oneByOne(left, offset);
          if (!isMinuteClosed(error) || offset >= LAST_MINUTE_OFFSET) throw error;
          continue;
        }
        const refused: Waiting[] = [];
        left.forEach((entry, index) => {
          const result = answer.results[index];
          if (result && !('refused' in result)) entry.resolve(result);
          else refused.push(entry);
        });
        left = refused;
        if (left.length > 0 && offset >= LAST_MINUTE_OFFSET) {
          throw new Error(`the feed's minutes up to ${minute} took none of ${left.length} events`);
        }
      }
    } catch (error) {
      for (const entry of left) entry.reject(error);
    }
  }

  /** Each event by itself, each caller settled with its own answer. */
  private async oneByOne(batch: Waiting[], firstOffset: number): Promise<void> {
    await Promise.all(batch.map((entry) => this.recordOne(entry.item, firstOffset).then(entry.resolve, entry.reject)));
  }

  /** One event by itself (the update every bucket knows), from `firstOffset` minutes after the present. */
  private async recordOne(event: FeedEvent, firstOffset: number): Promise<PartnerEventAppended> {
    // A minute that sealed (or filled) while this append was on its way refuses it: the next minute takes it.
    for (let offset = firstOffset; ; offset += 1) {
      const minute = minuteOf(this.now()) + offset;
      try {
        return await this.whileBucketBusy(() => this.appendSingle(event, minute));
      } catch (error) {
        // The event itself refused (not its minute): every minute and every retry would refuse it the same.
        if (batchRefusal(error) === 'invalid') throw refusedForGood(error);
        if (!isMinuteClosed(error) || offset >= LAST_MINUTE_OFFSET) throw error;
      }
    }
  }

  /**
   * Temporal takes at most a few updates in flight per workflow (10 by default), and every notification of the
   * minute goes to one bucket: a busy bucket answers RESOURCE_EXHAUSTED. Try again soon, with jitter, rather than
   * through the activity's backoff, which would stretch into minutes under load.
   */
  private async whileBucketBusy<T>(append: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await append();
      } catch (error) {
        if (!isResourceExhausted(error) || attempt >= BUSY_BUCKET_ATTEMPTS) throw error;
        await sleep(BUSY_BUCKET_PAUSE_MS * (0.5 + Math.random()));
      }
    }
  }

  private async appendSingle(event: FeedEvent, minute: number): Promise<PartnerEventAppended> {
    return this.client.workflow.executeUpdateWithStart(appendPartnerEventUpdate, {
      args: [event],
      startWorkflowOperation: this.startBucket(minute),
    });
  }

  private async appendMany(batch: Waiting[], minute: number): Promise<PartnerEventsAppended> {
    return this.client.workflow.executeUpdateWithStart(appendPartnerEventsUpdate, {
      args: [{ events: batch.map((entry) => entry.item) }],
      startWorkflowOperation: this.startBucket(minute),
    });
  }

  private startBucket(minute: number) {
    return new WithStartWorkflowOperation(partnerEventBucketWorkflow, {
      workflowId: eventBucketWorkflowId(this.taskQueue, minute),
      taskQueue: this.taskQueue,
      args: [{ minute }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A sealed minute is never started again.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  }
}

/** The minute no longer takes appends: closed (it cannot start again) or its validator says sealed or full. */
function isMinuteClosed(error: unknown): boolean {
  return error instanceof WorkflowExecutionAlreadyStartedError || error instanceof WorkflowUpdateFailedError;
}

/**
 * Why a bucket refused a batch: `state` (sealed or full, the next minute takes it), `invalid` (its schema refused an
 * event), `unknown` (a bucket run by a worker that predates batches: "No registered handler for update"); undefined
 * for anything else. Refused as invalid or unknown, each event goes by itself and gets the answer it would get alone.
 */
function batchRefusal(error: unknown): RefusalKind | 'unknown' | undefined {
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  const failure = error.cause instanceof ApplicationFailure ? error.cause : undefined;
  if (failure?.type !== FailureType.InputRefused) return 'unknown';
  const details = failure.details?.[0] as Partial<RefusalDetails> | undefined;
  return details?.refusal === 'state' ? 'state' : 'invalid';
}

/** The bucket's refusal of an event as a failure no retry repeats, naming what it refused. */
function refusedForGood(error: unknown): ApplicationFailure {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return ApplicationFailure.create({
    type: FailureType.InputRefused,
    message: `the partner event feed refuses the notification: ${cause instanceof Error ? cause.message : String(cause)}`,
    nonRetryable: true,
  });
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

/**
 * A minute whose workflow ended other than by completing (an operator terminated one that could not complete, say):
 * its events are not in a result, and the feed does not move past it on its own, since that would drop them unseen.
 */
export class FeedMinuteUnreadableError extends Error {
  override name = 'FeedMinuteUnreadableError';

  constructor(
    readonly minute: number,
    readonly workflowId: string,
    readonly status: string,
  ) {
    super(`the feed's minute ${minute} (${workflowId}) ended ${status}: its events cannot be read`);
  }
}

/**
 * A minute's events: its result once it completed, its query while it runs. A running minute whose workflow task keeps
 * failing throws WorkflowTaskFailingError (a query would wait out the deadline); one that ended otherwise,
 * FeedMinuteUnreadableError.
 */
export async function readBucket(
  client: Client,
  taskQueue: string,
  minute: number,
): Promise<PartnerEventBucket | undefined> {
  const workflowId = eventBucketWorkflowId(taskQueue, minute);
  const handle = client.workflow.getHandle(workflowId);
  try {
    const description = await handle.describe();
    const status = description.status.name;
    if (status === 'RUNNING') {
      await assertWorkflowTaskHealthy(client, workflowId, description);
      return await handle.query(partnerEventsQuery);
    }
    if (status !== 'COMPLETED') throw new FeedMinuteUnreadableError(minute, workflowId, status);
    return (await handle.result()) as PartnerEventBucket;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** How long a namespace's retention is read for (it changes by an operator's hand, rarely). */
const RETENTION_CACHE_MS = 10 * 60_000;
const retentionByNamespace = new Map<string, { ms: number; readAt: number }>();

/**
 * The first minute the feed may still hold: a minute's workflow is removed the namespace's retention after it closes,
 * so a reader asking for earlier minutes (`since=1970-01-01`, an old cursor) would walk hundreds of empty ones per
 * call and find nothing. Readers start no earlier.
 */
export async function earliestFeedMinute(client: Client, now = Date.now()): Promise<number> {
  const namespace = client.options.namespace;
  let cached = retentionByNamespace.get(namespace);
  if (!cached || now - cached.readAt > RETENTION_CACHE_MS) {
    const described = await client.workflowService.describeNamespace({ namespace });
    const ttl = described.config?.workflowExecutionRetentionTtl;
    cached = { ms: Number(ttl?.seconds ?? 0) * 1_000, readAt: now };
    retentionByNamespace.set(namespace, cached);
  }
  // No retention said (0): nothing is known to be removed.
  return cached.ms > 0 ? Math.max(0, minuteOf(now - cached.ms) - 1) : 0;
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
    let bucket: PartnerEventBucket | undefined;
    try {
      bucket = await readBucket(client, options.taskQueue, position.minute);
    } catch (error) {
      // What was read before a minute that cannot be read is answered; the next page meets that minute first.
      if (events.length > 0) return { events, next: position, caughtUp: false };
      throw error;
    }
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
