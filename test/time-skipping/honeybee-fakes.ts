// Fake activities for time-skipping tests of the Honeybee workflows: they answer like the real ones (same names and
// shapes) from a scripted vendor, and record every call so a test can assert what the workflow asked for.
import type { PartnerNotification } from '../../src/partner/notifier.js';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/domain/failure-types.js';
import type {
  CancelOrderOutcome,
  EnsureFillOrderRequest,
  EnsureFillOrderResult,
  HoneybeePatientMatch,
  ReportMilestoneRequest,
} from '../../activities/honeybee.js';
import type { HoneybeeOrderSnapshot } from '../../workflows/honeybee/types.js';

export interface FakeVendor {
  /** The order GET /orders/{n} returns. */
  order: HoneybeeOrderSnapshot;
  /** What ensureHoneybeeFillOrder finds or creates next (undefined: nothing found, nothing created). */
  nextOrderNumber?: string;
  refillsLeft: number;
  expireDate: string;
  /** What matching the patient in the partner's directory finds (default: P-1, by EHR id). */
  match?: HoneybeePatientMatch;
  /** The directory holds no intake: creating an order without one fails PatientSafetyUnknown (as under `hold`). */
  intakeMissing?: boolean;
  /** Partner patient ids the directory does not know (every other id it does). */
  unknownPatients?: string[];
}

export interface FakeCalls {
  notifications: PartnerNotification[];
  ensures: EnsureFillOrderRequest[];
  polls: string[];
  actions: { orderNumber: string; action: string; fields: Record<string, unknown> }[];
  reports: ReportMilestoneRequest[];
  matches: string[];
  /** The partner patient ids looked up in the directory (an operator's matches). */
  lookups: string[];
}

export function fakeOrder(orderNumber: string, status: string, prescriptionId = '1111111'): HoneybeeOrderSnapshot {
  return {
    orderNumber,
    patientId: '4242',
    status,
    prescriptionIds: [prescriptionId],
    dispenseStatuses: [status],
    shipments: [],
    actions: [],
    requestId: 'req-get-order',
    fromCache: false,
  };
}

export function createFakeActivities(vendor: FakeVendor) {
  const calls: FakeCalls = {
    notifications: [],
    ensures: [],
    polls: [],
    actions: [],
    reports: [],
    matches: [],
    lookups: [],
  };
  const activities = {
    async notifyPartner(notification: PartnerNotification) {
      calls.notifications.push(notification);
      return { delivered: true, status: 204 };
    },
    async matchHoneybeePatient(request: { patientId: string }): Promise<HoneybeePatientMatch> {
      calls.matches.push(request.patientId);
      return (
        vendor.match ?? { outcome: 'matched', partnerPatientId: 'P-1', matchedBy: 'ehrId', requestId: 'req-match' }
      );
    },
    async lookUpPartnerPatient(request: { partnerPatientId: string }): Promise<{ known: boolean }> {
      calls.lookups.push(request.partnerPatientId);
      return { known: !vendor.unknownPatients?.includes(request.partnerPatientId) };
    },
    async getHoneybeePrescription() {
      return { found: true, facts: { refillsLeft: vendor.refillsLeft, expireDate: vendor.expireDate } };
    },
    async ensureHoneybeeFillOrder(request: EnsureFillOrderRequest): Promise<EnsureFillOrderResult> {
      calls.ensures.push(request);
      if (request.create && vendor.intakeMissing && !request.patientSafety) {
        throw ApplicationFailure.create({
          type: FailureType.PatientSafetyUnknown,
          nonRetryable: true,
          message: "the partner's intake for this patient has no patientSafety.allergies",
          details: [{ status: null, requestId: null, codes: [], fields: ['patientSafety.allergies'] }],
        });
      }
      const orderNumber = vendor.nextOrderNumber;
      if (!orderNumber) return { how: 'none', linked: false, requestIds: ['req-list'] };
      vendor.nextOrderNumber = undefined;
      return {
        orderNumber,
        how: request.create ? 'created' : 'adopted',
        status: 'Processing',
        linked: true,
        requestIds: ['req-list', 'req-create'],
      };
    },
    async getHoneybeeOrder(request: { orderNumber: string }) {
      calls.polls.push(request.orderNumber);
      return structuredClone(vendor.order);
    },
    async submitHoneybeeOrderAction(request: { orderNumber: string; action: string; fields: Record<string, unknown> }) {
      calls.actions.push(request);
      return { requestId: 'req-action' };
    },
    async cancelHoneybeeOrder(): Promise<CancelOrderOutcome> {
      return { outcome: 'not_cancelable', status: 'Filling', why: 'not On Hold' };
    },
    async reportHoneybeeOrderMilestone(request: ReportMilestoneRequest) {
      calls.reports.push(request);
      return { delivered: request.prescriptionIds.map((id) => `honeybee-rx-${id}`), ended: [] };
    },
  };
  return { activities, calls };
}
