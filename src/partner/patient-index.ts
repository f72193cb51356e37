// The partner patient index (workflows/partner-api/patient-index.ts) as clients use it: link a prescription or lab
// order to the partner's patient id, and look a patient's up. The id never leaves encrypted payloads: the shard in the
// workflow id is two hex digits of its hash.
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  linkPatientSignal,
  patientLinksLookup,
  type LinkPatientInput,
  type PatientLinks,
} from '../../workflows/partner-api/patient-index-messages.js';
import { partnerPatientIndexWorkflow } from '../../workflows/partner-api/patient-index.js';
import { engineKey } from '../temporal/engine-key.js';

/** The shard of a partner patient id, in the index of the engine on `taskQueue` (engine-key.ts: one per engine). */
export function patientIndexWorkflowId(taskQueue: string, partnerPatientId: string): string {
  const shard = createHash('sha256').update(partnerPatientId).digest('hex').slice(0, 2);
  return `partner-patient-index-${engineKey(taskQueue)}-${shard}`;
}

export async function linkPartnerPatient(client: Client, taskQueue: string, link: LinkPatientInput): Promise<void> {
  await client.workflow.signalWithStart(partnerPatientIndexWorkflow, {
    workflowId: patientIndexWorkflowId(taskQueue, link.partnerPatientId),
    taskQueue,
    args: [{}],
    signal: linkPatientSignal,
    signalArgs: [link],
  });
}

export async function partnerPatientLinks(
  client: Client,
  taskQueue: string,
  partnerPatientId: string,
): Promise<PatientLinks> {
  try {
    return await client.workflow
      .getHandle(patientIndexWorkflowId(taskQueue, partnerPatientId))
      .query(patientLinksLookup, { partnerPatientId });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { prescriptions: [], labOrders: [] };
    throw error;
  }
}

/** A prescription notification that names the partner's patient links the prescription to it. */
export function patientLinkOf(notification: {
  type: string;
  data: Record<string, unknown>;
}): LinkPatientInput | undefined {
  if (notification.type !== 'prescription.matched') return undefined;
  const { partnerPatientId, prescriptionId } = notification.data;
  if (typeof partnerPatientId !== 'string' || typeof prescriptionId !== 'string') return undefined;
  return { partnerPatientId, kind: 'prescription', id: prescriptionId };
}
