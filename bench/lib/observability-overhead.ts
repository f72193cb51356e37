// What observing the engine costs, end to end (`npm run bench:end-to-end -- --compare=observability`): the same
// prescriptions through the same engine in three configurations, on one dev server in one run:
//   - metrics off, tracing off: WORKER_METRICS_PORT=off (no SDK exporter, no engine metrics, no endpoint);
//   - metrics on: the worker's /metrics scraped every 15 s as Prometheus would (visibility gauges included);
//   - metrics and tracing on: every process exports spans over OTLP/HTTP (protobuf) to a sink in this process.
// The bridge's own metrics are always on (they predate this switch). Each round runs every configuration once, in an
// order that rotates per round (the dev server slows as it fills up), after restarting the bridge and the worker
// with the configuration and a warm-up. Prints throughput, latency and CPU per prescription, then the two ratios:
// metrics on ÷ off, and tracing on ÷ off (both with metrics on).
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle.js';
import {
  loadBeforeStart,
  OtherCpuMeter,
  overloadBlock,
  overloadWarnings,
  ratioLine,
  ratioSpread,
} from './reliability.js';
import { childPids, cpuDelta, sampleCpu } from './cpu.js';
import { startBenchStack } from './engine.js';
import { enginePrescription } from './prescriptions.js';
import { formatNumber, machineLine, printTable, runConcurrently, summarize } from './stats.js';

export interface OverheadOptions {
  prescriptions: number;
  concurrency: number;
  rounds: number;
  warmup: number;
  stepDelay: number;
}

interface Configuration {
  name: string;
  env: Record<string, string>;
  /** Scrape the worker's /metrics every 15 s, as Prometheus would. */
  scrape: boolean;
}

const SCRAPE_INTERVAL_MS = 15_000;

/** An OTLP/HTTP endpoint that takes every export and keeps only the count and size: a collector's front door. */
async function startOtlpSink(): Promise<{ endpoint: string; requests: number; bytes: number; close(): void }> {
  const sink = {
    endpoint: '',
    requests: 0,
    bytes: 0,
    close: () => server.close(),
  };
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      sink.bytes += chunk.length;
    });
    request.on('end', () => {
      sink.requests += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}

function rotated<T>(items: readonly T[], by: number): T[] {
  return items.map((_, index) => items[(index + by) % items.length]!);
}

export async function compareObservability(options: OverheadOptions): Promise<void> {
  const machine = loadBeforeStart();
  const sink = await startOtlpSink();
  // Built once: every restart then starts in seconds, as a production worker with its prebuilt bundle does.
  const bundle = join(mkdtempSync(join(tmpdir(), 'fulfill-bench-bundle-')), 'workflow-bundle.js');
  writeFileSync(bundle, await bundleWorkflows());
  const configurations: Configuration[] = [
    { name: 'metrics off, tracing off', env: { WORKER_METRICS_PORT: 'off' }, scrape: false },
    { name: 'metrics on, tracing off', env: { WORKER_METRICS_PORT: '127.0.0.1:0' }, scrape: true },
    {
      name: 'metrics on, tracing on',
      env: {
        WORKER_METRICS_PORT: '127.0.0.1:0',
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      },
      scrape: true,
    },
  ];
  const stack = await startBenchStack(
    { HONEYBEE_WORKFLOW_MODE: 'partner_requested', HONEYBEE_FILL_APPROVAL: 'automatic', WORKFLOW_BUNDLE_PATH: bundle },
    { SANDBOX_STEP_DELAY: String(options.stepDelay), HONEYBEE_WORKFLOW_MODE: 'partner_requested' },
  );
  const prescription = enginePrescription(stack.control, stack.bench.client);
  const throughput = new Map(configurations.map((configuration) => [configuration.name, [] as number[]]));
  const cpu = new Map<string, Record<string, number>>(configurations.map((configuration) => [configuration.name, {}]));
  const counted = new Map(configurations.map((configuration) => [configuration.name, 0]));
  const rows: string[][] = [];
  const exported = new Map(configurations.map((configuration) => [configuration.name, 0]));
  const otherCpu = new OtherCpuMeter();
  try {
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const configuration of rotated(configurations, round - 1)) {
        await stack.restartEngine(configuration.env);
        await runConcurrently(options.warmup, options.concurrency, () => prescription([]));
        const processes = {
          'dev server': childPids(process.pid, 'temporal')[0],
          worker: stack.worker.child.pid,
          bridge: stack.bridge.child.pid,
          'bench (load, sandbox vendors, OTLP sink)': process.pid,
        };
        const metricsUrl = stack.worker.ready.metrics;
        const scraper =
          configuration.scrape && typeof metricsUrl === 'string'
            ? setInterval(() => {
                void fetch(metricsUrl).then((response) => response.text());
                void fetch(`${stack.bridgeUrl}/metrics`).then((response) => response.text());
              }, SCRAPE_INTERVAL_MS)
            : undefined;
        const before = sampleCpu(processes);
        otherCpu.begin();
        const bytesBefore = sink.bytes;
        const { latenciesMs, elapsedMs } = await runConcurrently(options.prescriptions, options.concurrency, () =>
          prescription([]),
        );
        clearInterval(scraper);
        const used = cpuDelta(before, sampleCpu(processes));
        otherCpu.end(Object.values(used).reduce((sum, ms) => sum + ms, 0));
        for (const [name, ms] of Object.entries(used)) {
          const sums = cpu.get(configuration.name)!;
          sums[name] = (sums[name] ?? 0) + ms;
        }
        const perSecond = options.prescriptions / (elapsedMs / 1000);
        throughput.get(configuration.name)!.push(perSecond);
        counted.set(configuration.name, counted.get(configuration.name)! + options.prescriptions);
        exported.set(configuration.name, exported.get(configuration.name)! + sink.bytes - bytesBefore);
        const stats = summarize(latenciesMs);
        rows.push([
          configuration.name,
          String(round),
          formatNumber(perSecond, 1),
          formatNumber(stats.p50, 0),
          formatNumber(stats.p99, 0),
        ]);
        process.stderr.write(`[bench] ${configuration.name}, round ${round}: ${formatNumber(perSecond, 1)}/s\n`);
      }
    }
  } finally {
    await stack.stop();
    sink.close();
  }

  process.stdout.write(
    `# What observability costs end to end (${options.prescriptions} prescriptions × ${options.rounds} rounds per ` +
      `configuration, concurrency ${options.concurrency}, warm-up ${options.warmup} after each restart, sandbox ` +
      `step delay ${options.stepDelay} ms; ${machineLine()})\n\n`,
  );
  printTable(['configuration', 'round', 'prescriptions/s', 'p50 ms', 'p99 ms'], rows);

  process.stdout.write('\n## CPU ms per prescription, by process (measured rounds)\n\n');
  const names = configurations.map((configuration) => configuration.name);
  const processNames = [...new Set(names.flatMap((name) => Object.keys(cpu.get(name)!)))];
  const perPrescription = (name: string, process: string) => (cpu.get(name)![process] ?? 0) / counted.get(name)!;
  printTable(
    ['process', ...names],
    [
      ...processNames.map((process) => [
        process,
        ...names.map((name) => formatNumber(perPrescription(name, process), 1)),
      ]),
      [
        'total',
        ...names.map((name) =>
          formatNumber(
            processNames.reduce((sum, p) => sum + perPrescription(name, p), 0),
            1,
          ),
        ),
      ],
    ],
  );
  const tracedName = configurations[2]!.name;
  process.stdout.write(
    `\nspans exported per prescription: ${formatNumber(exported.get(tracedName)! / counted.get(tracedName)! / 1024, 1)} KiB (OTLP protobuf)\n`,
  );

  // The configuration with everything off is the baseline whose spread tells the machine's noise.
  const warnings = overloadWarnings({
    ...machine,
    otherCpuShare: otherCpu.share(),
    baselineRates: throughput.get(names[0]!)!,
  });
  const spread = (numerator: string, denominator: string) =>
    ratioSpread(throughput.get(numerator)!, throughput.get(denominator)!);
  process.stdout.write(
    `\n${overloadBlock(warnings)}` +
      ratioLine('metrics on ÷ off (target ≥ 0.97)', spread(names[1]!, names[0]!), warnings.length > 0) +
      ratioLine('tracing on ÷ off, metrics on (target ≥ 0.90)', spread(names[2]!, names[1]!), warnings.length > 0),
  );
}
