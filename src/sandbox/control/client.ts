// A typed client for the sandbox control API, used by `fulfill sandbox …` and the tests.
import type { FaultRuleInput } from '../faults.js';
import type { ScenarioInput } from '../scenarios.js';
import type { DeliveryFilter, WebhookDelivery } from '../webhooks/delivery.js';
import type { SettingsInput, WebhookSettingsInput } from './schemas.js';
import type { ControlApi, ScenarioResult } from './types.js';
import type { Vendor } from '../../domain/vendors.js';

export class SandboxControlError extends Error {
  override name = 'SandboxControlError';
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, status?: number, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

type Duration = number | string;

function queryString(values: object): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values) as [string, unknown][]) {
    if (typeof value === 'string' || typeof value === 'number') query.set(key, String(value));
  }
  return query.toString();
}

export class SandboxControlClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  health(): Promise<ControlApi['health']> {
    return this.#request('GET', '/health');
  }

  scenarios(): Promise<ControlApi['scenarios']> {
    return this.#request('GET', '/scenarios');
  }

  runScenario(name: string, options: ScenarioInput = {}): Promise<ScenarioResult> {
    return this.#request('POST', `/scenarios/${encodeURIComponent(name)}`, options);
  }

  endpoints(): Promise<ControlApi['endpoints']> {
    return this.#request('GET', '/endpoints');
  }

  faults(): Promise<ControlApi['faults']> {
    return this.#request('GET', '/faults');
  }

  addFault(rule: FaultRuleInput): Promise<ControlApi['fault']> {
    return this.#request('POST', '/faults', rule);
  }

  setFaults(rules: FaultRuleInput[]): Promise<ControlApi['faults']> {
    return this.#request('PUT', '/faults', { faults: rules });
  }

  clearFaults(): Promise<ControlApi['faults']> {
    return this.#request('DELETE', '/faults');
  }

  async removeFault(id: string): Promise<void> {
    await this.#request('DELETE', `/faults/${encodeURIComponent(id)}`);
  }

  clock(): Promise<ControlApi['clock']> {
    return this.#request('GET', '/clock');
  }

  /** Moves sandbox time forward; by default waits until the webhooks it caused have been attempted. */
  advance(by: Duration, settle = true): Promise<ControlApi['clock']> {
    return this.#request('POST', '/clock/advance', { by, settle });
  }

  settings(): Promise<ControlApi['settings']> {
    return this.#request('GET', '/settings');
  }

  updateSettings(settings: SettingsInput): Promise<ControlApi['settings']> {
    return this.#request('PUT', '/settings', settings);
  }

  counters(): Promise<ControlApi['counters']> {
    return this.#request('GET', '/counters');
  }

  webhooks(filter: DeliveryFilter & { limit?: number } = {}): Promise<ControlApi['webhooks']> {
    const query = queryString(filter);
    return this.#request('GET', `/webhooks${query ? `?${query}` : ''}`);
  }

  configureWebhooks(settings: WebhookSettingsInput): Promise<ControlApi['webhookSettings']> {
    return this.#request('PUT', '/webhooks/settings', settings);
  }

  flushWebhooks(): Promise<{ released: number }> {
    return this.#request('POST', '/webhooks/flush');
  }

  settleWebhooks(timeout: Duration = 10_000): Promise<{ idle: boolean }> {
    return this.#request('POST', '/webhooks/settle', { timeout });
  }

  /** Polls the webhook log until `until` holds for the matching deliveries (real time, `timeoutMs`). */
  async waitForWebhooks(
    filter: DeliveryFilter,
    until: (deliveries: WebhookDelivery[]) => boolean,
    timeoutMs = 10_000,
  ): Promise<WebhookDelivery[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { deliveries } = await this.webhooks(filter);
      if (until(deliveries)) return deliveries;
      if (Date.now() >= deadline) {
        throw new SandboxControlError(
          `webhooks ${JSON.stringify(filter)} did not reach the expected state within ${timeoutMs} ms: ` +
            JSON.stringify(deliveries.map((d) => ({ id: d.id, type: d.eventType, state: d.state }))),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  patients(): Promise<ControlApi['patients']> {
    return this.#request('GET', '/patients');
  }

  honeybeeOrders(): Promise<ControlApi['honeybeeOrders']> {
    return this.#request('GET', '/honeybee/orders');
  }

  async holdOrder(orderNumber: string, reason = 64): Promise<void> {
    await this.#request('POST', `/honeybee/orders/${encodeURIComponent(orderNumber)}/hold`, { reason });
  }

  onegevityOrders(): Promise<ControlApi['onegevityOrders']> {
    return this.#request('GET', '/onegevity/orders');
  }

  activateKit(orderIdentifier: string): Promise<{ order: unknown }> {
    return this.#request('POST', `/onegevity/orders/${encodeURIComponent(orderIdentifier)}/activate`);
  }

  notifications(type?: string): Promise<ControlApi['notifications']> {
    return this.#request('GET', `/partner/notifications${type ? `?type=${encodeURIComponent(type)}` : ''}`);
  }

  expireTokens(vendor?: Vendor): Promise<{ expired: number }> {
    return this.#request('POST', '/tokens/expire', vendor ? { vendor } : {});
  }

  requests(filter: { endpoint?: string; limit?: number } = {}): Promise<ControlApi['requests']> {
    const query = queryString(filter);
    return this.#request('GET', `/requests${query ? `?${query}` : ''}`);
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}/__sandbox${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new SandboxControlError(`cannot reach the sandbox at ${this.baseUrl}${cause}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const problem = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new SandboxControlError(
        `sandbox ${method} ${path} answered ${response.status}: ${problem?.message ?? (text || response.statusText)}`,
        response.status,
        problem?.code,
      );
    }
    return json as T;
  }
}
