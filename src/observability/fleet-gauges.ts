// Gauges of the whole engine, read from Temporal visibility when Prometheus scrapes (at most every `minIntervalMs`):
// open workflows per kind and stage (lab kits by stage among them), holds waiting for an operator, and holds still
// waiting past their escalation. Counts come from the search attributes the workflows keep (FulfillmentStage,
// NeedsOperator, EscalationLevel, OnHoldSince), so they hold even while no worker runs the escalation timers.
import type { Client } from '@temporalio/client';
import { OrderStage } from '../../workflows/honeybee/order-state.js';
import { PrescriptionStage } from '../../workflows/honeybee/prescription-state.js';
import { LabStage } from '../../workflows/lab/state.js';
import type { EngineMetrics } from './engine-metrics.js';

const KINDS = [
  { kind: 'prescription', workflowType: 'prescriptionWorkflow', stages: Object.values(PrescriptionStage) },
  { kind: 'order', workflowType: 'honeybeeOrderWorkflow', stages: Object.values(OrderStage) },
  { kind: 'lab', workflowType: 'labOrderWorkflow', stages: Object.values(LabStage) },
] as const;

const RUNNING = "ExecutionStatus = 'Running'";
const QUERY_CONCURRENCY = 4;

export interface FleetGaugeOptions {
  client: Client;
  metrics: EngineMetrics;
  /** HOLD_ESCALATION_AFTER: a hold older than this has waited past its escalation. */
  holdEscalationAfterMs: number;
  minIntervalMs?: number;
  now?: () => number;
}

export interface FleetGauges {
  /** Re-reads the counts unless the last read is recent; a failed read keeps the previous values and rethrows. */
  refresh(): Promise<void>;
}

/** The visibility queries behind the gauges, exposed for tests. */
export function fleetQueries(nowMs: number, holdEscalationAfterMs: number) {
  const overdueSince = new Date(nowMs - holdEscalationAfterMs).toISOString();
  return {
    holdsWaiting: `${RUNNING} AND NeedsOperator = true`,
    holdsPastEscalation: `${RUNNING} AND NeedsOperator = true AND (EscalationLevel > 0 OR OnHoldSince < '${overdueSince}')`,
    stages: KINDS.flatMap(({ kind, workflowType, stages }) =>
      stages.map((stage) => ({
        kind,
        stage,
        query: `${RUNNING} AND WorkflowType = '${workflowType}' AND FulfillmentStage = '${stage}'`,
      })),
    ),
  };
}

async function inBatches<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map(run));
  }
}

export function createFleetGauges(options: FleetGaugeOptions): FleetGauges {
  const now = options.now ?? Date.now;
  const minInterval = options.minIntervalMs ?? 15_000;
  let lastRead = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  async function read(): Promise<void> {
    const { client, metrics } = options;
    const queries = fleetQueries(now(), options.holdEscalationAfterMs);
    const count = async (query: string) => (await client.workflow.count(query)).count;
    const [waiting, pastEscalation] = await Promise.all([
      count(queries.holdsWaiting),
      count(queries.holdsPastEscalation),
    ]);
    const stageCounts: { kind: string; stage: string; value: number }[] = [];
    await inBatches(queries.stages, QUERY_CONCURRENCY, async ({ kind, stage, query }) => {
      stageCounts.push({ kind, stage, value: await count(query) });
    });
    // Set together, after every read succeeded: a scrape never sees half old, half new values.
    metrics.holdsWaiting.set(waiting);
    metrics.holdsPastEscalation.set(pastEscalation);
    for (const { kind, stage, value } of stageCounts) metrics.openWorkflows.set({ kind, stage }, value);
    lastRead = now();
  }

  return {
    async refresh() {
      if (now() - lastRead < minInterval) return;
      inFlight ??= read().finally(() => {
        inFlight = undefined;
      });
      await inFlight;
    },
  };
}
