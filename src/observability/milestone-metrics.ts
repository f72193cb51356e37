// What a partner notification says about the business, as metric increments: every milestone a workflow reaches is
// announced to the partner through the notifyPartner activity, so counting notifications there counts orders created,
// holds opened, resolved and escalated (with their reason), and lab kits by milestone, without a line in a workflow.
// Labels come from closed lists (a reason the engine does not know is `other`), never from free text.
import { LabNotificationType } from '../../workflows/lab/milestones.js';
import type { NotificationValue } from '../partner/notifier.js';
import { exceptionReasonById } from '../domain/honeybee-exception-reasons.js';

export const PRESCRIPTION_NOTIFICATION_TYPES = [
  'prescription.matched',
  'prescription.needs_operator',
  'prescription.approval_requested',
  'prescription.approval_overdue',
  'prescription.awaiting_refill',
  'prescription.completed',
  'prescription.expired',
  'prescription.canceled',
] as const;

export const ORDER_NOTIFICATION_TYPES = [
  'order.created',
  'order.on_hold',
  'order.resolved',
  'order.escalated',
  'order.shipped',
  'order.delivered',
  'order.canceled',
] as const;

const KNOWN_TYPES = new Set<string>([
  ...PRESCRIPTION_NOTIFICATION_TYPES,
  ...ORDER_NOTIFICATION_TYPES,
  ...Object.values(LabNotificationType),
]);

/** The notification type as a label: known types as they are, anything else `other`. */
export function notificationTypeLabel(type: string): string {
  return KNOWN_TYPES.has(type) ? type : 'other';
}

export type MilestoneCounter =
  'ordersCreated' | 'holdsOpened' | 'holdsResolved' | 'holdsEscalated' | 'labKitMilestones';

export interface MilestoneIncrement {
  counter: MilestoneCounter;
  labels: Record<string, string>;
}

/** A Honeybee exception id as `74 Allergy Detected` (the ExceptionReason search attribute's form), else other/unknown. */
export function honeybeeReasonLabel(exceptionId: NotificationValue | undefined): string {
  if (exceptionId === null || exceptionId === undefined || exceptionId === '') return 'unknown';
  const id = Number(exceptionId);
  const known = Number.isInteger(id) ? exceptionReasonById(id) : undefined;
  return known ? `${known.id} ${known.name}` : 'other';
}

/** An engine reason code (`patient_not_found`, `fulfillment_rejected`, a vendor error code) or `other`. */
export function reasonCodeLabel(reason: NotificationValue | undefined): string {
  if (typeof reason !== 'string' && typeof reason !== 'number') return 'unknown';
  const code = String(reason);
  return /^[a-z0-9_]{1,40}$/.test(code) ? code : 'other';
}

const LAB_PREFIX = 'lab_order.';

export function milestoneIncrements(notification: {
  type: string;
  data: Record<string, NotificationValue>;
}): MilestoneIncrement[] {
  const { type, data } = notification;
  const increments: MilestoneIncrement[] = [];
  const add = (counter: MilestoneCounter, labels: Record<string, string>) => increments.push({ counter, labels });

  switch (type) {
    case 'order.created':
      add('ordersCreated', { vendor: 'honeybee' });
      break;
    case 'order.on_hold':
      add('holdsOpened', { kind: 'order', reason: honeybeeReasonLabel(data.exceptionId) });
      break;
    case 'order.resolved':
      add('holdsResolved', { kind: 'order', reason: honeybeeReasonLabel(data.exceptionId) });
      break;
    case 'order.escalated':
      add('holdsEscalated', { kind: 'order', reason: honeybeeReasonLabel(data.exceptionId) });
      break;
    case 'prescription.needs_operator':
      add('holdsOpened', { kind: 'prescription', reason: reasonCodeLabel(data.reason) });
      break;
    case 'prescription.matched':
      // Matched by an operator: the patient-match hold is over (a directory match was never a hold).
      if (data.matchedBy === 'operator') add('holdsResolved', { kind: 'prescription', reason: 'patient_match' });
      break;
    case 'prescription.approval_overdue':
      add('holdsEscalated', { kind: 'prescription', reason: 'approval_overdue' });
      break;
    case LabNotificationType.Created:
      add('ordersCreated', { vendor: 'onegevity' });
      break;
    case LabNotificationType.Rejected:
      add('holdsOpened', { kind: 'lab', reason: 'fulfillment_rejected' });
      break;
    case LabNotificationType.NeedsOperator:
      add('holdsOpened', { kind: 'lab', reason: reasonCodeLabel(data.reason) });
      break;
    case LabNotificationType.Resolved:
      add('holdsResolved', { kind: 'lab', reason: 'fulfillment_rejected' });
      break;
    default:
      break;
  }
  if (type.startsWith(LAB_PREFIX) && KNOWN_TYPES.has(type)) {
    add('labKitMilestones', { milestone: type.slice(LAB_PREFIX.length) });
  }
  return increments;
}
