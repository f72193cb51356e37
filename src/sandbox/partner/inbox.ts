// The partner's notification receiver: every POST to /partner/notifications is verified (Standard Webhooks, with any
// of PARTNER_WEBHOOK_SECRETS, as a partner does while the engine rotates) and recorded, accepted or not, so tests and the CLI can read what the engine told the partner.
import { z } from 'zod';
import { verifyStandardWebhook, type StandardWebhookResult } from './standard-webhooks.js';

export const partnerNotification = z.object({
  type: z.string().min(1),
  timestamp: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});

export interface ReceivedNotification {
  webhookId: string | null;
  /** Sandbox time of receipt. */
  receivedAt: string;
  verified: boolean;
  /** Why it was refused, when it was. */
  rejection?: string;
  /** A webhook-id seen before (Standard Webhooks senders retry with the same id). */
  duplicate: boolean;
  type?: string;
  timestamp?: string;
  data?: Record<string, unknown>;
}

export interface InboxAnswer {
  status: number;
  body: unknown;
}

export class PartnerInbox {
  readonly #secrets: readonly string[];
  readonly #now: () => string;
  #received: ReceivedNotification[] = [];
  readonly #seen = new Set<string>();

  constructor(secrets: readonly string[], now: () => string) {
    this.#secrets = secrets;
    this.#now = now;
  }

  receive(headers: { id?: string; timestamp?: string; signature?: string }, body: Buffer): InboxAnswer {
    const base = { webhookId: headers.id ?? null, receivedAt: this.#now() };
    if (this.#secrets.length === 0) {
      this.#received.push({ ...base, verified: false, rejection: 'not_configured', duplicate: false });
      return { status: 401, body: { error: { code: 'unauthorized', message: 'PARTNER_WEBHOOK_SECRETS is not set' } } };
    }
    const results: StandardWebhookResult[] = this.#secrets.map((secret) =>
      verifyStandardWebhook(
        secret,
        { id: headers.id, timestamp: headers.timestamp, signature: headers.signature },
        body,
      ),
    );
    const result = results.find((candidate) => candidate.ok) ?? results[0]!;
    if (!result.ok) {
      this.#received.push({ ...base, verified: false, rejection: result.reason, duplicate: false });
      return {
        status: 401,
        body: { error: { code: 'unauthorized', message: `signature check failed: ${result.reason}` } },
      };
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      this.#received.push({ ...base, verified: true, rejection: 'malformed_json', duplicate: false });
      return { status: 400, body: { error: { code: 'malformed_json', message: 'the body is not valid JSON' } } };
    }
    const parsed = partnerNotification.safeParse(json);
    if (!parsed.success) {
      this.#received.push({ ...base, verified: true, rejection: 'invalid_notification', duplicate: false });
      return {
        status: 400,
        body: { error: { code: 'invalid_notification', message: 'expected {type, timestamp, data}' } },
      };
    }
    const duplicate = headers.id !== undefined && this.#seen.has(headers.id);
    if (headers.id) this.#seen.add(headers.id);
    this.#received.push({ ...base, verified: true, duplicate, ...parsed.data });
    return { status: 204, body: undefined };
  }

  list(filter: { type?: string } = {}): ReceivedNotification[] {
    return this.#received
      .filter((notification) => !filter.type || notification.type === filter.type)
      .map((notification) => structuredClone(notification));
  }

  counts(): { received: number; accepted: number; rejected: number; duplicates: number } {
    const accepted = this.#received.filter((n) => n.verified && !n.rejection);
    return {
      received: this.#received.length,
      accepted: accepted.length,
      rejected: this.#received.length - accepted.length,
      duplicates: accepted.filter((n) => n.duplicate).length,
    };
  }

  snapshot(): ReceivedNotification[] {
    return this.list();
  }

  restore(saved: ReceivedNotification[]): void {
    this.#received = saved;
    for (const notification of saved)
      if (notification.webhookId && notification.verified) this.#seen.add(notification.webhookId);
  }
}
