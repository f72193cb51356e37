// honeybeePatientRegistryWorkflow (id honeybee-patients-{task queue}): the Honeybee patients this engine knows, so the
// reconciliation sweep (honeybee-rx-sweep.ts) can ask Honeybee for their prescriptions. The ids live only in this
// workflow's state and its inputs, which the payload codec encrypts: never in a workflow id or a search attribute.
// It never ends; it continues as new before its history grows long, carrying the ids.
//
// A run carries at most CARRIED_BYTES of ids (a continue-as-new input past Temporal's 2 MiB payload limit fails its
// workflow task forever). The ids past that go to the next segment, honeybee-patients+{n}-{task queue}: the same
// workflow, started by the forwarding activity's signal-with-start, which keeps what it can carry and hands its own
// surplus on in turn. Writers only ever signal the first segment, as before; an id already in a segment is dropped
// there, so each id is kept once along the chain. The sweep reads a page at a time, segment after segment
// (knownPatientsPage).
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ACTIVITY_OPTIONS } from '../src/domain/activity-options.js';
import {
  honeybeePatientIdInput,
  knownPatientsPageLookup,
  knownPatientsQuery,
  notePatientsSignal,
} from './honeybee/patient-registry-messages.js';
import {
  RUN_BYTES_FACTOR,
  budgetFrom,
  carriedCount,
  forwardChunk,
  idBytes,
  segmentFrom,
  CARRIED_BYTES,
} from './honeybee/patient-registry.js';
import { handleLookup, handleQuery, handleSignal } from './shared/handlers.js';

const registry = proxyActivities<Activities>(ACTIVITY_OPTIONS.honeybeeRegistry);

/** Signals per run before continuing as new (each adds one event; the ids are carried, the history is not). */
const SIGNALS_PER_RUN = 1_000;

/**
 * Runs from before it carried every id, however many: a run recorded without it keeps doing so on replay. Asked only
 * once a run holds more than it may carry, so runs below the budget record nothing.
 */
const BOUNDED_PATCH = 'honeybee-patients-bounded';

export interface HoneybeePatientRegistryInput {
  patientIds?: string[];
  /** Which segment of the chain this is (0, or absent: the first). */
  segment?: number;
  /** Whether this segment has handed ids to the next one (the sweep then reads on there). */
  spilled?: boolean;
  /** The bytes of ids a run carries, when smaller than CARRIED_BYTES (tests). */
  budgetBytes?: number;
}

export async function honeybeePatientRegistryWorkflow(input: HoneybeePatientRegistryInput = {}): Promise<void> {
  // Carried by continue-as-new or given by the forwarding activity; a hand-started input is read defensively.
  const given = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const segment = segmentFrom(given.segment);
  const budget = budgetFrom(given.budgetBytes);
  const runBytes = Math.floor(budget * RUN_BYTES_FACTOR);
  let spilled = given.spilled === true;

  const patientIds: string[] = [];
  const known = new Set<string>();
  let bytes = 0;
  const add = (id: string) => {
    if (known.has(id)) return;
    known.add(id);
    patientIds.push(id);
    bytes += idBytes(id);
  };
  const carried: unknown = given.patientIds;
  if (Array.isArray(carried)) {
    for (const id of carried) if (honeybeePatientIdInput.safeParse(id).success) add(id as string);
  }
  let signals = 0;
  let rejected = 0;
  let lastRejection: string | undefined;
  // Past runBytes the run continues as new at once, handing on what it cannot carry.
  let full = false;
  const checkFull = () => {
    if (!full && bytes > runBytes) full = patched(BOUNDED_PATCH);
  };
  checkFull();

  // Counts only: the ids are PHI-adjacent and stay in the encrypted state.
  const publish = () =>
    setCurrentDetails(
      `## Honeybee patients known\n\n${patientIds.length} patient(s)` +
        (segment > 0 ? ` in segment ${segment}` : '') +
        (spilled ? `; more in segment ${segment + 1}` : '') +
        (lastRejection ? `\n\n**Last input rejected:** ${lastRejection} (${rejected} in all)` : ''),
    );

  handleSignal(
    notePatientsSignal,
    ({ patientIds: noted }) => {
      signals += 1;
      const before = patientIds.length;
      noted.forEach(add);
      if (patientIds.length !== before) publish();
      checkFull();
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
  const refusals = () => ({ rejected, ...(lastRejection ? { lastRejection } : {}) });
  // Older sweeps read the whole list per page: they get what a run carries, never more than a payload may hold.
  handleQuery(
    knownPatientsQuery,
    () => ({ patientIds: patientIds.slice(0, carriedCount(patientIds, budget)), ...refusals() }),
    {
      description: 'The first Honeybee patient ids known (what one run carries), and the inputs refused.',
    },
  );
  handleLookup(
    knownPatientsPageLookup,
    ({ offset, limit }) => ({
      patientIds: patientIds.slice(offset, offset + limit),
      total: patientIds.length,
      segment,
      ...(spilled ? { nextSegment: segment + 1 } : {}),
      ...refusals(),
    }),
    {
      description:
        'A page of the Honeybee patient ids this segment holds, in the order first noted: {"offset", "limit"}.',
    },
  );

  publish();
  await condition(() => full || signals >= SIGNALS_PER_RUN || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  if (bytes > budget && patched(BOUNDED_PATCH)) {
    spilled = true;
    publish();
    const keep = carriedCount(patientIds, budget);
    for (;;) {
      await condition(allHandlersFinished);
      if (patientIds.length <= keep) break;
      const chunk = forwardChunk(patientIds, keep);
      try {
        await registry.forwardHoneybeePatients({
          segment: segment + 1,
          patientIds: chunk,
          ...(budget !== CARRIED_BYTES ? { budgetBytes: budget } : {}),
        });
      } catch {
        // The activity retries without a limit; only a cancellation ends it. The ids stay here until they are taken.
        await sleep('1 minute');
        continue;
      }
      // Handed on: the next segment keeps them (or had them already). Signals taken meanwhile were appended after them.
      patientIds.splice(keep, chunk.length);
      for (const id of chunk) {
        known.delete(id);
        bytes -= idBytes(id);
      }
    }
  }
  await continueAsNew<typeof honeybeePatientRegistryWorkflow>({
    patientIds,
    ...(segment > 0 ? { segment } : {}),
    ...(spilled ? { spilled } : {}),
    ...(budget !== CARRIED_BYTES ? { budgetBytes: budget } : {}),
  });
}
