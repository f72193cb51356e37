// `fulfill resolve | match | cancel`: an operator's input to a workflow, attributed (`--operator`, `--reason`), with
// the workflow's answer. Every workflow type answers the same contract (workflows/shared/operator-messages.ts):
// `resolve` uses resolveExceptionUpdate, so a refusal comes back with its reason; `match` and `cancel` are signals, so
// the command then reads the decision the workflow recorded in its `decisions`. Accepted: exit 0; refused or no
// answer: exit 1.
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { matchPatientSignal } from '../../../workflows/honeybee/messages.js';
import type { OperatorDecision } from '../../../workflows/shared/decision-log.js';
import {
  cancelSignal,
  resolveExceptionUpdate,
  type ResolutionResult,
} from '../../../workflows/shared/operator-messages.js';
import { buildFields } from '../operator-fields.js';
import { print, printJson } from '../output.js';
import { CommandFailure } from '../temporal-session.js';
import { candidateTargets, resolveTarget, type ResolvedTarget } from '../workflow-targets.js';
import { UsageError } from '../usage-error.js';
import { offeredActionsOf, readStatus, workflowStatusQuery } from './workflow-status.js';

export interface Attribution {
  operator: string;
  reason: string;
}

export interface ResolveFlags extends Attribution {
  action: string;
  field?: string[];
  wait: number;
  json?: boolean;
}

export interface MatchFlags extends Attribution {
  partnerPatient: string;
  wait: number;
  json?: boolean;
}

export interface CancelFlags extends Attribution {
  wait: number;
  json?: boolean;
}

/** What the command reports, in text or as JSON. */
interface Outcome {
  workflowId: string;
  accepted: boolean;
  action: string;
  message: string;
  offeredActions?: string[];
}

function checkAttribution(flags: Attribution): Attribution {
  const operator = flags.operator.trim();
  const reason = flags.reason.trim();
  if (!operator) throw new UsageError('--operator must name who you are.');
  if (!reason) throw new UsageError('--reason must say why.');
  return { operator, reason };
}

/** The innermost message of a failed update: the validator's (or the handler's) own words. */
export function updateRefusal(error: WorkflowUpdateFailedError): string {
  let message = error.message;
  let cause: unknown = error.cause;
  while (cause instanceof Error) {
    message = cause.message;
    cause = (cause as { cause?: unknown }).cause;
  }
  return message;
}

function report(outcome: Outcome, json: boolean | undefined): void {
  if (json) printJson(outcome);
  else if (outcome.accepted) print(`Accepted (${outcome.workflowId}): ${outcome.message}`);
  if (!outcome.accepted) {
    const offered = outcome.offeredActions?.length ? ` Offered now: ${outcome.offeredActions.join(', ')}.` : '';
    throw new CommandFailure(`Rejected (${outcome.workflowId}): ${outcome.message}.${offered}`);
  }
}

function noAnswer(workflowId: string, seconds: number): CommandFailure {
  return new CommandFailure(
    `No answer from ${workflowId} within ${seconds} s. The input may still be carried out: check with ` +
      `\`fulfill show ${workflowId}\` before sending it again (and check that a worker is running).`,
  );
}

export function isDeadline(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if ((current as { code?: unknown }).code === 4 || current.name === 'WorkflowUpdateRPCTimeoutOrCancelledError') {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Operator inputs go to running workflows only; a closed one says so instead of a gRPC error. */
function requireRunning(target: ResolvedTarget, what: string): void {
  const execution = target.description.status.name;
  if (execution !== 'RUNNING') {
    throw new CommandFailure(
      `${target.workflowId} has already ended (${execution}): there is nothing to ${what}. ` +
        `See what happened with \`fulfill audit ${target.id}\`.`,
    );
  }
}

/**
 * Fields the chosen action does not take are a usage error (exit 2), told before anything is sent; whether the action
 * is offered at all, and the values, are the workflow's to judge.
 */
async function checkFieldNames(
  client: Client,
  target: ResolvedTarget,
  action: string,
  fields: Record<string, unknown>,
) {
  const offered = offeredActionsOf(await readStatus(client, target.workflowId, target.description.taskQueue)).find(
    (candidate) => candidate.action === action,
  );
  if (!offered) return;
  const known = new Set(offered.fields.map((field) => field.name));
  const unknown = Object.keys(fields).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const takes = offered.fields.map((field) => (field.required ? field.name : `${field.name} (optional)`));
    throw new UsageError(
      `--action ${action} takes ${takes.length > 0 ? `only --field ${takes.join(', ')}` : 'no --field'}, ` +
        `not ${unknown.join(', ')} (see \`fulfill show ${target.id}\`).`,
    );
  }
}

/** Checks the arguments before anything is sent (a usage error needs no Temporal). */
export function checkResolveArguments(input: string, flags: ResolveFlags) {
  const attribution = checkAttribution(flags);
  const action = flags.action.trim();
  if (!action) throw new UsageError('--action must name one of the offered actions (see `fulfill show <id>`).');
  const fields = buildFields(flags.field ?? []);
  candidateTargets(input);
  return { attribution, action, fields };
}

export function checkMatchArguments(input: string, flags: MatchFlags) {
  const attribution = checkAttribution(flags);
  const partnerPatientId = flags.partnerPatient.trim();
  if (!partnerPatientId) throw new UsageError("--partner-patient must be the partner's patient id.");
  candidateTargets(input, ['prescription']);
  return { attribution, partnerPatientId };
}

export function checkCancelArguments(input: string, flags: CancelFlags) {
  candidateTargets(input);
  return checkAttribution(flags);
}

export async function resolveException(client: Client, input: string, flags: ResolveFlags): Promise<void> {
  const { attribution, action, fields } = checkResolveArguments(input, flags);
  const target = await resolveTarget(client, input);
  requireRunning(target, 'resolve');
  await checkFieldNames(client, target, action, fields);
  const handle = client.workflow.getHandle(target.workflowId);
  let result: ResolutionResult;
  try {
    result = await client.withDeadline(Date.now() + flags.wait * 1000, () =>
      handle.executeUpdate(resolveExceptionUpdate, { args: [{ action, fields, ...attribution }] }),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      return report(
        { workflowId: target.workflowId, accepted: false, action, message: updateRefusal(error) },
        flags.json,
      );
    }
    if (error instanceof UsageError) throw error;
    if (isDeadline(error)) throw noAnswer(target.workflowId, flags.wait);
    throw error;
  }
  report(
    result.accepted
      ? { workflowId: target.workflowId, accepted: true, action: result.action, message: result.message }
      : {
          workflowId: target.workflowId,
          accepted: false,
          action,
          message: result.reason,
          offeredActions: result.offeredActions,
        },
    flags.json,
  );
}

/** One recorded operator input: every workflow keeps them in its status's `decisions`. */
interface Recorded {
  key: string;
  operator: string;
  action: string;
  accepted: boolean;
  detail: string;
}

function recordedInputs(status: unknown): Recorded[] {
  const decisions = (status as { decisions?: OperatorDecision[] } | null)?.decisions ?? [];
  return decisions.map((decision) => ({
    key: JSON.stringify(decision),
    operator: decision.operator,
    action: decision.action,
    accepted: decision.outcome === 'accepted',
    detail: decision.detail,
  }));
}

/** Sends a signal, then waits for the workflow to record what became of it (signals have no answer of their own). */
async function signalAndWatch(
  client: Client,
  target: ResolvedTarget,
  send: (handle: WorkflowHandle) => Promise<void>,
  matches: (recorded: Recorded) => boolean,
  waitSeconds: number,
): Promise<Recorded> {
  const handle = client.workflow.getHandle(target.workflowId);
  const deadline = Date.now() + waitSeconds * 1000;
  const read = () => client.withDeadline(deadline, () => handle.query(workflowStatusQuery));
  try {
    const before = new Set(recordedInputs(await read()).map((recorded) => recorded.key));
    await client.withDeadline(deadline, () => send(handle));
    for (;;) {
      const recorded = recordedInputs(await read()).find((entry) => !before.has(entry.key) && matches(entry));
      if (recorded) return recorded;
      if (Date.now() > deadline) throw noAnswer(target.workflowId, waitSeconds);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    if (error instanceof CommandFailure) throw error;
    if (isDeadline(error)) throw noAnswer(target.workflowId, waitSeconds);
    throw error;
  }
}

export async function matchPatient(client: Client, input: string, flags: MatchFlags): Promise<void> {
  const { attribution, partnerPatientId } = checkMatchArguments(input, flags);
  const target = await resolveTarget(client, input, ['prescription']);
  requireRunning(target, 'match');
  const recorded = await signalAndWatch(
    client,
    target,
    (handle) => handle.signal(matchPatientSignal, { partnerPatientId, ...attribution }),
    (entry) => entry.action === 'matchPatient' && entry.operator === attribution.operator,
    flags.wait,
  );
  report(
    { workflowId: target.workflowId, accepted: recorded.accepted, action: 'matchPatient', message: recorded.detail },
    flags.json,
  );
}

export async function cancelWorkflow(client: Client, input: string, flags: CancelFlags): Promise<void> {
  const attribution = checkCancelArguments(input, flags);
  const target = await resolveTarget(client, input);
  requireRunning(target, 'cancel');
  const recorded = await signalAndWatch(
    client,
    target,
    (handle) => handle.signal(cancelSignal, attribution),
    (entry) => /^cancel/.test(entry.action) && entry.operator === attribution.operator,
    flags.wait,
  );
  report(
    { workflowId: target.workflowId, accepted: recorded.accepted, action: recorded.action, message: recorded.detail },
    flags.json,
  );
}
