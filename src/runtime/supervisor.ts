// Keeps `fulfill dev`'s children running: a child that exits while nobody asked it to is named in one line with its
// exit code or signal and started again after a backoff; one that keeps failing (RestartPolicy: so many failures
// within a window, or in a row without becoming ready again) makes the supervisor give up, so dev stops everything
// and exits non-zero instead of pretending.
import type { EngineProcess } from './child-process.js';

export interface RestartPolicy {
  /**
   * Failures (unexpected exits and failed restarts) of one child that make the supervisor give up: within `windowMs`,
   * or in a row without the child becoming ready in between (however long its starts take on a slow machine).
   */
  maxFailures: number;
  windowMs: number;
  /** The first restart waits this long; each further failure in the window doubles it, up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEV_RESTART_POLICY: RestartPolicy = {
  maxFailures: 5,
  windowMs: 60_000,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
};

export type RestartDecision =
  | { giveUp: false; delayMs: number; failuresInWindow: number; failuresInARow: number }
  | { giveUp: true; failuresInWindow: number; failuresInARow: number };

/** One child's failures: what to do after the latest one. Pure, so the policy is unit-tested. */
export class RestartBudget {
  private failures: number[] = [];
  private failuresInARow = 0;

  constructor(private readonly policy: RestartPolicy) {}

  recordFailure(now: number): RestartDecision {
    this.failures = [...this.failures.filter((at) => now - at < this.policy.windowMs), now];
    this.failuresInARow += 1;
    const failuresInWindow = this.failures.length;
    const failuresInARow = this.failuresInARow;
    if (Math.max(failuresInWindow, failuresInARow) >= this.policy.maxFailures) {
      return { giveUp: true, failuresInWindow, failuresInARow };
    }
    const doublings = Math.max(failuresInWindow, failuresInARow) - 1;
    const delayMs = Math.min(this.policy.initialDelayMs * 2 ** doublings, this.policy.maxDelayMs);
    return { giveUp: false, delayMs, failuresInWindow, failuresInARow };
  }

  /** The child started and became ready: failures before it no longer count as in a row. */
  recordReady(): void {
    this.failuresInARow = 0;
  }
}

/** `exit code 1`, `signal SIGKILL`: how a process ended, for one log line. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal ${signal}`;
  return `exit code ${String(code)}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

export interface SupervisedChild {
  name: string;
  /** Starts the process and resolves once it is ready (startEngineProcess); called again for every restart. */
  start(): Promise<EngineProcess>;
}

export interface SupervisorOptions {
  policy?: RestartPolicy;
  /** One line about a child (started, exited, restarting, gave up). */
  report(line: string): void;
  /** Called once, when a child has failed too often: the caller stops everything. */
  onGiveUp(reason: string): void;
  /**
   * How long to wait after an exit before calling it unexpected: Ctrl-C signals the whole process group, and a child
   * may exit a moment before the supervisor's own SIGINT handler runs.
   */
  settleMs?: number;
  now?: () => number;
}

interface Slot {
  child: SupervisedChild;
  budget: RestartBudget;
  running?: EngineProcess;
  /** A restart under way: stopAll waits for it and stops what it started. */
  restarting?: Promise<EngineProcess>;
}

export class ProcessSupervisor {
  private readonly slots: Slot[] = [];
  private stopping = false;
  private readonly policy: RestartPolicy;
  private readonly wakeUps = new Set<() => void>();

  constructor(private readonly options: SupervisorOptions) {
    this.policy = options.policy ?? DEV_RESTART_POLICY;
  }

  /** Starts a child for the first time (a failure here is the caller's: nothing is running yet to supervise). */
  async start(child: SupervisedChild): Promise<EngineProcess> {
    const slot: Slot = { child, budget: new RestartBudget(this.policy) };
    const process = await child.start();
    this.slots.push(slot);
    this.adopt(slot, process);
    return process;
  }

  /** Stops every child, last started first, and cancels pending restarts. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakeUps) wake();
    for (const slot of [...this.slots].reverse()) {
      const restarted = await slot.restarting?.catch(() => undefined);
      await restarted?.stop();
      await slot.running?.stop();
    }
  }

  private adopt(slot: Slot, process: EngineProcess): void {
    slot.running = process;
    this.options.report(`${slot.child.name} running (pid ${String(process.child.pid)})`);
    void process.exited.then(() => this.onExit(slot, process));
  }

  /** Resolves after `ms`, or at once when stopAll begins. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeUps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakeUps.add(wake);
    });
  }

  private async onExit(slot: Slot, process: EngineProcess): Promise<void> {
    if (slot.running !== process) return;
    slot.running = undefined;
    await this.sleep(this.options.settleMs ?? 250);
    if (this.stopping) return;
    let what = `${slot.child.name} exited unexpectedly (${describeExit(process.child.exitCode, process.child.signalCode)})`;
    for (;;) {
      const decision = slot.budget.recordFailure((this.options.now ?? Date.now)());
      if (decision.giveUp) {
        const howOften =
          decision.failuresInARow >= this.policy.maxFailures
            ? `${decision.failuresInARow} times in a row`
            : `${decision.failuresInWindow} times within ${seconds(this.policy.windowMs)}`;
        const reason = `${what}; it failed ${howOften}, so the engine is stopping`;
        this.options.onGiveUp(reason);
        return;
      }
      this.options.report(`${what}; restarting it in ${seconds(decision.delayMs)}`);
      await this.sleep(decision.delayMs);
      if (this.stopping) return;
      slot.restarting = slot.child.start();
      try {
        const restarted = await slot.restarting;
        if (this.stopping) {
          await restarted.stop();
          return;
        }
        slot.budget.recordReady();
        this.adopt(slot, restarted);
        return;
      } catch (error) {
        if (this.stopping) return;
        const firstLine = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
        what = `${slot.child.name} failed to restart (${firstLine.replace(/:$/, '')})`;
      } finally {
        slot.restarting = undefined;
      }
    }
  }
}
