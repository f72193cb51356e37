// A durable local spool for authentic webhooks that Temporal refused for good (a body over its blob size limit, an
// argument it calls invalid) or that the bridge could not hand over for a reason of its own. Such an event is
// answered 4xx/500 instead of 503, so the vendor stops retrying it: from then on this spool is its only copy.
//
// Layout under the spool directory:
//   bodies/<sha256>   the raw bytes exactly as received (written once per content hash: temp file, fsync, rename,
//                     fsync of the directory), so the event can later be re-driven by its hash
//   index.jsonl       one JSON line per arrival (append, fsync): vendor, topic, why it was refused, when
// Nothing is ever deleted here. A partial last line (a crash mid-append) is skipped when reading.
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const HASH = /^[0-9a-f]{64}$/;

export const spoolEntrySchema = z.object({
  kind: z.literal('parked'),
  /** sha256 of the raw body, hex: the name of its file under bodies/. */
  hash: z.string().regex(HASH),
  vendor: z.enum(['honeybee', 'onegevity']),
  /** Honeybee event_type or Onegevity topic, as the bridge read it (what a re-drive routes by, with the body). */
  topic: z.string().optional(),
  /** The answer the vendor got and its code: e.g. 413 `payload_too_large`. */
  status: z.number().int(),
  code: z.string(),
  /** Why, in words (Temporal's own message where it gave one). */
  reason: z.string(),
  /** The gRPC status Temporal answered with, when it answered. */
  grpcCode: z.number().int().optional(),
  requestId: z.string(),
  receivedAt: z.string(),
  bytes: z.number().int().nonnegative(),
});

export type SpoolEntry = z.infer<typeof spoolEntrySchema>;

export type ParkInput = Omit<SpoolEntry, 'kind' | 'hash' | 'bytes'> & { body: Buffer };

/** One spooled event: every arrival of the same body, grouped. */
export interface SpooledEvent {
  hash: string;
  vendor: SpoolEntry['vendor'];
  topic?: string;
  bytes: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
  arrivals: number;
  /** The latest refusal: status, code and reason. */
  status: number;
  code: string;
  reason: string;
}

export interface SpoolListing {
  events: SpooledEvent[];
  /** Index lines that could not be read (a crash mid-append leaves at most one). */
  unreadableLines: number;
}

export class SpoolLookupError extends Error {
  override name = 'SpoolLookupError';
}

export function bodyHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

export class WebhookSpool {
  readonly directory: string;
  readonly #bodies: string;
  readonly #index: string;
  /** Appends from concurrent requests go one at a time, so index lines never interleave within this process. */
  #appending: Promise<void> = Promise.resolve();
  #ready: Promise<void> | undefined;

  constructor(directory: string) {
    this.directory = directory;
    this.#bodies = join(directory, 'bodies');
    this.#index = join(directory, 'index.jsonl');
  }

  /** Stores the body (once per hash) and records this arrival. Resolves only once both are on disk. */
  async park(input: ParkInput): Promise<SpoolEntry> {
    await this.#ensureDirectories();
    const hash = bodyHash(input.body);
    await this.#writeBodyOnce(hash, input.body);
    const { body, ...rest } = input;
    const entry = spoolEntrySchema.parse({ kind: 'parked', hash, bytes: body.length, ...rest });
    await this.#append(entry);
    return entry;
  }

  async list(): Promise<SpoolListing> {
    const { entries, unreadableLines } = await this.#readIndex();
    const byHash = new Map<string, SpooledEvent>();
    for (const entry of entries) {
      const known = byHash.get(entry.hash);
      if (!known) {
        byHash.set(entry.hash, {
          hash: entry.hash,
          vendor: entry.vendor,
          ...(entry.topic !== undefined ? { topic: entry.topic } : {}),
          bytes: entry.bytes,
          firstReceivedAt: entry.receivedAt,
          lastReceivedAt: entry.receivedAt,
          arrivals: 1,
          status: entry.status,
          code: entry.code,
          reason: entry.reason,
        });
        continue;
      }
      known.arrivals += 1;
      if (entry.receivedAt < known.firstReceivedAt) known.firstReceivedAt = entry.receivedAt;
      if (entry.receivedAt >= known.lastReceivedAt) {
        known.lastReceivedAt = entry.receivedAt;
        known.status = entry.status;
        known.code = entry.code;
        known.reason = entry.reason;
      }
    }
    return { events: [...byHash.values()], unreadableLines };
  }

  /** One event by its hash or an unambiguous prefix of it (at least 8 characters), with every arrival. */
  async show(hashOrPrefix: string): Promise<{ event: SpooledEvent; arrivals: SpoolEntry[] }> {
    const wanted = hashOrPrefix.trim().toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(wanted)) {
      throw new SpoolLookupError('give a spooled body hash (hex, at least its first 8 characters)');
    }
    const { events } = await this.list();
    const matches = events.filter((event) => event.hash.startsWith(wanted));
    if (matches.length === 0) throw new SpoolLookupError(`no spooled event has a hash starting ${wanted}`);
    if (matches.length > 1) {
      throw new SpoolLookupError(`${matches.length} spooled events have a hash starting ${wanted}; give more of it`);
    }
    const event = matches[0]!;
    const { entries } = await this.#readIndex();
    return { event, arrivals: entries.filter((entry) => entry.hash === event.hash) };
  }

  /** The exact bytes of a spooled body, checked against its hash (what a re-drive sends on). */
  async readBody(hash: string): Promise<Buffer> {
    if (!HASH.test(hash)) throw new SpoolLookupError('a body is read by its full sha256 hash');
    let body: Buffer;
    try {
      body = await readFile(join(this.#bodies, hash));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new SpoolLookupError(`the spool has no body ${hash}`);
      }
      throw error;
    }
    if (bodyHash(body) !== hash) throw new Error(`spooled body ${hash} does not match its hash: the file is damaged`);
    return body;
  }

  #ensureDirectories(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.#bodies, { recursive: true, mode: 0o700 });
    })().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #writeBodyOnce(hash: string, body: Buffer): Promise<void> {
    const target = join(this.#bodies, hash);
    if (await exists(target)) return;
    const temp = join(this.#bodies, `.${hash}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(body);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    // Two bridges may race on the same body: rename replaces atomically, and both wrote the same bytes.
    await rename(temp, target);
    await fsyncDirectory(this.#bodies);
  }

  #append(entry: SpoolEntry): Promise<void> {
    const run = this.#appending.then(async () => {
      const created = !(await exists(this.#index));
      const handle = await open(this.#index, 'a+', 0o600);
      try {
        // A crash mid-append leaves a line without its newline: end it, so this entry starts a line of its own.
        const { size } = await handle.stat();
        const last = Buffer.alloc(1);
        if (size > 0) await handle.read(last, 0, 1, size - 1);
        const prefix = size > 0 && last[0] !== 0x0a ? '\n' : '';
        await handle.appendFile(`${prefix}${JSON.stringify(entry)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (created) await fsyncDirectory(this.directory);
    });
    // The chain goes on after a failure; the caller still sees it.
    this.#appending = run.catch(() => undefined);
    return run;
  }

  async #readIndex(): Promise<{ entries: SpoolEntry[]; unreadableLines: number }> {
    let text: string;
    try {
      text = await readFile(this.#index, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], unreadableLines: 0 };
      throw error;
    }
    const entries: SpoolEntry[] = [];
    let unreadableLines = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        unreadableLines += 1;
        continue;
      }
      const entry = spoolEntrySchema.safeParse(parsed);
      if (entry.success) entries.push(entry.data);
      else unreadableLines += 1;
    }
    return { entries, unreadableLines };
  }
}
