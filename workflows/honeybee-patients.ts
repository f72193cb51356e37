// honeybeePatientRegistryWorkflow (id honeybee-patients-{task queue}): the Honeybee patients this engine knows, so the
// reconciliation sweep (honeybee-rx-sweep.ts) can ask Honeybee for their prescriptions. The ids live only in this
// workflow's state and its inputs, which the payload codec encrypts: never in a workflow id or a search attribute.
// It never ends; it continues as new before its history grows long, carrying the ids (a few bytes each).
import { allHandlersFinished, condition, continueAsNew, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import {
  honeybeePatientIdInput,
  knownPatientsQuery,
  notePatientsSignal,
} from './honeybee/patient-registry-messages.js';
import { handleQuery, handleSignal } from './shared/handlers.js';

/** Signals per run before continuing as new (each adds one event; the ids are carried, the history is not). */
const SIGNALS_PER_RUN = 1_000;

export interface HoneybeePatientRegistryInput {
  patientIds?: string[];
}

export async function honeybeePatientRegistryWorkflow(input: HoneybeePatientRegistryInput = {}): Promise<void> {
  const patientIds: string[] = [];
  const known = new Set<string>();
  const add = (id: string) => {
    if (known.has(id)) return;
    known.add(id);
    patientIds.push(id);
  };
  // Carried by continue-as-new; a hand-started input is read defensively (anything but ids is ignored).
  const carried: unknown = (input as { patientIds?: unknown } | null)?.patientIds;
  if (Array.isArray(carried)) {
    for (const id of carried) if (honeybeePatientIdInput.safeParse(id).success) add(id as string);
  }
  let signals = 0;
  let rejected = 0;
  let lastRejection: string | undefined;

  // Counts only: the ids are PHI-adjacent and stay in the encrypted state.
  const publish = () =>
    setCurrentDetails(
      `## Honeybee patients known\n\n${patientIds.length} patient(s)` +
        (lastRejection ? `\n\n**Last input rejected:** ${lastRejection} (${rejected} in all)` : ''),
    );

  handleSignal(
    notePatientsSignal,
    ({ patientIds: noted }) => {
      signals += 1;
      const before = patientIds.length;
      noted.forEach(add);
      if (patientIds.length !== before) publish();
    },
    {
      description: 'Internal: Honeybee patient ids an activity met (matching, an order event): {"patientIds": [...]}.',
      rejected: (rejection) => {
        signals += 1;
        rejected += 1;
        lastRejection = `${rejection.message}: ${rejection.problem}`;
        publish();
      },
    },
  );
  handleQuery(knownPatientsQuery, () => ({ patientIds, rejected, ...(lastRejection ? { lastRejection } : {}) }), {
    description: 'The Honeybee patient ids known, in the order first noted, and the inputs refused.',
  });

  publish();
  await condition(() => signals >= SIGNALS_PER_RUN || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof honeybeePatientRegistryWorkflow>({ patientIds });
}
