// CPU time by process, from /proc (Linux): where a benchmark's time goes on a machine where all the processes share
// two cores. Only this benchmark's own processes are read: its children and itself.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process, in ms; undefined once it is gone. */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The children of `parent` whose command name is `name` (e.g. the dev server the SDK started for this process). */
export function childPids(parent: number, name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && comm === name) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

export type CpuSample = Record<string, number>;

/** CPU ms so far of each named process (this process: `self`). */
export function sampleCpu(processes: Record<string, number | undefined>): CpuSample {
  const sample: CpuSample = {};
  for (const [name, pid] of Object.entries(processes)) {
    if (pid === undefined) continue;
    const ms = pid === process.pid ? (process.cpuUsage().user + process.cpuUsage().system) / 1000 : cpuMsOf(pid);
    if (ms !== undefined) sample[name] = ms;
  }
  return sample;
}

export function cpuDelta(before: CpuSample, after: CpuSample): CpuSample {
  return Object.fromEntries(Object.keys(after).map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0)]));
}

/**
 * CPU ms so far of a process and all its children named `childName`, the children that have exited included
 * (cutime/cstime): PostgreSQL's postmaster and the backends it forks per connection.
 */
export function treeCpuMs(pid: number, childName: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    const children = childPids(pid, childName).reduce((sum, child) => sum + (cpuMsOf(child) ?? 0), 0);
    return (own * 1000) / CLOCK_TICKS_PER_SECOND + children;
  } catch {
    return undefined;
  }
}
