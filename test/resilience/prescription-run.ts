// A run of many prescriptions through a real stack, for the resilience suite: start them from the sandbox's
// happy-path scenario (Partner Requested Fills: the engine creates each order, the fill a duplicate could double),
// wait until every one has finished while something misbehaves, then check each end state three ways (the
// prescription workflow, its order workflow, the sandbox's own orders and per-fill counters) and print the figures.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { SandboxCounters } from '../../src/sandbox/control/types.js';
import { honeybeeOrderWorkflowId, prescriptionWorkflowId } from '../../src/domain/workflow-ids.js';
import { inject } from 'vitest';
import { firstPrescriptionId, pollUntil } from '../harness/honeybee.js';
import { createTestNamespace, type TestNamespace } from '../harness/namespaces.js';
import { startStack, type EngineStack, type StackOptions } from '../harness/stack.js';
import { temporalAddress } from '../harness/temporal.js';

/** The run's seed (test/resilience/seed-setup.ts), the same in every file of the run and printed by each. */
export function resilienceSeed(): number {
  return inject('resilienceSeed');
}

export interface RunStack {
  stack: EngineStack;
  namespace: TestNamespace;
  seed: number;
  stop(): Promise<void>;
}

/**
 * A stack in a namespace of its own on the run's dev server (each scenario's workflows, dead letters included, are
 * its own to count), its sandbox seeded from the run's seed.
 */
export async function startRunStack(seed: number, options: StackOptions = {}): Promise<RunStack> {
  const namespace = await createTestNamespace('resilience');
  try {
    const stack = await startStack({
      temporal: { address: temporalAddress(), namespace: namespace.namespace },
      ...options,
      engine: { ...RUN_ENGINE_ENV, ...options.engine },
      sandbox: { ...RUN_SANDBOX_ENV, SANDBOX_SEED: String(seed), ...options.sandbox },
    });
    return {
      stack,
      namespace,
      seed,
      stop: async () => {
        await stack.stop();
        await namespace.close();
      },
    };
  } catch (error) {
    await namespace.close();
    throw error;
  }
}

/** Engine settings for a run: orders created by the engine, no partner approval, quick reconciliation. */
export const RUN_ENGINE_ENV: Record<string, string> = {
  HONEYBEE_WORKFLOW_MODE: 'partner_requested',
  HONEYBEE_FILL_APPROVAL: 'automatic',
  ORDER_RECONCILE_INTERVAL: '1m',
  // Thousands of request lines from three processes: keep the output to what goes wrong.
  LOG_LEVEL: 'warn',
};

/** The sandbox moves every order one step a second of real time: Processing → Filling → Shipped → Delivered. */
export const RUN_SANDBOX_ENV: Record<string, string> = {
  SANDBOX_STEP_DELAY: '1s',
  LOG_LEVEL: 'warn',
};

/** 30% of Honeybee calls (tokens too) answered 429 (Retry-After: 1) or 503, every call 50 ms slower. */
export const VENDOR_FAULTS = {
  endpoint: 'honeybee.*',
  rate429: 0.15,
  rate503: 0.15,
  latency: '50ms',
  retryAfterSeconds: 1,
} as const;

/** Starts `count` prescriptions (one patient each, no refills), a few scenario calls at a time. */
export async function startPrescriptions(stack: EngineStack, count: number, concurrency = 4): Promise<string[]> {
  const ids: string[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < count) {
        started += 1;
        ids.push(firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 })));
      }
    }),
  );
  return ids;
}

async function listAll(client: Client, query: string): Promise<WorkflowExecutionInfo[]> {
  const all: WorkflowExecutionInfo[] = [];
  for await (const execution of client.workflow.list({ query })) all.push(execution);
  return all;
}

function stageOf(execution: WorkflowExecutionInfo): unknown {
  return (execution.searchAttributes.FulfillmentStage as unknown[] | undefined)?.[0];
}

export interface Progress {
  /** Prescriptions whose workflow has closed. */
  finished: number;
  /** Prescriptions still open, plus order workflows still open. */
  running: number;
  elapsedMs: number;
}

/**
 * Waits until every prescription's workflow has closed and so has every order workflow (at least one per
 * prescription; an order may finish its last notification after its prescription completed), by visibility on the
 * stack's task queue, calling `during` between polls (to kill a worker, stop a server, …). Throws on the deadline
 * with what is still open.
 */
export async function waitUntilAllClosed(
  stack: EngineStack,
  ids: readonly string[],
  options: {
    timeoutMs: number;
    during?: (progress: Progress) => Promise<void>;
    pollMs?: number;
    /** false: the prescriptions alone (to act mid-run, while other orders are open). */
    orders?: boolean;
  },
): Promise<Progress> {
  const started = Date.now();
  const withOrders = options.orders ?? true;
  const wanted = new Set(ids.map((id) => prescriptionWorkflowId(id)));
  const onQueue = `TaskQueue = '${stack.env.TEMPORAL_TASK_QUEUE}'`;
  let last: Progress = { finished: 0, running: ids.length, elapsedMs: 0 };
  let openOrders = 0;
  for (;;) {
    try {
      const [prescriptions, orders] = await Promise.all([
        listAll(stack.client, `WorkflowType = 'prescriptionWorkflow' AND ${onQueue}`),
        withOrders ? listAll(stack.client, `WorkflowType = 'honeybeeOrderWorkflow' AND ${onQueue}`) : [],
      ]);
      const finished = prescriptions.filter((e) => wanted.has(e.workflowId) && e.status.name !== 'RUNNING').length;
      openOrders = orders.filter((e) => e.status.name === 'RUNNING').length;
      last = { finished, running: ids.length - finished + openOrders, elapsedMs: Date.now() - started };
      if (finished === ids.length && openOrders === 0 && (!withOrders || orders.length >= ids.length)) return last;
    } catch {
      // Temporal may be down on purpose (the dev-server scenario): keep polling.
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new Error(
        `${ids.length - last.finished} of ${ids.length} prescriptions and ${openOrders} orders still open after ${options.timeoutMs} ms`,
      );
    }
    await options.during?.(last);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2_000));
  }
}

export interface RunCheck {
  prescriptions: number;
  prescriptionsCompleted: number;
  ordersDelivered: number;
  sandboxOrdersDelivered: number;
  /** Prescriptions whose sandbox counters are not exactly one order for fill 1. */
  notOneOrder: string[];
  /** `{rx} fill {n}: {k} orders` for every fill with more than one order (the duplicate-fill check). */
  duplicateFills: string[];
  /** What is wrong, one line each (empty when every prescription reached its end exactly once). */
  problems: string[];
  counters: SandboxCounters;
}

/** Every prescription's end state, from Temporal and from the sandbox. */
export async function checkRun(stack: EngineStack, ids: readonly string[]): Promise<RunCheck> {
  const taskQueue = stack.env.TEMPORAL_TASK_QUEUE;
  const [prescriptions, orders, counters, sandboxOrders] = await Promise.all([
    listAll(stack.client, `WorkflowType = 'prescriptionWorkflow' AND TaskQueue = '${taskQueue}'`),
    listAll(stack.client, `WorkflowType = 'honeybeeOrderWorkflow' AND TaskQueue = '${taskQueue}'`),
    stack.control.counters(),
    stack.control.honeybeeOrders(),
  ]);
  const problems: string[] = [];
  const byId = new Map(prescriptions.map((e) => [e.workflowId, e]));
  const ordersById = new Map(orders.map((e) => [e.workflowId, e]));
  const ordersOfRx = new Map<string, string[]>();
  for (const record of sandboxOrders.orders) {
    for (const rx of Object.keys(record.fills))
      ordersOfRx.set(rx, [...(ordersOfRx.get(rx) ?? []), record.order.order_number]);
  }
  let prescriptionsCompleted = 0;
  let ordersDelivered = 0;
  let sandboxOrdersDelivered = 0;
  const notOneOrder: string[] = [];
  for (const rx of ids) {
    const execution = byId.get(prescriptionWorkflowId(rx));
    if (execution?.status.name === 'COMPLETED' && stageOf(execution) === 'COMPLETED') prescriptionsCompleted += 1;
    else
      problems.push(
        `prescription ${rx}: ${execution ? `${execution.status.name} at ${String(stageOf(execution))}` : 'no workflow'}`,
      );
    const perFill = counters.honeybee.ordersPerFill[rx] ?? {};
    if (JSON.stringify(perFill) !== JSON.stringify({ '1': 1 })) notOneOrder.push(`${rx}: ${JSON.stringify(perFill)}`);
    for (const orderNumber of ordersOfRx.get(rx) ?? []) {
      const order = ordersById.get(honeybeeOrderWorkflowId(orderNumber));
      if (order?.status.name === 'COMPLETED' && stageOf(order) === 'ORDER_DELIVERED') ordersDelivered += 1;
      else
        problems.push(
          `order ${orderNumber}: ${order ? `${order.status.name} at ${String(stageOf(order))}` : 'no workflow'}`,
        );
      const record = sandboxOrders.orders.find((o) => o.order.order_number === orderNumber);
      if (record?.order.status === 'Delivered') sandboxOrdersDelivered += 1;
      else problems.push(`order ${orderNumber} at the sandbox: ${record?.order.status ?? 'missing'}`);
    }
  }
  problems.push(...notOneOrder.map((line) => `orders per fill ${line}`));
  const duplicateFills = Object.entries(counters.honeybee.ordersPerFill).flatMap(([rx, fills]) =>
    Object.entries(fills)
      .filter(([, count]) => count > 1)
      .map(([fill, count]) => `${rx} fill ${fill}: ${count} orders`),
  );
  return {
    prescriptions: ids.length,
    prescriptionsCompleted,
    ordersDelivered,
    sandboxOrdersDelivered,
    notOneOrder,
    duplicateFills,
    problems,
    counters,
  };
}

/** Faults the sandbox injected, per kind, summed over the endpoints. */
export function injectedFaults(counters: SandboxCounters): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const stats of Object.values(counters.requests)) {
    for (const [kind, count] of Object.entries(stats.faults)) totals[kind] = (totals[kind] ?? 0) + count;
  }
  return totals;
}

function honeybeeRequests(counters: SandboxCounters): number {
  return Object.entries(counters.requests)
    .filter(([name]) => name.startsWith('honeybee.'))
    .reduce((sum, [, stats]) => sum + stats.total, 0);
}

/** Prints a two-column table: what was checked and the figure. */
export function printSummary(title: string, rows: [string, string | number][]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  console.log(`\n[resilience] ${title}\n${lines.join('\n')}\n`);
}

/** The usual rows of a run. */
export function runRows(check: RunCheck, elapsedMs: number): [string, string | number][] {
  const counters = check.counters;
  return [
    ['prescriptions started', check.prescriptions],
    ['prescription workflows COMPLETED', check.prescriptionsCompleted],
    ['order workflows ORDER_DELIVERED', check.ordersDelivered],
    ['sandbox orders Delivered', check.sandboxOrdersDelivered],
    ['sandbox createOrder requests', counters.honeybee.createOrderRequests],
    ['sandbox orders created', counters.honeybee.ordersCreated],
    ['prescriptions without exactly 1 order', check.notOneOrder.length],
    ['duplicate fills', check.duplicateFills.length],
    ['Honeybee API requests (all endpoints)', honeybeeRequests(counters)],
    [
      'webhooks delivered / attempts / failed',
      `${counters.webhooks.honeybee.delivered} / ${counters.webhooks.honeybee.attempts} / ${counters.webhooks.honeybee.failed}`,
    ],
    ['seconds until all finished', (elapsedMs / 1000).toFixed(1)],
  ];
}

/**
 * Waits (3 min at most) until the sandbox has no Honeybee webhook left to deliver. Not settleWebhooks: it waits for
 * queued and in-flight deliveries only, not for one refused during a fault that waits for its redelivery
 * (retry_scheduled), and its order may have closed meanwhile on the events after it (a subject's first tries go in
 * order, its redeliveries do not). The caller's assertions name any delivery that never gets through.
 */
export async function waitUntilNoWebhookPending(stack: EngineStack): Promise<void> {
  await pollUntil(
    'no Honeybee webhook pending',
    () => stack.control.counters(),
    (counters) => counters.webhooks.honeybee.pending === 0,
    180_000,
  ).catch(() => undefined);
}
