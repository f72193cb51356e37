// Whether a benchmark's ratio can be trusted: the median of the per-round ratios with their min and max, and a
// warning when the machine was busy with other work. On a shared 2-core machine another engineer's test run takes CPU
// from one side of a round and not the other, so a ratio measured then says more about the neighbours than the engine.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface RatioSpread {
  median: number;
  min: number;
  max: number;
  /** One ratio per round: engine ÷ baseline of the same round. */
  rounds: number[];
}

/** The ratio of each round (engine ÷ the baseline of the same round, both throughputs) and their median and range. */
export function ratioSpread(engine: readonly number[], baseline: readonly number[]): RatioSpread {
  if (engine.length !== baseline.length) throw new Error('one baseline figure per engine figure');
  const rounds = engine.map((value, index) => value / baseline[index]!);
  return { median: median(rounds), min: Math.min(...rounds), max: Math.max(...rounds), rounds };
}

/** (max − min) ÷ median: 0 when every round gave the same figure. */
export function relativeSpread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  return (Math.max(...values) - Math.min(...values)) / median(values);
}

/** Busy and total CPU time of the whole machine so far, in ms (all cores, from /proc/stat). */
export interface MachineCpu {
  busyMs: number;
  totalMs: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** Parses the aggregate `cpu` line of /proc/stat; idle and iowait are the idle time. */
export function parseProcStat(text: string): MachineCpu | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (!line) return undefined;
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 5 || ticks.some((value) => !Number.isFinite(value))) return undefined;
  const total = ticks.reduce((sum, value) => sum + value, 0);
  const idle = ticks[3]! + ticks[4]!;
  const toMs = (value: number) => (value * 1000) / CLOCK_TICKS_PER_SECOND;
  return { busyMs: toMs(total - idle), totalMs: toMs(total) };
}

export function sampleMachineCpu(): MachineCpu | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The CPU the rest of the machine took while the benchmark measured: the machine's busy time minus the time of the
 * benchmark's own processes, summed over the measured rounds.
 */
export class OtherCpuMeter {
  private busyMs = 0;
  private totalMs = 0;
  private ownMs = 0;
  private started: MachineCpu | undefined;

  begin(): void {
    this.started = sampleMachineCpu();
  }

  /** Ends a measured stretch; `ownCpuMs` is what the benchmark's processes used in it. */
  end(ownCpuMs: number): void {
    const now = sampleMachineCpu();
    if (!this.started || !now) return;
    this.busyMs += now.busyMs - this.started.busyMs;
    this.totalMs += now.totalMs - this.started.totalMs;
    this.ownMs += ownCpuMs;
    this.started = undefined;
  }

  /** The share of all cores (0..1) other processes used, or undefined where /proc/stat is not readable. */
  share(): number | undefined {
    if (this.totalMs <= 0) return undefined;
    return Math.max(0, this.busyMs - this.ownMs) / this.totalMs;
  }
}

export interface LoadEvidence {
  cores: number;
  /** The 1-minute load average before the benchmark started its own processes. */
  loadBeforeStart: number;
  /** The share of all cores other processes used during the measured rounds (OtherCpuMeter). */
  otherCpuShare: number | undefined;
  /** The baseline's throughput in each round: the baseline does not change, so its spread is the machine's noise. */
  baselineRates: readonly number[];
}

export interface OverloadLimits {
  loadPerCore: number;
  otherCpuShare: number;
  baselineSpread: number;
}

export const OVERLOAD_LIMITS: Readonly<OverloadLimits> = {
  /** Load average per core before the start: above it, other work already queued for the CPUs. */
  loadPerCore: 1,
  /** Share of all cores taken by other processes while measuring. */
  otherCpuShare: 0.25,
  /** (max − min) ÷ median of the baseline's rounds. */
  baselineSpread: 0.2,
};

/** One sentence per sign that the machine was too busy for the figures to be compared with a quiet run's. */
export function overloadWarnings(evidence: LoadEvidence, limits: Readonly<OverloadLimits> = OVERLOAD_LIMITS): string[] {
  const warnings: string[] = [];
  const percent = (value: number) => `${Math.round(value * 100)}%`;
  const loadPerCore = evidence.loadBeforeStart / evidence.cores;
  if (loadPerCore > limits.loadPerCore) {
    warnings.push(
      `load average ${evidence.loadBeforeStart.toFixed(2)} on ${evidence.cores} cores before the start ` +
        `(${loadPerCore.toFixed(2)} per core, limit ${limits.loadPerCore})`,
    );
  }
  if (evidence.otherCpuShare !== undefined && evidence.otherCpuShare > limits.otherCpuShare) {
    warnings.push(
      `other processes used ${percent(evidence.otherCpuShare)} of the machine's CPU while measuring ` +
        `(limit ${percent(limits.otherCpuShare)})`,
    );
  }
  const spread = relativeSpread(evidence.baselineRates);
  if (spread > limits.baselineSpread) {
    warnings.push(
      `the baseline's own throughput moved by ${percent(spread)} between rounds (limit ${percent(limits.baselineSpread)})`,
    );
  }
  return warnings;
}

export function loadBeforeStart(): { cores: number; loadBeforeStart: number } {
  return { cores: availableParallelism(), loadBeforeStart: loadavg()[0] ?? 0 };
}

/** The warning lines, empty when there is nothing to warn of. */
export function overloadBlock(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  const lines = ['WARNING: the machine was overloaded; do not compare these figures with a quiet run:'];
  for (const warning of warnings) lines.push(`  - ${warning}`);
  return `${lines.join('\n')}\n`;
}

/** One ratio with its range, marked when the run was overloaded. */
export function ratioLine(label: string, spread: RatioSpread, overloaded: boolean): string {
  const figure = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
  return (
    `ratio: ${label} = ${figure(spread.median)} median of ${spread.rounds.length} rounds ` +
    `(min ${figure(spread.min)}, max ${figure(spread.max)}; rounds ${spread.rounds.map(figure).join(', ')})` +
    `${overloaded ? ' [OVERLOADED]' : ''}\n`
  );
}

/** The closing lines of a benchmark's output: the ratio with its range, and any overload warning above it. */
export function ratioReport(label: string, spread: RatioSpread, warnings: readonly string[]): string {
  return overloadBlock(warnings) + ratioLine(label, spread, warnings.length > 0);
}
