// The weak-ETag cache for vendor GETs: the last body seen for a URL and its ETag, so the next GET can send
// If-None-Match and reuse the body on 304. Bounded (least recently used goes first): a long-running worker polls many
// orders. Bodies are kept as raw text and parsed on every use, so a caller mutating a result never changes the cache.

export interface EtagCacheEntry {
  etag: string;
  body: string;
}

export class EtagCache {
  readonly #entries = new Map<string, EtagCacheEntry>();

  constructor(readonly maxEntries: number = 1000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error('EtagCache needs maxEntries ≥ 1');
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): EtagCacheEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: EtagCacheEntry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
