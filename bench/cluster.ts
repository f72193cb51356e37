// The cluster against the dev server, end to end: the same prescriptions (the sandbox announces each, RX_RECEIVED →
// Delivered through bridge, worker and vendor calls, sandbox step delay 0 unless given) on the production-shaped
// cluster (`fulfill cluster up`: five roles over mTLS on PostgreSQL) and on the dev server (SQLite), in one run, rounds
// alternating. Prints prescriptions per second and latency per side, CPU ms per prescription by process (each cluster
// role, PostgreSQL, the dev server, each side's worker and bridge), and what one prescription costs the cluster
// (docs/CAPACITY.md): history events and bytes, workflow tasks, Temporal actions, PostgreSQL commits, row writes, WAL
// bytes, pages written, database growth; then the idle cluster's own cost per second, and the ratio last.
// Usage: npm run bench:cluster -- --prescriptions=100 --concurrency=16 --rounds=4 --warmup=20 --step-delay=0
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { psql } from '../src/cluster/postgres.js';
import { ROLES } from '../src/cluster/roles.js';
import { startScratchCluster } from '../src/cluster/scratch-cluster.js';
import { ACTION_KINDS, addCounts, countActions, emptyCounts, historyWork, totalActions } from './lib/actions.js';
import { childPids, cpuDelta, sampleCpu, treeCpuMs, type CpuSample } from './lib/cpu.js';
import { startBenchStack, type BenchStack } from './lib/engine.js';
import {
  formatNumber,
  intArg,
  machineLine,
  printTable,
  runConcurrently,
  sidesInRound,
  summarize,
} from './lib/stats.js';
import { historiesOf, waitForResult } from './lib/workflow-results.js';
import type { PrescriptionState } from '../workflows/honeybee/types.js';

const prescriptions = intArg('prescriptions', 100);
const concurrency = intArg('concurrency', 16);
const rounds = intArg('rounds', 4);
const warmup = intArg('warmup', 20);
const stepDelay = intArg('step-delay', 0, 0);
const IDLE_SECONDS = 20;

type Side = 'cluster' | 'dev server';
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const loadBefore = loadavg();
const scratch = await startScratchCluster((line) => log(`cluster: ${line}`));
const { cluster } = scratch;
const engineEnv = { HONEYBEE_WORKFLOW_MODE: 'partner_requested', HONEYBEE_FILL_APPROVAL: 'automatic' };
const sandboxEnv = { SANDBOX_STEP_DELAY: String(stepDelay), HONEYBEE_WORKFLOW_MODE: 'partner_requested' };
const stacks = {} as Record<Side, BenchStack>;

/** One prescription: announced by the sandbox's RX_RECEIVED webhook, run to its end. */
async function prescription(stack: BenchStack, record: string[]): Promise<void> {
  const scenario = await stack.control.runScenario('happy-path', { refills: 0 });
  const id = scenario.prescriptionIds?.[0];
  if (id === undefined) throw new Error('the happy-path scenario made no prescription');
  const state = await waitForResult<PrescriptionState>(stack.bench.client, `honeybee-rx-${id}`);
  if (state.stage !== 'COMPLETED' || state.fillsDelivered !== 1) {
    throw new Error(`prescription ${id} ended ${state.stage} with ${state.fillsDelivered} fill(s)`);
  }
  record.push(String(id));
}

async function timedRound(side: Side, label: string, count: number) {
  const ids: string[] = [];
  const { latenciesMs, elapsedMs } = await runConcurrently(count, concurrency, () => prescription(stacks[side], ids));
  log(`${label}: ${count} in ${formatNumber(elapsedMs / 1000, 1)} s`);
  return { perSecond: count / (elapsedMs / 1000), elapsedMs, ...summarize(latenciesMs), ids };
}

interface DatabaseSample {
  commits: number;
  inserted: number;
  updated: number;
  deleted: number;
  walBytes: number;
  /** WAL writes and fsyncs: the database's own write operations to its log (what IOPS budgets count). */
  walWrites: number;
  walSyncs: number;
  pagesWritten: number;
  temporalBytes: number;
  visibilityBytes: number;
}

const query = (sql: string, database = 'temporal') =>
  psql(cluster.postgres, cluster.state.postgres.password, database, sql);

/**
 * Both databases' size once compacted (VACUUM FULL rewrites every table without its dead rows): the difference over
 * the measured rounds is what their prescriptions keep on disk, without the bloat autovacuum would reclaim in time.
 */
async function compactSizes(): Promise<{ temporal: number; visibility: number }> {
  await query('VACUUM FULL');
  await query('VACUUM FULL', 'temporal_visibility');
  const [temporal, visibility] = (
    await query("SELECT pg_database_size('temporal'), pg_database_size('temporal_visibility')")
  )
    .split('|')
    .map(Number);
  return { temporal: temporal!, visibility: visibility! };
}

/**
 * Cumulative PostgreSQL counters of both Temporal databases (the WAL position as bytes since its origin). A checkpoint
 * first, so the data pages dirtied so far count as written.
 */
async function sampleDatabase(): Promise<DatabaseSample> {
  await query('CHECKPOINT');
  const [stats, wal, walIo, pages, sizes] = await Promise.all([
    query(
      "SELECT sum(xact_commit), sum(tup_inserted), sum(tup_updated), sum(tup_deleted) FROM pg_stat_database WHERE datname IN ('temporal', 'temporal_visibility')",
    ),
    query("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"),
    query('SELECT wal_write, wal_sync FROM pg_stat_wal'),
    query('SELECT buffers_checkpoint + buffers_clean + buffers_backend FROM pg_stat_bgwriter'),
    query("SELECT pg_database_size('temporal'), pg_database_size('temporal_visibility')"),
  ]);
  const [commits, inserted, updated, deleted] = stats.split('|').map(Number);
  const [temporalBytes, visibilityBytes] = sizes.split('|').map(Number);
  const [walWrites, walSyncs] = walIo.split('|').map(Number);
  return {
    commits: commits!,
    inserted: inserted!,
    updated: updated!,
    deleted: deleted!,
    walBytes: Number(wal),
    walWrites: walWrites!,
    walSyncs: walSyncs!,
    pagesWritten: Number(pages),
    temporalBytes: temporalBytes!,
    visibilityBytes: visibilityBytes!,
  };
}

function databaseDelta(before: DatabaseSample, after: DatabaseSample): DatabaseSample {
  return Object.fromEntries(
    Object.keys(after).map((key) => [key, after[key as keyof DatabaseSample] - before[key as keyof DatabaseSample]]),
  ) as unknown as DatabaseSample;
}

function addDatabase(into: DatabaseSample, delta: DatabaseSample): void {
  for (const key of Object.keys(into) as (keyof DatabaseSample)[]) into[key] += delta[key];
}

/** CPU of every process of one side (and of this process, which holds both sandboxes and the load). */
function sampleSide(side: Side): CpuSample {
  const stack = stacks[side];
  const own: Record<string, number | undefined> = {
    [`engine worker (${side})`]: stack.worker.child.pid,
    [`engine bridge (${side})`]: stack.bridge.child.pid,
  };
  if (side === 'dev server') return sampleCpu({ 'Temporal dev server': childPids(process.pid, 'temporal')[0], ...own });
  const roles = Object.fromEntries(
    ROLES.map((role) => [`Temporal ${role === 'worker' ? 'worker role' : role}`, cluster.state.pids[role]]),
  );
  const postmaster = cluster.postgres.pid();
  const postgres = postmaster === undefined ? undefined : treeCpuMs(postmaster, 'postgres');
  return { ...sampleCpu({ ...roles, ...own }), ...(postgres === undefined ? {} : { PostgreSQL: postgres }) };
}

/** Bytes of every file under `dir` (the archive: one file per history, one per visibility record). */
function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).reduce((sum, name) => {
    const stat = statSync(join(dir, name));
    return sum + (stat.isFile() ? stat.size : 0);
  }, 0);
}

/** Histories of a side's prescriptions and their orders: events, bytes, workflow tasks, actions. */
async function tallyHistories(client: Client, ids: string[]) {
  const totals = { events: 0, bytes: 0, workflowTasks: 0, actions: emptyCounts() };
  await runConcurrently(ids.length, 8, async (index) => {
    const rx = `honeybee-rx-${ids[index]}`;
    const state = await client.workflow.getHandle<() => Promise<PrescriptionState>>(rx).result();
    const workflowIds = [rx, ...state.recordedOrders.map((order) => `honeybee-order-${order}`)];
    for (const workflowId of workflowIds) {
      for (const history of await historiesOf(client, workflowId)) {
        const work = historyWork(history);
        totals.events += work.events;
        totals.bytes += work.bytes;
        totals.workflowTasks += work.workflowTasks;
        addCounts(totals.actions, countActions(history));
      }
    }
  });
  return totals;
}

try {
  stacks.cluster = await startBenchStack(engineEnv, sandboxEnv, {}, cluster.clientEnv());
  stacks['dev server'] = await startBenchStack(engineEnv, sandboxEnv);

  // The idle cluster's own cost (shard leases, queue polls, membership): part of every figure below, and of no use.
  const idleCpuBefore = sampleSide('cluster');
  const idleDbBefore = await sampleDatabase();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const idleCpu = cpuDelta(idleCpuBefore, sampleSide('cluster'));
  const idleDb = databaseDelta(idleDbBefore, await sampleDatabase());

  for (const side of ['cluster', 'dev server'] as const) await timedRound(side, `${side} warm-up`, warmup);
  const compactBefore = await compactSizes();

  const cpu: Record<Side, CpuSample> = { cluster: {}, 'dev server': {} };
  const database: DatabaseSample = databaseDelta(idleDbBefore, idleDbBefore);
  const throughput: Record<Side, number[]> = { cluster: [], 'dev server': [] };
  const measured: Record<Side, string[]> = { cluster: [], 'dev server': [] };
  let clusterSeconds = 0;
  const rows: string[][] = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const side of sidesInRound(round, 'cluster' as const, 'dev server' as const)) {
      const cpuBefore = sampleSide(side);
      const dbBefore = side === 'cluster' ? await sampleDatabase() : undefined;
      const result = await timedRound(side, `${side} round ${round}`, prescriptions);
      for (const [name, ms] of Object.entries(cpuDelta(cpuBefore, sampleSide(side)))) {
        cpu[side][name] = (cpu[side][name] ?? 0) + ms;
      }
      if (dbBefore) addDatabase(database, databaseDelta(dbBefore, await sampleDatabase()));
      if (side === 'cluster') clusterSeconds += result.elapsedMs / 1000;
      throughput[side].push(result.perSecond);
      measured[side].push(...result.ids);
      rows.push([
        side,
        String(round),
        formatNumber(result.perSecond, 1),
        formatNumber(result.p50, 0),
        formatNumber(result.p99, 0),
      ]);
    }
  }
  const compactAfter = await compactSizes();
  // Every closed workflow is archived within the archive delay (10 s): the cluster's prescriptions, warm-up included.
  await new Promise((resolve) => setTimeout(resolve, 20_000));
  const archivePerPrescription = bytesUnder(cluster.archivalDir) / (warmup + rounds * prescriptions);
  const history = await tallyHistories(stacks.cluster.bench.client, measured.cluster);
  const count = { cluster: measured.cluster.length, 'dev server': measured['dev server'].length };
  const loadAfter = loadavg();

  process.stdout.write(
    `# Cluster vs dev server, end to end (${prescriptions} prescriptions × ${rounds} rounds per side, concurrency ` +
      `${concurrency}, sandbox step delay ${stepDelay} ms; cluster ${cluster.state.version}, 5 roles, mTLS, ` +
      `PostgreSQL; ${machineLine()}; load average ${loadBefore.map((l) => formatNumber(l, 2)).join(' ')} before, ` +
      `${loadAfter.map((l) => formatNumber(l, 2)).join(' ')} after)\n\n`,
  );
  printTable(['Temporal', 'round', 'prescriptions/s', 'p50 ms', 'p99 ms'], rows);

  process.stdout.write('\n## CPU ms per prescription, by process (measured rounds; 2 cores shared by all)\n\n');
  // Above idle: minus what the idle cluster spends in the time the cluster's rounds took (its fixed cost).
  const idleShare = (name: string) => ((idleCpu[name] ?? 0) / IDLE_SECONDS) * clusterSeconds;
  const cpuRows = (side: Side) => {
    const aboveIdle = (name: string, ms: number) =>
      side === 'cluster' ? formatNumber((ms - idleShare(name)) / count[side], 1) : '';
    const entries = Object.entries(cpu[side]).map(([name, ms]) => [
      name,
      formatNumber(ms / count[side], 1),
      aboveIdle(name, ms),
    ]);
    const total = Object.values(cpu[side]).reduce((sum, ms) => sum + ms, 0);
    const idle = Object.keys(cpu[side]).reduce((sum, name) => sum + idleShare(name), 0);
    return [
      ...entries,
      [
        `total (${side})`,
        formatNumber(total / count[side], 1),
        side === 'cluster' ? formatNumber((total - idle) / count[side], 1) : '',
      ],
    ];
  };
  printTable(['process', 'CPU ms per prescription', 'above idle'], [...cpuRows('cluster'), ...cpuRows('dev server')]);

  process.stdout.write('\n## What one prescription costs the cluster (measured rounds)\n\n');
  const per = (value: number, digits = 1) => formatNumber(value / count.cluster, digits);
  const aboveIdle = (key: keyof DatabaseSample, scale = 1, digits = 1) =>
    formatNumber((database[key] - (idleDb[key] / IDLE_SECONDS) * clusterSeconds) / scale / count.cluster, digits);
  printTable(
    ['figure', 'per prescription', 'above idle (growth: compacted)'],
    [
      ['history events (prescription + order workflows)', per(history.events), ''],
      ['history KiB (encoded, payloads encrypted)', per(history.bytes / 1024, 2), ''],
      ['workflow tasks', per(history.workflowTasks), ''],
      ['Temporal actions (Cloud billing rule, bench/lib/actions.ts)', per(totalActions(history.actions), 2), ''],
      ...ACTION_KINDS.filter((kind) => history.actions[kind] > 0).map((kind) => [
        `  … ${kind}`,
        per(history.actions[kind], 2),
        '',
      ]),
      ['PostgreSQL transactions, reads included (both databases)', per(database.commits), aboveIdle('commits')],
      ['rows inserted', per(database.inserted), aboveIdle('inserted')],
      ['rows updated', per(database.updated), aboveIdle('updated')],
      ['rows deleted', per(database.deleted), aboveIdle('deleted')],
      ['WAL KiB', per(database.walBytes / 1024), aboveIdle('walBytes', 1024)],
      ['WAL writes', per(database.walWrites), aboveIdle('walWrites')],
      ['WAL fsyncs', per(database.walSyncs), aboveIdle('walSyncs')],
      ['data pages written (8 KiB)', per(database.pagesWritten, 2), aboveIdle('pagesWritten', 1, 2)],
      [
        'database growth KiB: temporal',
        per(database.temporalBytes / 1024),
        per((compactAfter.temporal - compactBefore.temporal) / 1024),
      ],
      [
        'database growth KiB: temporal_visibility',
        per(database.visibilityBytes / 1024),
        per((compactAfter.visibility - compactBefore.visibility) / 1024),
      ],
      ['archive KiB (history and visibility, filestore JSON)', formatNumber(archivePerPrescription / 1024, 1), ''],
    ],
  );

  process.stdout.write(`\n## The idle cluster, per second (${IDLE_SECONDS} s without load)\n\n`);
  printTable(
    ['figure', 'per second'],
    [
      ...Object.entries(idleCpu).map(([name, ms]) => [`CPU ms ${name}`, formatNumber(ms / IDLE_SECONDS, 1)]),
      ['PostgreSQL transactions, reads included', formatNumber(idleDb.commits / IDLE_SECONDS, 1)],
      ['WAL fsyncs', formatNumber(idleDb.walSyncs / IDLE_SECONDS, 1)],
      ['rows updated', formatNumber(idleDb.updated / IDLE_SECONDS, 1)],
      ['WAL KiB', formatNumber(idleDb.walBytes / 1024 / IDLE_SECONDS, 1)],
      ['data pages written (8 KiB)', formatNumber(idleDb.pagesWritten / IDLE_SECONDS, 2)],
    ],
  );

  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  process.stdout.write(
    `\nratio: cluster prescriptions/s / dev server prescriptions/s = ` +
      `${formatNumber(mean(throughput.cluster) / mean(throughput['dev server']), 2)} (rounds: ` +
      `${throughput.cluster.map((value, i) => formatNumber(value / (throughput['dev server'][i] ?? NaN), 2)).join(', ')})\n`,
  );
} finally {
  await Promise.all(Object.values(stacks).map((stack) => stack.stop()));
  await scratch.dispose();
}
