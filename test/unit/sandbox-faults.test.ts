import { describe, expect, it } from 'vitest';
import { SandboxClock } from '../../src/sandbox/clock.js';
import { FaultInjector } from '../../src/sandbox/faults.js';
import { SeededRandom } from '../../src/sandbox/random.js';

function injector(seed = 1) {
  const clock = new SandboxClock({ realNow: () => 0 });
  return { clock, faults: new FaultInjector(clock, SeededRandom.stream(seed, 'faults')) };
}

const createOrder = { method: 'POST', path: '/honeybee/v1/orders', endpoint: 'honeybee.createOrder' };
const getOrder = { method: 'GET', path: '/honeybee/v1/orders/HB12345678', endpoint: 'honeybee.getOrder' };

describe('fault injector', () => {
  it('matches by endpoint name, vendor wildcard, method and path glob', () => {
    const { faults } = injector();
    faults.add({ endpoint: 'honeybee.getOrder', rate503: 1 });
    expect(faults.decide(getOrder).fault?.kind).toBe('503');
    expect(faults.decide(createOrder).fault).toBeUndefined();
    faults.clear();
    faults.add({ endpoint: 'honeybee.*', method: 'post', rate500: 1 });
    expect(faults.decide(createOrder).fault?.kind).toBe('500');
    expect(faults.decide(getOrder).fault).toBeUndefined();
    faults.clear();
    faults.add({ path: '/honeybee/v1/orders/*', rate429: 1, retryAfterSeconds: 9 });
    expect(faults.decide(getOrder).fault).toMatchObject({ kind: '429', retryAfter: '9' });
    expect(faults.decide(createOrder).fault).toBeUndefined();
    expect(faults.decide({ method: 'GET', path: '/honeybee/v1/orders/HB1/actions' }).fault).toBeUndefined();
    faults.clear();
    faults.add({ path: '/honeybee/**', dropRate: 1 });
    expect(faults.decide({ method: 'GET', path: '/honeybee/v1/orders/HB1/actions' }).fault?.kind).toBe('drop');
  });

  it('stops after its limit and after its duration of sandbox time', async () => {
    const { clock, faults } = injector();
    faults.add({ endpoint: 'honeybee.getOrder', rate503: 1, limit: 2 });
    const kinds = Array.from({ length: 3 }, () => faults.decide(getOrder).fault?.kind);
    expect(kinds).toEqual(['503', '503', undefined]);
    expect(faults.list()).toEqual([]);
    faults.add({ endpoint: '*', lostResponseRate: 1, duration: '1m' });
    expect(faults.decide(createOrder).fault?.kind).toBe('lost_response');
    await clock.advance(60_000);
    expect(faults.decide(createOrder).fault).toBeUndefined();
  });

  it('adds the latency of every matching rule and splits one roll across the rates', () => {
    const { faults } = injector(4);
    faults.add({ endpoint: 'honeybee.*', latency: 100 });
    faults.add({ endpoint: 'honeybee.getOrder', latency: '1s', rate503: 0.5, rate429: 0.5 });
    const decisions = Array.from({ length: 200 }, () => faults.decide(getOrder));
    expect(decisions.every((decision) => decision.latencyMs === 1_100)).toBe(true);
    const kinds = new Set(decisions.map((decision) => decision.fault?.kind));
    expect(kinds).toEqual(new Set(['503', '429']));
  });

  it('refuses rules that name nothing, do nothing, or exceed certainty', () => {
    const { faults } = injector();
    expect(() => faults.add({ rate503: 1 })).toThrow(/an endpoint, a path or a webhook event type/);
    expect(() => faults.add({ endpoint: 'honeybee.*' })).toThrow(/rate above 0 or a latency/);
    expect(() => faults.add({ endpoint: 'honeybee.*', rate503: 0.6, rate500: 0.6 })).toThrow(/more than 1/);
    expect(() => faults.add({ endpoint: 'pharmacy.*', rate503: 1 })).toThrow(/unknown endpoint/);
  });

  it('drops the deliveries of one webhook event type for good, at its rate and up to its limit', async () => {
    const { clock, faults } = injector(7);
    faults.add({ webhook: 'RX_RECEIVED', dropRate: 1, limit: 2 });
    // A webhook rule never touches a vendor API request, whatever it matches.
    expect(faults.decide(createOrder)).toEqual({ latencyMs: 0 });
    expect(faults.decideWebhook({ eventType: 'RX_UPDATED' })).toBeUndefined();
    const first = faults.decideWebhook({ eventType: 'RX_RECEIVED' });
    expect(first).toMatch(/^fault-/);
    expect(faults.decideWebhook({ eventType: 'RX_RECEIVED' })).toBe(first);
    expect(faults.decideWebhook({ eventType: 'RX_RECEIVED' })).toBeUndefined();

    faults.add({ webhook: 'order.updated', dropRate: 0.5, duration: '1h' });
    const drops = Array.from({ length: 200 }, () => faults.decideWebhook({ eventType: 'order.updated' }));
    const dropped = drops.filter((decision) => decision !== undefined).length;
    expect(dropped).toBeGreaterThan(50);
    expect(dropped).toBeLessThan(150);
    await clock.advance(3_600_000);
    expect(faults.decideWebhook({ eventType: 'order.updated' })).toBeUndefined();
  });

  it('refuses webhook rules for unknown event types or with anything but dropping', () => {
    const { faults } = injector();
    expect(() => faults.add({ webhook: 'RX_RECIEVED', dropRate: 1 })).toThrow(/unknown webhook event type/);
    expect(() => faults.add({ webhook: 'RX_RECEIVED', dropRate: 1, path: '/honeybee/**' })).toThrow(/only drops/);
    expect(() => faults.add({ webhook: 'RX_RECEIVED', dropRate: 0.5, rate503: 0.5 })).toThrow(/only drops/);
    expect(() => faults.add({ webhook: 'RX_RECEIVED', latency: '1s' })).toThrow(/only drops/);
    expect(faults.list()).toEqual([]);
  });
});
