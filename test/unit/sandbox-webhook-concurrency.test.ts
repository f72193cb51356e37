// The sandbox sends webhooks the way a vendor's sender pool does: several in flight per target, but the events of
// one order (one subject) one at a time and in the order they happened. A receiver on loopback that answers slowly
// records what overlapped.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxClock } from '../../src/sandbox/clock.js';
import { SeededRandom } from '../../src/sandbox/random.js';
import { WebhookDispatcher, type WebhookEvent } from '../../src/sandbox/webhooks/delivery.js';

interface Arrival {
  subject: string;
  seq: number;
}

async function slowReceiver(answerAfterMs: number) {
  const arrivals: Arrival[] = [];
  const inFlight = new Map<string, number>();
  let total = 0;
  let maxTotal = 0;
  let maxPerSubject = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { subject, seq } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Arrival;
      arrivals.push({ subject, seq });
      total += 1;
      maxTotal = Math.max(maxTotal, total);
      inFlight.set(subject, (inFlight.get(subject) ?? 0) + 1);
      maxPerSubject = Math.max(maxPerSubject, inFlight.get(subject)!);
      setTimeout(() => {
        total -= 1;
        inFlight.set(subject, inFlight.get(subject)! - 1);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }, answerAfterMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    figures: () => ({ maxTotal, maxPerSubject }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function dispatcherFor(url: string, concurrency: number) {
  return new WebhookDispatcher({
    clock: new SandboxClock({}),
    random: new SeededRandom(7),
    sign: () => ({ 'content-type': 'application/json' }),
    policy: { concurrency, maxAttempts: 1, backoffMs: 1_000, backoffMaxMs: 1_000, timeoutMs: 5_000 },
    targets: { honeybee: url, onegevity: url },
  });
}

function event(subject: string | undefined, seq: number): WebhookEvent {
  return {
    vendor: 'honeybee',
    eventType: 'RX_UPDATED',
    ...(subject ? { subject } : {}),
    payload: { subject: subject ?? `none-${seq}`, seq },
  };
}

describe('sandbox webhook concurrency', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('keeps up to `concurrency` deliveries in flight, one per subject, each subject in order', async () => {
    const receiver = await slowReceiver(150);
    close = receiver.close;
    const dispatcher = dispatcherFor(receiver.url, 3);
    const emitted: Arrival[] = [];
    let seq = 0;
    // Interleaved as a vendor would produce them: four orders moving at once, and two events without a subject.
    for (let round = 0; round < 3; round += 1) {
      for (const subject of ['A', 'B', 'C', 'D']) {
        seq += 1;
        emitted.push({ subject, seq });
        dispatcher.emit(event(subject, seq));
      }
    }
    for (let extra = 0; extra < 2; extra += 1) {
      seq += 1;
      emitted.push({ subject: `none-${seq}`, seq });
      dispatcher.emit(event(undefined, seq));
    }
    expect(await dispatcher.waitIdle(20_000)).toBe(true);

    expect(receiver.arrivals).toHaveLength(emitted.length);
    expect(receiver.figures()).toEqual({ maxTotal: 3, maxPerSubject: 1 });
    for (const subject of ['A', 'B', 'C', 'D']) {
      const order = (list: Arrival[]) => list.filter((item) => item.subject === subject).map((item) => item.seq);
      expect(order(receiver.arrivals)).toEqual(order(emitted));
    }
    expect(dispatcher.list().every((delivery) => delivery.state === 'delivered')).toBe(true);
  });

  it('with concurrency 1 sends one webhook at a time, in the order they were emitted', async () => {
    const receiver = await slowReceiver(20);
    close = receiver.close;
    const dispatcher = dispatcherFor(receiver.url, 1);
    for (let seq = 1; seq <= 6; seq += 1) dispatcher.emit(event(seq % 2 === 0 ? 'even' : undefined, seq));
    expect(await dispatcher.waitIdle(20_000)).toBe(true);
    expect(receiver.figures().maxTotal).toBe(1);
    expect(receiver.arrivals.map((arrival) => arrival.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
