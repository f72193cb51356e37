// Milestone notifications to the partner (matched, order created, on hold, resolved, shipped, delivered, cancelled,
// lab-kit milestones), POSTed to PARTNER_WEBHOOK_URL and signed per Standard Webhooks. The notification id is derived
// from the workflow and milestone, so an activity retry sends the same id and the partner can de-duplicate. `data`
// carries ids, statuses and tracking only: never PHI.
import { randomUUID } from 'node:crypto';
import got, { HTTPError, RequestError } from 'got';
import { FailureType } from '../domain/failure-types.js';
import { traceHttpCall } from '../observability/http-tracing.js';
import type { Logger } from '../observability/logger.js';
import { standardWebhookHeaders } from './standard-webhooks.js';

export type NotificationValue = string | number | boolean | null;

export interface PartnerNotification {
  /** Idempotency key, e.g. `honeybee-order-HB123:shipped`. */
  id: string;
  /** e.g. `order.shipped`; an open set, documented in docs/WIRE-CONTRACT.md. */
  type: string;
  occurredAt: string;
  data: Record<string, NotificationValue>;
}

export interface NotifyResult {
  delivered: boolean;
  status?: number;
}

export interface PartnerNotifier {
  notify(notification: PartnerNotification): Promise<NotifyResult>;
}

export class PartnerNotificationError extends Error {
  override name = 'PartnerNotificationError';
  constructor(
    message: string,
    readonly failureType: FailureType,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface HttpPartnerNotifierOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  nowSeconds?: () => number;
}

export function notificationBody(notification: PartnerNotification): string {
  return JSON.stringify({ type: notification.type, timestamp: notification.occurredAt, data: notification.data });
}

export class HttpPartnerNotifier implements PartnerNotifier {
  constructor(private readonly options: HttpPartnerNotifierOptions) {}

  async notify(notification: PartnerNotification): Promise<NotifyResult> {
    const body = notificationBody(notification);
    const timestamp = this.options.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
    try {
      const response = await traceHttpCall(
        { peer: 'partner', operation: 'POST notification', method: 'POST', url: this.options.url },
        async (traceHeaders) =>
          got.post(this.options.url, {
            body,
            headers: {
              'content-type': 'application/json',
              ...standardWebhookHeaders(this.options.secret, notification.id, timestamp, body),
              ...traceHeaders,
            },
            timeout: { request: this.options.timeoutMs },
            retry: { limit: 0 },
          }),
        (answer) => answer.statusCode,
      );
      return { delivered: true, status: response.statusCode };
    } catch (error) {
      if (error instanceof HTTPError) {
        const status = error.response.statusCode;
        const retryable = status === 408 || status === 429 || status >= 500;
        throw new PartnerNotificationError(
          `partner webhook answered ${status} to ${notification.type}`,
          retryable ? FailureType.PartnerUnavailable : FailureType.InvalidInput,
          status,
        );
      }
      const reason = error instanceof RequestError ? error.code : 'unknown error';
      throw new PartnerNotificationError(`partner webhook unreachable (${reason})`, FailureType.PartnerUnavailable);
    }
  }
}

/** Without PARTNER_WEBHOOK_URL: notifications are logged (ids only), so dev and tests still see every milestone. */
export class LoggingPartnerNotifier implements PartnerNotifier {
  constructor(private readonly logger: Logger) {}

  async notify(notification: PartnerNotification): Promise<NotifyResult> {
    this.logger.info(
      { notificationId: notification.id, type: notification.type, data: notification.data },
      'partner notification',
    );
    return { delivered: false };
  }
}

/** A random id for notifications that have no natural idempotency key. */
export function newNotificationId(): string {
  return `msg_${randomUUID()}`;
}
