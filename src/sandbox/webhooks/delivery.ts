// Webhook delivery the way a vendor does it: each event is signed for its target URL and POSTed; a non-2xx answer,
// a network error or a timeout is redelivered later with exponential backoff (sandbox time), up to a bounded number
// of attempts (at-least-once). Up to `concurrency` deliveries are in flight per target, as a vendor's sender pool
// sends them; the events of one order or kit (one subject) go one at a time, first tries in order, so without the
// switches a resource's events arrive in the order they happened. Two switches misbehave on purpose:
// `duplicate` sends every event twice, `reorder` holds events in batches and releases each batch shuffled. A fault
// rule may drop an event for good: its deliveries are recorded as `dropped` and never sent.
// Every attempt is recorded (status, latency, error, the start of the answer) for the control API.
import type { SandboxClock } from '../clock.js';
import type { SeededRandom } from '../random.js';
import type { Vendor } from '../../domain/vendors.js';

export type WebhookVendor = Vendor;

export type DeliveryState = 'held' | 'queued' | 'in_flight' | 'retry_scheduled' | 'delivered' | 'failed' | 'dropped';

export interface WebhookAttempt {
  attempt: number;
  /** Sandbox time. */
  startedAt: string;
  status?: number;
  error?: string;
  latencyMs: number;
  /** The start of the receiver's answer (at most 500 characters). */
  response?: string;
}

export interface WebhookDelivery {
  id: string;
  vendor: WebhookVendor;
  /** Honeybee event_type or Onegevity topic. */
  eventType: string;
  /** Honeybee event_id (Onegevity payloads have no event id). */
  eventId?: string;
  /** Honeybee order_number or Onegevity orderIdentifier / requestorId, to find a resource's events. */
  subject?: string;
  target: string;
  headers: Record<string, string>;
  /** The exact bytes sent (UTF-8 JSON). */
  body: string;
  createdAt: string;
  state: DeliveryState;
  attempts: WebhookAttempt[];
  nextAttemptAt?: string;
  /** Set on the second copy sent by the `duplicate` switch. */
  duplicateOf?: string;
  /** The fault rule that dropped this event for good (state `dropped`). */
  droppedBy?: string;
}

export interface WebhookEvent {
  vendor: WebhookVendor;
  eventType: string;
  eventId?: string;
  subject?: string;
  payload: unknown;
}

export interface DeliveryPolicy {
  /** Deliveries in flight at once per target (events of one subject are never in flight together). */
  concurrency: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
}

export interface DeliverySwitches {
  duplicate: boolean;
  reorder: { enabled: boolean; batchSize: number; windowMs: number };
}

/** Signs a body for a target: the vendor-specific headers. */
export type WebhookSigner = (event: WebhookEvent, target: string, body: string) => Record<string, string>;

export interface DeliveryFilter {
  vendor?: WebhookVendor;
  eventType?: string;
  state?: DeliveryState;
  subject?: string;
}

export interface VendorDeliveryStats {
  events: number;
  deliveries: number;
  attempts: number;
  delivered: number;
  failed: number;
  /** Dropped for good by a fault rule. */
  dropped: number;
  pending: number;
}

const HISTORY_LIMIT = 5_000;
const FINAL: ReadonlySet<DeliveryState> = new Set(['delivered', 'failed', 'dropped']);

export class WebhookDispatcher {
  readonly #clock: SandboxClock;
  readonly #random: SeededRandom;
  readonly #sign: WebhookSigner;
  readonly #onChange: () => void;
  readonly #dropRule: (event: WebhookEvent) => string | undefined;
  #policy: DeliveryPolicy;
  #switches: DeliverySwitches = { duplicate: false, reorder: { enabled: false, batchSize: 3, windowMs: 10_000 } };
  #targets: Record<WebhookVendor, string>;
  #deliveries: WebhookDelivery[] = [];
  /** Per target: deliveries waiting (oldest first), how many are in flight, and the subjects that have one in flight. */
  readonly #queues = new Map<string, { inFlight: number; waiting: WebhookDelivery[]; busySubjects: Set<string> }>();
  #held: WebhookDelivery[] = [];
  #nextId = 1;
  #events: Record<WebhookVendor, number> = { honeybee: 0, onegevity: 0 };
  #stopped = false;

  constructor(options: {
    clock: SandboxClock;
    random: SeededRandom;
    sign: WebhookSigner;
    policy: DeliveryPolicy;
    targets: Record<WebhookVendor, string>;
    onChange?: () => void;
    /** The fault rule that drops an event for good, if any (consulted once per event). */
    dropRule?: (event: WebhookEvent) => string | undefined;
  }) {
    this.#clock = options.clock;
    this.#random = options.random;
    this.#sign = options.sign;
    this.#policy = options.policy;
    this.#targets = { ...options.targets };
    this.#onChange = options.onChange ?? (() => undefined);
    this.#dropRule = options.dropRule ?? (() => undefined);
  }

  get targets(): Record<WebhookVendor, string> {
    return { ...this.#targets };
  }

  get switches(): DeliverySwitches {
    return { duplicate: this.#switches.duplicate, reorder: { ...this.#switches.reorder } };
  }

  get policy(): DeliveryPolicy {
    return { ...this.#policy };
  }

  configure(changes: {
    targets?: Partial<Record<WebhookVendor, string>>;
    duplicate?: boolean;
    reorder?: Partial<DeliverySwitches['reorder']>;
    policy?: Partial<DeliveryPolicy>;
  }): void {
    if (changes.targets) this.#targets = { ...this.#targets, ...changes.targets };
    if (changes.duplicate !== undefined) this.#switches.duplicate = changes.duplicate;
    if (changes.reorder) this.#switches.reorder = { ...this.#switches.reorder, ...changes.reorder };
    if (changes.policy) this.#policy = { ...this.#policy, ...changes.policy };
    if (!this.#switches.reorder.enabled) this.flush();
  }

  /** Signs and sends an event (twice with `duplicate`; held for shuffling with `reorder`; never when dropped). */
  emit(event: WebhookEvent): WebhookDelivery[] {
    this.#events[event.vendor]++;
    const body = JSON.stringify(event.payload);
    const target = this.#targets[event.vendor];
    const first = this.#create(event, target, body);
    const created = [first];
    if (this.#switches.duplicate) created.push(this.#create(event, target, body, first.id));
    const droppedBy = this.#dropRule(event);
    for (const delivery of created) {
      if (droppedBy !== undefined) {
        delivery.state = 'dropped';
        delivery.droppedBy = droppedBy;
      } else if (this.#switches.reorder.enabled) this.#hold(delivery);
      else this.#enqueue(delivery);
    }
    this.#onChange();
    return created;
  }

  /** Releases held events now (shuffled), e.g. when `reorder` is switched off. */
  flush(): number {
    this.#clock.cancel('webhooks:reorder-window');
    const batch = this.#held;
    this.#held = [];
    if (batch.length === 0) return 0;
    let order = this.#random.shuffle(batch);
    // A shuffle may keep the original order; the switch promises a different one.
    if (batch.length > 1 && order.every((delivery, index) => delivery === batch[index])) order = [...batch].reverse();
    for (const delivery of order) this.#enqueue(delivery);
    this.#onChange();
    return batch.length;
  }

  list(filter: DeliveryFilter = {}): WebhookDelivery[] {
    return this.#deliveries
      .filter(
        (d) =>
          (!filter.vendor || d.vendor === filter.vendor) &&
          (!filter.eventType || d.eventType === filter.eventType) &&
          (!filter.state || d.state === filter.state) &&
          (!filter.subject || d.subject === filter.subject),
      )
      .map((d) => ({ ...d, headers: { ...d.headers }, attempts: d.attempts.map((a) => ({ ...a })) }));
  }

  stats(): Record<WebhookVendor, VendorDeliveryStats> {
    const stats = (vendor: WebhookVendor): VendorDeliveryStats => {
      const mine = this.#deliveries.filter((d) => d.vendor === vendor);
      return {
        events: this.#events[vendor],
        deliveries: mine.length,
        attempts: mine.reduce((sum, d) => sum + d.attempts.length, 0),
        delivered: mine.filter((d) => d.state === 'delivered').length,
        failed: mine.filter((d) => d.state === 'failed').length,
        dropped: mine.filter((d) => d.state === 'dropped').length,
        pending: mine.filter((d) => !FINAL.has(d.state)).length,
      };
    };
    return { honeybee: stats('honeybee'), onegevity: stats('onegevity') };
  }

  /** True when nothing is queued or being sent (held events and scheduled redeliveries wait for later). */
  isIdle(): boolean {
    for (const queue of this.#queues.values()) if (queue.inFlight > 0 || queue.waiting.length > 0) return false;
    return true;
  }

  /** Resolves once idle, or with false after `timeoutMs` (real time). */
  async waitIdle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isIdle()) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  snapshot(): { deliveries: WebhookDelivery[]; nextId: number; events: Record<WebhookVendor, number> } {
    return { deliveries: this.list(), nextId: this.#nextId, events: { ...this.#events } };
  }

  /** Restores persisted deliveries and resumes the unfinished ones. */
  restore(saved: { deliveries: WebhookDelivery[]; nextId: number; events: Record<WebhookVendor, number> }): void {
    this.#deliveries = saved.deliveries;
    this.#nextId = saved.nextId;
    this.#events = { ...saved.events };
    for (const delivery of this.#deliveries) {
      if (delivery.state === 'held') this.#hold(delivery);
      else if (delivery.state === 'queued' || delivery.state === 'in_flight') this.#enqueue(delivery);
      else if (delivery.state === 'retry_scheduled')
        this.#scheduleRetry(delivery, Date.parse(delivery.nextAttemptAt ?? ''));
    }
  }

  stop(): void {
    this.#stopped = true;
  }

  #create(event: WebhookEvent, target: string, body: string, duplicateOf?: string): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: `wh-${this.#nextId++}`,
      vendor: event.vendor,
      eventType: event.eventType,
      ...(event.eventId !== undefined ? { eventId: event.eventId } : {}),
      ...(event.subject !== undefined ? { subject: event.subject } : {}),
      target,
      headers: this.#sign(event, target, body),
      body,
      createdAt: this.#clock.iso(),
      state: 'queued',
      attempts: [],
      ...(duplicateOf ? { duplicateOf } : {}),
    };
    this.#deliveries.push(delivery);
    this.#trimHistory();
    return delivery;
  }

  #hold(delivery: WebhookDelivery): void {
    delivery.state = 'held';
    this.#held.push(delivery);
    if (this.#held.length >= this.#switches.reorder.batchSize) {
      this.flush();
    } else if (!this.#clock.has('webhooks:reorder-window')) {
      this.#clock.scheduleIn('webhooks:reorder-window', this.#switches.reorder.windowMs, () => {
        this.flush();
      });
    }
  }

  #enqueue(delivery: WebhookDelivery): void {
    delivery.state = 'queued';
    delete delivery.nextAttemptAt;
    let queue = this.#queues.get(delivery.target);
    if (!queue) {
      queue = { inFlight: 0, waiting: [], busySubjects: new Set() };
      this.#queues.set(delivery.target, queue);
    }
    queue.waiting.push(delivery);
    this.#pump(delivery.target);
  }

  /** Starts waiting deliveries, oldest first, skipping subjects with one in flight, while the target has a slot. */
  #pump(target: string): void {
    const queue = this.#queues.get(target);
    if (!queue || this.#stopped) return;
    for (let index = 0; index < queue.waiting.length && queue.inFlight < this.#policy.concurrency;) {
      const next = queue.waiting[index]!;
      const subject = next.subject ?? next.id;
      if (queue.busySubjects.has(subject)) {
        index += 1;
        continue;
      }
      queue.waiting.splice(index, 1);
      queue.busySubjects.add(subject);
      queue.inFlight += 1;
      void this.#attempt(next).finally(() => {
        queue.busySubjects.delete(subject);
        queue.inFlight -= 1;
        this.#pump(target);
      });
    }
  }

  async #attempt(delivery: WebhookDelivery): Promise<void> {
    delivery.state = 'in_flight';
    const attempt: WebhookAttempt = {
      attempt: delivery.attempts.length + 1,
      startedAt: this.#clock.iso(),
      latencyMs: 0,
    };
    delivery.attempts.push(attempt);
    const started = performance.now();
    let ok = false;
    try {
      const response = await fetch(delivery.target, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#policy.timeoutMs),
      });
      attempt.status = response.status;
      attempt.response = (await response.text()).slice(0, 500);
      ok = response.status >= 200 && response.status < 300;
    } catch (error) {
      attempt.error = describeFetchError(error, this.#policy.timeoutMs);
    }
    attempt.latencyMs = Math.round(performance.now() - started);
    if (ok) {
      delivery.state = 'delivered';
    } else if (delivery.attempts.length >= this.#policy.maxAttempts) {
      delivery.state = 'failed';
    } else {
      const backoff = Math.min(this.#policy.backoffMs * 2 ** (delivery.attempts.length - 1), this.#policy.backoffMaxMs);
      this.#scheduleRetry(delivery, this.#clock.now() + backoff);
    }
    this.#onChange();
  }

  #scheduleRetry(delivery: WebhookDelivery, at: number): void {
    const when = Number.isFinite(at) ? at : this.#clock.now();
    delivery.state = 'retry_scheduled';
    delivery.nextAttemptAt = this.#clock.iso(when);
    this.#clock.scheduleAt(`webhook:${delivery.id}`, when, () => this.#enqueue(delivery));
  }

  #trimHistory(): void {
    if (this.#deliveries.length <= HISTORY_LIMIT) return;
    const excess = this.#deliveries.length - HISTORY_LIMIT;
    let removed = 0;
    this.#deliveries = this.#deliveries.filter((d) => {
      if (removed < excess && FINAL.has(d.state)) {
        removed++;
        return false;
      }
      return true;
    });
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `timeout after ${timeoutMs} ms`;
  }
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = cause instanceof Error ? ((cause as Error & { code?: string }).code ?? cause.message) : undefined;
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
