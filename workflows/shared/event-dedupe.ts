// De-duplication of vendor events by event id, with bounded memory: the last N ids are kept (and carried across
// continue-as-new), which covers any realistic redelivery window while keeping workflow state small.

export const EVENT_DEDUPE_CAPACITY = 200;

export class EventDedupe {
  readonly #order: string[];
  readonly #ids: Set<string>;
  readonly #capacity: number;

  constructor(initial: readonly string[] = [], capacity = EVENT_DEDUPE_CAPACITY) {
    this.#capacity = capacity;
    this.#order = initial.slice(-capacity);
    this.#ids = new Set(this.#order);
  }

  has(eventId: string): boolean {
    return this.#ids.has(eventId);
  }

  /** Records the id; false when it was already seen (a duplicate). */
  add(eventId: string): boolean {
    if (this.#ids.has(eventId)) return false;
    this.#order.push(eventId);
    this.#ids.add(eventId);
    while (this.#order.length > this.#capacity) {
      const oldest = this.#order.shift();
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.#order.length;
  }

  /** The ids to carry into the next run, oldest first. */
  snapshot(): string[] {
    return [...this.#order];
  }
}
