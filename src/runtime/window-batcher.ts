// Calls to Temporal that many activities of one worker make at once, to one workflow (the event feed's minute, the
// sweep's patient registry), gathered for a short window and sent as one: one update or signal, one workflow task and
// a few history events instead of one each. Every caller still waits for its own item's outcome.

/** An item waiting in a batch, with the settlement of its caller's promise. */
export interface Batched<T, R> {
  item: T;
  /** The item's size, for the byte cap. */
  bytes: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface WindowBatching {
  /** How long the first item of a batch waits for others to go with it. */
  windowMs: number;
  /** A batch this long goes at once. */
  maxItems: number;
  /** A batch whose items reach this many bytes goes at once (Temporal refuses payloads over 2 MB). */
  maxBytes: number;
}

export interface WindowBatcherOptions<T, R> extends WindowBatching {
  /** Sends a batch and settles each of its items (one left unsettled is rejected with the error `send` throws). */
  send(batch: Batched<T, R>[]): Promise<void>;
  /** An item's size in bytes (its JSON's, by default). */
  sizeOf?(item: T): number;
}

export class WindowBatcher<T, R> {
  private waiting: Batched<T, R>[] = [];
  private waitingBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WindowBatcherOptions<T, R>) {}

  /** Resolves with the item's outcome once its batch is sent. */
  add(item: T): Promise<R> {
    const bytes = this.options.sizeOf?.(item) ?? Buffer.byteLength(JSON.stringify(item));
    return new Promise<R>((resolve, reject) => {
      if (this.waiting.length > 0 && this.waitingBytes + bytes > this.options.maxBytes) this.flush();
      this.waiting.push({ item, bytes, resolve, reject });
      this.waitingBytes += bytes;
      if (this.waiting.length >= this.options.maxItems || this.waitingBytes >= this.options.maxBytes) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    this.waitingBytes = 0;
    if (batch.length === 0) return;
    // Settling a promise twice does nothing: only the items `send` left unsettled take its error.
    this.options.send(batch).catch((error: unknown) => {
      for (const entry of batch) entry.reject(error);
    });
  }
}
