// A wake-up that events do not reset: the loop arms it for its next deadline, and a timer already pending at or
// before that deadline is reused (it rings early; the loop re-arms for the rest). A stream of events therefore costs
// no timer churn (no cancel and restart per event): one timer per quiet interval, which keeps history and billed
// actions down.
import { sleep } from '@temporalio/workflow';

export class Alarm {
  readonly #pending = new Set<number>();
  #rang = false;

  /** Makes sure a timer rings no later than `atMs` (workflow time). */
  arm(atMs: number, nowMs: number): void {
    for (const pending of this.#pending) if (pending <= atMs) return;
    this.#pending.add(atMs);
    void sleep(Math.max(1, atMs - nowMs)).then(() => {
      this.#pending.delete(atMs);
      this.#rang = true;
    });
  }

  /** A timer rang since the last call. */
  consume(): boolean {
    const rang = this.#rang;
    this.#rang = false;
    return rang;
  }

  get rang(): boolean {
    return this.#rang;
  }
}
