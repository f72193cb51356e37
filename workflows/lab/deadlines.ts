// When a lab order next needs to act on its own: a reconcile read once it has been quiet for a full interval (every
// event or read restarts the wait), activation reminders every `kitActivationReminderAfterMs` after shipping, and the
// operator flag at `kitActivationOperatorAfterMs`. Times are epoch milliseconds of workflow time. Pure.
import type { LabWorkflowSettings } from '../../src/domain/workflow-settings.js';
import { KitStatus } from '../../src/domain/onegevity-status.js';
import { isTerminal, isTracked, kitRank, type LabOrderState } from './state.js';

/**
 * How soon results a webhook announced but a read did not show are read again (a read may lag the webhook), for the
 * first hour after the announcement; then at the usual interval (a false announcement costs a few reads, not many).
 */
export const ANNOUNCED_RESULTS_REREAD_MS = 15 * 60_000;
export const ANNOUNCED_RESULTS_REREAD_FOR_MS = 60 * 60_000;

export interface LabDeadlines {
  reconcileAt?: number;
  reminderAt?: number;
  operatorAt?: number;
}

export function labDeadlines(state: LabOrderState, settings: LabWorkflowSettings): LabDeadlines {
  // Unknown orders are kept for an operator, not followed; ended orders have nothing left to do.
  if (isTerminal(state) || !isTracked(state)) return {};
  // A followed order not read yet (its first read failed) is read again after an interval, once the patient is known.
  if (!state.orderCreated) {
    return state.followed && state.patientIdentifier
      ? { reconcileAt: Date.parse(state.lastActivityAt) + settings.reconcileIntervalMs }
      : {};
  }
  const unconfirmed =
    state.resultsAnnouncedAt !== undefined &&
    !state.resultsReleasedAt &&
    Date.parse(state.lastActivityAt) - Date.parse(state.resultsAnnouncedAt) < ANNOUNCED_RESULTS_REREAD_FOR_MS;
  const interval = unconfirmed
    ? Math.min(settings.reconcileIntervalMs, ANNOUNCED_RESULTS_REREAD_MS)
    : settings.reconcileIntervalMs;
  const deadlines: LabDeadlines = { reconcileAt: Date.parse(state.lastActivityAt) + interval };
  const waitingForActivation =
    state.shippedAt !== undefined &&
    !state.resultsReleasedAt &&
    kitRank(state.kitStatus) < kitRank(KitStatus.Activated) &&
    state.activationOperatorAskedAt === undefined;
  if (waitingForActivation && state.shippedAt !== undefined) {
    const shippedAt = Date.parse(state.shippedAt);
    const operatorAt = shippedAt + settings.kitActivationOperatorAfterMs;
    deadlines.operatorAt = operatorAt;
    if (settings.kitActivationReminderAfterMs > 0) {
      const reminderAt = shippedAt + settings.kitActivationReminderAfterMs * (state.activationRemindersSent + 1);
      if (reminderAt < operatorAt) deadlines.reminderAt = reminderAt;
    }
  }
  return deadlines;
}

/** The earliest deadline, if any. */
export function nextDeadline(deadlines: LabDeadlines): number | undefined {
  const times = [deadlines.reconcileAt, deadlines.reminderAt, deadlines.operatorAt].filter(
    (time): time is number => time !== undefined && Number.isFinite(time),
  );
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** When the order escalates next on its own (an activation reminder, then the operator flag), if it will. */
export function nextEscalation(deadlines: LabDeadlines): number | undefined {
  return nextDeadline({ reminderAt: deadlines.reminderAt, operatorAt: deadlines.operatorAt });
}
