// deadLetterWorkflow (id dead-letter-{vendor}-{YYYY-MM-DD}): keeps every authentic webhook that fits no workflow (an
// unknown type, nothing to route on, a schema surprise, an event for a workflow that already ended), so nothing the
// vendor sent is ever dropped. Operators read it with the `parked` query; payloads are encrypted like any other. An
// input that is not a parked webhook (sent by hand) is refused, counted and shown in the current details.
//
// Bounded state: a body lives only in its own `parkWebhook` signal event. The run keeps a summary of each entry (its
// reason, arrival and body hash), carries nothing but counts into continue-as-new, and the day closes (the workflow
// completes) after a quiet period without arrivals; a late arrival starts a new run of the same id. Every run stays
// listable (src/operators/parked-events.ts queries each, and reads a body from its signal event). Runs from before
// carried their last 50 bodies into continue-as-new, over the 2 MiB payload limit with a few large ones (the workflow
// task fails, PayloadsTooLarge, or the server terminates the run): they replay as they ran
// (DEAD_LETTER_BOUNDED_STATE_PATCH).
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setCurrentDetails,
  workflowInfo,
} from '@temporalio/workflow';
import type { Vendor } from '../src/domain/vendors.js';
import {
  parkedRedrivenSignal,
  parkWebhookSignal,
  parkedWebhooksQuery,
  type ParkedRedriven,
  type ParkedWebhook,
  type ParkedWebhookSummary,
} from './dead-letter/messages.js';
import { handleQuery, handleSignal, type RejectedInput } from './shared/handlers.js';

export const DEAD_LETTER_BOUNDED_STATE_PATCH = 'dead-letter-bounded-state';

/** A run continues as new past this many entries or body characters, to bound its history. */
const ENTRIES_PER_RUN = 500;
const BODY_CHARS_PER_RUN = 16 * 1024 * 1024;
/** Re-drive marks a run keeps (each is a few hundred bytes; a run past this continues as new). */
const REDRIVES_PER_RUN = 1_000;
/** The day closes after this long without an arrival, unless the bridge says otherwise (DEAD_LETTER_QUIET_PERIOD). */
export const DEFAULT_QUIET_PERIOD_MS = 24 * 3_600_000;

/** Runs from before bounded state: their last few entries, bodies included, carried into the next run. */
const LEGACY_CARRIED_ENTRIES = 50;

export interface DeadLetterWorkflowInput {
  vendor: Vendor;
  /** Total parked before this run (continue-as-new). */
  parkedBefore?: number;
  /** Runs from before bounded state only: entries carried over, bodies included (ignored since). */
  recent?: ParkedWebhook[];
  /** Close the day after this long without an arrival (default DEFAULT_QUIET_PERIOD_MS). */
  quietPeriodMs?: number;
  /** Continue as new past this many entries (default ENTRIES_PER_RUN; tests lower it). */
  entriesPerRun?: number;
}

export async function deadLetterWorkflow(input: DeadLetterWorkflowInput): Promise<void> {
  // Asked first, before any command: a history from before has no marker and replays the old loop.
  if (!patched(DEAD_LETTER_BOUNDED_STATE_PATCH)) return legacyDeadLetter(input);

  const entries: ParkedWebhookSummary[] = [];
  const redriven: ParkedRedriven[] = [];
  let bodyChars = 0;
  let arrivals = 0;
  const rejections = rejectionLog(input.vendor);

  handleSignal(
    parkWebhookSignal,
    (entry) => {
      entries.push(summaryOf(entry));
      bodyChars += entry.body.length;
      arrivals += 1;
    },
    {
      description: 'An authentic webhook the bridge could not route to a workflow, kept with the reason.',
      rejected: rejections.record,
    },
  );
  handleSignal(
    parkedRedrivenSignal,
    (mark) => {
      redriven.push(mark);
      arrivals += 1;
    },
    {
      description: 'A parked event an operator handed on to the workflows it routes to now (fulfill parked redrive).',
      rejected: rejections.record,
    },
  );
  handleQuery(
    parkedWebhooksQuery,
    () => ({
      vendor: input.vendor,
      total: (input.parkedBefore ?? 0) + entries.length,
      entries,
      redriven,
      ...rejections.view(),
    }),
    { description: "This run's parked webhooks (reason, arrival, body hash: the body is in its signal event)." },
  );

  const entriesPerRun = positiveOr(input.entriesPerRun, ENTRIES_PER_RUN);
  const rollover = () =>
    entries.length >= entriesPerRun ||
    bodyChars >= BODY_CHARS_PER_RUN ||
    redriven.length >= REDRIVES_PER_RUN ||
    workflowInfo().continueAsNewSuggested;
  const quietPeriodMs = positiveOr(input.quietPeriodMs, DEFAULT_QUIET_PERIOD_MS);
  for (;;) {
    const seen = arrivals;
    const arrived = await condition(() => arrivals !== seen || rollover(), quietPeriodMs);
    if (!arrived) break;
    if (rollover()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof deadLetterWorkflow>({
        vendor: input.vendor,
        parkedBefore: (input.parkedBefore ?? 0) + entries.length,
        quietPeriodMs,
        ...(input.entriesPerRun !== undefined ? { entriesPerRun: input.entriesPerRun } : {}),
      });
    }
  }
  // Quiet: the day is closed. Its entries stay listable in this run's history.
  await condition(allHandlersFinished);
}

/** A start input can be typed by anyone (the Web UI): a setting that is not a positive whole number is ignored. */
function positiveOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

function summaryOf(entry: ParkedWebhook): ParkedWebhookSummary {
  return {
    vendor: entry.vendor,
    reason: entry.reason,
    receivedAt: entry.receivedAt,
    requestId: entry.requestId,
    ...(entry.topic !== undefined ? { topic: entry.topic } : {}),
    ...(entry.bodyHash !== undefined ? { bodyHash: entry.bodyHash } : {}),
    bytes: entry.body.length,
  };
}

function rejectionLog(vendor: Vendor) {
  let rejected = 0;
  let lastRejection: { at: string; problem: string } | undefined;
  return {
    record: (rejection: RejectedInput): void => {
      rejected += 1;
      lastRejection = { at: new Date().toISOString(), problem: `${rejection.message}: ${rejection.problem}` };
      setCurrentDetails(
        `## Dead letters (${vendor})\n\n**Last input rejected** (${lastRejection.at}): ${lastRejection.problem}`,
      );
    },
    view: () => ({ rejected, ...(lastRejection ? { lastRejection } : {}) }),
  };
}

/** The loop of runs from before bounded state, unchanged: it keeps bodies and rolls over by size only. */
async function legacyDeadLetter(input: DeadLetterWorkflowInput): Promise<void> {
  const entries: ParkedWebhook[] = [...(input.recent ?? [])];
  let parkedThisRun = 0;
  const rejections = rejectionLog(input.vendor);

  handleSignal(
    parkWebhookSignal,
    (entry) => {
      entries.push(entry);
      parkedThisRun += 1;
    },
    {
      description: 'An authentic webhook the bridge could not route to a workflow, kept with the reason.',
      rejected: rejections.record,
    },
  );
  handleQuery(
    parkedWebhooksQuery,
    () => ({
      vendor: input.vendor,
      total: (input.parkedBefore ?? 0) + parkedThisRun,
      entries,
      ...rejections.view(),
    }),
    { description: 'The webhooks parked here (most recent run, plus the last few carried over), with reasons.' },
  );

  await condition(() => parkedThisRun >= ENTRIES_PER_RUN || workflowInfo().continueAsNewSuggested);
  await continueAsNew<typeof deadLetterWorkflow>({
    vendor: input.vendor,
    parkedBefore: (input.parkedBefore ?? 0) + parkedThisRun,
    recent: entries.slice(-LEGACY_CARRIED_ENTRIES),
  });
}
