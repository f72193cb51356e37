// Recovering prescriptions whose RX_RECEIVED never arrived (issue 15.4). The engine keeps the Honeybee patients it has
// met in an entity workflow (workflows/honeybee-patients.ts, encrypted like every payload); a sweep reads each one's
// prescriptions (GET /patients/{id}/rx) and starts every active one that has no workflow, exactly as its RX_RECEIVED
// would have: the event is rebuilt from what Honeybee says about the prescription, routed by the bridge's own routing
// and delivered by the bridge's own signal-with-start (same workflow id, start input, search attributes and signal).
import { Context } from '@temporalio/activity';
import { QueryNotRegisteredError, WorkflowNotFoundError, type Client } from '@temporalio/client';
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
  KNOWN_PATIENTS_PAGE_MAX,
  NOTE_PATIENTS_MAX_IDS,
  honeybeePatientIdInput,
  knownPatientsPageLookup,
  knownPatientsQuery,
  notePatientsSignal,
  type KnownHoneybeePatientsPage,
} from '../workflows/honeybee/patient-registry-messages.js';
import { MAX_SEGMENT } from '../workflows/honeybee/patient-registry.js';
import type { HoneybeePatientRegistryInput, honeybeePatientRegistryWorkflow } from '../workflows/honeybee-patients.js';

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
  /** Where the page starts in `segment`. */
  offset: number;
  limit: number;
  settings: HoneybeeWorkflowSettings;
  /**
   * The registry segment the page reads (0: the first, honeybee-patients-{task queue}). Absent from sweeps of older
   * versions, which page through the first segment alone and get no `next`.
   */
  segment?: number;
}

/** Where a sweep's next page starts. */
export interface SweepCursor {
  segment: number;
  offset: number;
}

export interface SweepPageResult {
  /** Patients read on this page (0: the sweep is past the end). */
  checked: number;
  /** Patients the page's segment holds. */
  total: number;
  started: string[];
  tooOld: number;
  /** Patients whose prescriptions Honeybee did not give this time. */
  failed: number;
  /**
   * Where the next page starts; null: the sweep is done. Absent when the request named no segment, and from workers
   * of older versions (the next page then starts `checked` further on, and the sweep ends at `total`).
   */
  next?: SweepCursor | null;
}

export interface ForwardPatientsRequest {
  /** The segment that takes the ids (signal-with-start: started with them when it does not run yet). */
  segment: number;
  patientIds: string[];
  budgetBytes?: number;
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

/**
 * One page of a registry segment; undefined when the segment has no workflow (no patient met yet, or no segment past
 * the last). A segment on a worker of an older version answers the whole-list query, which is bounded too.
 */
async function readRegistryPage(
  temporal: Client,
  taskQueue: string,
  segment: number,
  offset: number,
  limit: number,
): Promise<KnownHoneybeePatientsPage | undefined> {
  const handle = temporal.workflow.getHandle(honeybeePatientRegistryWorkflowId(taskQueue, segment));
  try {
    try {
      return await handle.query(knownPatientsPageLookup, { offset, limit });
    } catch (error) {
      if (!(error instanceof QueryNotRegisteredError)) throw error;
      const { patientIds, rejected } = await handle.query(knownPatientsQuery);
      return { patientIds: patientIds.slice(offset, offset + limit), total: patientIds.length, segment, rejected };
    }
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
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
     * One page of the sweep: the known patients from `offset` in a registry segment (one query of at most a page,
     * never the whole list), each one's prescriptions read and the missing ones started, and where the next page
     * starts. A patient Honeybee does not answer for is counted and left to the next sweep; a Temporal failure fails
     * the page (retried).
     */
    async sweepKnownHoneybeePatients(request: SweepPageRequest): Promise<SweepPageResult> {
      const { taskQueue } = Context.current().info;
      // An older sweep reads the first segment by offset and ends at its total: it is given no cursor.
      const paged = request.segment !== undefined;
      let segment = paged ? Math.min(Math.max(0, Math.trunc(request.segment ?? 0)), MAX_SEGMENT) : 0;
      let offset = Math.max(0, Math.trunc(request.offset));
      const limit = Math.min(Math.max(1, Math.trunc(request.limit)), KNOWN_PATIENTS_PAGE_MAX);
      let read = await readRegistryPage(deps.temporal, taskQueue, segment, offset, limit);
      // Past a segment's end (its tail moved on, or the sweep reached it): the ids go on in the next segment.
      while (paged && read && read.patientIds.length === 0 && read.nextSegment !== undefined) {
        if (read.nextSegment <= segment || read.nextSegment > MAX_SEGMENT) break;
        segment = read.nextSegment;
        offset = 0;
        read = await readRegistryPage(deps.temporal, taskQueue, segment, offset, limit);
      }
      // No registry (no patient met yet), or no segment past the last one: nothing more to sweep.
      if (!read) return { checked: 0, total: 0, started: [], tooOld: 0, failed: 0, ...(paged ? { next: null } : {}) };
      const page = read.patientIds;
      const end = offset + page.length;
      const next: SweepCursor | null =
        page.length > 0 && end < read.total
          ? { segment, offset: end }
          : read.nextSegment !== undefined && read.nextSegment > segment
            ? { segment: read.nextSegment, offset: 0 }
            : null;
      const result: SweepPageResult = {
        checked: page.length,
        total: read.total,
        started: [],
        tooOld: 0,
        failed: 0,
        ...(paged ? { next } : {}),
      };
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

    /**
     * Hands the ids a registry segment cannot carry to the next segment, in signals of at most 500 (the next segment
     * is started with the first if it does not run yet). Safe to repeat: a segment keeps each id once.
     */
    async forwardHoneybeePatients(request: ForwardPatientsRequest): Promise<void> {
      const { taskQueue } = Context.current().info;
      const segment = Math.trunc(request.segment);
      if (!(segment > 0 && segment <= MAX_SEGMENT)) return;
      const patientIds = (Array.isArray(request.patientIds) ? request.patientIds : []).filter(
        (id) => honeybeePatientIdInput.safeParse(id).success,
      );
      const start: HoneybeePatientRegistryInput = {
        segment,
        ...(request.budgetBytes !== undefined ? { budgetBytes: request.budgetBytes } : {}),
      };
      for (let from = 0; from < patientIds.length; from += NOTE_PATIENTS_MAX_IDS) {
        await deps.temporal.workflow.signalWithStart<
          typeof honeybeePatientRegistryWorkflow,
          [{ patientIds: string[] }]
        >('honeybeePatientRegistryWorkflow', {
          workflowId: honeybeePatientRegistryWorkflowId(taskQueue, segment),
          taskQueue,
          args: [start],
          signal: notePatientsSignal,
          signalArgs: [{ patientIds: patientIds.slice(from, from + NOTE_PATIENTS_MAX_IDS) }],
        });
        Context.current().heartbeat(from);
      }
    },
  };
}

export type HoneybeeReconcileActivities = ReturnType<typeof createHoneybeeReconcileActivities>;
