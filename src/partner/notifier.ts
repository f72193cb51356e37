// Milestone notifications to the partner (matched, order created, on hold, resolved, shipped, delivered, cancelled,
// lab-kit milestones), POSTed to PARTNER_WEBHOOK_URL and signed per Standard Webhooks. The notification id is derived
// from the workflow and milestone, so an activity retry sends the same id and the partner can de-duplicate. `data`
// carries ids, statuses and tracking only: never PHI. Any answer but a 2xx is a failure to retry: a redirect too (a
// signed POST is never replayed at an address the partner's server chose), and a Retry-After says when.
import { randomUUID } from 'node:crypto';
import got, { HTTPError, RequestError } from 'got';
import { FailureType } from '../domain/failure-types.js';
import { traceHttpCall } from '../observability/http-tracing.js';
import type { Logger } from '../observability/logger.js';
import { parseRetryAfter } from '../vendors/shared/retry-after.js';
import { standardWebhookHeaders } from './standard-webhooks.js';

export type NotificationScalar = string | number | boolean | null;
/** A value in `data`: a scalar, or a list of flat records (an order's shipments, one per dispense). */
export type NotificationValue = NotificationScalar | Record<string, NotificationScalar>[];

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
  /** Not sent: the target is disabled, and the notification is kept for a resend. */
  parked?: boolean;
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
    /** The partner's Retry-After, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface HttpPartnerNotifierOptions {
  url: string;
  /** Standard Webhooks secrets, current first; each one signs. */
  secrets: readonly string[];
  timeoutMs: number;
  /** Refuse a plain-http URL (outside development). */
  requireHttps: boolean;
  nowSeconds?: () => number;
}

export function notificationBody(notification: PartnerNotification): string {
  return JSON.stringify({ type: notification.type, timestamp: notification.occurredAt, data: notification.data });
}

export class HttpPartnerNotifier implements PartnerNotifier {
  constructor(private readonly options: HttpPartnerNotifierOptions) {
    if (options.requireHttps && new URL(options.url).protocol !== 'https:') {
      throw new Error('PARTNER_WEBHOOK_URL must be https outside development');
    }
    if (options.secrets.length === 0) throw new Error('PARTNER_WEBHOOK_SECRETS is empty');
  }

  async notify(notification: PartnerNotification): Promise<NotifyResult> {
    const body = notificationBody(notification);
    const timestamp = this.options.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
    let status: number;
    try {
      const response = await traceHttpCall(
        { peer: 'partner', operation: 'POST notification', method: 'POST', url: this.options.url },
        async (traceHeaders) =>
          got.post(this.options.url, {
            body,
            headers: {
              'content-type': 'application/json',
              ...standardWebhookHeaders(this.options.secrets, notification.id, timestamp, body),
              ...traceHeaders,
            },
            followRedirect: false,
            timeout: { request: this.options.timeoutMs },
            retry: { limit: 0 },
          }),
        (answer) => answer.statusCode,
      );
      status = response.statusCode;
    } catch (error) {
      if (error instanceof HTTPError) {
        const answered = error.response.statusCode;
        throw new PartnerNotificationError(
          `partner webhook answered ${answered} to ${notification.type}`,
          FailureType.PartnerUnavailable,
          answered,
          parseRetryAfter(error.response.headers['retry-after']),
        );
      }
      const reason = error instanceof RequestError ? error.code : 'unknown error';
      throw new PartnerNotificationError(`partner webhook unreachable (${reason})`, FailureType.PartnerUnavailable);
    }
    if (status >= 300) {
      throw new PartnerNotificationError(
        `partner webhook answered a redirect (${status}) to ${notification.type}; redirects are not followed: ` +
          'set PARTNER_WEBHOOK_URL to the final address',
        FailureType.PartnerUnavailable,
        status,
      );
    }
    return { delivered: true, status };
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
