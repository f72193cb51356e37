// A serial background lane for a workflow's outgoing messages (partner notifications, milestone reports): the main
// flow never blocks on a slow partner, messages leave in the order they were queued, and the workflow drains the
// lane before it completes or continues as new. Deterministic: it runs on workflow coroutines only.
//
// A message normally leaves at once (its activity is scheduled by `push`). Lab orders recorded before the lab
// workflow used this lane sent from a coroutine that woke on a condition, so their activity came after whatever else
// the same workflow task scheduled: `startsOnCondition` keeps that order for them (the workflow asks `patched()`).
import { condition } from '@temporalio/workflow';

export interface OutboxOptions {
  /** Send from a coroutine that wakes when something is queued, not from `push` (histories recorded that way). */
  startsOnCondition?: boolean;
}

export class Outbox<T> {
  readonly #queue: T[] = [];
  readonly #send: (item: T) => Promise<void>;
  readonly #startsOnCondition: boolean;
  #running = false;

  constructor(send: (item: T) => Promise<void>, options: OutboxOptions = {}) {
    this.#send = send;
    this.#startsOnCondition = options.startsOnCondition ?? false;
    if (this.#startsOnCondition) void this.#serveOnCondition();
  }

  push(item: T): void {
    this.#queue.push(item);
    if (!this.#running && !this.#startsOnCondition) void this.#drain();
  }

  /** Nothing queued or in flight. */
  idle(): boolean {
    return !this.#running && this.#queue.length === 0;
  }

  /** Items not sent yet (carried across continue-as-new). */
  pending(): T[] {
    return [...this.#queue];
  }

  // Both lanes await `send` inline: how many microtask hops a lane takes decides whether its next activity is
  // scheduled before or after what the main flow schedules in the same workflow task, so recorded histories fix it.

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (let item = this.#queue.shift(); item !== undefined; item = this.#queue.shift()) {
        try {
          await this.#send(item);
        } catch {
          // `send` records its own failures; one lost message must not stop the lane.
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #serveOnCondition(): Promise<void> {
    for (;;) {
      await condition(() => this.#queue.length > 0);
      this.#running = true;
      try {
        await this.#send(this.#queue[0] as T);
      } catch {
        // `send` records its own failures; one lost message must not stop the lane.
      }
      this.#queue.shift();
      this.#running = false;
    }
  }
}
