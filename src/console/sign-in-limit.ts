// Failed console sign-ins, counted per client address in this bridge's memory: the sign-in page's and the
// `Authorization` header's alike (one count: either is a way to try a credential). Past CONSOLE_SIGN_IN_RATE_LIMIT
// failures within CONSOLE_SIGN_IN_RATE_WINDOW, every credential from that address is refused until the window ends,
// before it is checked: refusing only wrong ones would still tell a right guess from a wrong one. Sign-ins that
// succeed are not counted, so an operator signing in often never uses the allowance up. Behind a proxy that hides the
// browsers' addresses, they share its one count.

/** More addresses than this: the oldest windows go first, so a flood of addresses cannot grow the map for ever. */
const MAX_ADDRESSES = 10_000;

interface FailureWindow {
  failures: number;
  endsAt: number;
}

export class FailedSignIns {
  readonly #windows = new Map<string, FailureWindow>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `address` may sign in again; undefined when it may now. */
  retryAfterSeconds(address: string): number | undefined {
    const window = this.#current(address);
    if (!window || window.failures < this.limit) return undefined;
    return Math.max(1, Math.ceil((window.endsAt - this.now()) / 1000));
  }

  /** One more refused sign-in from `address`; its window starts at its first failure. */
  recordFailure(address: string): void {
    const window = this.#current(address);
    if (window) {
      window.failures += 1;
      return;
    }
    if (this.#windows.size >= MAX_ADDRESSES) {
      // Insertion order is the order windows started: the first key is the oldest.
      for (const [key, old] of this.#windows) if (old.endsAt <= this.now()) this.#windows.delete(key);
      const oldest = this.#windows.keys().next();
      if (this.#windows.size >= MAX_ADDRESSES && !oldest.done) this.#windows.delete(oldest.value);
    }
    this.#windows.set(address, { failures: 1, endsAt: this.now() + this.windowMs });
  }

  #current(address: string): FailureWindow | undefined {
    const window = this.#windows.get(address);
    if (window && window.endsAt <= this.now()) {
      this.#windows.delete(address);
      return undefined;
    }
    return window;
  }
}
