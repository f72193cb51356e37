// The operator commands of `fulfill`: holds, show, resolve, match, cancel. Usage errors exit 2, a refusal or an
// unreachable Temporal exits 1 with what to do; `--json` prints machine-readable results on stdout.
import { type Command, InvalidArgumentError } from 'commander';
import { operatorOption } from '../operator-config.js';
import { collect } from '../operator-fields.js';
import { withTemporal } from '../temporal-session.js';
import { candidateTargets } from '../workflow-targets.js';
import {
  cancelWorkflow,
  checkCancelArguments,
  checkMatchArguments,
  checkResolveArguments,
  matchPatient,
  resolveException,
  type CancelFlags,
  type MatchFlags,
  type ResolveFlags,
} from './actions.js';
import { MAX_STUCK_SCAN } from '../../operators/needs-operator.js';
import { printHolds } from './holds.js';
import { checkParkedId, parkedEventsOf, printParked, redriveParked, showParked } from './parked.js';
import { showWorkflow } from './show.js';

const OPERATOR_HELP = 'who you are, recorded in the audit trail beside the identity Temporal records for this CLI';

function positiveInteger(max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < 1 || number > max) {
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    }
    return number;
  };
}

const ID_HELP = 'a prescription id, a Honeybee order number, a lab order identifier, or a workflow id';
const WAIT_HELP = 'seconds to wait for the workflow to answer';

export function registerOperatorCommands(program: Command): void {
  program
    .command('holds')
    .summary('List what waits for an operator, oldest first.')
    .description(
      'List what waits for an operator (oldest first): order, prescription, reason, age, actions offered. Stuck ' +
        'workflows (workflow task failing) are listed whether on hold or not; those not on hold are looked for among ' +
        `the newest ${MAX_STUCK_SCAN} running workflows, and the output says when there were more.`,
    )
    .option('--limit <n>', 'at most this many', positiveInteger(10_000), 100)
    .option('--json', 'print {holds: [...], stuckScan: {checked, truncated}, parked: {...}} as JSON')
    .action(async (flags: { limit: number; json?: boolean }) => {
      await withTemporal((client, config) => printHolds(client, flags, parkedEventsOf(client, config)));
    });

  program
    .command('show')
    .description('Show one workflow: execution, search attributes, actions offered, current details, status.')
    .argument('<id>', ID_HELP)
    .option('--json', 'print everything as one JSON object')
    .action(async (id: string, flags: { json?: boolean }) => {
      candidateTargets(id);
      await withTemporal((client) => showWorkflow(client, id, flags));
    });

  program
    .command('resolve')
    .summary('Resolve an exception with one of the offered actions; prints the result or the refusal.')
    .description(
      'Resolve an exception with one of the offered actions (On Hold order, refused order creation, rejected lab ' +
        'kit). Prints the result, or the reason it was refused (exit 1).',
    )
    .argument('<id>', ID_HELP)
    .requiredOption('--action <action>', 'one of the actions offered (see `fulfill show <id>`)')
    .option(
      '--field <name=value>',
      'a field of the action, repeatable: name=text, name:=json (numbers, true, objects), dotted names nest ' +
        '(--field address.city=Austin)',
      collect,
    )
    .addOption(operatorOption(OPERATOR_HELP))
    .requiredOption('--reason <text>', 'why (recorded in the audit trail)')
    .option('--wait <seconds>', WAIT_HELP, positiveInteger(3600), 60)
    .option('--json', 'print the result as JSON')
    .action(async (id: string, flags: ResolveFlags) => {
      checkResolveArguments(id, flags);
      await withTemporal((client) => resolveException(client, id, flags));
    });

  program
    .command('match')
    .description("Match a prescription's patient to a partner patient when the directory found none or several.")
    .argument('<prescription>', 'the prescription id (or its workflow id)')
    .requiredOption('--partner-patient <id>', "the partner's patient id")
    .addOption(operatorOption(OPERATOR_HELP))
    .requiredOption('--reason <text>', 'why this patient')
    .option('--wait <seconds>', WAIT_HELP, positiveInteger(3600), 60)
    .option('--json', 'print the outcome as JSON')
    .action(async (id: string, flags: MatchFlags) => {
      checkMatchArguments(id, flags);
      await withTemporal((client) => matchPatient(client, id, flags));
    });

  program
    .command('cancel')
    .summary('Cancel a prescription, an On Hold order or a lab order.')
    .description(
      'Cancel a prescription (at any wait), an On Hold order (cancel_order), or a lab order (at Onegevity while it can).',
    )
    .argument('<id>', ID_HELP)
    .addOption(operatorOption(OPERATOR_HELP))
    .requiredOption('--reason <text>', 'why')
    .option('--wait <seconds>', WAIT_HELP, positiveInteger(3600), 60)
    .option('--json', 'print the outcome as JSON')
    .action(async (id: string, flags: CancelFlags) => {
      checkCancelArguments(id, flags);
      await withTemporal((client) => cancelWorkflow(client, id, flags));
    });

  const parked = program
    .command('parked')
    .description(
      'Webhooks the engine kept because no workflow could take them (dead letter) or Temporal refused them (spool).',
    );
  parked
    .command('list')
    .description('Every parked event, oldest first: id, vendor, topic, arrival, size, state, where, reason.')
    .option('--all', 'include informational ones (kept for the record, no operator work)')
    .option('--json', 'print {events, problems, awaitingOperator} as JSON')
    .action(async (flags: { all?: boolean; json?: boolean }) => {
      await withTemporal((client, config) => printParked(client, config, flags));
    });
  parked
    .command('show')
    .description('One parked event: where it is kept, why, and its body (which may hold PHI).')
    .argument('<id>', 'a parked event id from `fulfill parked list`')
    .option('--body', 'print the body exactly as received (bytes, nothing else)')
    .option('--json', 'print the event and its body as JSON')
    .action(async (id: string, flags: { body?: boolean; json?: boolean }) => {
      checkParkedId(id);
      await withTemporal((client, config) => showParked(client, config, id, flags));
    });
  parked
    .command('redrive')
    .summary('Route a parked event again and hand it to its workflow (once routing is fixed).')
    .description(
      'Route a parked event again as the bridge would now and signal its workflow; recorded in the dead letter. ' +
        'Refused (exit 1) if it still routes nowhere, its workflow has ended, or it was re-driven already.',
    )
    .argument('<id>', 'a parked event id from `fulfill parked list`')
    .addOption(operatorOption(OPERATOR_HELP))
    .option('--json', 'print the outcome as JSON')
    .action(async (id: string, flags: { operator: string; json?: boolean }) => {
      checkParkedId(id);
      await withTemporal((client, config) => redriveParked(client, config, id, flags));
    });
}
