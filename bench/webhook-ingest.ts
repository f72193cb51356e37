// Webhook ingest: N signed RX_RECEIVED webhooks at concurrency C through the bridge process, against the same
// signal-with-starts issued directly by a Temporal client (the baseline), on the same dev server in the same run.
// No worker runs: this measures getting events durably into Temporal, not executing them (bench:end-to-end does).
// Usage: npm run bench:webhook-ingest -- --requests=2000 --concurrency=32 --rounds=4 --warmup=100
// Prints the median of the rounds' ratios with their min and max, and a warning when the machine was overloaded
// (bench/lib/reliability.ts).
import { Agent, request as httpRequest } from 'node:http';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { honeybeeEventFromPayload } from '../src/domain/honeybee-events.js';
import { honeybeeEventSignal } from '../workflows/honeybee/messages.js';
import { signHoneybeeWebhook } from '../src/vendors/honeybee/webhook-auth.js';
import { honeybeeSettingsFromConfig } from '../src/domain/workflow-settings.js';
import { loadConfig } from '../src/config/env.js';
import { prescriptionStartSearchAttributes } from '../workflows/honeybee/visibility.js';
import { childPids, cpuDelta, sampleCpu, type CpuSample } from './lib/cpu.js';
import { startBenchEnvironment } from './lib/engine.js';
import { loadBeforeStart, OtherCpuMeter, overloadWarnings, ratioReport, ratioSpread } from './lib/reliability.js';
import {
  formatNumber,
  intArg,
  machineLine,
  printTable,
  runConcurrently,
  sidesInRound,
  summarize,
} from './lib/stats.js';

const requests = intArg('requests', 2000);
const concurrency = intArg('concurrency', 32);
const rounds = intArg('rounds', 4);
/** Requests per side before the measured rounds (JIT, connections, the dev server's caches); not counted. */
const warmup = intArg('warmup', 100, 0);

const machine = loadBeforeStart();

const bench = await startBenchEnvironment();
const bridge = await bench.start('bridge');
const bridgeUrl = String(bridge.ready.url);
const config = loadConfig(bench.env);
const signedUrl = new URL('/webhooks/honeybee', config.BRIDGE_PUBLIC_URL).toString();
const secret = config.HONEYBEE_CLIENT_SECRET!;
let nextId = 10_000_000;

function rxReceived(prescriptionId: number): string {
  return JSON.stringify({
    event_id: `bench-${prescriptionId}`,
    event_type: 'RX_RECEIVED',
    patient_id: 4242,
    timestamp: new Date().toISOString(),
    medication_requests: [
      {
        id: prescriptionId,
        prescription_id: prescriptionId,
        active: true,
        drug_name: 'Atorvastatin 20 mg',
        refills_left: 3,
      },
    ],
  });
}

/** Bodies are signed before the clock starts: signing is the vendor's cost, not the engine's. */
function signedWebhooks(count: number): { body: string; signature: string }[] {
  return Array.from({ length: count }, () => {
    const body = rxReceived(nextId++);
    return {
      body,
      signature: signHoneybeeWebhook(secret, { method: 'POST', url: signedUrl, body: Buffer.from(body) }),
    };
  });
}

let prepared: { body: string; signature: string }[] = [];
// The load generator plays the vendor: node:http with keep-alive, which costs this shared machine about a third
// less CPU per request than fetch (undici). Load generators should be cheap; wrk and autocannon exist for that.
const vendorAgent = new Agent({ keepAlive: true, maxSockets: concurrency });
const webhookUrl = new URL('/webhooks/honeybee', bridgeUrl);

function throughBridge(): Promise<void> {
  const { body, signature } = prepared.pop()!;
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      webhookUrl,
      {
        method: 'POST',
        agent: vendorAgent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-honeybee-signature': signature,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode === 200) resolve();
          else reject(new Error(`bridge answered ${response.statusCode}: ${Buffer.concat(chunks).toString('utf8')}`));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const settings = honeybeeSettingsFromConfig(config);
async function direct(): Promise<void> {
  const prescriptionId = nextId++;
  const payload = JSON.parse(rxReceived(prescriptionId)) as Record<string, unknown>;
  const signal = honeybeeEventFromPayload(payload, {
    eventId: String(payload.event_id),
    eventType: 'RX_RECEIVED',
    receivedAt: new Date().toISOString(),
    requestId: 'bench',
  });
  const input = { prescriptionId: String(prescriptionId), settings };
  // The bridge's own signal-with-start, start search attributes included (the server indexes them either way).
  await bench.client.workflow.signalWithStart('prescriptionWorkflow', {
    workflowId: `honeybee-rx-${prescriptionId}`,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [input],
    signal: honeybeeEventSignal,
    signalArgs: [signal],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: prescriptionStartSearchAttributes(input),
  });
}

try {
  await runConcurrently(warmup, concurrency, () => direct());
  prepared = signedWebhooks(warmup);
  await runConcurrently(warmup, concurrency, () => throughBridge());
  const rows: string[][] = [];
  const throughput = { baseline: [] as number[], bridge: [] as number[] };
  const processes = {
    'dev server': childPids(process.pid, 'temporal')[0],
    bridge: bridge.child.pid,
    'bench (load, baseline client)': process.pid,
  };
  const cpu: Record<'baseline' | 'bridge', CpuSample> = { baseline: {}, bridge: {} };
  const otherCpu = new OtherCpuMeter();
  for (let round = 1; round <= rounds; round += 1) {
    for (const [name, task] of sidesInRound(round, ['baseline', direct] as const, ['bridge', throughBridge] as const)) {
      if (name === 'bridge') prepared = signedWebhooks(requests);
      const before = sampleCpu(processes);
      otherCpu.begin();
      const { latenciesMs, elapsedMs } = await runConcurrently(requests, concurrency, () => task());
      const used = cpuDelta(before, sampleCpu(processes));
      otherCpu.end(Object.values(used).reduce((sum, ms) => sum + ms, 0));
      for (const [processName, ms] of Object.entries(used)) cpu[name][processName] = (cpu[name][processName] ?? 0) + ms;
      const stats = summarize(latenciesMs);
      const perSecond = requests / (elapsedMs / 1000);
      throughput[name].push(perSecond);
      rows.push([
        name === 'baseline' ? 'direct signal-with-start (baseline)' : 'signed webhook through the bridge',
        String(round),
        formatNumber(perSecond),
        formatNumber(stats.p50, 2),
        formatNumber(stats.p99, 2),
      ]);
    }
  }
  process.stdout.write(
    `# Webhook ingest (${requests} requests × ${rounds} rounds after ${warmup} warm-up, concurrency ${concurrency}; ${machineLine()})\n\n`,
  );
  printTable(['path', 'round', 'requests/s', 'p50 ms', 'p99 ms'], rows);
  process.stdout.write('\n## CPU ms per request, by process (measured rounds; 2 cores shared by all)\n\n');
  const cpuTotal = (side: 'baseline' | 'bridge') => Object.values(cpu[side]).reduce((sum, ms) => sum + ms, 0);
  const perRequest = (ms: number) => formatNumber(ms / (requests * rounds), 2);
  printTable(
    ['process', 'bridge rounds', 'baseline rounds'],
    [
      ...Object.keys(processes).map((processName) => [
        processName,
        perRequest(cpu.bridge[processName] ?? 0),
        perRequest(cpu.baseline[processName] ?? 0),
      ]),
      ['total', perRequest(cpuTotal('bridge')), perRequest(cpuTotal('baseline'))],
    ],
  );
  const warnings = overloadWarnings({
    ...machine,
    otherCpuShare: otherCpu.share(),
    baselineRates: throughput.baseline,
  });
  process.stdout.write(
    `\n${ratioReport('bridge throughput / baseline throughput', ratioSpread(throughput.bridge, throughput.baseline), warnings)}`,
  );
} finally {
  vendorAgent.destroy();
  await bench.stop();
}
