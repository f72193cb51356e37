// Activities toward Onegevity for labOrderWorkflow. Identifiers are the engine's own, so every write is idempotent:
// a create answered 409, or one whose answer was lost (timeout, dropped connection, 5xx), is reconciled by reading the
// resource back and adopting it when it is ours. Results carry ids and statuses only (no PHI), since they land in
// workflow history and the status query.
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../src/domain/failure-types.js';
import type { Logger } from '../src/observability/logger.js';
import type { OnegevityClient } from '../src/vendors/onegevity/client.js';
import type {
  OnegevityCreateFulfillmentRequest,
  OnegevityCreateOrderRequest,
  OnegevityFulfillmentRequest,
  OnegevityOrder,
} from '../src/vendors/onegevity/schemas.js';
import { isVendorError } from '../src/vendors/shared/vendor-error.js';
import { callVendor, toApplicationFailure } from './vendor-failure.js';

export interface LabActivityDependencies {
  onegevity: OnegevityClient;
  logger: Logger;
}

/** An Onegevity order as the workflow needs it: statuses and ids, nothing about the patient. */
export interface LabOrderSnapshot {
  orderIdentifier: string;
  packageIdentifier: string | null;
  status: string | null;
  completed: boolean;
  fulfillment: {
    requestIdentifier: string | null;
    status: string | null;
    trackingNumber: string | null;
    trackingUrl: string | null;
    rejectionReason: string | null;
  } | null;
  /** One per kit element, in the vendor's order. */
  kitStatuses: string[];
}

export interface LabOrderRef {
  patientIdentifier: string;
  orderIdentifier: string;
}

export interface CreateLabOrderInput {
  patientIdentifier: string;
  request: OnegevityCreateOrderRequest;
}

export interface CreateLabOrderResult {
  /** `adopted`: the order already existed (a retry after a lost answer, or a 409) and is this one. */
  outcome: 'created' | 'adopted';
  order: LabOrderSnapshot;
  vendorRequestId: string | null;
}

export interface RequestLabFulfillmentResult {
  outcome: 'created' | 'adopted';
  requestIdentifier: string;
  status: string | null;
}

export interface CancelLabFulfillmentResult {
  /** True when Onegevity now reports the request CANCELED. */
  canceled: boolean;
  status: string | null;
}

export interface LabReportList {
  reportIdentifiers: string[];
}

const REPORT_PAGE_SIZE = 100;
const MAX_REPORT_PAGES = 20;

export function labOrderSnapshot(order: OnegevityOrder): LabOrderSnapshot {
  return {
    orderIdentifier: order.orderIdentifier,
    packageIdentifier: order.packageIdentifier ?? null,
    status: order.status ?? null,
    completed: order.completed ?? false,
    fulfillment: order.fulfillment
      ? {
          requestIdentifier: order.fulfillment.requestIdentifier ?? null,
          status: order.fulfillment.status ?? null,
          trackingNumber: order.fulfillment.trackingNumber ?? null,
          trackingUrl: order.fulfillment.trackingUrl ?? null,
          rejectionReason: order.fulfillment.rejectionReason ?? null,
        }
      : null,
    kitStatuses: order.elements.flatMap((element) => (element.kitStatus ? [element.kitStatus] : [])),
  };
}

function conflict(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.VendorConflict, message, nonRetryable: true });
}

/** The failure of a write whose outcome a read could settle: a 409, or any retryable failure (answer may be lost). */
function worthReadingBack(error: unknown): 'conflict' | 'uncertain' | undefined {
  if (!isVendorError(error)) return undefined;
  if (error.failureType === FailureType.VendorConflict) return 'conflict';
  return error.retryable ? 'uncertain' : undefined;
}

export function createLabActivities(deps: LabActivityDependencies) {
  const { onegevity, logger } = deps;

  async function readOrder(ref: LabOrderRef): Promise<OnegevityOrder | undefined> {
    try {
      return (await onegevity.getPatientOrder(ref.patientIdentifier, ref.orderIdentifier)).data;
    } catch (error) {
      if (isVendorError(error) && error.failureType === FailureType.VendorNotFound) return undefined;
      throw error;
    }
  }

  async function readFulfillment(requestIdentifier: string): Promise<OnegevityFulfillmentRequest | undefined> {
    try {
      return (await onegevity.getFulfillmentRequest(requestIdentifier)).data;
    } catch (error) {
      if (isVendorError(error) && error.failureType === FailureType.VendorNotFound) return undefined;
      throw error;
    }
  }

  return {
    /** POST the patient order with its fulfillment; on 409 or an uncertain failure, read it back and adopt it. */
    async createLabOrder(input: CreateLabOrderInput): Promise<CreateLabOrderResult> {
      const { orderIdentifier, packageIdentifier } = input.request;
      try {
        const created = await onegevity.createPatientOrder(input.patientIdentifier, input.request);
        logger.info({ orderIdentifier, vendorRequestId: created.requestId }, 'lab order created at Onegevity');
        return {
          outcome: 'created',
          order: labOrderSnapshot(created.data),
          vendorRequestId: created.requestId ?? null,
        };
      } catch (error) {
        const reading = worthReadingBack(error);
        if (!reading) throw toApplicationFailure(error);
        const existing = await callVendor(() => readOrder({ ...input, orderIdentifier }));
        if (existing && (existing.packageIdentifier ?? packageIdentifier) === packageIdentifier) {
          logger.info({ orderIdentifier, after: reading }, 'lab order already at Onegevity: adopted');
          return { outcome: 'adopted', order: labOrderSnapshot(existing), vendorRequestId: null };
        }
        if (reading === 'uncertain') throw toApplicationFailure(error);
        throw conflict(
          existing
            ? `Onegevity order ${orderIdentifier} exists with another package: not ours`
            : `Onegevity order ${orderIdentifier} exists for another patient: not ours`,
        );
      }
    },

    async getLabOrder(ref: LabOrderRef): Promise<LabOrderSnapshot> {
      const order = await callVendor(() => onegevity.getPatientOrder(ref.patientIdentifier, ref.orderIdentifier));
      return labOrderSnapshot(order.data);
    },

    /** POST a (re)submitted fulfillment request; its requestIdentifier is the idempotency key. */
    async requestLabFulfillment(input: OnegevityCreateFulfillmentRequest): Promise<RequestLabFulfillmentResult> {
      const { requestIdentifier, orderIdentifier } = input;
      try {
        const created = await onegevity.createFulfillmentRequest(input);
        logger.info({ orderIdentifier, requestIdentifier }, 'lab fulfillment requested at Onegevity');
        return { outcome: 'created', requestIdentifier, status: created.data.status ?? null };
      } catch (error) {
        const reading = worthReadingBack(error);
        if (!reading) throw toApplicationFailure(error);
        const existing = await callVendor(() => readFulfillment(requestIdentifier));
        if (existing && (existing.orderIdentifier ?? orderIdentifier) === orderIdentifier) {
          logger.info({ orderIdentifier, requestIdentifier, after: reading }, 'lab fulfillment request adopted');
          return { outcome: 'adopted', requestIdentifier, status: existing.status ?? null };
        }
        if (reading === 'uncertain') throw toApplicationFailure(error);
        throw conflict(
          existing
            ? `fulfillment request ${requestIdentifier} belongs to another order`
            : `Onegevity refused fulfillment request ${requestIdentifier}: the order has another active request`,
        );
      }
    },

    /** Cancels a fulfillment request where Onegevity still can (before it ships); reports what it is now. */
    async cancelLabFulfillment(input: { requestIdentifier: string }): Promise<CancelLabFulfillmentResult> {
      try {
        const canceled = await onegevity.cancelFulfillmentRequest(input.requestIdentifier);
        const status = canceled.data.status ?? null;
        return { canceled: status === 'CANCELED', status };
      } catch (error) {
        if (!isVendorError(error) || error.failureType !== FailureType.VendorConflict)
          throw toApplicationFailure(error);
        // 409: shipped or already ended. Say what it is, so the workflow can tell the operator.
        const current = await callVendor(() => onegevity.getFulfillmentRequest(input.requestIdentifier));
        const status = current.data.status ?? null;
        return { canceled: status === 'CANCELED', status };
      }
    },

    /** Every report identifier of a released order (all pages). */
    async listLabReports(ref: LabOrderRef): Promise<LabReportList> {
      const reportIdentifiers: string[] = [];
      for (let pageNumber = 1; pageNumber <= MAX_REPORT_PAGES; pageNumber++) {
        const page = await callVendor(() =>
          onegevity.listReports(ref.patientIdentifier, ref.orderIdentifier, { pageNumber, pageSize: REPORT_PAGE_SIZE }),
        );
        for (const report of page.data.content) {
          if (report.reportIdentifier) reportIdentifiers.push(report.reportIdentifier);
        }
        const total = page.data.totalNumberOfElements ?? reportIdentifiers.length;
        if (page.data.content.length === 0 || reportIdentifiers.length >= total) break;
      }
      return { reportIdentifiers };
    },
  };
}

export type LabActivities = ReturnType<typeof createLabActivities>;
