// Hands routed webhooks to Temporal. The bridge answers 2xx only after this resolves. A failure is classified
// (temporal-refusals.ts): a transient one becomes TemporalUnavailableError (→ 503 with Retry-After, the vendor's retry
// covers it), a permanent one TemporalRefusedError (→ the event is spooled and the vendor told why, 413/422/500). An
// event for a workflow that already ended is not allowed to start a new run (REJECT_DUPLICATE): it is reported back
// so the pipeline records it in the dead-letter workflow.
import { WorkflowIdReusePolicy, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { deadLetterWorkflowId } from '../domain/workflow-ids.js';
import { engineKey } from '../temporal/engine-key.js';
import { parkWebhookSignal, type ParkedWebhook } from '../../workflows/dead-letter/messages.js';
import type { deadLetterWorkflow } from '../../workflows/dead-letter.js';
import { bodyHash } from '../spool/webhook-spool.js';
import { classifyTemporalFailure, type RefusalCode } from './temporal-refusals.js';
import type { WorkflowDelivery } from './webhook-routing.js';

/** How long one delivery may wait for Temporal before the vendor is told to retry. */
const DELIVERY_DEADLINE_MS = 5_000;

export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

/** Temporal (or the bridge itself) can never take this event as it is: retrying it would fail the same way. */
export class TemporalRefusedError extends Error {
  override name = 'TemporalRefusedError';
  constructor(
    message: string,
    readonly status: 413 | 422 | 500,
    readonly code: RefusalCode,
    readonly grpcCode?: number,
  ) {
    super(message);
  }
}

export interface DeliveryOutcome {
  delivered: string[];
  /** Workflows that already ended: the event was not delivered (and must be recorded). */
  ended: string[];
}

export interface TemporalDelivery {
  deliver(deliveries: readonly WorkflowDelivery[]): Promise<DeliveryOutcome>;
  park(entry: ParkedWebhook): Promise<string>;
}

async function withDeadline<T>(client: Client, fn: () => Promise<T>): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + DELIVERY_DEADLINE_MS, fn);
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw error;
    const failure = classifyTemporalFailure(error);
    if (failure.kind === 'transient') {
      throw new TemporalUnavailableError(`Temporal did not accept the signal: ${failure.message}`);
    }
    throw new TemporalRefusedError(failure.message, failure.status, failure.code, failure.grpcCode);
  }
}

export interface TemporalDeliveryOptions {
  /** A day's dead-letter workflow closes after this long without an arrival (DEAD_LETTER_QUIET_PERIOD). */
  deadLetterQuietPeriodMs?: number;
}

export function createTemporalDelivery(
  client: Client,
  taskQueue: string,
  options: TemporalDeliveryOptions = {},
): TemporalDelivery {
  const engine = engineKey(taskQueue);
  return {
    async deliver(deliveries) {
      const outcome: DeliveryOutcome = { delivered: [], ended: [] };
      await Promise.all(
        deliveries.map(async (delivery) => {
          try {
            await withDeadline(client, () =>
              client.workflow.signalWithStart(delivery.workflowType, {
                workflowId: delivery.workflowId,
                taskQueue,
                args: delivery.startArgs,
                signal: delivery.signalName,
                signalArgs: delivery.signalArgs,
                workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
                ...(delivery.startSearchAttributes ? { typedSearchAttributes: delivery.startSearchAttributes } : {}),
              }),
            );
            outcome.delivered.push(delivery.workflowId);
          } catch (error) {
            if (error instanceof WorkflowExecutionAlreadyStartedError) outcome.ended.push(delivery.workflowId);
            else throw error;
          }
        }),
      );
      return outcome;
    },

    async park(entry) {
      const workflowId = deadLetterWorkflowId(entry.vendor, engine, entry.receivedAt.slice(0, 10));
      // The hash is what the entry is listed and found by; the body stays in this signal's event.
      const parked: ParkedWebhook = { ...entry, bodyHash: bodyHash(Buffer.from(entry.body, 'utf8')) };
      const quiet = options.deadLetterQuietPeriodMs;
      await withDeadline(client, () =>
        client.workflow.signalWithStart<typeof deadLetterWorkflow, [ParkedWebhook]>('deadLetterWorkflow', {
          workflowId,
          taskQueue,
          args: [{ vendor: entry.vendor, ...(quiet !== undefined ? { quietPeriodMs: quiet } : {}) }],
          signal: parkWebhookSignal,
          signalArgs: [parked],
        }),
      );
      return workflowId;
    },
  };
}
