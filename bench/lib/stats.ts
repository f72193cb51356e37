// Small statistics and table printing for the benchmarks. Figures are only comparable within one run on a shared
// 2-core machine, so every benchmark prints a baseline beside the engine and the ratio last.

export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const index = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAscending.length) - 1));
  return sortedAscending[index]!;
}

export function summarize(samplesMs: readonly number[]) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    mean: sum / Math.max(1, sorted.length),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export function formatNumber(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Prints a markdown table (so it pastes into docs/PERFORMANCE.md as is). */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`${line(headers)}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

export function machineLine(): string {
  return `node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Runs `task` for each of `count` items with at most `concurrency` in flight; returns per-item latencies (ms). */
export async function runConcurrently(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<{ latenciesMs: number[]; elapsedMs: number }> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let index = next++; index < count; index = next++) {
        const begin = performance.now();
        await task(index);
        latenciesMs.push(performance.now() - begin);
      }
    }),
  );
  return { latenciesMs, elapsedMs: performance.now() - started };
}

export function intArg(name: string, fallback: number, min = 1): number {
  const prefix = `--${name}=`;
  const raw = process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`--${name} must be an integer ≥ ${min}\n`);
    process.exit(2);
  }
  return value;
}

/**
 * The order of the two sides in a round, alternating (ABBA): the dev server slows as it fills up with the
 * workflows every round leaves, so the side that always ran second would always run on the fuller server.
 */
export function sidesInRound<T>(round: number, first: T, second: T): [T, T] {
  return round % 2 === 1 ? [first, second] : [second, first];
}
