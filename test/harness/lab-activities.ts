// Fake lab activities for in-process workers (time-skipping tests, history recording): a scripted Onegevity that a
// test steers (what the order reads as, what fails) and a notifier that records every partner notification. Only the
// activities labOrderWorkflow calls; each records its calls so a test can count vendor traffic.
import { ApplicationFailure } from '@temporalio/common';
import type {
  CancelLabFulfillmentResult,
  CreateLabOrderInput,
  CreateLabOrderResult,
  LabOrderRef,
  LabOrderSnapshot,
  LabReportList,
  RequestLabFulfillmentResult,
} from '../../activities/lab.js';
import { FailureType } from '../../src/domain/failure-types.js';
import type { NotifyResult, PartnerNotification } from '../../src/partner/notifier.js';
import type { OnegevityCreateFulfillmentRequest } from '../../src/vendors/onegevity/schemas.js';

export interface FakeLabVendor {
  /** What getLabOrder answers (per orderIdentifier); default: the order as created. */
  orders: Map<string, LabOrderSnapshot>;
  /** createLabOrder fails this many times with `createFailure` before it succeeds. */
  failCreates: number;
  createFailure: () => Error;
  createOutcome: 'created' | 'adopted';
  /** createLabOrder waits for this before answering (events can then overtake the answer). */
  createGate?: Promise<void>;
  /** getLabOrder waits for this before answering (signals can then arrive while a read is in flight). */
  readGate?: Promise<void>;
  /** requestLabFulfillment fails with this when set. */
  fulfillmentFailure?: () => Error;
  reports: string[];
  calls: {
    createLabOrder: CreateLabOrderInput[];
    getLabOrder: LabOrderRef[];
    requestLabFulfillment: OnegevityCreateFulfillmentRequest[];
    cancelLabFulfillment: { requestIdentifier: string }[];
    listLabReports: LabOrderRef[];
  };
  notifications: PartnerNotification[];
}

export function createdSnapshot(orderIdentifier: string): LabOrderSnapshot {
  return {
    orderIdentifier,
    packageIdentifier: 'KIT-STANDARD',
    status: 'FULFILLMENT_REQUESTED',
    completed: false,
    fulfillment: {
      requestIdentifier: orderIdentifier,
      status: 'REQUESTED',
      trackingNumber: null,
      trackingUrl: null,
      rejectionReason: null,
    },
    kitStatuses: ['UNREGISTERED'],
  };
}

/** Onegevity releases the order's results: its reads show them from now on (it does so before its webhook). */
export function releaseResults(vendor: FakeLabVendor, orderIdentifier: string): void {
  const order = vendor.orders.get(orderIdentifier) ?? createdSnapshot(orderIdentifier);
  vendor.orders.set(orderIdentifier, { ...order, status: 'RESULTS_RELEASED', completed: true });
}

export function vendorRejected(message = 'Onegevity POST /patients/{patientIdentifier}/orders: VendorRejected'): Error {
  return ApplicationFailure.create({
    type: FailureType.VendorRejected,
    message,
    nonRetryable: true,
    details: [{ fields: ['fulfillmentInformation.shippingAddress.postalCode'] }],
  });
}

export function createFakeLabVendor(): FakeLabVendor {
  return {
    orders: new Map(),
    failCreates: 0,
    createFailure: () => vendorRejected(),
    createOutcome: 'created',
    reports: ['R-1'],
    calls: {
      createLabOrder: [],
      getLabOrder: [],
      requestLabFulfillment: [],
      cancelLabFulfillment: [],
      listLabReports: [],
    },
    notifications: [],
  };
}

export function fakeLabActivities(vendor: FakeLabVendor) {
  return {
    async createLabOrder(input: CreateLabOrderInput): Promise<CreateLabOrderResult> {
      vendor.calls.createLabOrder.push(input);
      await vendor.createGate;
      if (vendor.failCreates > 0) {
        vendor.failCreates -= 1;
        throw vendor.createFailure();
      }
      const order = vendor.orders.get(input.request.orderIdentifier) ?? createdSnapshot(input.request.orderIdentifier);
      vendor.orders.set(input.request.orderIdentifier, order);
      return { outcome: vendor.createOutcome, order, vendorRequestId: 'req-fake' };
    },
    async getLabOrder(ref: LabOrderRef): Promise<LabOrderSnapshot> {
      vendor.calls.getLabOrder.push(ref);
      await vendor.readGate;
      const order = vendor.orders.get(ref.orderIdentifier);
      if (!order) {
        throw ApplicationFailure.create({
          type: FailureType.VendorNotFound,
          message: 'no such order',
          nonRetryable: true,
        });
      }
      return order;
    },
    async requestLabFulfillment(input: OnegevityCreateFulfillmentRequest): Promise<RequestLabFulfillmentResult> {
      vendor.calls.requestLabFulfillment.push(input);
      if (vendor.fulfillmentFailure) throw vendor.fulfillmentFailure();
      return { outcome: 'created', requestIdentifier: input.requestIdentifier, status: 'REQUESTED' };
    },
    async cancelLabFulfillment(input: { requestIdentifier: string }): Promise<CancelLabFulfillmentResult> {
      vendor.calls.cancelLabFulfillment.push(input);
      return { canceled: true, status: 'CANCELED' };
    },
    async listLabReports(ref: LabOrderRef): Promise<LabReportList> {
      vendor.calls.listLabReports.push(ref);
      return { reportIdentifiers: [...vendor.reports] };
    },
    async notifyPartner(notification: PartnerNotification): Promise<NotifyResult> {
      vendor.notifications.push(notification);
      return { delivered: true, status: 200 };
    },
  };
}
