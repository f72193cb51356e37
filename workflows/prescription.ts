// prescriptionWorkflow (id honeybee-rx-{prescription_id}): one durable execution per Honeybee prescription.
import { condition, setHandler } from '@temporalio/workflow';
import {
  honeybeeEventSignal,
  prescriptionStatusQuery,
  type HoneybeeEventSignal,
  type PrescriptionStatus,
} from './definitions.js';

export interface PrescriptionWorkflowInput {
  prescriptionId: string;
}

export async function prescriptionWorkflow(input: PrescriptionWorkflowInput): Promise<PrescriptionStatus> {
  const seenEventIds = new Set<string>();
  const status: PrescriptionStatus = { prescriptionId: input.prescriptionId, stage: 'RX_RECEIVED', eventsReceived: 0 };

  setHandler(
    honeybeeEventSignal,
    (event: HoneybeeEventSignal) => {
      if (seenEventIds.has(event.eventId)) return;
      seenEventIds.add(event.eventId);
      status.eventsReceived += 1;
      status.lastEventType = event.eventType;
    },
    { description: 'A verified Honeybee webhook for this prescription, delivered by the bridge.' },
  );
  setHandler(prescriptionStatusQuery, () => status, {
    description: 'The prescription state: stage and the events received.',
  });

  await condition(() => status.stage === 'DONE');
  return status;
}
