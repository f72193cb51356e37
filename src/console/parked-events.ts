// Parked events, as the console sees them: the one reader of both places the engine keeps an authentic webhook it
// could not hand to a workflow. The dead-letter workflows (`dead-letter-{vendor}-{day}`: it fits no workflow, or its
// workflow has ended) are read with their `parked` query, which the bridge's client decodes through the payload codec;
// the bridge's spool (Temporal refused the event for good) is read from its directory. When the dead letter is
// redesigned, this module is what changes.
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { parkedWebhooksQuery, type ParkedWebhook } from '../../workflows/dead-letter/messages.js';
import type { Vendor } from '../domain/vendors.js';
import { SpoolLookupError, type WebhookSpool } from '../spool/webhook-spool.js';

/** Dead-letter workflows are one per vendor and day and stay open: the newest this many are read (a month of both). */
export const DEAD_LETTER_WORKFLOWS_READ = 62;
const QUERY_DEADLINE_MS = 5_000;

export const DEAD_LETTER_QUERY = "WorkflowType = 'deadLetterWorkflow' AND ExecutionStatus = 'Running'";

export interface ParkedEvent {
  /** `dl.<hash>` (a dead-letter entry) or `sp.<sha256 of the body>` (a spooled event): no PHI, fit for URLs. */
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
  /** Spooled events: how often the same body arrived. */
  arrivals?: number;
}

export interface ParkedListing {
  events: ParkedEvent[];
  /** What could not be read (a dead-letter workflow that did not answer, a damaged spool line): said, not hidden. */
  problems: string[];
}

export interface ParkedEventBody {
  event: ParkedEvent;
  /** The body exactly as the vendor sent it (decrypted: it may hold PHI). */
  body: Buffer;
}

export interface ParkedEvents {
  /** Every parked event, oldest first. */
  list(): Promise<ParkedListing>;
  /** One event with its body; undefined when no event has that id. */
  read(id: string): Promise<ParkedEventBody | undefined>;
}

const ID_PATTERN = /^(dl\.[0-9a-f]{40}|sp\.[0-9a-f]{64})$/;

export function isParkedEventId(id: string): boolean {
  return ID_PATTERN.test(id);
}

function deadLetterId(workflowId: string, entry: ParkedWebhook): string {
  const digest = createHash('sha256')
    .update([workflowId, entry.requestId, entry.receivedAt, entry.body].join('\n'))
    .digest('hex');
  return `dl.${digest.slice(0, 40)}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createParkedEvents(client: Client, spool: WebhookSpool): ParkedEvents {
  async function deadLetters(): Promise<{ entries: ParkedEventBody[]; problems: string[] }> {
    const workflowIds: string[] = [];
    for await (const execution of client.workflow.list({ query: DEAD_LETTER_QUERY })) {
      workflowIds.push(execution.workflowId);
      if (workflowIds.length >= DEAD_LETTER_WORKFLOWS_READ) break;
    }
    const problems: string[] = [];
    const entries: ParkedEventBody[] = [];
    await Promise.all(
      workflowIds.map(async (workflowId) => {
        try {
          const parked = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
            client.workflow.getHandle(workflowId).query(parkedWebhooksQuery),
          );
          for (const entry of parked.entries) {
            entries.push({
              event: {
                id: deadLetterId(workflowId, entry),
                source: 'dead-letter',
                vendor: entry.vendor,
                ...(entry.topic ? { topic: entry.topic } : {}),
                reason: entry.reason,
                receivedAt: entry.receivedAt,
                requestId: entry.requestId,
                where: workflowId,
              },
              body: Buffer.from(entry.body, 'utf8'),
            });
          }
        } catch (error) {
          problems.push(`${workflowId} did not answer its parked query: ${describeError(error)}`);
        }
      }),
    );
    return { entries, problems };
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
        arrivals: event.arrivals,
      })),
      problems: listing.unreadableLines > 0 ? [`${listing.unreadableLines} spool index line(s) could not be read`] : [],
    };
  }

  return {
    async list() {
      const [dead, spool] = await Promise.all([
        deadLetters().catch((error: unknown) => ({
          entries: [],
          problems: [`the dead-letter workflows could not be listed: ${describeError(error)}`],
        })),
        spooled().catch((error: unknown) => ({
          events: [],
          problems: [`the bridge spool could not be read: ${describeError(error)}`],
        })),
      ]);
      const events = [...dead.entries.map((entry) => entry.event), ...spool.events].sort((a, b) =>
        a.receivedAt.localeCompare(b.receivedAt),
      );
      return { events, problems: [...dead.problems, ...spool.problems] };
    },

    async read(id) {
      if (!isParkedEventId(id)) return undefined;
      if (id.startsWith('sp.')) {
        const hash = id.slice(3);
        const event = (await spooled()).events.find((candidate) => candidate.id === id);
        if (!event) return undefined;
        try {
          return { event, body: await spool.readBody(hash) };
        } catch (error) {
          if (error instanceof SpoolLookupError) return undefined;
          throw error;
        }
      }
      return (await deadLetters()).entries.find((entry) => entry.event.id === id);
    },
  };
}
