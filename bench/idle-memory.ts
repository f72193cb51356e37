// Idle memory: the worker's memory with N prescriptions open and waiting (each matched to its patient and waiting for
// the partner's fill approval: HONEYBEE_FILL_APPROVAL=partner), against the same worker with none open, and against
// a baseline worker holding N workflows of the same shape waiting (bench/lib/baseline/workflows.ts,
// baselineWaitingWorkflow). Both workers run through bench/lib/memory-report-entry.ts, which runs their usual entry
// unchanged and answers SIGWINCH with a garbage collection and a memory report. Prints the table, the increment per
// open workflow (from `warm` open to N open: the first few load code and fill caches), and the ratio (engine ÷
// baseline, RSS per open workflow) last. The workers keep the SDK's default sticky cache (maxCachedWorkflows, printed),
// larger than N here, so every waiting workflow stays in memory: the worst case. WORKER_MAX_CACHED_WORKFLOWS in the
// benchmark's environment caps the engine worker's cache (the baseline's stays the SDK's).
// Usage: npm run bench:idle-memory -- --prescriptions=1000 --concurrency=16
import { Client } from '@temporalio/client';
import { countActions } from './lib/actions.js';
import { baselineEventSignal, type BaselineWaitingInput } from './lib/baseline/workflows.js';
import { startBenchStack } from './lib/engine.js';
import type { MemoryReport } from './lib/memory-report-entry.js';
import { formatNumber, intArg, machineLine, printTable, runConcurrently } from './lib/stats.js';
import type { EngineProcess } from '../src/runtime/child-process.js';
import { PrescriptionStage } from '../workflows/honeybee/prescription-state.js';

const prescriptions = intArg('prescriptions', 1000);
const concurrency = intArg('concurrency', 16);
const samples = intArg('samples', 3);
/** Open before the per-workflow figure's starting point: code loaded and caches warm. */
const warm = intArg('warm', 50);
const MEMORY_ENTRY = 'bench/lib/memory-report-entry.ts';
const MiB = 1024 * 1024;

/** SDK 1.24's default sticky cache size with reuseV8Context (the default): worker-options.js, from the heap limit. */
function sdkDefaultMaxCachedWorkflows(heapSizeLimitBytes: number): number {
  return Math.max(Math.floor((Math.max(heapSizeLimitBytes / MiB - 200, 0) * 600) / 1024), 10);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One report: SIGWINCH, then the first report line the process prints after it. */
async function reportOf(worker: EngineProcess): Promise<MemoryReport> {
  const marker = worker.output().length;
  worker.kill('SIGWINCH');
  for (let waited = 0; waited < 10_000; waited += 50) {
    await sleep(50);
    // output() keeps the last lines only: read what came after the signal, or, if it scrolled, the whole of it.
    const output = worker.output();
    const fresh = output.length > marker ? output.slice(marker) : output;
    const line = fresh.split('\n').findLast((candidate) => candidate.startsWith('{"memoryReport"'));
    if (line) return (JSON.parse(line) as { memoryReport: MemoryReport }).memoryReport;
  }
  throw new Error(`${worker.name} printed no memory report`);
}

/** The median of `samples` reports, a second apart (by RSS). */
async function measure(worker: EngineProcess): Promise<MemoryReport> {
  const reports: MemoryReport[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    if (sample > 0) await sleep(1000);
    reports.push(await reportOf(worker));
  }
  reports.sort((a, b) => a.rssBytes - b.rssBytes);
  return reports[Math.floor(reports.length / 2)]!;
}

/** Waits until `count()` reaches `target`, printing progress. */
async function waitForCount(what: string, target: number, count: () => Promise<number>): Promise<void> {
  for (let last = -1; ;) {
    const now = await count();
    if (now !== last) process.stderr.write(`[bench] ${what}: ${now}/${target}\n`);
    last = now;
    if (now >= target) return;
    await sleep(1000);
  }
}

const stack = await startBenchStack(
  { HONEYBEE_WORKFLOW_MODE: 'partner_requested', HONEYBEE_FILL_APPROVAL: 'partner' },
  { SANDBOX_STEP_DELAY: '0', HONEYBEE_WORKFLOW_MODE: 'partner_requested' },
  { entry: MEMORY_ENTRY, env: { BENCH_WRAPPED_ENTRY: 'workers/worker.ts' } },
);
const { client } = stack.bench;
const taskQueue = stack.bench.env.TEMPORAL_TASK_QUEUE!;
const plainClient = new Client({ connection: stack.bench.client.connection });
const baselineQueue = `${taskQueue}-baseline`;

/** Announces prescriptions through the sandbox (RX_RECEIVED webhook → bridge) until `total` are waiting. */
async function openPrescriptions(started: string[], total: number): Promise<void> {
  const count = total - started.length;
  const { elapsedMs } = await runConcurrently(count, concurrency, async () => {
    const scenario = await stack.control.runScenario('happy-path', { refills: 0 });
    const id = scenario.prescriptionIds?.[0];
    if (id === undefined) throw new Error('the happy-path scenario made no prescription');
    started.push(String(id));
  });
  process.stderr.write(`[bench] ${count} prescriptions announced in ${formatNumber(elapsedMs / 1000, 1)} s\n`);
  await waitForCount('prescriptions awaiting fill approval', total, () =>
    countWaiting(client, 'prescriptionWorkflow', taskQueue, PrescriptionStage.AwaitingFillApproval),
  );
  // The approval-requested notice is sent after the stage is shown: let the last activities finish.
  await sleep(5000);
}

/** Running workflows of a type on a task queue that show `stage`. */
async function countWaiting(on: Client, workflowType: string, queue: string, stage: string): Promise<number> {
  const query = `WorkflowType = '${workflowType}' AND TaskQueue = '${queue}' AND ExecutionStatus = 'Running' AND FulfillmentStage = '${stage}'`;
  return (await on.workflow.count(query)).count;
}

/** Starts baseline workflows until `total` are waiting. */
async function openBaseline(from: number, total: number, shape: BaselineWaitingInput): Promise<void> {
  await runConcurrently(total - from, concurrency, async (index) => {
    await plainClient.workflow.signalWithStart('baselineWaitingWorkflow', {
      workflowId: `baseline-waiting-${from + index}`,
      taskQueue: baselineQueue,
      args: [shape],
      signal: baselineEventSignal,
      signalArgs: [{ n: 0 }],
    });
  });
  await waitForCount('baseline workflows waiting', total, () =>
    countWaiting(plainClient, 'baselineWaitingWorkflow', baselineQueue, 'WAITING'),
  );
  await sleep(5000);
}

try {
  await sleep(3000);
  const engineIdle = await measure(stack.worker);
  const started: string[] = [];
  await openPrescriptions(started, warm);
  const engineWarm = await measure(stack.worker);
  await openPrescriptions(started, prescriptions);
  const engineOpen = await measure(stack.worker);

  // The baseline copies what a waiting prescription has done so far, from one of its histories.
  const sample = countActions(await client.workflow.getHandle(`honeybee-rx-${started[0]}`).fetchHistory());
  const shape = { activities: sample.activity, upserts: sample['search attributes'], timers: sample.timer };
  const baselineWorker = await stack.bench.start(
    'baseline-worker',
    { BASELINE_TASK_QUEUE: baselineQueue, BENCH_WRAPPED_ENTRY: 'bench/lib/baseline/worker.ts' },
    MEMORY_ENTRY,
  );
  await sleep(3000);
  const baselineIdle = await measure(baselineWorker);
  await openBaseline(0, warm, shape);
  const baselineWarm = await measure(baselineWorker);
  await openBaseline(warm, prescriptions, shape);
  const baselineOpen = await measure(baselineWorker);

  const row = (name: string, open: number, report: MemoryReport) => [
    name,
    String(open),
    formatNumber(report.rssBytes / MiB, 1),
    formatNumber((report.rssAnonKiB ?? Number.NaN) / 1024, 1),
    formatNumber(report.heapUsedBytes / MiB, 1),
    formatNumber(report.externalBytes / MiB, 1),
  ];
  // Per open workflow: from the warm figure (a few open: code loaded, caches filled) to the full one.
  const perOpen = (open: MemoryReport, from: MemoryReport, key: 'rssBytes' | 'heapUsedBytes') =>
    (open[key] - from[key]) / 1024 / (prescriptions - warm);
  const engineRssPer = perOpen(engineOpen, engineWarm, 'rssBytes');
  const baselineRssPer = perOpen(baselineOpen, baselineWarm, 'rssBytes');

  const sdkDefault = sdkDefaultMaxCachedWorkflows(engineOpen.heapSizeLimitBytes);
  const engineCache = process.env.WORKER_MAX_CACHED_WORKFLOWS?.trim();
  const cacheLine =
    engineCache && engineCache !== 'auto'
      ? `engine worker maxCachedWorkflows = ${engineCache} (WORKER_MAX_CACHED_WORKFLOWS), baseline worker ${sdkDefault} (the SDK default)`
      : `worker maxCachedWorkflows = ${sdkDefault}, the SDK default`;
  process.stdout.write(`# Idle memory (${prescriptions} open workflows; ${cacheLine}; ${machineLine()})\n\n`);
  printTable(
    ['worker', 'open workflows', 'RSS MiB', 'RssAnon MiB', 'main-thread heap used MiB', 'external MiB'],
    [
      row('engine worker', 0, engineIdle),
      row('engine worker (prescriptions awaiting fill approval)', warm, engineWarm),
      row('engine worker (prescriptions awaiting fill approval)', prescriptions, engineOpen),
      row('baseline worker', 0, baselineIdle),
      row('baseline worker (workflows of the same shape waiting)', warm, baselineWarm),
      row('baseline worker (workflows of the same shape waiting)', prescriptions, baselineOpen),
    ],
  );
  process.stdout.write('\n');
  printTable(
    [`per open workflow (${warm} → ${prescriptions} open)`, 'RSS KiB', 'main-thread heap KiB'],
    [
      ['engine', formatNumber(engineRssPer, 1), formatNumber(perOpen(engineOpen, engineWarm, 'heapUsedBytes'), 2)],
      [
        'baseline',
        formatNumber(baselineRssPer, 1),
        formatNumber(perOpen(baselineOpen, baselineWarm, 'heapUsedBytes'), 2),
      ],
    ],
  );
  process.stdout.write(
    `\nbaseline shape (from a waiting prescription's history): ${JSON.stringify(shape)}\n` +
      'workflow state lives in the SDK workflow thread (its own V8 isolate), counted in RSS, not in the main-thread heap\n',
  );
  process.stdout.write(
    `\nratio: engine RSS per open workflow / baseline RSS per open workflow = ${formatNumber(engineRssPer / baselineRssPer, 2)} ` +
      `(engine ${formatNumber(engineRssPer, 1)} KiB, baseline ${formatNumber(baselineRssPer, 1)} KiB; ` +
      `engine worker ${formatNumber(engineOpen.rssBytes / MiB, 0)} MiB RSS with ${prescriptions} open)\n`,
  );
} finally {
  await stack.stop();
}
