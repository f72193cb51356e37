// `fulfill repair <workflow-id> --operator who --reason why [--keep-signal <event id>]… [--dry-run]`: a workflow whose
// workflow task keeps failing is reset to its last good workflow task, without the signal(s) of the failing task,
// keeping every signal received after it (src/operators/repair.ts). Exit 0 repaired (or the dry run printed), 1
// refused / not stuck / not found / unreachable, 2 bad usage. Runbook: docs/OPERATIONS.md.
import { type Command, InvalidArgumentError } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { RepairRefused } from '../../operators/repair-plan.js';
import { repairWorkflow, type RepairOutcome } from '../../operators/repair.js';
import { workflowTaskFailing } from '../../operators/workflow-health.js';
import { print, printJson } from '../output.js';
import { CommandFailure, withTemporal } from '../temporal-session.js';
import { resolveTarget } from '../workflow-targets.js';
import { UsageError } from '../usage-error.js';

interface RepairFlags {
  operator: string;
  reason: string;
  runId?: string;
  keepSignal?: number[];
  leaveOut?: number[];
  dryRun?: boolean;
  wait: number;
  json?: boolean;
}

/** Recorded in clear text in the history (see repair-reason.ts): a name, not free text. */
const OPERATOR = /^[\p{L}\p{N}][\p{L}\p{N} ._@+-]{0,99}$/u;
const MAX_REASON = 500;
const WORKFLOW_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const RUN_ID = /^[0-9a-f-]{36}$/;

function eventId(value: string, previous: number[] = []): number[] {
  if (!/^\d{1,12}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a history event id');
  return [...previous, Number(value)];
}

function seconds(value: string): number {
  if (!/^\d{1,4}$/.test(value)) throw new InvalidArgumentError('expected whole seconds (0 to 9999)');
  return Number(value);
}

function checkArguments(id: string, flags: RepairFlags): void {
  if (!WORKFLOW_ID.test(id)) throw new UsageError(`"${id}" is not a workflow id.`);
  if (!OPERATOR.test(flags.operator.trim())) {
    throw new UsageError('--operator must be your name or login (letters, digits, space, . _ @ + -; up to 100).');
  }
  const reason = flags.reason.trim();
  if (!reason || reason.length > MAX_REASON || /\p{Cc}/u.test(reason)) {
    throw new UsageError(`--reason must say why, on one line of at most ${MAX_REASON} characters.`);
  }
  if (flags.runId !== undefined && !RUN_ID.test(flags.runId)) throw new UsageError('--run-id must be a run id.');
}

/** A workflow id as given (any engine workflow, the dead letters too), else the business id it stands for. */
async function workflowIdOf(client: Client, input: string): Promise<string> {
  try {
    await client.workflow.getHandle(input).describe();
    return input;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  return (await resolveTarget(client, input)).workflowId;
}

function signalLines(signals: RepairOutcome['plan']['leftOut']): string[] {
  if (signals.length === 0) return ['  none'];
  return signals.map(
    (signal) => `  event ${signal.eventId}: signal ${signal.name} at ${signal.at} from ${signal.identity || '?'}`,
  );
}

function render(outcome: RepairOutcome): string {
  const { plan, failing } = outcome;
  const redone = Object.entries(plan.redone).map(([type, count]) => `${type} ×${count}`);
  return [
    `${outcome.workflowId}, run ${outcome.runId}` +
      (failing ? `: workflow task failing: ${failing.message} (attempt ${failing.attempt})` : ''),
    `reset to event ${plan.resetEventId} (${
      plan.resetToEarlierReset
        ? 'where the earlier repair reset it: no workflow task has completed since'
        : 'the last workflow task that completed'
    }, ${plan.resetPointAt}); first failure at event ${plan.failedEventId} (${plan.failedAt})`,
    'left out (delivered in the failing workflow task; keep one with --keep-signal <event>):',
    ...signalLines(plan.leftOut),
    'sent again to the new run, in this order (received after the failure):',
    ...signalLines(plan.resent),
    ...(plan.sentAgainEarlier.length > 0
      ? [
          `of these, sent again by the earlier repair and so taken for good: event ${plan.sentAgainEarlier.join(', ')} ` +
            '(if one is the bad input, leave it out with --leave-out <event>)',
        ]
      : []),
    ...(redone.length > 0 ? [`done again by the new run (recorded after the reset point): ${redone.join(', ')}`] : []),
    `recorded as: ${outcome.recordedReason}`,
    outcome.dryRun
      ? 'Dry run: nothing was changed.'
      : outcome.resumed
        ? `Finished an interrupted repair: the signals above were sent to run ${outcome.newRunId}.`
        : `Repaired: new run ${outcome.newRunId}.`,
  ].join('\n');
}

/** After the reset: the new run's first workflow task completes, or fails again (then the operator must look again). */
async function checkNewRun(client: Client, workflowId: string, waitSeconds: number): Promise<string | undefined> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const description = await client.workflow.getHandle(workflowId).describe();
    const failing = await workflowTaskFailing(client, workflowId, description);
    if (failing) return `the new run's workflow task fails too: ${failing.message}`;
    if (!description.raw.pendingWorkflowTask) return undefined;
    if (Date.now() >= deadline) {
      return `no worker completed the new run's workflow task within ${waitSeconds} s (is one running?)`;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function repair(client: Client, input: string, flags: RepairFlags): Promise<void> {
  const workflowId = await workflowIdOf(client, input);
  let outcome: RepairOutcome;
  try {
    outcome = await repairWorkflow(client, {
      workflowId,
      ...(flags.runId ? { runId: flags.runId } : {}),
      operator: flags.operator.trim(),
      reason: flags.reason.trim(),
      keep: flags.keepSignal ?? [],
      leaveOut: flags.leaveOut ?? [],
      dryRun: flags.dryRun ?? false,
    });
  } catch (error) {
    if (error instanceof RepairRefused) throw new CommandFailure(`${workflowId} was not repaired: ${error.message}.`);
    throw error;
  }
  const problem = outcome.dryRun || flags.wait === 0 ? undefined : await checkNewRun(client, workflowId, flags.wait);
  if (flags.json) printJson({ ...outcome, ...(problem ? { afterwards: problem } : {}) });
  else print(render(outcome));
  if (problem) throw new CommandFailure(`${workflowId}: ${problem}. See docs/OPERATIONS.md.`);
}

export function registerRepairCommand(program: Command): void {
  program
    .command('repair')
    .summary('Reset a workflow whose workflow task keeps failing, leaving out the signal that broke it.')
    .description(
      'Reset a workflow whose workflow task keeps failing to its last good workflow task, leaving out the signals ' +
        'delivered in the failing task and sending again every signal received after it. Records who and why ' +
        '(shown by `fulfill audit`). Try --dry-run first. Runbook: docs/OPERATIONS.md.',
    )
    .argument('<workflow-id>', 'the stuck workflow (a workflow id, or a prescription id, order number, lab order id)')
    .requiredOption('--operator <name>', 'who you are (recorded in the history)')
    .requiredOption('--reason <text>', 'why (recorded in clear text in the history: no patient details)')
    .option('--keep-signal <event id>', 'keep a signal of the failing task after all (repeatable)', eventId)
    .option(
      '--leave-out <event id>',
      'leave out a signal an earlier repair sent again, if it is the bad input (repeatable)',
      eventId,
    )
    .option('--run-id <run id>', 'the run to repair (default: the current one); an old run id finishes a repair')
    .option('--dry-run', 'print what it would do, change nothing')
    .option('--wait <seconds>', "seconds to wait for the new run's first workflow task (0: do not wait)", seconds, 30)
    .option('--json', 'print the plan and outcome as JSON')
    .action(async (id: string, flags: RepairFlags) => {
      checkArguments(id, flags);
      await withTemporal((client) => repair(client, id, flags));
    });
}
