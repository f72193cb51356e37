// The bridge's webhook spool on a real directory: bodies written once by content hash and read back byte for byte,
// one index line per arrival, listing grouped by body, lookup by hash prefix, and a torn last line survived.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bodyHash, SpoolLookupError, WebhookSpool, type ParkInput } from '../../../src/spool/webhook-spool.js';

function spool() {
  const directory = join(mkdtempSync(join(tmpdir(), 'spool-test-')), 'webhook-spool');
  return { directory, spool: new WebhookSpool(directory) };
}

function arrival(body: Buffer, overrides: Partial<ParkInput> = {}): ParkInput {
  return {
    vendor: 'honeybee',
    topic: 'RX_RECEIVED',
    status: 413,
    code: 'payload_too_large',
    reason: 'INVALID_ARGUMENT: Blob data size exceeds limit.',
    grpcCode: 3,
    requestId: 'req-1',
    receivedAt: '2026-12-06T10:00:00.000Z',
    body,
    ...overrides,
  };
}

describe('WebhookSpool', () => {
  it('keeps the exact bytes once per body and records every arrival', async () => {
    const { directory, spool: store } = spool();
    // Not valid UTF-8 and with a trailing newline: the spool stores bytes, never text.
    const body = Buffer.concat([
      Buffer.from('{"event_id":"e-1","pad":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n'),
    ]);
    const first = await store.park(arrival(body));
    expect(first).toMatchObject({ kind: 'parked', hash: bodyHash(body), bytes: body.length, vendor: 'honeybee' });
    await store.park(arrival(body, { requestId: 'req-2', receivedAt: '2026-12-06T10:05:00.000Z', status: 422 }));

    expect(readdirSync(join(directory, 'bodies'))).toEqual([first.hash]);
    expect(readFileSync(join(directory, 'bodies', first.hash)).equals(body)).toBe(true);
    expect(statSync(join(directory, 'bodies', first.hash)).mode & 0o777).toBe(0o600);
    expect((await store.readBody(first.hash)).equals(body)).toBe(true);
    const lines = readFileSync(join(directory, 'index.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { requestId: string }).requestId)).toEqual(['req-1', 'req-2']);

    const listing = await store.list();
    expect(listing).toEqual({
      unreadableLines: 0,
      events: [
        {
          hash: first.hash,
          vendor: 'honeybee',
          topic: 'RX_RECEIVED',
          bytes: body.length,
          firstReceivedAt: '2026-12-06T10:00:00.000Z',
          lastReceivedAt: '2026-12-06T10:05:00.000Z',
          arrivals: 2,
          status: 422,
          code: 'payload_too_large',
          reason: 'INVALID_ARGUMENT: Blob data size exceeds limit.',
        },
      ],
    });
  });

  it('finds an event by an unambiguous hash prefix, with its arrivals, and refuses bad lookups', async () => {
    const { spool: store } = spool();
    const a = await store.park(arrival(Buffer.from('{"a":1}')));
    await store.park(arrival(Buffer.from('{"b":2}'), { vendor: 'onegevity', topic: 'order.updated' }));
    const shown = await store.show(a.hash.slice(0, 10).toUpperCase());
    expect(shown.event.hash).toBe(a.hash);
    expect(shown.arrivals).toHaveLength(1);
    await expect(store.show('zz')).rejects.toBeInstanceOf(SpoolLookupError);
    await expect(store.show('0123456789abcdef')).rejects.toThrow(/no spooled event/);
    await expect(store.readBody('a'.repeat(64))).rejects.toThrow(/no body/);
    await expect(store.readBody('../index.jsonl')).rejects.toBeInstanceOf(SpoolLookupError);
  });

  it('detects a damaged body file instead of handing it on', async () => {
    const { directory, spool: store } = spool();
    const { hash } = await store.park(arrival(Buffer.from('{"c":3}')));
    writeFileSync(join(directory, 'bodies', hash), '{"c":4}');
    await expect(store.readBody(hash)).rejects.toThrow(/does not match its hash/);
  });

  it('survives a torn last index line: the next arrival starts a line of its own', async () => {
    const { directory, spool: store } = spool();
    await store.park(arrival(Buffer.from('{"d":1}')));
    appendFileSync(join(directory, 'index.jsonl'), '{"kind":"parked","hash":"ab');
    await store.park(arrival(Buffer.from('{"d":2}')));
    const listing = await store.list();
    expect(listing.unreadableLines).toBe(1);
    expect(listing.events).toHaveLength(2);
  });

  it('records concurrent arrivals of many bodies without losing or interleaving a line', async () => {
    const { spool: store } = spool();
    const bodies = Array.from({ length: 40 }, (_, index) => Buffer.from(`{"n":${index % 10}}`));
    await Promise.all(bodies.map((body, index) => store.park(arrival(body, { requestId: `r-${index}` }))));
    const listing = await store.list();
    expect(listing.unreadableLines).toBe(0);
    expect(listing.events).toHaveLength(10);
    expect(listing.events.every((event) => event.arrivals === 4)).toBe(true);
  });
});
