// partnerPatientIndexWorkflow (id partner-patient-index-{engine}-{shard}, shard = the first two hex digits of the
// sha256 of a partner patient id, engine = a hash of the task queue): which prescriptions and lab orders belong to a partner's patient, so the partner API can list
// them by its own patient id. The partner's ids are kept here, in encrypted workflow state, never in search
// attributes, workflow ids or logs (a shard names 1/256 of all patients). Links come by signal (a prescription's
// match, seen in its `prescription.matched` notification; a lab order at its start) and are read by a lookup query.
// A small entity workflow that continues as new when its history grows.
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { handleLookup, handleQuery, handleSignal } from '../shared/handlers.js';
import {
  linkPatientSignal,
  patientLinksLookup,
  patientIndexSizeQuery,
  type PatientLinks,
} from './patient-index-messages.js';

/** The newest links kept per patient and kind (a patient has a handful of prescriptions and kits). */
const KEPT_PER_KIND = 200;

export interface PartnerPatientIndexInput {
  carried?: { links: [string, PatientLinks][] };
}

export async function partnerPatientIndexWorkflow(input?: PartnerPatientIndexInput): Promise<void> {
  const links = new Map<string, PatientLinks>(Array.isArray(input?.carried?.links) ? input.carried.links : []);
  let rejected = 0;

  handleSignal(
    linkPatientSignal,
    (link) => {
      const entry = links.get(link.partnerPatientId) ?? { prescriptions: [], labOrders: [] };
      const list = link.kind === 'prescription' ? entry.prescriptions : entry.labOrders;
      if (!list.includes(link.id)) {
        list.push(link.id);
        if (list.length > KEPT_PER_KIND) list.shift();
      }
      links.set(link.partnerPatientId, entry);
    },
    {
      description: "Links a prescription or lab order to the partner's patient id.",
      rejected: () => {
        rejected += 1;
      },
    },
  );
  handleLookup(
    patientLinksLookup,
    ({ partnerPatientId }) => links.get(partnerPatientId) ?? { prescriptions: [], labOrders: [] },
    { description: 'The prescriptions and lab orders of one partner patient id: {"partnerPatientId"}.' },
  );
  handleQuery(patientIndexSizeQuery, () => ({ patients: links.size, rejected }), {
    description: 'How many patients this shard knows (no ids).',
  });

  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof partnerPatientIndexWorkflow>({ carried: { links: [...links.entries()] } });
}
