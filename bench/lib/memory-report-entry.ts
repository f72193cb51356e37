// A bench-only entry that runs another entry (BENCH_WRAPPED_ENTRY, relative to the project root: the engine's
// workers/worker.ts, or the baseline worker) unchanged, and on SIGWINCH collects garbage in this thread and prints one
// line `{"memoryReport": {...}}` with process.memoryUsage() and VmRSS/RssAnon from /proc/self/status. Production
// code needs no hook for bench:idle-memory this way. SIGWINCH because the Temporal SDK's Runtime shuts the worker down
// on SIGUSR2 (and SIGINT, SIGTERM, SIGQUIT), Node keeps SIGUSR1 for its inspector, and a worker has no terminal.
//
// Workflows run in the SDK's workflow thread, a separate V8 isolate: its heap is not in heapUsed here (Node 20 gives a
// parent no heap figures of a thread it did not create); RSS counts every thread.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PROJECT_ROOT } from '../../src/temporal/binaries.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function procStatusKiB(field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) : undefined;
}

export interface MemoryReport {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** V8's heap limit in this process: the SDK sizes its default sticky cache (maxCachedWorkflows) from it. */
  heapSizeLimitBytes: number;
  vmRssKiB?: number;
  rssAnonKiB?: number;
}

process.on('SIGWINCH', () => {
  gc();
  const usage = process.memoryUsage();
  const vmRssKiB = procStatusKiB('VmRSS');
  const rssAnonKiB = procStatusKiB('RssAnon');
  const report: MemoryReport = {
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
    heapSizeLimitBytes: getHeapStatistics().heap_size_limit,
    ...(vmRssKiB === undefined ? {} : { vmRssKiB }),
    ...(rssAnonKiB === undefined ? {} : { rssAnonKiB }),
  };
  process.stdout.write(`${JSON.stringify({ memoryReport: report })}\n`);
});

const entry = process.env.BENCH_WRAPPED_ENTRY;
if (!entry) throw new Error('BENCH_WRAPPED_ENTRY is required (e.g. workers/worker.ts)');
await import(pathToFileURL(join(PROJECT_ROOT, entry)).href);
