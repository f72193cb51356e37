// The sandbox clock: follows real time, plus an offset that the control API can push forward. Everything the
// simulators do later (order steps, kit steps, webhook redelivery, outage ends, token expiry) is a task on this clock,
// so a test advances an hour in one call and sees exactly the steps that fall due, in order.

export type ClockTask = () => void | Promise<void>;

interface ScheduledTask {
  key: string;
  at: number;
  seq: number;
  run: ClockTask;
}

export interface PendingTask {
  key: string;
  at: string;
}

const MAX_TIMER_MS = 2_147_000_000;

export class SandboxClock {
  #offsetMs: number;
  readonly #realNow: () => number;
  readonly #tasks = new Map<string, ScheduledTask>();
  readonly #onError: (key: string, error: unknown) => void;
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Due tasks run one at a time, in (due time, scheduling order). */
  #chain: Promise<void> = Promise.resolve();
  #stopped = false;
  /** While a task runs, the clock reads the task's due time, so what it schedules is timed from then. */
  #taskTime: number | undefined;

  constructor(
    options: {
      offsetMs?: number;
      realNow?: () => number;
      onError?: (key: string, error: unknown) => void;
    } = {},
  ) {
    this.#offsetMs = options.offsetMs ?? 0;
    this.#realNow = options.realNow ?? Date.now;
    this.#onError = options.onError ?? (() => undefined);
  }

  now(): number {
    return this.#taskTime ?? this.#realNow() + this.#offsetMs;
  }

  iso(at: number = this.now()): string {
    return new Date(at).toISOString();
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Runs `run` once the clock reaches `at`; a task with the same key is replaced. */
  scheduleAt(key: string, at: number, run: ClockTask): void {
    this.#tasks.set(key, { key, at, seq: this.#seq++, run });
    this.#arm();
  }

  scheduleIn(key: string, delayMs: number, run: ClockTask): void {
    this.scheduleAt(key, this.now() + Math.max(0, delayMs), run);
  }

  cancel(key: string): void {
    if (this.#tasks.delete(key)) this.#arm();
  }

  has(key: string): boolean {
    return this.#tasks.has(key);
  }

  pending(): PendingTask[] {
    return [...this.#tasks.values()]
      .sort((a, b) => a.at - b.at || a.seq - b.seq)
      .map((task) => ({ key: task.key, at: this.iso(task.at) }));
  }

  /** Moves sandbox time forward and runs every task that falls due, including tasks those tasks schedule. */
  async advance(ms: number): Promise<void> {
    if (ms < 0) throw new RangeError('the sandbox clock only moves forward');
    this.#offsetMs += ms;
    await this.runDue();
  }

  /** Runs the tasks due now; resolves once they (and any earlier queued run) have finished. */
  runDue(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#drain());
    return this.#chain;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      const due = this.#nextTask();
      if (!due || due.at > this.now()) break;
      this.#tasks.delete(due.key);
      try {
        // An advance of three hours runs a step due at +1 h as of +1 h: its follow-up is due at +2 h, not +4 h.
        // Only the task's synchronous part sees that time; anything it awaits sees the clock again.
        this.#taskTime = due.at;
        let result: void | Promise<void>;
        try {
          result = due.run();
        } finally {
          this.#taskTime = undefined;
        }
        await result;
      } catch (error) {
        this.#onError(due.key, error);
      }
    }
    this.#arm();
  }

  #nextTask(): ScheduledTask | undefined {
    let next: ScheduledTask | undefined;
    for (const task of this.#tasks.values()) {
      if (!next || task.at < next.at || (task.at === next.at && task.seq < next.seq)) next = task;
    }
    return next;
  }

  #arm(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const next = this.#nextTask();
    if (!next) return;
    const wait = Math.min(Math.max(0, next.at - this.now()), MAX_TIMER_MS);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.runDue();
    }, wait);
    this.#timer.unref();
  }
}
