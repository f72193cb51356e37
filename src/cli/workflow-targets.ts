// What an operator types to name a business object, and the workflow behind it: a prescription id
// (`honeybee-rx-{id}`), a Honeybee order number (`honeybee-order-{n}`), a lab order identifier
// (`onegevity-order-lab…`, or a followed order's own, `onegevity-order-O13988`), or the full workflow id. Ids carry
// no PHI, so they are safe to echo in messages.
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { isLabOrderIdentifier } from '../domain/lab-order-identifiers.js';
import { honeybeeOrderWorkflowId, labOrderWorkflowId, prescriptionWorkflowId } from '../domain/workflow-ids.js';
import { CommandFailure } from './temporal-session.js';
import { UsageError } from './usage-error.js';

export type TargetKind = 'prescription' | 'order' | 'lab';

export interface Target {
  kind: TargetKind;
  /** The business id: prescription id, order number or lab order identifier. */
  id: string;
  workflowId: string;
}

export interface ResolvedTarget extends Target {
  description: WorkflowExecutionDescription;
}

/** Each workflow type an operator can name: what it is called and how its workflow id is made. */
const KINDS: Readonly<Record<TargetKind, { name: string; prefix: string; workflowId: (id: string) => string }>> = {
  prescription: { name: 'prescription', prefix: 'honeybee-rx-', workflowId: prescriptionWorkflowId },
  order: { name: 'Honeybee order', prefix: 'honeybee-order-', workflowId: honeybeeOrderWorkflowId },
  lab: { name: 'lab order', prefix: 'onegevity-order-', workflowId: labOrderWorkflowId },
};

const TARGET_KINDS = Object.keys(KINDS) as TargetKind[];

/** What a kind of target is called ("Honeybee order"). */
export function kindName(kind: TargetKind): string {
  return KINDS[kind].name;
}

/** Vendor ids and workflow ids: letters, digits and a few separators (never quotes: they go into visibility queries). */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
/** A workflow id made from such an id and a prefix (`honeybee-order-…`). */
const WORKFLOW_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

/** Whether `value` is shaped like a business id (a history can hold any text where one is expected). */
export function isPlainId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export function isPlainWorkflowId(value: unknown): value is string {
  return typeof value === 'string' && WORKFLOW_ID_PATTERN.test(value);
}

/**
 * `value` as a visibility query string literal. Only plain ids are accepted: none can close the quote, so text read
 * from a history cannot rewrite the query; anything else is refused rather than escaped by guesswork.
 */
export function visibilityLiteral(value: string): string {
  if (!WORKFLOW_ID_PATTERN.test(value)) {
    throw new CommandFailure(
      `${JSON.stringify(value.slice(0, 80))} is not an id, so it is not put into a visibility query`,
    );
  }
  return `'${value}'`;
}

function target(kind: TargetKind, id: string): Target {
  return { kind, id, workflowId: KINDS[kind].workflowId(id) };
}

/** The workflows `input` may name, most likely first; a usage error when it cannot be an id at all. */
export function candidateTargets(input: string, kinds: readonly TargetKind[] = TARGET_KINDS) {
  const value = input.trim();
  if (!ID_PATTERN.test(value)) {
    throw new UsageError(
      `"${input}" is not an id: give a prescription id, an order number, a lab order identifier or a workflow id ` +
        '(letters, digits, ".", "_", ":" and "-").',
    );
  }
  const prefixed = TARGET_KINDS.find((kind) => value.startsWith(KINDS[kind].prefix));
  let candidates: Target[];
  if (prefixed) {
    candidates = [target(prefixed, value.slice(KINDS[prefixed].prefix.length))];
  } else if (isLabOrderIdentifier(value)) {
    candidates = [target('lab', value)];
  } else if (/^\d+$/.test(value)) {
    // Honeybee prescription ids are numbers; an all-digit order number is possible, but less likely. A lab order
    // placed outside the engine and followed keeps its own identifier (`O13988`), so it is looked for last.
    candidates = [target('prescription', value), target('order', value), target('lab', value)];
  } else {
    candidates = [target('order', value), target('prescription', value), target('lab', value)];
  }
  const allowed = candidates.filter((candidate) => kinds.includes(candidate.kind));
  if (allowed.length === 0) {
    const what = candidates.map((candidate) => KINDS[candidate.kind].name).join(' or ');
    throw new UsageError(
      `"${input}" names a ${what}; this command works on a ${kinds.map((kind) => KINDS[kind].name).join(' or ')}.`,
    );
  }
  return allowed;
}

async function describe(client: Client, candidate: Target): Promise<ResolvedTarget | undefined> {
  try {
    const description = await client.workflow.getHandle(candidate.workflowId).describe();
    return { ...candidate, description };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** The one existing workflow `input` names (its latest run); a clear failure when there is none or several. */
export async function resolveTarget(
  client: Client,
  input: string,
  kinds?: readonly TargetKind[],
): Promise<ResolvedTarget> {
  const candidates = candidateTargets(input, kinds);
  const found = (await Promise.all(candidates.map((candidate) => describe(client, candidate)))).filter(
    (resolved): resolved is ResolvedTarget => resolved !== undefined,
  );
  if (found.length === 0) {
    throw new CommandFailure(
      `No workflow found for "${input}" in namespace ${client.options.namespace} ` +
        `(looked for ${candidates.map((candidate) => candidate.workflowId).join(', ')}). ` +
        'Check the id, or list what waits for an operator with `fulfill holds`.',
    );
  }
  if (found.length > 1) {
    throw new UsageError(
      `"${input}" names more than one workflow (${found.map((resolved) => resolved.workflowId).join(', ')}): ` +
        'give the full workflow id.',
    );
  }
  return found[0]!;
}
