// Activities of the Honeybee workflows: patient matching, idempotent order creation, order reads and actions, and the
// signal-with-starts that link a prescription workflow and its order workflows. Each returns the vendor's
// X-Request-Id(s), so the workflow history names the vendor request behind every step. Patient details stay inside
// the activities, with one exception the audit needs: order creation returns the patient-safety data it sent (the
// history is encrypted at rest like every payload).
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { HONEYBEE_CREATE_IN_DOUBT_RECHECK_MS } from '../src/domain/activity-options.js';
import { FailureType } from '../src/domain/failure-types.js';
import { readShipment } from '../src/domain/honeybee-events.js';
import { normalizeOrderStatus } from '../src/domain/honeybee-order-status.js';
import { honeybeeOrderWorkflowId, prescriptionWorkflowId } from '../src/domain/workflow-ids.js';
import type { HoneybeeWorkflowSettings } from '../src/domain/workflow-settings.js';
import type { Logger } from '../src/observability/logger.js';
import {
  findPartnerPatient,
  type PartnerPatient,
  type PartnerPatientDirectory,
  type PatientIdentity,
  type PatientMatch,
} from '../src/partner/patient-directory.js';
import {
  EMPTY_PATIENT_SAFETY,
  honeybeePatientSafety,
  readPatientSafety,
  type PatientSafety,
  type PatientSafetyWhenUnknown,
} from '../src/partner/patient-safety.js';
import type { HoneybeeClient } from '../src/vendors/honeybee/client.js';
import type {
  HoneybeeAddressInput,
  HoneybeeCreateOrderRequest,
  HoneybeeOrder,
  HoneybeePatient,
} from '../src/vendors/honeybee/schemas.js';
import { orderLinkedSignal, orderMilestoneSignal } from '../workflows/honeybee/messages.js';
import type { honeybeeOrderWorkflow } from '../workflows/honeybee-order.js';
import type { prescriptionWorkflow } from '../workflows/prescription.js';
import { orderStartSearchAttributes } from '../workflows/honeybee/visibility.js';
import type {
  HoneybeeOrderLink,
  HoneybeeOrderWorkflowInput,
  HoneybeeOrderMilestone,
  HoneybeeOrderSnapshot,
  PrescriptionFacts,
  ShipmentInfo,
} from '../workflows/honeybee/types.js';
import { isVendorError } from '../src/vendors/shared/vendor-error.js';
import {
  noteHoneybeePatients,
  reconcileHoneybeePatient,
  vendorNumber,
  workflowExists,
  type HoneybeeReconcileDependencies,
} from './honeybee-reconcile.js';
import { toPartnerFailure } from './partner.js';
import { callVendor, toApplicationFailure } from './vendor-failure.js';

export interface HoneybeeActivityDependencies extends HoneybeeReconcileDependencies {
  honeybee: HoneybeeClient;
  directory: PartnerPatientDirectory;
  /** HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN: what order creation does when the partner supplied no intake. */
  patientSafetyWhenUnknown: PatientSafetyWhenUnknown;
  /** HONEYBEE_CREATE_IN_DOUBT_RECHECK; default HONEYBEE_CREATE_IN_DOUBT_RECHECK_MS. */
  createInDoubtRecheckMs?: number;
  temporal: Client;
  logger: Logger;
}

export type HoneybeePatientMatch = PatientMatch & { requestId?: string };

export interface EnsureFillOrderRequest {
  prescriptionId: string;
  patientId: string;
  /**
   * The partner's patient, when the prescription knows it (matched, or named by an operator): its intake is read by
   * this id. Without it the patient is matched again by Honeybee's identity, as matchHoneybeePatient does.
   */
  partnerPatientId?: string;
  fillNumber: number;
  /** Every order number the prescription already has for earlier fills (never adopted again). */
  recordedOrderNumbers: string[];
  /** false: only look for an order the vendor created (Automatic Processing); true: create one if there is none. */
  create: boolean;
  shippingMethodId: number;
  quantity: number;
  packageSize?: number;
  /** A corrected shipping address from an operator (after a 422); otherwise the address on file is used. */
  address?: HoneybeeAddressInput;
  /**
   * The intake to send, when the partner gave it with the fill's approval or an operator typed it in; otherwise the
   * partner's directory record is read.
   */
  patientSafety?: SuppliedPatientSafety;
  /** Settings the order workflow starts with, if it is not running yet. */
  settings: HoneybeeWorkflowSettings;
}

export interface EnsureFillOrderResult {
  orderNumber?: string;
  /** created: POSTed now; adopted: an order for this prescription the engine had not recorded; none: nothing yet. */
  how: 'created' | 'adopted' | 'none';
  status?: string;
  /** false when the order workflow had already ended. */
  linked: boolean;
  requestIds: string[];
  /** The `patient_safety` a POST /orders sent, and where it came from (for the audit); absent when nothing was posted. */
  patientSafetySent?: PatientSafetySent;
}

/** An intake given with the request: by the partner with the fill's approval, or by an operator. */
export interface SuppliedPatientSafety extends PatientSafety {
  source: 'fill_approval' | 'operator';
}

export interface PatientSafetySent extends PatientSafety {
  /**
   * partner_directory: the partner's intake in its directory; fill_approval: given with the fill's approval; operator:
   * typed in by an operator; not_supplied_sent_empty: none, sent empty by setting (send-empty).
   */
  source: 'partner_directory' | SuppliedPatientSafety['source'] | 'not_supplied_sent_empty';
}

export interface ReportMilestoneRequest {
  prescriptionIds: string[];
  /** Those of them that linked the order themselves: their workflows exist, so none is looked for. */
  linkedBy?: string[];
  patientId?: string;
  settings: HoneybeeWorkflowSettings;
  milestone: HoneybeeOrderMilestone;
}

export type CancelOrderOutcome =
  | { outcome: 'canceled'; requestId?: string }
  | { outcome: 'already_ended'; status: string }
  | { outcome: 'not_cancelable'; status: string; why: string };

function present<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}

function identityOf(patient: HoneybeePatient): PatientIdentity {
  return {
    ehrId: present(patient.ehr_id) ? String(patient.ehr_id) : null,
    email: patient.email ?? null,
    firstName: patient.first_name ?? null,
    lastName: patient.last_name ?? null,
    dob: patient.dob ?? null,
  };
}

function orderPrescriptionIds(order: HoneybeeOrder): string[] {
  const ids = [
    ...order.items.map((item) => item.prescription_id),
    ...order.medication_dispenses.map((dispense) => dispense.prescription_id),
  ].filter(present);
  return [...new Set(ids.map(String))];
}

function shipmentsOf(order: HoneybeeOrder): ShipmentInfo[] {
  return order.medication_dispenses.flatMap((dispense) => {
    const shipment = readShipment(dispense.shipment);
    return shipment ? [shipment] : [];
  });
}

export function orderSnapshot(order: HoneybeeOrder, requestId: string | undefined, fromCache: boolean) {
  const snapshot: HoneybeeOrderSnapshot = {
    orderNumber: order.order_number,
    ...(present(order.patient_id) ? { patientId: String(order.patient_id) } : {}),
    ...(order.status ? { status: order.status } : {}),
    prescriptionIds: orderPrescriptionIds(order),
    dispenseStatuses: order.medication_dispenses.map((dispense) => dispense.order_status).filter(present),
    shipments: shipmentsOf(order),
    actions: order.order_actions.map((action) => ({
      action: action.action,
      fields: [...action.fields],
      ...(action.description ? { description: action.description } : {}),
    })),
    ...(requestId ? { requestId } : {}),
    fromCache,
  };
  if (order.exception) {
    snapshot.exception = {
      ...(present(order.exception.id) ? { id: String(order.exception.id) } : {}),
      ...(order.exception.name ? { name: order.exception.name } : {}),
      ...(order.exception.message ? { message: order.exception.message } : {}),
    };
  }
  return snapshot;
}

/**
 * Whether a failed `POST /orders` may still have made the order: a 503 says Honeybee did not take the request (and its
 * Retry-After says when to come back); no answer at all, or another 5xx, leaves it unknown.
 */
function creationMayHaveLanded(error: unknown): boolean {
  return !(isVendorError(error) && error.status === 503);
}

/** The same retryable failure, retried no sooner than the order could have shown up in `GET /orders`. */
function recheckLater(failure: ApplicationFailure, recheckMs: number): ApplicationFailure {
  const asked = typeof failure.nextRetryDelay === 'number' ? failure.nextRetryDelay : 0;
  return ApplicationFailure.create({
    type: failure.type ?? FailureType.VendorUnavailable,
    message: `${failure.message}; the order may still appear at Honeybee, so its orders are listed again before any new POST`,
    nonRetryable: false,
    nextRetryDelay: Math.max(asked, recheckMs),
    details: failure.details ? [...failure.details] : [],
  });
}

export function createHoneybeeActivities(deps: HoneybeeActivityDependencies) {
  const taskQueue = () => Context.current().info.taskQueue;

  /** The newest order for the prescription that no earlier fill recorded and that is not canceled. */
  async function findUnrecordedOrder(
    request: Pick<EnsureFillOrderRequest, 'patientId' | 'prescriptionId' | 'recordedOrderNumbers'>,
    requestIds: string[],
  ): Promise<HoneybeeOrder | undefined> {
    const listed = await callVendor(() => deps.honeybee.listOrders({ patientId: vendorNumber(request.patientId) }));
    if (listed.requestId) requestIds.push(listed.requestId);
    const recorded = new Set(request.recordedOrderNumbers);
    return listed.data.find(
      (order) =>
        orderPrescriptionIds(order).includes(request.prescriptionId) &&
        !recorded.has(order.order_number) &&
        normalizeOrderStatus(order.status ?? '') !== 'Canceled',
    );
  }

  /** The partner's directory record for the fill's patient: by its id when known, else by Honeybee's identity. */
  async function partnerRecord(
    request: EnsureFillOrderRequest,
    requestIds: string[],
  ): Promise<PartnerPatient | undefined> {
    const identity = request.partnerPatientId
      ? undefined
      : await callVendor(() => deps.honeybee.getPatient(vendorNumber(request.patientId)));
    if (identity?.requestId) requestIds.push(identity.requestId);
    try {
      if (!identity) {
        const found = await deps.directory.find({
          by: 'partnerPatientId',
          partnerPatientId: request.partnerPatientId!,
        });
        return found.length === 1 ? found[0] : undefined;
      }
      return (await findPartnerPatient(deps.directory, identityOf(identity.data))).patient;
    } catch (error) {
      throw toPartnerFailure(error);
    }
  }

  /**
   * The patient-safety data to send: the intake the request brings, else the partner's directory record's, or (when
   * it supplied none) empty lists only under
   * HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN=send-empty; under `hold` a non-retryable PatientSafetyUnknown, which the
   * prescription workflow turns into an operator exception (retry_order once the intake is in, or cancel).
   */
  async function patientSafetyToSend(
    request: EnsureFillOrderRequest,
    requestIds: string[],
  ): Promise<PatientSafetySent> {
    if (request.patientSafety) {
      const { source, medications, healthConditions, allergies } = request.patientSafety;
      return { source, medications, healthConditions, allergies };
    }
    const record = await partnerRecord(request, requestIds);
    const reading = readPatientSafety(record?.patientSafety);
    if (reading.supplied) return { source: 'partner_directory', ...reading.safety };
    if (deps.patientSafetyWhenUnknown === 'send-empty')
      return { source: 'not_supplied_sent_empty', ...EMPTY_PATIENT_SAFETY };
    const fields = record ? reading.missing : ['patientSafety'];
    throw ApplicationFailure.create({
      type: FailureType.PatientSafetyUnknown,
      nonRetryable: true,
      message: record
        ? `the partner's intake for this patient has no ${fields.join(', ')}${reading.problems.length > 0 ? ` (${reading.problems.join('; ')})` : ''}; HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN=hold`
        : 'the partner directory has no record of this patient to read patient-safety data from; HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN=hold',
      details: [{ status: null, requestId: requestIds.at(-1) ?? null, codes: [], fields }],
    });
  }

  /**
   * Signal-with-starts the order's workflow with what Honeybee just said about the order (it need not poll at once)
   * and the search attributes its first state shows (free at start; an upsert later).
   */
  async function linkOrderWorkflow(
    request: EnsureFillOrderRequest,
    order: HoneybeeOrder,
    requestId: string | undefined,
  ): Promise<boolean> {
    const link: HoneybeeOrderLink = {
      prescriptionId: request.prescriptionId,
      fillNumber: request.fillNumber,
      patientId: request.patientId,
    };
    const input: HoneybeeOrderWorkflowInput = {
      orderNumber: order.order_number,
      patientId: request.patientId,
      prescriptionIds: [request.prescriptionId],
      settings: request.settings,
      initialSnapshot: orderSnapshot(order, requestId, false),
    };
    try {
      await deps.temporal.workflow.signalWithStart<typeof honeybeeOrderWorkflow, [HoneybeeOrderLink]>(
        'honeybeeOrderWorkflow',
        {
          workflowId: honeybeeOrderWorkflowId(order.order_number),
          taskQueue: taskQueue(),
          args: [input],
          signal: orderLinkedSignal,
          signalArgs: [link],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: orderStartSearchAttributes(input, new Date().toISOString()),
        },
      );
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }

  /**
   * An order event names a prescription the engine has no workflow for: its RX_RECEIVED was lost. The patient's
   * prescriptions are swept (the order's own started as their RX_RECEIVED would have, with Honeybee's facts, and any
   * other lost one of the patient's too) before the milestone is reported. If Honeybee does not answer, the milestone
   * still starts the prescription (its facts are read at the fill's end) and the scheduled sweep covers the rest.
   */
  async function reconcileUnknownPrescriptions(request: ReportMilestoneRequest): Promise<void> {
    const { patientId } = request;
    if (!patientId) return;
    const unlinked = request.prescriptionIds.filter((id) => !request.linkedBy?.includes(id));
    const exists = await Promise.all(unlinked.map((id) => workflowExists(deps.temporal, prescriptionWorkflowId(id))));
    if (exists.every(Boolean)) return;
    await noteHoneybeePatients(deps.temporal, taskQueue(), [patientId]);
    try {
      await reconcileHoneybeePatient(deps, {
        patientId,
        settings: request.settings,
        taskQueue: taskQueue(),
        always: request.prescriptionIds,
      });
    } catch (error) {
      if (!isVendorError(error)) throw error;
      deps.logger.warn({ failure: error.failureType }, 'order event for an unknown prescription: sweep deferred');
    }
  }

  return {
    /**
     * Reads Honeybee's patient and matches it in the partner's directory (EHR id, then email, then name + date of
     * birth). Returns the outcome only: the patient's details never leave this activity.
     */
    async matchHoneybeePatient(request: { patientId: string }): Promise<HoneybeePatientMatch> {
      const patient = await callVendor(() => deps.honeybee.getPatient(vendorNumber(request.patientId)));
      // A patient the engine has met: the reconciliation sweep reads its prescriptions from now on.
      await noteHoneybeePatients(deps.temporal, taskQueue(), [request.patientId]);
      let match: PatientMatch;
      try {
        ({ match } = await findPartnerPatient(deps.directory, identityOf(patient.data)));
      } catch (error) {
        throw toPartnerFailure(error);
      }
      return { ...match, ...(patient.requestId ? { requestId: patient.requestId } : {}) };
    },

    /**
     * Whether the partner's directory knows a partner patient id an operator typed to match a prescription: a typo
     * would otherwise put the prescription in another patient's chart. Answers known or not only.
     */
    async lookUpPartnerPatient(request: { partnerPatientId: string }): Promise<{ known: boolean }> {
      try {
        const found = await deps.directory.find({ by: 'partnerPatientId', partnerPatientId: request.partnerPatientId });
        return { known: found.length > 0 };
      } catch (error) {
        throw toPartnerFailure(error);
      }
    },

    /** The prescription's facts (refills, expiry) when the RX_RECEIVED that carries them never arrived. */
    async getHoneybeePrescription(request: {
      patientId: string;
      prescriptionId: string;
    }): Promise<{ found: boolean; facts: PrescriptionFacts; requestId?: string }> {
      const listed = await callVendor(() => deps.honeybee.listPatientPrescriptions(vendorNumber(request.patientId)));
      const found = listed.data.find((rx) => String(rx.prescription_id ?? rx.id) === request.prescriptionId);
      const facts: PrescriptionFacts = {};
      if (found && present(found.refills_left)) facts.refillsLeft = found.refills_left;
      if (found?.expire_date) facts.expireDate = found.expire_date;
      if (found && present(found.written_qty)) facts.writtenQty = found.written_qty;
      if (found && present(found.days_supply)) facts.daysSupply = found.days_supply;
      return { found: found !== undefined, facts, ...(listed.requestId ? { requestId: listed.requestId } : {}) };
    },

    /**
     * Makes sure the fill has exactly one order and that an order workflow follows it. Honeybee has no idempotency
     * key, so every attempt first lists the patient's orders and adopts one for this prescription that no earlier
     * fill recorded (a create whose answer was lost); only then does it POST. A 409 or a lost answer (timeout,
     * network, 5xx) is reconciled by listing again, never by posting again; if the listing finds nothing, a 409
     * fails for an operator and anything else fails retryably (the next attempt lists first), after
     * HONEYBEE_CREATE_IN_DOUBT_RECHECK_MS when Honeybee may still be making the order.
     */
    async ensureHoneybeeFillOrder(request: EnsureFillOrderRequest): Promise<EnsureFillOrderResult> {
      const requestIds: string[] = [];
      let order = await findUnrecordedOrder(request, requestIds);
      let how: EnsureFillOrderResult['how'] = order ? 'adopted' : 'none';
      let patientSafetySent: PatientSafetySent | undefined;
      if (!order && request.create) {
        patientSafetySent = await patientSafetyToSend(request, requestIds);
        const body: HoneybeeCreateOrderRequest = {
          shipping: { method_id: request.shippingMethodId },
          patient: {
            patient_id: vendorNumber(request.patientId),
            patient_safety: honeybeePatientSafety(patientSafetySent),
          },
          items: [
            {
              prescription_id: vendorNumber(request.prescriptionId),
              quantity: request.quantity,
              ...(request.packageSize ? { package_size: request.packageSize } : {}),
            },
          ],
          ...(request.address ? { address: request.address } : {}),
        };
        try {
          const created = await deps.honeybee.createOrder(body);
          if (created.requestId) requestIds.push(created.requestId);
          order = created.data;
          how = 'created';
        } catch (error) {
          const failure = toApplicationFailure(error);
          const doubtful =
            failure.type === FailureType.VendorConflict || failure.type === FailureType.VendorUnavailable;
          if (!doubtful) throw failure;
          deps.logger.warn(
            { prescriptionId: request.prescriptionId, fillNumber: request.fillNumber, failureType: failure.type },
            'order creation in doubt: reconciling by listing orders',
          );
          order = await findUnrecordedOrder(request, requestIds);
          if (!order) {
            throw failure.type === FailureType.VendorUnavailable && creationMayHaveLanded(error)
              ? recheckLater(failure, deps.createInDoubtRecheckMs ?? HONEYBEE_CREATE_IN_DOUBT_RECHECK_MS)
              : failure;
          }
          how = 'adopted';
        }
      }
      const sent = patientSafetySent ? { patientSafetySent } : {};
      if (!order) return { how: 'none', linked: false, requestIds, ...sent };
      const linked = await linkOrderWorkflow(request, order, requestIds.at(-1));
      deps.logger.info(
        {
          prescriptionId: request.prescriptionId,
          fillNumber: request.fillNumber,
          orderNumber: order.order_number,
          how,
        },
        'fill order ensured',
      );
      return {
        orderNumber: order.order_number,
        how,
        ...(order.status ? { status: order.status } : {}),
        linked,
        requestIds,
        ...sent,
      };
    },

    /** One order as Honeybee has it now (revalidated with its ETag, so a quiet order costs a 304). */
    async getHoneybeeOrder(request: { orderNumber: string }): Promise<HoneybeeOrderSnapshot> {
      const result = await callVendor(() => deps.honeybee.getOrder(request.orderNumber));
      return orderSnapshot(result.data, result.requestId, result.fromCache);
    },

    /** Submits one of the order actions the exception offered. A 422 (refused) or 409 (not On Hold) is not retried. */
    async submitHoneybeeOrderAction(request: {
      orderNumber: string;
      action: string;
      fields: Record<string, unknown>;
    }): Promise<{ requestId?: string }> {
      const result = await callVendor(() =>
        deps.honeybee.submitOrderAction(request.orderNumber, { action: request.action, fields: request.fields }),
      );
      return result.requestId ? { requestId: result.requestId } : {};
    },

    /**
     * Cancels an order when Honeybee allows it: only an On Hold order offers `cancel_order`. Otherwise says why not
     * (a prescription cancelled while its order is filling records that the order goes on).
     */
    async cancelHoneybeeOrder(request: { orderNumber: string; reason: string }): Promise<CancelOrderOutcome> {
      const current = await callVendor(() => deps.honeybee.getOrder(request.orderNumber));
      const status = normalizeOrderStatus(current.data.status ?? '');
      if (status === 'Canceled' || status === 'Delivered') return { outcome: 'already_ended', status };
      const offered = current.data.order_actions.some((action) => action.action === 'cancel_order');
      if (status !== 'On Hold' || !offered) {
        return {
          outcome: 'not_cancelable',
          status: status || 'unknown',
          why: `Honeybee offers cancel_order only while an order is On Hold; order ${request.orderNumber} is ${status || 'of unknown status'}`,
        };
      }
      const result = await callVendor(() =>
        deps.honeybee.submitOrderAction(request.orderNumber, {
          action: 'cancel_order',
          fields: { reason: request.reason },
        }),
      );
      return { outcome: 'canceled', ...(result.requestId ? { requestId: result.requestId } : {}) };
    },

    /**
     * Tells each prescription workflow how its order goes, by signal-with-start (an order event can come before the
     * RX_RECEIVED). A prescription workflow that has ended is reported back, not restarted.
     */
    async reportHoneybeeOrderMilestone(
      request: ReportMilestoneRequest,
    ): Promise<{ delivered: string[]; ended: string[] }> {
      const outcome = { delivered: [] as string[], ended: [] as string[] };
      await reconcileUnknownPrescriptions(request);
      for (const prescriptionId of request.prescriptionIds) {
        const workflowId = prescriptionWorkflowId(prescriptionId);
        try {
          await deps.temporal.workflow.signalWithStart<typeof prescriptionWorkflow, [HoneybeeOrderMilestone]>(
            'prescriptionWorkflow',
            {
              workflowId,
              taskQueue: taskQueue(),
              args: [
                {
                  prescriptionId,
                  ...(request.patientId ? { patientId: request.patientId } : {}),
                  settings: request.settings,
                },
              ],
              signal: orderMilestoneSignal,
              signalArgs: [request.milestone],
              workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            },
          );
          outcome.delivered.push(workflowId);
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) outcome.ended.push(workflowId);
          else throw error;
        }
      }
      return outcome;
    },
  };
}

export type HoneybeeActivities = ReturnType<typeof createHoneybeeActivities>;
