// Fault injection per endpoint: rules say which requests (endpoint name or wildcard, method, path glob) get which
// faults (429 with Retry-After, 503, 500, a dropped connection, a lost response, added latency) at what rate, for how
// long (sandbox time) and how many times. A rule may instead name a webhook event type or topic: its deliveries are
// dropped for good (never sent, never redelivered), as when a vendor gives up on an event while the receiver is down.
// Decisions come from the seeded `faults` stream, so a run replays.
import { z } from 'zod';
import { HoneybeeEventType } from '../vendors/honeybee/webhook-events.js';
import { ONEGEVITY_TOPICS } from '../vendors/onegevity/webhook-events.js';
import type { SandboxClock } from './clock.js';
import { durationInput } from './durations.js';
import { endpointNameMatches, isKnownEndpointPattern } from './endpoints.js';
import type { SeededRandom } from './random.js';

const rate = z.number().min(0).max(1);

/** Event types and topics the sandbox sends, so a typo in a webhook rule is refused instead of matching nothing. */
const WEBHOOK_EVENT_TYPES: ReadonlySet<string> = new Set([...Object.values(HoneybeeEventType), ...ONEGEVITY_TOPICS]);

export const faultRuleInput = z
  .strictObject({
    /** An endpoint name (`honeybee.createOrder`), a vendor wildcard (`honeybee.*`) or `*` (every vendor endpoint). */
    endpoint: z
      .string()
      .refine(isKnownEndpointPattern, { message: 'unknown endpoint (GET /__sandbox/endpoints lists them)' })
      .optional(),
    method: z
      .string()
      .transform((value) => value.toUpperCase())
      .pipe(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']))
      .optional(),
    /** A path glob under the sandbox root: `*` is one segment, `**` any number, e.g. `/honeybee/v1/orders/*`. */
    path: z.string().startsWith('/').optional(),
    /** A webhook event type or topic (`RX_RECEIVED`, `order.updated`): `dropRate` of its deliveries are never sent. */
    webhook: z
      .string()
      .refine((value) => WEBHOOK_EVENT_TYPES.has(value), {
        message: `unknown webhook event type (one of ${[...WEBHOOK_EVENT_TYPES].join(', ')})`,
      })
      .optional(),
    rate429: rate.default(0),
    rate503: rate.default(0),
    rate500: rate.default(0),
    /** The connection is closed before the request is handled: nothing happens at the vendor. */
    dropRate: rate.default(0),
    /** The request is handled, then the connection is closed before the answer: the client cannot tell. */
    lostResponseRate: rate.default(0),
    /** Added before the request is handled (real time, so a client's timeout sees it). */
    latency: durationInput.default(0),
    retryAfterSeconds: z.number().int().min(0).default(1),
    /** How a 429's Retry-After is written: delay-seconds or an HTTP date. */
    retryAfterFormat: z.enum(['seconds', 'http-date']).default('seconds'),
    /** Stop after injecting this many faults (latency alone does not count). */
    limit: z.number().int().positive().optional(),
    /** Active for this long from now, in sandbox time (advancing the clock ends it). */
    duration: durationInput.optional(),
  })
  .refine((rule) => rule.endpoint !== undefined || rule.path !== undefined || rule.webhook !== undefined, {
    message: 'a fault rule needs an endpoint, a path or a webhook event type',
  })
  .refine(
    (rule) =>
      rule.webhook === undefined ||
      (rule.endpoint === undefined &&
        rule.path === undefined &&
        rule.method === undefined &&
        rule.rate429 + rule.rate503 + rule.rate500 + rule.lostResponseRate === 0 &&
        rule.latency === 0),
    { message: 'a webhook rule only drops deliveries (dropRate, limit, duration): no endpoint, path or other fault' },
  )
  .refine((rule) => rule.rate429 + rule.rate503 + rule.rate500 + rule.dropRate + rule.lostResponseRate <= 1, {
    message: 'the rates of one rule add up to more than 1',
  })
  .refine(
    (rule) =>
      rule.rate429 + rule.rate503 + rule.rate500 + rule.dropRate + rule.lostResponseRate > 0 || rule.latency > 0,
    { message: 'a fault rule needs a rate above 0 or a latency' },
  );

export type FaultRuleInput = z.input<typeof faultRuleInput>;
type FaultRuleSpec = z.output<typeof faultRuleInput>;

export type FaultKind = '429' | '503' | '500' | 'drop' | 'lost_response';

export interface WebhookFaultRequest {
  /** Honeybee event_type or Onegevity topic. */
  eventType: string;
}

export interface FaultRule {
  id: string;
  endpoint?: string;
  method?: string;
  path?: string;
  webhook?: string;
  rate429: number;
  rate503: number;
  rate500: number;
  dropRate: number;
  lostResponseRate: number;
  latencyMs: number;
  retryAfterSeconds: number;
  retryAfterFormat: 'seconds' | 'http-date';
  limit?: number;
  injected: number;
  /** ISO time (sandbox clock) after which the rule no longer applies. */
  expiresAt?: string;
}

export interface FaultDecision {
  latencyMs: number;
  fault?: { kind: FaultKind; ruleId: string; retryAfter?: string };
}

export interface FaultRequest {
  method: string;
  path: string;
  endpoint?: string;
}

interface ActiveRule {
  view: FaultRule;
  expiresAtMs?: number;
  pathPattern?: RegExp;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') {
      source += '[^/]*';
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}/?$`);
}

export class FaultInjector {
  readonly #clock: SandboxClock;
  readonly #random: SeededRandom;
  #rules: ActiveRule[] = [];
  #nextId = 1;

  constructor(clock: SandboxClock, random: SeededRandom) {
    this.#clock = clock;
    this.#random = random;
  }

  /** Adds a rule (validated) and returns it. Later rules are consulted after earlier ones. */
  add(input: FaultRuleInput | FaultRuleSpec): FaultRule {
    const spec = faultRuleInput.parse(input);
    const id = `fault-${this.#nextId++}`;
    const expiresAtMs = spec.duration === undefined ? undefined : this.#clock.now() + spec.duration;
    const view: FaultRule = {
      id,
      ...(spec.endpoint !== undefined ? { endpoint: spec.endpoint } : {}),
      ...(spec.method !== undefined ? { method: spec.method } : {}),
      ...(spec.path !== undefined ? { path: spec.path } : {}),
      ...(spec.webhook !== undefined ? { webhook: spec.webhook } : {}),
      rate429: spec.rate429,
      rate503: spec.rate503,
      rate500: spec.rate500,
      dropRate: spec.dropRate,
      lostResponseRate: spec.lostResponseRate,
      latencyMs: spec.latency,
      retryAfterSeconds: spec.retryAfterSeconds,
      retryAfterFormat: spec.retryAfterFormat,
      ...(spec.limit !== undefined ? { limit: spec.limit } : {}),
      injected: 0,
      ...(expiresAtMs !== undefined ? { expiresAt: this.#clock.iso(expiresAtMs) } : {}),
    };
    this.#rules.push({
      view,
      ...(expiresAtMs !== undefined ? { expiresAtMs } : {}),
      ...(spec.path !== undefined ? { pathPattern: globToRegExp(spec.path) } : {}),
    });
    return { ...view };
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((rule) => rule.view.id !== id);
    return this.#rules.length !== before;
  }

  clear(): void {
    this.#rules = [];
  }

  list(): FaultRule[] {
    this.#purge();
    return this.#rules.map((rule) => ({ ...rule.view }));
  }

  decide(request: FaultRequest): FaultDecision {
    this.#purge();
    let latencyMs = 0;
    for (const rule of this.#rules) {
      if (rule.view.webhook !== undefined || !this.#matches(rule, request)) continue;
      const { view } = rule;
      latencyMs += view.latencyMs;
      const total = view.rate429 + view.rate503 + view.rate500 + view.dropRate + view.lostResponseRate;
      if (total === 0) continue;
      const roll = this.#random.next();
      const kind = this.#pick(view, roll);
      if (!kind) continue;
      view.injected++;
      return {
        latencyMs,
        fault: {
          kind,
          ruleId: view.id,
          ...(kind === '429' ? { retryAfter: this.#retryAfter(view) } : {}),
        },
      };
    }
    return { latencyMs };
  }

  /** The id of the rule that drops this webhook event for good, if one does. */
  decideWebhook(request: WebhookFaultRequest): string | undefined {
    this.#purge();
    for (const rule of this.#rules) {
      const { view } = rule;
      if (view.webhook !== request.eventType) continue;
      if (this.#random.next() >= view.dropRate) continue;
      view.injected++;
      return view.id;
    }
    return undefined;
  }

  #pick(view: FaultRule, roll: number): FaultKind | undefined {
    const bands: [FaultKind, number][] = [
      ['drop', view.dropRate],
      ['lost_response', view.lostResponseRate],
      ['429', view.rate429],
      ['503', view.rate503],
      ['500', view.rate500],
    ];
    let edge = 0;
    for (const [kind, width] of bands) {
      edge += width;
      if (roll < edge) return kind;
    }
    return undefined;
  }

  #retryAfter(view: FaultRule): string {
    if (view.retryAfterFormat === 'seconds') return String(view.retryAfterSeconds);
    // The client compares an HTTP date with its own (real) clock, not the sandbox's.
    return new Date(Date.now() + view.retryAfterSeconds * 1000).toUTCString();
  }

  #matches(rule: ActiveRule, request: FaultRequest): boolean {
    const { view } = rule;
    if (view.endpoint !== undefined && (!request.endpoint || !endpointNameMatches(view.endpoint, request.endpoint))) {
      return false;
    }
    if (view.method !== undefined && view.method !== request.method.toUpperCase()) return false;
    if (rule.pathPattern && !rule.pathPattern.test(request.path)) return false;
    return true;
  }

  #purge(): void {
    const now = this.#clock.now();
    this.#rules = this.#rules.filter(
      (rule) =>
        (rule.expiresAtMs === undefined || rule.expiresAtMs > now) &&
        (rule.view.limit === undefined || rule.view.injected < rule.view.limit),
    );
  }
}
