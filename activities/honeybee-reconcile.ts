// Recovering prescriptions whose RX_RECEIVED never arrived (issue 15.4). The engine keeps the Honeybee patients it has
// met in an entity workflow (workflows/honeybee-patients.ts, encrypted like every payload); a sweep reads each one's
// prescriptions (GET /patients/{id}/rx) and starts every active one that has no workflow, exactly as its RX_RECEIVED
// would have: the event is rebuilt from what Honeybee says about the prescription, routed by the bridge's own routing
// and delivered by the bridge's own signal-with-start (same workflow id, start input, search attributes and signal).
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { honeybeePatientRegistryWorkflowId, prescriptionWorkflowId } from '../src/domain/workflow-ids.js';
import type { HoneybeeWorkflowSettings } from '../src/domain/workflow-settings.js';
import { routeHoneybeeEvent } from '../src/bridge/honeybee-routing.js';
import { createTemporalDelivery } from '../src/bridge/temporal-delivery.js';
import type { Logger } from '../src/observability/logger.js';
import type { HoneybeeClient } from '../src/vendors/honeybee/client.js';
import type { HoneybeeMedicationRequest } from '../src/vendors/honeybee/schemas.js';
import { isVendorError } from '../src/vendors/shared/vendor-error.js';
import { WindowBatcher } from '../src/runtime/window-batcher.js';
import {
  honeybeePatientIdInput,
  knownPatientsQuery,
  notePatientsSignal,
} from '../workflows/honeybee/patient-registry-messages.js';
import type { honeybeePatientRegistryWorkflow } from '../workflows/honeybee-patients.js';

export interface HoneybeeReconcileDependencies {
  honeybee: HoneybeeClient;
  temporal: Client;
  logger: Logger;
  /**
   * HONEYBEE_RX_SWEEP_MAX_AGE: an active prescription received longer ago than this is not started by a sweep (it was
   * handled before the engine knew its patient, or outside it). Unset: no limit.
   */
  rxSweepMaxAgeMs?: number;
}

export interface PatientReconciliation {
  /** Prescription ids started now. */
  started: string[];
  /** Active prescriptions without a workflow, received before the sweep's age limit: left alone. */
  tooOld: string[];
}

export interface SweepPageRequest {
  offset: number;
  limit: number;
  settings: HoneybeeWorkflowSettings;
}

export interface SweepPageResult {
  /** Patients read on this page (0: the sweep is past the end). */
  checked: number;
  /** Patients known in all. */
  total: number;
  started: string[];
  tooOld: number;
  /** Patients whose prescriptions Honeybee did not give this time. */
  failed: number;
}

/** Honeybee ids are numbers in its bodies and paths; a numeric string goes as its number. */
export function vendorNumber(id: string): number | string {
  return /^\d+$/.test(id) ? Number(id) : id;
}

/**
 * The registry's notes, gathered per worker process: every patient match notes its patient, so one signal per match
 * was one workflow task of the registry per prescription. Keyed by the client (one per worker) and the task queue.
 */
const registryNotes = new WeakMap<Client, Map<string, WindowBatcher<string, void>>>();

/** How long a note waits for others to go with it, and how many go at most in one signal. */
export const REGISTRY_NOTE_BATCHING = { windowMs: 100, maxItems: 500, maxBytes: 64 * 1024 };

function registryNotesFor(temporal: Client, taskQueue: string): WindowBatcher<string, void> {
  let byQueue = registryNotes.get(temporal);
  if (!byQueue) registryNotes.set(temporal, (byQueue = new Map<string, WindowBatcher<string, void>>()));
  let batcher = byQueue.get(taskQueue);
  if (!batcher) {
    batcher = new WindowBatcher<string, void>({
      ...REGISTRY_NOTE_BATCHING,
      sizeOf: (id) => id.length + 3,
      send: async (batch) => {
        const patientIds = [...new Set(batch.map((entry) => entry.item))];
        await temporal.workflow.signalWithStart<typeof honeybeePatientRegistryWorkflow, [{ patientIds: string[] }]>(
          'honeybeePatientRegistryWorkflow',
          {
            workflowId: honeybeePatientRegistryWorkflowId(taskQueue),
            taskQueue,
            args: [{}],
            signal: notePatientsSignal,
            signalArgs: [{ patientIds }],
          },
        );
        for (const entry of batch) entry.resolve();
      },
    });
    byQueue.set(taskQueue, batcher);
  }
  return batcher;
}

/**
 * Notes patients in the registry (started on first use), together with the notes other activities of this worker make
 * within a short window; resolves once the signal carrying them is accepted. Safe to repeat: the registry keeps each
 * id once.
 */
export async function noteHoneybeePatients(temporal: Client, taskQueue: string, ids: string[]): Promise<void> {
  // An id the registry would refuse (not a vendor id) is not sent: it could never be swept anyway.
  const patientIds = ids.filter((id) => honeybeePatientIdInput.safeParse(id).success);
  const notes = registryNotesFor(temporal, taskQueue);
  await Promise.all(patientIds.map((id) => notes.add(id)));
}

/** Whether a workflow with this id exists (running or closed): a closed prescription is never started again. */
export async function workflowExists(temporal: Client, workflowId: string): Promise<boolean> {
  try {
    await temporal.workflow.getHandle(workflowId).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** The RX_RECEIVED Honeybee would have sent for this one prescription (event id fixed: a repeat de-duplicates). */
function rebuiltRxReceived(patientId: string, request: HoneybeeMedicationRequest, at: string) {
  return {
    event_id: `reconciled-rx-${String(request.id)}`,
    event_type: 'RX_RECEIVED',
    patient_id: vendorNumber(patientId),
    timestamp: at,
    medication_requests: [request],
  };
}

function receivedTooLongAgo(request: HoneybeeMedicationRequest, maxAgeMs: number | undefined, nowMs: number) {
  if (maxAgeMs === undefined || !request.receive_date) return false;
  const received = Date.parse(request.receive_date);
  return Number.isFinite(received) && nowMs - received > maxAgeMs;
}

/**
 * Reads one patient's prescriptions and starts each active one that has no workflow. `always` names prescriptions
 * started whatever their age (an order event proved they are being filled). Throws a VendorError when Honeybee does
 * not answer, and Temporal's errors as they are.
 */
export async function reconcileHoneybeePatient(
  deps: HoneybeeReconcileDependencies,
  request: { patientId: string; settings: HoneybeeWorkflowSettings; taskQueue: string; always?: string[] },
): Promise<PatientReconciliation> {
  const outcome: PatientReconciliation = { started: [], tooOld: [] };
  const read = await deps.honeybee.listPatientPrescriptions(vendorNumber(request.patientId));
  const at = new Date().toISOString();
  const delivery = createTemporalDelivery(deps.temporal, request.taskQueue);
  for (const prescription of read.data) {
    if (prescription.active === false) continue;
    const prescriptionId = String(prescription.id);
    if (await workflowExists(deps.temporal, prescriptionWorkflowId(prescriptionId))) continue;
    if (
      !request.always?.includes(prescriptionId) &&
      receivedTooLongAgo(prescription, deps.rxSweepMaxAgeMs, Date.parse(at))
    ) {
      outcome.tooOld.push(prescriptionId);
      continue;
    }
    const routed = routeHoneybeeEvent(rebuiltRxReceived(request.patientId, prescription, at), {
      receivedAt: at,
      requestId: read.requestId ?? `reconciled-rx-${prescriptionId}`,
      honeybeeSettings: request.settings,
    });
    if (routed.kind !== 'deliver') {
      deps.logger.warn({ prescriptionId, reason: routed.reason }, 'prescription found by the sweep cannot be routed');
      continue;
    }
    const delivered = await delivery.deliver(routed.deliveries);
    if (delivered.delivered.length > 0) {
      outcome.started.push(prescriptionId);
      deps.logger.info({ prescriptionId }, 'prescription without a workflow started by reconciliation');
    }
  }
  return outcome;
}

export function createHoneybeeReconcileActivities(deps: HoneybeeReconcileDependencies) {
  return {
    /**
     * One page of the sweep: the known patients from `offset`, each one's prescriptions read and the missing ones
     * started. A patient Honeybee does not answer for is counted and left to the next sweep; a Temporal failure fails
     * the page (retried).
     */
    async sweepKnownHoneybeePatients(request: SweepPageRequest): Promise<SweepPageResult> {
      const { taskQueue } = Context.current().info;
      let known: string[];
      try {
        ({ patientIds: known } = await deps.temporal.workflow
          .getHandle(honeybeePatientRegistryWorkflowId(taskQueue))
          .query(knownPatientsQuery));
      } catch (error) {
        // No patient met yet: nothing to sweep.
        if (error instanceof WorkflowNotFoundError) return { checked: 0, total: 0, started: [], tooOld: 0, failed: 0 };
        throw error;
      }
      const page = known.slice(request.offset, request.offset + request.limit);
      const result: SweepPageResult = { checked: page.length, total: known.length, started: [], tooOld: 0, failed: 0 };
      for (const patientId of page) {
        try {
          const reconciled = await reconcileHoneybeePatient(deps, { patientId, settings: request.settings, taskQueue });
          result.started.push(...reconciled.started);
          result.tooOld += reconciled.tooOld.length;
        } catch (error) {
          if (!isVendorError(error)) throw error;
          result.failed += 1;
          deps.logger.warn({ failure: error.failureType, endpoint: error.endpoint }, 'sweep: prescriptions not read');
        }
        Context.current().heartbeat();
      }
      return result;
    },
  };
}

export type HoneybeeReconcileActivities = ReturnType<typeof createHoneybeeReconcileActivities>;
