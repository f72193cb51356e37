// End to end: N prescriptions from RX_RECEIVED to Delivered through the whole engine (sandbox vendors at zero step
// delay → signed webhooks → bridge → Temporal dev server → worker → vendor calls, partner notifications), C in
// flight at a time, against a baseline of the same shape on the same dev server in the same run: two workflows that
// make as many activities, signals, timers and search attribute upserts per prescription as the engine's histories
// show, and do nothing else (bench/lib/baseline/). Prints completed prescriptions per second, p50/p99 latency, the
// Temporal actions per prescription by kind (counted from the histories, bench/lib/actions.ts) and the ratio last.
// CPU time is read per process for every round (bench/lib/cpu.ts), to say where the time goes. The ratio is the median
// of the rounds' with their min and max, and a warning says when the machine was overloaded (bench/lib/reliability.ts).
// Usage: npm run bench:end-to-end -- --prescriptions=100 --concurrency=16 --rounds=4 --warmup=20 --step-delay=0
// With --compare=observability it measures instead what metrics and tracing cost (bench/lib/observability-overhead.ts).
import { Client } from '@temporalio/client';
import { baselineEventSignal } from './lib/baseline/workflows.js';
import { baselineOrderId, baselinePrescriptionId, type BaselineShape } from './lib/baseline/shape.js';
import {
  ACTION_KINDS,
  activitiesByType,
  addCounts,
  countActions,
  emptyCounts,
  historyWork,
  signalsByName,
  totalActions,
  versioningEvents,
  type ActionCounts,
  type HistoryWork,
} from './lib/actions.js';
import { childPids, cpuDelta, sampleCpu, type CpuSample } from './lib/cpu.js';
import { historiesOf, type History } from './lib/workflow-results.js';
import { startBenchStack } from './lib/engine.js';
import { compareObservability } from './lib/observability-overhead.js';
import { loadBeforeStart, OtherCpuMeter, overloadWarnings, ratioReport, ratioSpread } from './lib/reliability.js';
import { enginePrescription as enginePrescriptionOf, waitForResult, waitStats } from './lib/prescriptions.js';
import {
  formatNumber,
  intArg,
  machineLine,
  printTable,
  runConcurrently,
  sidesInRound,
  summarize,
} from './lib/stats.js';
import type { PrescriptionState } from '../workflows/honeybee/types.js';

const prescriptions = intArg('prescriptions', 100);
const concurrency = intArg('concurrency', 16);
const rounds = intArg('rounds', 4);
const warmup = intArg('warmup', 20);
/**
 * The sandbox's delay between an order's steps, ms. 0 (the default) measures the engine's own cost; a few hundred ms
 * spaces the vendor's events the way a real order's are (hours apart), which the actions count depends on: at 0 an
 * order can be over before its workflow has looked at it.
 */
const stepDelay = intArg('step-delay', 0, 0);
/** `baseline` (default): the engine against baseline workflows; `observability`: the engine with its metrics and
 * tracing on and off (bench/lib/observability-overhead.ts). */
const compare = process.argv.find((arg) => arg.startsWith('--compare='))?.slice('--compare='.length) ?? 'baseline';
if (compare !== 'baseline' && compare !== 'observability') {
  process.stderr.write('--compare must be baseline or observability\n');
  process.exit(2);
}
if (compare === 'observability') {
  await compareObservability({ prescriptions, concurrency, rounds, warmup, stepDelay });
  process.exit(0);
}

interface WorkflowTally {
  runs: number;
  actions: ActionCounts;
  /** Patch markers and their TemporalChangeVersion upserts: in the history, not billed. */
  versioning: { patchMarkers: number; changeVersionUpserts: number };
  activities: Record<string, number>;
  signals: Record<string, number>;
  work: HistoryWork;
}

function newTally(): WorkflowTally {
  return {
    runs: 0,
    actions: emptyCounts(),
    versioning: { patchMarkers: 0, changeVersionUpserts: 0 },
    activities: {},
    signals: {},
    work: { events: 0, workflowTasks: 0, bytes: 0, bytesByType: {} },
  };
}

function tallyInto(tally: WorkflowTally, histories: History[]): void {
  for (const history of histories) {
    tally.runs += 1;
    addCounts(tally.actions, countActions(history));
    const versioning = versioningEvents(history);
    tally.versioning.patchMarkers += versioning.patchMarkers;
    tally.versioning.changeVersionUpserts += versioning.changeVersionUpserts;
    for (const [name, count] of Object.entries(activitiesByType(history)))
      tally.activities[name] = (tally.activities[name] ?? 0) + count;
    for (const [name, count] of Object.entries(signalsByName(history)))
      tally.signals[name] = (tally.signals[name] ?? 0) + count;
    const work = historyWork(history);
    tally.work.events += work.events;
    tally.work.workflowTasks += work.workflowTasks;
    tally.work.bytes += work.bytes;
    for (const [type, bytes] of Object.entries(work.bytesByType))
      tally.work.bytesByType[type] = (tally.work.bytesByType[type] ?? 0) + bytes;
  }
}

function perItem(record: Record<string, number>, items: number): string {
  return Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => `${name} ${formatNumber(count / items, 2)}`)
    .join(', ');
}

const machine = loadBeforeStart();
const stack = await startBenchStack(
  { HONEYBEE_WORKFLOW_MODE: 'partner_requested', HONEYBEE_FILL_APPROVAL: 'automatic' },
  { SANDBOX_STEP_DELAY: String(stepDelay), HONEYBEE_WORKFLOW_MODE: 'partner_requested' },
);
const { client } = stack.bench;
// The baseline carries its payloads unencrypted (the default data converter): encryption is the engine's work.
const plainClient = new Client({ connection: stack.bench.client.connection });
const baselineQueue = `${stack.bench.env.TEMPORAL_TASK_QUEUE}-baseline`;
const engineTally = { prescription: newTally(), order: newTally() };
const baselineTally = { prescription: newTally(), order: newTally() };

const enginePrescription = enginePrescriptionOf(stack.control, client);

let nextBaselineId = 1;
/** One baseline prescription: started like the bridge starts one, its order's events signalled as the vendor would. */
function baselinePrescription(shape: BaselineShape) {
  return async (record: string[]): Promise<void> => {
    const id = String(nextBaselineId++);
    const workflowId = baselinePrescriptionId(id);
    await plainClient.workflow.signalWithStart('baselinePrescriptionWorkflow', {
      workflowId,
      taskQueue: baselineQueue,
      args: [{ prescriptionId: id, shape }],
      signal: baselineEventSignal,
      signalArgs: [{ n: 0 }],
    });
    for (let n = 1; n <= shape.order.events; n += 1) {
      await plainClient.workflow.signalWithStart('baselineOrderWorkflow', {
        workflowId: baselineOrderId(id),
        taskQueue: baselineQueue,
        args: [{ prescriptionWorkflowId: workflowId, shape }],
        signal: baselineEventSignal,
        signalArgs: [{ n }],
      });
    }
    await waitForResult<void>(plainClient, workflowId);
    record.push(id);
  };
}

async function tallyEngine(ids: string[]): Promise<void> {
  await runConcurrently(ids.length, 8, async (index) => {
    const rx = `honeybee-rx-${ids[index]}`;
    const runs = await historiesOf(client, rx);
    tallyInto(engineTally.prescription, runs);
    const state = await client.workflow.getHandle<() => Promise<PrescriptionState>>(rx).result();
    for (const orderNumber of state.recordedOrders)
      tallyInto(engineTally.order, await historiesOf(client, `honeybee-order-${orderNumber}`));
  });
}

async function tallyBaseline(ids: string[]): Promise<void> {
  await runConcurrently(ids.length, 8, async (index) => {
    tallyInto(baselineTally.prescription, await historiesOf(client, baselinePrescriptionId(ids[index]!)));
    tallyInto(baselineTally.order, await historiesOf(client, baselineOrderId(ids[index]!)));
  });
}

/** The baseline's shape: the engine's mean counts per prescription, rounded. */
function shapeFrom(tally: typeof engineTally, items: number): BaselineShape {
  const mean = (value: number) => Math.round(value / items);
  const rx = tally.prescription.actions;
  const order = tally.order.actions;
  const rxActivities = mean(rx.activity);
  const milestones = Math.max(1, mean(rx.signal));
  const orderSignals = mean(order.signal + order['signal-with-start']);
  return {
    prescription: {
      activitiesBeforeOrder: Math.max(0, rxActivities - 2),
      activitiesAfterOrder: Math.min(1, Math.max(0, rxActivities - 1)),
      milestones,
      upserts: mean(rx['search attributes']),
      timers: mean(rx.timer),
    },
    order: {
      // The link from the prescription is one of the order's signals; the rest are vendor events.
      events: Math.max(1, orderSignals - 1),
      activities: Math.max(0, mean(order.activity) - milestones),
      upserts: mean(order['search attributes']),
      timers: mean(order.timer),
    },
  };
}

async function timedRound(
  name: string,
  count: number,
  task: (record: string[]) => Promise<void>,
): Promise<{ perSecond: number; p50: number; p99: number; ids: string[] }> {
  const ids: string[] = [];
  const { latenciesMs, elapsedMs } = await runConcurrently(count, concurrency, () => task(ids));
  const stats = summarize(latenciesMs);
  process.stderr.write(`[bench] ${name}: ${count} in ${formatNumber(elapsedMs / 1000, 1)} s\n`);
  return { perSecond: count / (elapsedMs / 1000), p50: stats.p50, p99: stats.p99, ids };
}

try {
  const baselineWorker = await stack.bench.start(
    'baseline-worker',
    { BASELINE_TASK_QUEUE: baselineQueue },
    'bench/lib/baseline/worker.ts',
  );
  // Warm-up: JIT, connections, token caches; its histories give the shape the baseline copies.
  const warm = await timedRound('engine warm-up', warmup, enginePrescription);
  await tallyEngine(warm.ids);
  const shape = shapeFrom(engineTally, warm.ids.length);
  Object.assign(engineTally, { prescription: newTally(), order: newTally() });
  await timedRound('baseline warm-up', warmup, baselinePrescription(shape));

  const processes = {
    'dev server': childPids(process.pid, 'temporal')[0],
    worker: stack.worker.child.pid,
    bridge: stack.bridge.child.pid,
    'baseline worker': baselineWorker.child.pid,
    'bench (load, sandbox vendors, client)': process.pid,
  };
  const cpu: Record<'baseline' | 'engine', CpuSample> = { baseline: {}, engine: {} };
  const otherCpu = new OtherCpuMeter();
  const rows: string[][] = [];
  const throughput = { baseline: [] as number[], engine: [] as number[] };
  const measured = { engine: [] as string[], baseline: [] as string[] };
  const waitPolls = { engine: 0, baseline: 0 };
  for (let round = 1; round <= rounds; round += 1) {
    for (const side of sidesInRound(round, 'baseline' as const, 'engine' as const)) {
      const before = sampleCpu(processes);
      otherCpu.begin();
      const pollsBefore = waitStats.notFoundPolls;
      const result =
        side === 'engine'
          ? await timedRound(`engine round ${round}`, prescriptions, enginePrescription)
          : await timedRound(`baseline round ${round}`, prescriptions, baselinePrescription(shape));
      const used = cpuDelta(before, sampleCpu(processes));
      otherCpu.end(Object.values(used).reduce((sum, ms) => sum + ms, 0));
      for (const [name, ms] of Object.entries(used)) cpu[side][name] = (cpu[side][name] ?? 0) + ms;
      throughput[side].push(result.perSecond);
      waitPolls[side] += waitStats.notFoundPolls - pollsBefore;
      measured[side].push(...result.ids);
      rows.push([
        side === 'baseline' ? 'baseline workflows of the same shape' : 'engine: RX_RECEIVED → Delivered',
        String(round),
        formatNumber(result.perSecond, 1),
        formatNumber(result.p50, 0),
        formatNumber(result.p99, 0),
      ]);
    }
  }
  await baselineWorker.stop();
  await tallyEngine(measured.engine);
  await tallyBaseline(measured.baseline);

  const engineCount = measured.engine.length;
  const baselineCount = measured.baseline.length;
  process.stdout.write(
    `# End to end (${prescriptions} prescriptions × ${rounds} rounds after ${warmup} warm-up, concurrency ${concurrency}, sandbox step delay ${stepDelay} ms; ${machineLine()})\n\n`,
  );
  printTable(['path', 'round', 'prescriptions/s', 'p50 ms', 'p99 ms'], rows);

  process.stdout.write('\n## CPU ms per prescription, by process (measured rounds; 2 cores shared by all)\n\n');
  const cpuRows = Object.keys(processes).map((name) => [
    name,
    formatNumber((cpu.engine[name] ?? 0) / engineCount, 1),
    formatNumber((cpu.baseline[name] ?? 0) / baselineCount, 1),
  ]);
  const cpuTotal = (side: 'engine' | 'baseline') => Object.values(cpu[side]).reduce((sum, ms) => sum + ms, 0);
  cpuRows.push([
    'total',
    formatNumber(cpuTotal('engine') / engineCount, 1),
    formatNumber(cpuTotal('baseline') / baselineCount, 1),
  ]);
  printTable(['process', 'engine rounds', 'baseline rounds'], cpuRows);

  process.stdout.write('\n## Temporal actions per prescription (from the histories)\n\n');
  const actionRows = ACTION_KINDS.flatMap((kind) => {
    const cells = [
      engineTally.prescription.actions[kind] / engineCount,
      engineTally.order.actions[kind] / engineCount,
      baselineTally.prescription.actions[kind] / baselineCount,
      baselineTally.order.actions[kind] / baselineCount,
    ];
    if (cells.every((value) => value === 0)) return [];
    return [
      [
        kind,
        ...cells.map((value) => formatNumber(value, 2)),
        formatNumber((cells[0] ?? 0) + (cells[1] ?? 0), 2),
        formatNumber((cells[2] ?? 0) + (cells[3] ?? 0), 2),
      ],
    ];
  });
  const engineTotal =
    (totalActions(engineTally.prescription.actions) + totalActions(engineTally.order.actions)) / engineCount;
  const baselineTotal =
    (totalActions(baselineTally.prescription.actions) + totalActions(baselineTally.order.actions)) / baselineCount;
  actionRows.push([
    'total',
    formatNumber(totalActions(engineTally.prescription.actions) / engineCount, 2),
    formatNumber(totalActions(engineTally.order.actions) / engineCount, 2),
    formatNumber(totalActions(baselineTally.prescription.actions) / baselineCount, 2),
    formatNumber(totalActions(baselineTally.order.actions) / baselineCount, 2),
    formatNumber(engineTotal, 2),
    formatNumber(baselineTotal, 2),
  ]);
  printTable(
    [
      'action kind',
      'engine prescriptionWorkflow',
      'engine honeybeeOrderWorkflow',
      'baseline prescription',
      'baseline order',
      'engine total',
      'baseline total',
    ],
    actionRows,
  );
  process.stdout.write(
    `\nengine activities per prescription: ${perItem(
      {
        ...prefixed('rx.', engineTally.prescription.activities),
        ...prefixed('order.', engineTally.order.activities),
      },
      engineCount,
    )}\n`,
  );
  process.stdout.write(
    `engine signals per prescription: prescription ${perItem(engineTally.prescription.signals, engineCount)}; order ${perItem(engineTally.order.signals, engineCount)}\n`,
  );
  const versioning = [engineTally.prescription.versioning, engineTally.order.versioning];
  process.stdout.write(
    `engine history events not billed, per prescription: patch markers ${formatNumber(
      versioning.reduce((sum, v) => sum + v.patchMarkers, 0) / engineCount,
      2,
    )}, TemporalChangeVersion upserts ${formatNumber(
      versioning.reduce((sum, v) => sum + v.changeVersionUpserts, 0) / engineCount,
      2,
    )}\n`,
  );
  process.stdout.write(`baseline shape: ${JSON.stringify(shape)}\n`);

  process.stdout.write("\n## Server work per prescription (from the histories; drives the dev server's CPU)\n\n");
  const workOf = (tally: typeof engineTally, items: number, field: 'events' | 'workflowTasks' | 'bytes') =>
    (tally.prescription.work[field] + tally.order.work[field]) / items;
  printTable(
    ['figure', 'engine', 'baseline'],
    (
      [
        ['history events', 'events', 1],
        ['workflow tasks', 'workflowTasks', 1],
        ['history KiB', 'bytes', 1024],
      ] as const
    ).map(([label, field, unit]) => [
      label,
      formatNumber(workOf(engineTally, engineCount, field) / unit, 2),
      formatNumber(workOf(baselineTally, baselineCount, field) / unit, 2),
    ]),
  );
  process.stdout.write('\nHistory KiB per prescription by event type (each event encoded alone):\n\n');
  const bytesOf = (tally: typeof engineTally, type: string, items: number) =>
    ((tally.prescription.work.bytesByType[type] ?? 0) + (tally.order.work.bytesByType[type] ?? 0)) / items / 1024;
  const eventTypes = [
    ...new Set([
      ...Object.keys(engineTally.prescription.work.bytesByType),
      ...Object.keys(engineTally.order.work.bytesByType),
    ]),
  ].sort((a, b) => bytesOf(engineTally, b, engineCount) - bytesOf(engineTally, a, engineCount));
  printTable(
    ['event type', 'engine', 'baseline'],
    eventTypes.map((type) => [
      type,
      formatNumber(bytesOf(engineTally, type, engineCount), 2),
      formatNumber(bytesOf(baselineTally, type, baselineCount), 2),
    ]),
  );
  process.stdout.write(
    `bench's not-found polls while waiting for a workflow to exist, per prescription: engine ${formatNumber(waitPolls.engine / engineCount, 2)}, baseline ${formatNumber(waitPolls.baseline / baselineCount, 2)}\n`,
  );

  process.stdout.write(
    `\nactions per prescription ${formatNumber(engineTotal, 2)} (baseline ${formatNumber(baselineTotal, 2)})\n`,
  );
  const warnings = overloadWarnings({
    ...machine,
    otherCpuShare: otherCpu.share(),
    baselineRates: throughput.baseline,
  });
  process.stdout.write(
    ratioReport(
      'engine prescriptions/s / baseline prescriptions/s',
      ratioSpread(throughput.engine, throughput.baseline),
      warnings,
    ),
  );
} finally {
  await stack.stop();
}

function prefixed(prefix: string, record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([name, count]) => [`${prefix}${name}`, count]));
}
