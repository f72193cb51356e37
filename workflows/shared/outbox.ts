// A serial background lane for a workflow's outgoing messages (partner notifications, milestone reports): the main
// flow never blocks on a slow partner, messages leave in the order they were queued, and the workflow drains the
// lane before it completes or continues as new. Deterministic: it runs on workflow coroutines only.

export class Outbox<T> {
  readonly #queue: T[] = [];
  readonly #send: (item: T) => Promise<void>;
  #running = false;

  constructor(send: (item: T) => Promise<void>) {
    this.#send = send;
  }

  push(item: T): void {
    this.#queue.push(item);
    if (!this.#running) void this.#drain();
  }

  /** Nothing queued or in flight. */
  idle(): boolean {
    return !this.#running && this.#queue.length === 0;
  }

  /** Items not sent yet (carried across continue-as-new). */
  pending(): T[] {
    return [...this.#queue];
  }

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
}
