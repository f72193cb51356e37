// Seeded pseudo-random numbers, so a sandbox started with the same SANDBOX_SEED replays the same patients, ids and
// fault decisions. Each concern draws from its own named stream: a fault roll never shifts the next patient's name.
// (mulberry32: 32 bits of state, enough for a simulator and trivially persisted.)

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class SeededRandom {
  #state: number;

  constructor(state: number) {
    this.#state = state >>> 0;
  }

  /** A stream derived from the sandbox seed and a stream name. */
  static stream(seed: number, name: string): SeededRandom {
    return new SeededRandom(fnv1a(`${seed}:${name}`));
  }

  /** The state to persist; `new SeededRandom(state)` continues the same sequence. */
  get state(): number {
    return this.#state;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chars(length: number, alphabet: string = ALPHANUMERIC): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  hex(length: number): string {
    return this.chars(length, HEX);
  }

  digits(length: number): string {
    return this.chars(length, '0123456789');
  }

  /** A version-4-shaped uuid from this stream. */
  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + Math.floor(this.next() * 4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A new array in a shuffled order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

/** The sandbox's named streams, persisted together. */
export class RandomStreams {
  readonly #seed: number;
  readonly #streams = new Map<string, SeededRandom>();

  constructor(seed: number, saved: Readonly<Record<string, number>> = {}) {
    this.#seed = seed;
    for (const [name, state] of Object.entries(saved)) this.#streams.set(name, new SeededRandom(state));
  }

  get seed(): number {
    return this.#seed;
  }

  stream(name: string): SeededRandom {
    let stream = this.#streams.get(name);
    if (!stream) {
      stream = SeededRandom.stream(this.#seed, name);
      this.#streams.set(name, stream);
    }
    return stream;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#streams].map(([name, stream]) => [name, stream.state]));
  }
}
