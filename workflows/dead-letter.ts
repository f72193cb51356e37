// deadLetterWorkflow (id dead-letter-{vendor}-{YYYY-MM-DD}): keeps every authentic webhook that fits no workflow (an
// unknown type, nothing to route on, a schema surprise, an event for a workflow that already ended), so nothing the
// vendor sent is ever dropped. Operators read it with the `parked` query; payloads are encrypted like any other. An
// input that is not a parked webhook (sent by hand) is refused, counted and shown in the current details.
import { condition, continueAsNew, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { Vendor } from '../src/domain/vendors.js';
import { parkWebhookSignal, parkedWebhooksQuery, type ParkedWebhook } from './dead-letter/messages.js';
import { handleQuery, handleSignal } from './shared/handlers.js';

/** A day's workflow continues as new past this many entries, carrying only the most recent ones, to bound history. */
const ENTRIES_PER_RUN = 500;
const CARRIED_ENTRIES = 50;

export interface DeadLetterWorkflowInput {
  vendor: Vendor;
  /** Total parked before this run (continue-as-new). */
  parkedBefore?: number;
  recent?: ParkedWebhook[];
}

export async function deadLetterWorkflow(input: DeadLetterWorkflowInput): Promise<void> {
  const entries: ParkedWebhook[] = [...(input.recent ?? [])];
  let parkedThisRun = 0;
  let rejected = 0;
  let lastRejection: { at: string; problem: string } | undefined;

  handleSignal(
    parkWebhookSignal,
    (entry) => {
      entries.push(entry);
      parkedThisRun += 1;
    },
    {
      description: 'An authentic webhook the bridge could not route to a workflow, kept with the reason.',
      rejected: (rejection) => {
        rejected += 1;
        lastRejection = { at: new Date().toISOString(), problem: `${rejection.message}: ${rejection.problem}` };
        setCurrentDetails(
          `## Dead letters (${input.vendor})\n\n**Last input rejected** (${lastRejection.at}): ${lastRejection.problem}`,
        );
      },
    },
  );
  handleQuery(
    parkedWebhooksQuery,
    () => ({
      vendor: input.vendor,
      total: (input.parkedBefore ?? 0) + parkedThisRun,
      entries,
      rejected,
      ...(lastRejection ? { lastRejection } : {}),
    }),
    { description: 'The webhooks parked here (most recent run, plus the last few carried over), with reasons.' },
  );

  // A dead-letter workflow stays open: late arrivals for its day keep coming. It rolls over by size, not by time.
  await condition(() => parkedThisRun >= ENTRIES_PER_RUN || workflowInfo().continueAsNewSuggested);
  await continueAsNew<typeof deadLetterWorkflow>({
    vendor: input.vendor,
    parkedBefore: (input.parkedBefore ?? 0) + parkedThisRun,
    recent: entries.slice(-CARRIED_ENTRIES),
  });
}
