// Signal, query and update definitions: the one module that workflows and clients (bridge, CLI, tests) share.
// Handler descriptions live next to the setHandler calls in the workflows; input shapes live here.
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** A verified Honeybee webhook, as the bridge hands it to a workflow. */
export interface HoneybeeEventSignal {
  /** Honeybee's `event_id`: the de-duplication key. */
  eventId: string;
  /** Honeybee's `event_type` (an open set: unknown types are kept). */
  eventType: string;
  /** When the bridge received it (ISO 8601). */
  receivedAt: string;
  /** The bridge's request id, for the audit trail. */
  requestId: string;
  /** The webhook payload as Honeybee sent it (ids only: Honeybee webhooks carry no PHI). */
  payload: Record<string, unknown>;
}

export const honeybeeEventSignal = defineSignal<[HoneybeeEventSignal]>('honeybeeEvent');

export interface PrescriptionStatus {
  prescriptionId: string;
  stage: string;
  eventsReceived: number;
  lastEventType?: string;
}

export const prescriptionStatusQuery = defineQuery<PrescriptionStatus>('status');
