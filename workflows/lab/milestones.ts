// Partner notifications of a lab order (docs/WIRE-CONTRACT.md "Notifications": `lab_order.*`). Each milestone has an
// id unique within the order (`shipped`, `rejected:2`, `activation_reminder:1`), so the notification id
// `${workflowId}:${milestone}` is the same on every retry and replay and the partner can de-duplicate. `data` carries
// ids, statuses and tracking only: never PHI, never the vendor's free-text reasons.
import { FulfillmentStatus, KitStatus } from '../../src/domain/onegevity-status.js';
import type { NotificationValue, PartnerNotification } from '../../src/partner/notifier.js';
import { kitRank, labStage, type LabOrderState } from './state.js';

export const LabNotificationType = {
  Created: 'lab_order.created',
  Accepted: 'lab_order.accepted',
  Rejected: 'lab_order.rejected',
  Resolved: 'lab_order.resolved',
  Shipped: 'lab_order.shipped',
  ActivationReminder: 'lab_order.activation_reminder',
  NeedsOperator: 'lab_order.needs_operator',
  KitActivated: 'lab_order.kit_activated',
  ResultsReleased: 'lab_order.results_released',
  Canceled: 'lab_order.canceled',
} as const;
export type LabNotificationType = (typeof LabNotificationType)[keyof typeof LabNotificationType];

export interface LabMilestone {
  /** Unique within the order, e.g. `rejected:1`. */
  id: string;
  type: LabNotificationType;
  data: Record<string, NotificationValue>;
}

function base(state: LabOrderState): Record<string, NotificationValue> {
  return { orderIdentifier: state.orderIdentifier, stage: labStage(state) };
}

/**
 * The milestones the order's state has reached, in the order a partner expects them; the workflow sends those it has
 * not sent yet. Acceptance is implied by shipping (a shipped event may overtake the accepted one).
 */
export function reachedMilestones(state: LabOrderState): LabMilestone[] {
  if (!state.startedByEngine) return [];
  // Events can overtake the create answer; the partner hears of them once the order exists, after `created`.
  if (!state.orderCreated) return state.canceled ? [canceledMilestone(state)] : [];
  const milestones: LabMilestone[] = [];
  const { fulfillment } = state;
  const request = { requestIdentifier: fulfillment.requestIdentifier, attempt: fulfillment.attempt };
  milestones.push({
    id: 'created',
    type: LabNotificationType.Created,
    data: { ...base(state), createOutcome: state.createOutcome ?? null },
  });
  const shipped = fulfillment.status === FulfillmentStatus.Shipped;
  if (shipped || fulfillment.status === FulfillmentStatus.Accepted) {
    milestones.push({ id: 'accepted', type: LabNotificationType.Accepted, data: { ...base(state), ...request } });
  }
  if (fulfillment.status === FulfillmentStatus.Rejected) {
    milestones.push({
      id: `rejected:${fulfillment.attempt}`,
      type: LabNotificationType.Rejected,
      data: { ...base(state), ...request, needsOperator: true },
    });
  }
  if (shipped) {
    milestones.push({
      id: 'shipped',
      type: LabNotificationType.Shipped,
      data: {
        ...base(state),
        ...request,
        trackingNumber: fulfillment.trackingNumber ?? null,
        trackingUrl: fulfillment.trackingUrl ?? null,
      },
    });
  }
  if (kitRank(state.kitStatus) >= kitRank(KitStatus.Activated)) {
    milestones.push({ id: 'kit_activated', type: LabNotificationType.KitActivated, data: { ...base(state) } });
  }
  if (state.canceled) milestones.push(canceledMilestone(state));
  return milestones;
}

export function resolvedMilestone(state: LabOrderState): LabMilestone {
  return {
    id: `resolved:${state.fulfillment.attempt}`,
    type: LabNotificationType.Resolved,
    data: {
      ...base(state),
      action: 'resubmit',
      requestIdentifier: state.fulfillment.requestIdentifier,
      attempt: state.fulfillment.attempt,
    },
  };
}

export function activationReminderMilestone(state: LabOrderState): LabMilestone {
  return {
    id: `activation_reminder:${state.activationRemindersSent}`,
    type: LabNotificationType.ActivationReminder,
    data: { ...base(state), reminder: state.activationRemindersSent, shippedAt: state.shippedAt ?? null },
  };
}

/** `occurrence` keeps repeated requests for the same reason apart (a second failed creation asks again). */
export function needsOperatorMilestone(state: LabOrderState, occurrence: number): LabMilestone {
  const reason = state.attention?.kind ?? 'unknown';
  return {
    id: `needs_operator:${reason}:${occurrence}`,
    type: LabNotificationType.NeedsOperator,
    data: { ...base(state), reason, escalationLevel: state.escalationLevel },
  };
}

export function resultsReleasedMilestone(state: LabOrderState): LabMilestone {
  const reports = state.reportIdentifiers ?? [];
  return {
    id: 'results_released',
    type: LabNotificationType.ResultsReleased,
    // The report identifiers travel comma-separated, with their count (the form partners have read from the start).
    data: { ...base(state), reportIdentifiers: reports.join(','), reportCount: reports.length },
  };
}

export function canceledMilestone(state: LabOrderState): LabMilestone {
  return {
    id: 'canceled',
    type: LabNotificationType.Canceled,
    data: {
      ...base(state),
      canceledBy: state.canceled?.by ?? null,
      canceledAtVendor: state.canceled?.by === 'vendor' ? true : (state.canceled?.canceledAtVendor ?? null),
      requestIdentifier: state.fulfillment.requestIdentifier,
    },
  };
}

export function labNotification(workflowId: string, milestone: LabMilestone, occurredAt: string): PartnerNotification {
  return { id: `${workflowId}:${milestone.id}`, type: milestone.type, occurredAt, data: milestone.data };
}
