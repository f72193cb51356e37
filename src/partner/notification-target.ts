// A notification target's shared state, as the worker's notifier sees it: the target workflow
// (workflows/notifications/partner-target.ts) is the one record every worker reads and reports to. The notifier sends
// while the target is enabled, reports failures (and the first success after them), and while it is disabled parks each
// notification in the target workflow instead of sending: the activity then succeeds, so the workflow that raised the
// notification moves on (a prescription's next fill does not wait for a dead partner endpoint), and nothing is lost.
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../observability/logger.js';
import {
  deliveryReportSignal,
  parkNotificationSignal,
  targetStateQuery,
  type DeliveryReport,
  type TargetState,
} from '../../workflows/notifications/messages.js';
import {
  partnerNotificationTargetWorkflow,
  TARGET_WORKFLOW_PREFIX,
  type PartnerTargetInput,
} from '../../workflows/notifications/partner-target.js';
import {
  PartnerNotificationError,
  type NotifyResult,
  type PartnerNotification,
  type PartnerNotifier,
} from './notifier.js';

/** The key of a target: a hash of the URL (which may carry a token), never the URL itself. */
function targetKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 24);
}

/** The target workflow's id. */
export function notificationTargetWorkflowId(url: string): string {
  return `${TARGET_WORKFLOW_PREFIX}${targetKey(url)}`;
}

export interface NotificationTargetOptions {
  client: Client;
  taskQueue: string;
  url: string;
  /** How long a cached state is trusted before it is read again. */
  cacheMs?: number;
  /** A worker reports a failure at most this often while the target is known to be failing. */
  reportEveryMs?: number;
  now?: () => number;
}

/** The state of one target, read from its workflow (cached), and the messages workers send it. */
export class NotificationTarget {
  readonly workflowId: string;
  #cached: { state: TargetState | undefined; at: number } | undefined;
  #lastFailureReport = 0;

  constructor(private readonly options: NotificationTargetOptions) {
    this.workflowId = notificationTargetWorkflowId(options.url);
  }

  #now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The target's state; undefined while it has no workflow (it never failed). Read again after `cacheMs`. */
  async state(): Promise<TargetState | undefined> {
    const now = this.#now();
    if (this.#cached && now - this.#cached.at < (this.options.cacheMs ?? 10_000)) return this.#cached.state;
    let state: TargetState | undefined;
    try {
      state = await this.options.client.workflow.getHandle(this.workflowId).query(targetStateQuery);
    } catch (error) {
      // No workflow: the target never failed. Anything else (Temporal busy): keep what we knew.
      if (!(error instanceof WorkflowNotFoundError)) return this.#cached?.state;
    }
    this.#cached = { state, at: now };
    return state;
  }

  async report(report: DeliveryReport): Promise<void> {
    const known = this.#cached?.state;
    if (report.ok) {
      if (!known?.failingSince) return;
      await this.options.client.workflow.getHandle(this.workflowId).signal(deliveryReportSignal, report);
    } else {
      const now = this.#now();
      // While the target is known to be failing, one report per interval is enough, unless this one disables it.
      const due =
        !known?.failingSince ||
        now - this.#lastFailureReport >= (this.options.reportEveryMs ?? 30_000) ||
        (!known.disabledAt && now - Date.parse(known.failingSince) >= report.disableAfterMs);
      if (!due) return;
      this.#lastFailureReport = now;
      await this.options.client.workflow.signalWithStart(partnerNotificationTargetWorkflow, {
        ...this.#start(),
        signal: deliveryReportSignal,
        signalArgs: [report],
      });
    }
    // The report may have changed the state (disabled it, or cleared the failures): read it afresh next time.
    this.#cached = undefined;
  }

  async park(notification: PartnerNotification): Promise<void> {
    await this.options.client.workflow.signalWithStart(partnerNotificationTargetWorkflow, {
      ...this.#start(),
      signal: parkNotificationSignal,
      signalArgs: [notification],
    });
  }

  #start() {
    const args: [PartnerTargetInput] = [{ targetKey: targetKey(this.options.url) }];
    return { workflowId: this.workflowId, taskQueue: this.options.taskQueue, args };
  }
}

export interface TargetGuardedNotifierOptions {
  target: NotificationTarget;
  /** Sends to the partner (HttpPartnerNotifier). */
  direct: PartnerNotifier;
  disableAfterMs: number;
  logger: Logger;
}

/** Sends through `direct` while the target is enabled; parks while it is disabled; reports what happens. */
export class TargetGuardedNotifier implements PartnerNotifier {
  constructor(private readonly options: TargetGuardedNotifierOptions) {}

  async notify(notification: PartnerNotification): Promise<NotifyResult> {
    const { target, direct, logger } = this.options;
    const state = await target.state();
    if (state?.disabledAt) {
      await target.park(notification);
      logger.warn(
        { notificationId: notification.id, type: notification.type, disabledAt: state.disabledAt },
        'partner notification target disabled: notification parked for a resend',
      );
      return { delivered: false, parked: true };
    }
    try {
      const result = await direct.notify(notification);
      await target.report({ ok: true }).catch(() => logger.warn('could not report a delivery to the target workflow'));
      return result;
    } catch (error) {
      if (error instanceof PartnerNotificationError) {
        await target
          .report({ ok: false, reason: error.message, disableAfterMs: this.options.disableAfterMs })
          .catch(() => logger.warn('could not report a failed delivery to the target workflow'));
      }
      throw error;
    }
  }
}
