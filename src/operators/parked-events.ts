// Parked events: the one reader (and re-driver) of both places the engine keeps an authentic webhook it could not hand
// to a workflow. The dead-letter workflows (`dead-letter-{vendor}-{engine}-{day}`: it fits no workflow, or its workflow
// has ended) are read run by run with their `parked` query (every run, closed ones included: a day closes after a quiet
// period and continues as new past its size, and a body lives only in its own `parkWebhook` signal event, found by
// hash in that run's history). The bridge's spool (Temporal refused the event for good) is read from its directory.
// A re-drive routes the kept body again, as the bridge would now (`routing fixed`), signal-with-starts the workflows
// it routes to and records the re-drive in the dead letter. Used by `fulfill parked`, `fulfill holds` and the partner
// API (/api/parked).
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import type { EngineConfig } from '../config/env.js';
import type { Vendor } from '../domain/vendors.js';
import { routeHoneybeeEvent } from '../bridge/honeybee-routing.js';
import { INFORMATIONAL_PARK_PREFIX, routeOnegevityEvent } from '../bridge/onegevity-routing.js';
import { createTemporalDelivery } from '../bridge/temporal-delivery.js';
import { routingContextFromConfig, type RoutingResult } from '../bridge/webhook-routing.js';
import { bodyHash, SpoolLookupError, type WebhookSpool } from '../spool/webhook-spool.js';
import { deadLetterWorkflowId } from '../domain/workflow-ids.js';
import { engineKey } from '../temporal/engine-key.js';
import {
  parkedRedrivenSignal,
  parkedWebhookInput,
  parkedWebhooksQuery,
  parkWebhookSignal,
  type ParkedRedriven,
  type ParkedWebhook,
  type ParkedWebhookSummary,
} from '../../workflows/dead-letter/messages.js';
import type { deadLetterWorkflow } from '../../workflows/dead-letter.js';

/** Dead-letter runs read per listing, newest first (a run holds up to 500 entries). */
export const DEAD_LETTER_RUNS_READ = 500;
/**
 * One deadline for every query of a listing: a run never answers while no worker polls its task queue (the engine's
 * worker is down), and `fulfill holds` must not wait for each in turn. What is not read in time is said.
 */
const LISTING_DEADLINE_MS = 10_000;
const QUERY_CONCURRENCY = 16;

/**
 * Every run of every day of this engine's dead letter, open or closed: a closed run still answers its query (the
 * worker replays it). By task queue, so a listing never waits on another engine's runs in a shared namespace (nor on
 * runs from before dead-letter ids carried the engine key, which other engines may have started). A task queue name
 * with a backslash matches no visibility literal (dev server 1.x), so for such a name the runs are filtered here.
 */
export function deadLetterQuery(taskQueue: string): string {
  const byType = "WorkflowType = 'deadLetterWorkflow'";
  return taskQueue.includes('\\') ? byType : `${byType} AND TaskQueue = '${taskQueue.replaceAll("'", "\\'")}'`;
}

export interface ParkedEvent {
  /** `dl.<40 hex>` (a dead-letter entry) or `sp.<sha256 of the body>` (a spooled event): no PHI, fit for URLs. */
  id: string;
  source: 'dead-letter' | 'spool';
  vendor: Vendor;
  /** Honeybee event type or Onegevity topic, when the bridge could read it. */
  topic?: string;
  reason: string;
  /** The (first) arrival. */
  receivedAt: string;
  requestId?: string;
  /** The dead-letter workflow that holds it, or what the vendor was answered (`answered 413 payload_too_large`). */
  where: string;
  /** The dead-letter run whose history holds the body. */
  runId?: string;
  /** sha256 of the body, when known without reading it. */
  bodyHash?: string;
  bytes?: number;
  /** Spooled events: how often the same body arrived. */
  arrivals?: number;
  /** Kept for the record only (an event no workflow needs, e.g. Onegevity's patient.*): no operator work. */
  informational: boolean;
  /** Handed on by an operator (dead-letter entries), with where to. */
  redriven?: { workflowIds: string[]; operator: string; at: string };
}

export interface ParkedListing {
  events: ParkedEvent[];
  /** What could not be read (a run that did not answer, a damaged spool line): said, not hidden. */
  problems: string[];
}

export interface ParkedEventBody {
  event: ParkedEvent;
  /** The body exactly as the vendor sent it (decrypted: it may hold PHI). */
  body: Buffer;
  /** The body's sha256 is the one the entry was parked with. */
  verified: boolean;
}

export type RedriveOutcome =
  | { kind: 'delivered'; event: ParkedEvent; workflowIds: string[] }
  /** Nothing was sent: why (it still routes nowhere, its workflow has ended, it was re-driven already). */
  | { kind: 'refused'; event: ParkedEvent; reason: string };

export interface ParkedEvents {
  /** Every parked event, oldest first. */
  list(): Promise<ParkedListing>;
  /** One event with its body; undefined when no event has that id. */
  read(id: string): Promise<ParkedEventBody | undefined>;
  /** Routes the event again and hands it to its workflows; undefined when no event has that id. */
  redrive(id: string, operator: string): Promise<RedriveOutcome | undefined>;
  /** Records in the day's dead letter that a dead-letter entry was handed on (by another path, e.g. the console). */
  recordRedrive(event: ParkedEvent, workflowIds: readonly string[], operator: string): Promise<void>;
}

/** The operator's share of a listing: events waiting for someone (not informational, not re-driven). */
export function awaitingOperator(events: readonly ParkedEvent[]): ParkedEvent[] {
  return events.filter((event) => !event.informational && !event.redriven);
}

const ID_PATTERN = /^(dl\.[0-9a-f]{40}|sp\.[0-9a-f]{64})$/;

export function isParkedEventId(id: string): boolean {
  return ID_PATTERN.test(id);
}

interface EntryKey {
  requestId: string;
  receivedAt: string;
  reason: string;
}

/** The same entry has the same id in every run that lists it (runs from before bounded state carried copies). */
function deadLetterId(workflowId: string, entry: EntryKey, hash: string): string {
  const digest = createHash('sha256')
    .update([workflowId, entry.requestId, entry.receivedAt, entry.reason, hash].join('\n'))
    .digest('hex');
  return `dl.${digest.slice(0, 40)}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hasBody(entry: ParkedWebhook | ParkedWebhookSummary): entry is ParkedWebhook {
  return typeof (entry as { body?: unknown }).body === 'string';
}

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(fn));
}

export interface ParkedEventsDependencies {
  client: Client;
  spool: WebhookSpool;
  /** Routing settings, the task queue and the dead letter's quiet period: a re-drive routes as the bridge does. */
  config: EngineConfig;
}

/** Marks each event with its latest recorded re-drive. */
function markRedriven(events: readonly ParkedEvent[], marks: readonly ParkedRedriven[]): void {
  const byId = new Map(events.map((event) => [event.id, event]));
  for (const mark of marks) {
    const event = byId.get(mark.id);
    if (event && (!event.redriven || event.redriven.at < mark.at)) {
      event.redriven = { workflowIds: mark.workflowIds, operator: mark.operator, at: mark.at };
    }
  }
}

export function createParkedEvents({ client, spool, config }: ParkedEventsDependencies): ParkedEvents {
  const delivery = createTemporalDelivery(client, config.TEMPORAL_TASK_QUEUE, {
    deadLetterQuietPeriodMs: config.DEAD_LETTER_QUIET_PERIOD,
  });

  interface DeadLetterRead {
    events: ParkedEvent[];
    /** Every re-drive recorded, of dead-letter and spooled events alike. */
    marks: ParkedRedriven[];
    /** Bodies the query returned (runs from before bounded state), by id. */
    bodies: Map<string, string>;
    problems: string[];
  }

  async function deadLetters(): Promise<DeadLetterRead> {
    const runs: { workflowId: string; runId: string }[] = [];
    const taskQueue = config.TEMPORAL_TASK_QUEUE;
    for await (const execution of client.workflow.list({ query: deadLetterQuery(taskQueue) })) {
      if (execution.taskQueue !== taskQueue) continue;
      runs.push({ workflowId: execution.workflowId, runId: execution.runId });
      if (runs.length >= DEAD_LETTER_RUNS_READ) break;
    }
    const problems: string[] = [];
    const byId = new Map<string, ParkedEvent>();
    const bodies = new Map<string, string>();
    const marks: ParkedRedriven[] = [];
    const deadline = Date.now() + LISTING_DEADLINE_MS;
    let unread = 0;
    await inBatches(runs, QUERY_CONCURRENCY, async ({ workflowId, runId }) => {
      if (Date.now() >= deadline) {
        unread += 1;
        return;
      }
      try {
        const parked = await client.withDeadline(deadline, () =>
          client.workflow.getHandle(workflowId, runId).query(parkedWebhooksQuery),
        );
        marks.push(...(parked.redriven ?? []));
        for (const entry of parked.entries) {
          const hash = hasBody(entry) ? bodyHash(Buffer.from(entry.body, 'utf8')) : entry.bodyHash;
          const id = deadLetterId(workflowId, entry, hash ?? '');
          if (hasBody(entry)) bodies.set(id, entry.body);
          // A copy carried into a later run (before bounded state) is the same event: listed once, where it arrived.
          if (byId.has(id)) continue;
          byId.set(id, {
            id,
            source: 'dead-letter',
            vendor: entry.vendor,
            ...(entry.topic ? { topic: entry.topic } : {}),
            reason: entry.reason,
            receivedAt: entry.receivedAt,
            requestId: entry.requestId,
            where: workflowId,
            runId,
            ...(hash ? { bodyHash: hash } : {}),
            bytes: hasBody(entry) ? entry.body.length : entry.bytes,
            informational: entry.reason.startsWith(INFORMATIONAL_PARK_PREFIX),
          });
        }
      } catch (error) {
        problems.push(`${workflowId} (run ${runId}) did not answer its parked query: ${describeError(error)}`);
      }
    });
    if (unread > 0) problems.push(`${unread} dead-letter run(s) not read: the listing ran out of time`);
    const events = [...byId.values()];
    markRedriven(events, marks);
    return { events, marks, bodies, problems };
  }

  async function spooled(): Promise<{ events: ParkedEvent[]; problems: string[] }> {
    const listing = await spool.list();
    return {
      events: listing.events.map((event) => ({
        id: `sp.${event.hash}`,
        source: 'spool',
        vendor: event.vendor,
        ...(event.topic ? { topic: event.topic } : {}),
        reason: event.reason,
        receivedAt: event.firstReceivedAt,
        where: `answered ${event.status} ${event.code}`,
        bodyHash: event.hash,
        bytes: event.bytes,
        arrivals: event.arrivals,
        informational: false,
      })),
      problems: listing.unreadableLines > 0 ? [`${listing.unreadableLines} spool index line(s) could not be read`] : [],
    };
  }

  /** The body of a bounded run's entry: the `parkWebhook` signal event in that run's history with the same id. */
  async function bodyFromHistory(event: ParkedEvent): Promise<string | undefined> {
    if (event.runId === undefined) return undefined;
    const history = await client.workflow.getHandle(event.where, event.runId).fetchHistory();
    for (const historyEvent of history.events ?? []) {
      const signaled = historyEvent.workflowExecutionSignaledEventAttributes;
      if (!signaled || signaled.signalName !== parkWebhookSignal.name) continue;
      const input = await decodeFromPayloadsAtIndex<unknown>(
        client.options.loadedDataConverter,
        0,
        signaled.input?.payloads,
      );
      const parsed = parkedWebhookInput.safeParse(input);
      if (!parsed.success) continue;
      const hash = parsed.data.bodyHash ?? bodyHash(Buffer.from(parsed.data.body, 'utf8'));
      if (deadLetterId(event.where, parsed.data, hash) === event.id) return parsed.data.body;
    }
    return undefined;
  }

  async function read(id: string): Promise<ParkedEventBody | undefined> {
    if (!isParkedEventId(id)) return undefined;
    if (id.startsWith('sp.')) {
      const event = (await spooled()).events.find((candidate) => candidate.id === id);
      if (!event) return undefined;
      // Its re-drives are recorded in the dead letter; unreadable, the workflows' de-duplication still covers a repeat.
      markRedriven([event], (await deadLetters().catch(() => undefined))?.marks ?? []);
      try {
        const body = await spool.readBody(id.slice(3));
        return { event, body, verified: bodyHash(body) === event.bodyHash };
      } catch (error) {
        if (error instanceof SpoolLookupError) return undefined;
        throw error;
      }
    }
    const dead = await deadLetters();
    const event = dead.events.find((candidate) => candidate.id === id);
    if (!event) return undefined;
    const text = dead.bodies.get(id) ?? (await bodyFromHistory(event));
    if (text === undefined) return undefined;
    const body = Buffer.from(text, 'utf8');
    return { event, body, verified: event.bodyHash === undefined || bodyHash(body) === event.bodyHash };
  }

  function route(kept: ParkedEventBody): RoutingResult {
    const { event, body } = kept;
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return { kind: 'park', reason: 'the body is not valid JSON' };
    }
    const context = routingContextFromConfig(config, {
      requestId: event.requestId ?? `redrive-${event.id}`,
      receivedAt: event.receivedAt,
    });
    return event.vendor === 'honeybee'
      ? routeHoneybeeEvent(payload, context)
      : routeOnegevityEvent(event.topic, payload, body, context);
  }

  /**
   * Recorded in the dead letter: a dead-letter event's in its own day's, a spooled event's (the spool is append-only)
   * in the dead letter of the day it is re-driven.
   */
  async function recordRedrive(event: ParkedEvent, workflowIds: readonly string[], operator: string): Promise<void> {
    if (workflowIds.length === 0) return;
    const at = new Date().toISOString();
    const mark: ParkedRedriven = { id: event.id, workflowIds: [...workflowIds], operator, at };
    const workflowId =
      event.source === 'dead-letter'
        ? event.where
        : deadLetterWorkflowId(event.vendor, engineKey(config.TEMPORAL_TASK_QUEUE), at.slice(0, 10));
    await client.workflow.signalWithStart<typeof deadLetterWorkflow, [ParkedRedriven]>('deadLetterWorkflow', {
      workflowId,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ vendor: event.vendor, quietPeriodMs: config.DEAD_LETTER_QUIET_PERIOD }],
      signal: parkedRedrivenSignal,
      signalArgs: [mark],
    });
  }

  return {
    async list() {
      const [dead, spool] = await Promise.all([
        deadLetters().catch((error: unknown) => ({
          events: [],
          marks: [],
          problems: [`the dead-letter workflows could not be listed: ${describeError(error)}`],
        })),
        spooled().catch((error: unknown) => ({
          events: [],
          problems: [`the bridge spool could not be read: ${describeError(error)}`],
        })),
      ]);
      markRedriven(spool.events, dead.marks);
      const events = [...dead.events, ...spool.events].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
      return { events, problems: [...dead.problems, ...spool.problems] };
    },

    read,

    async redrive(id, operator) {
      const kept = await read(id);
      if (!kept) return undefined;
      const { event } = kept;
      if (event.redriven) {
        return {
          kind: 'refused',
          event,
          reason: `re-driven already by ${event.redriven.operator} at ${event.redriven.at} to ${event.redriven.workflowIds.join(', ')}`,
        };
      }
      // Not the body it was parked with (damaged, or changed where it was kept): nobody can say what a workflow gets.
      if (!kept.verified)
        return { kind: 'refused', event, reason: 'its body does not match the hash it was parked with' };
      const routing = route(kept);
      if (routing.kind === 'park')
        return { kind: 'refused', event, reason: `it still routes nowhere: ${routing.reason}` };
      const outcome = await delivery.deliver(routing.deliveries);
      if (outcome.delivered.length === 0) {
        return { kind: 'refused', event, reason: `its workflow has ended: ${outcome.ended.join(', ')}` };
      }
      await recordRedrive(event, outcome.delivered, operator);
      return { kind: 'delivered', event, workflowIds: outcome.delivered };
    },

    recordRedrive,
  };
}
