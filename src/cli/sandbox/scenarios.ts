// `fulfill sandbox status | scenarios | scenario`: is the sandbox up, and the named scenarios to start.
import { type Command, Option } from 'commander';
import type { Vendor } from '../../domain/vendors.js';
import type { ScenarioOptions } from '../../sandbox/scenarios.js';
import { table } from '../output.js';
import { describeScenario } from './describe.js';
import { duration, integer, integerList, textList } from './options.js';
import { run } from './run.js';

interface ScenarioFlags {
  reason?: number;
  reasons?: number[];
  holdAt?: 'Processing' | 'Filling';
  state?: string;
  gender?: 'M' | 'F' | 'N';
  /** false with --no-email */
  email?: string | false;
  refills?: number;
  medications?: number;
  controlled?: boolean;
  mode?: 'automatic' | 'partner_requested';
  duration?: number;
  vendor?: Vendor | 'both';
  times?: number;
  rejectReason?: string;
  activation?: 'patient' | 'api' | 'never';
  createOrder?: boolean;
  package?: string;
  allergies?: string[];
  intake?: 'supplied' | 'missing';
}

export function registerScenarioCommands(sandbox: Command): void {
  sandbox
    .command('status')
    .description('Is the sandbox up? Its seed, clock and settings.')
    .action(async (_options: unknown, command: Command) =>
      run(
        command,
        (client) => client.health(),
        (health) =>
          `Sandbox up: seed ${health.seed}, time ${health.now}, step delay ${health.stepDelayMs} ms, ` +
          `Honeybee workflow ${health.workflowMode}`,
      ),
    );

  sandbox
    .command('scenarios')
    .description('List the named scenarios.')
    .action(async (_options: unknown, command: Command) =>
      run(
        command,
        (client) => client.scenarios(),
        (result) => table(result.scenarios.map((s) => [s.name, s.vendor, s.description])),
      ),
    );

  sandbox
    .command('scenario')
    .description('Start a named scenario (see `fulfill sandbox scenarios`).')
    .argument('<name>', 'e.g. happy-path, exception-74, address-rejected, kit-rejected')
    .option('--reason <id>', 'exception reason id', integer(1))
    .option('--reasons <ids>', 'several exception reasons, comma-separated', integerList)
    .addOption(new Option('--hold-at <status>', 'when the exception strikes').choices(['Processing', 'Filling']))
    .option('--state <code>', 'two-letter state of the patient')
    .addOption(new Option('--gender <g>', 'patient gender').choices(['M', 'F', 'N']))
    .option('--email <email>', "the patient's email")
    .option('--no-email', 'the patient has no email on file')
    .option('--refills <n>', 'refills on the prescription', integer(0, 11))
    .option('--medications <n>', 'prescriptions in the RX_RECEIVED', integer(1, 5))
    .option('--controlled', 'a controlled substance (schedule IV)')
    .addOption(new Option('--mode <mode>', 'Honeybee workflow').choices(['automatic', 'partner_requested']))
    .option('--duration <d>', 'vendor-outage: how long', duration)
    .addOption(new Option('--vendor <v>', 'vendor-outage: which vendor').choices(['honeybee', 'onegevity', 'both']))
    .option('--times <n>', 'kit-rejected: rejections per order', integer(1, 10))
    .option('--reject-reason <text>', 'kit-rejected: the reason sent')
    .addOption(new Option('--activation <who>', 'kit activation').choices(['patient', 'api', 'never']))
    .option('--create-order', 'kit scenarios: also create the kit order at Onegevity')
    .option('--package <id>', 'kit scenarios: package identifier')
    .option('--allergies <names>', "allergies in the partner's intake, comma-separated (default none known)", textList)
    .addOption(
      new Option('--intake <state>', "missing: the partner's directory record has no patient-safety intake").choices([
        'supplied',
        'missing',
      ]),
    )
    .action(async (name: string, flags: ScenarioFlags, command: Command) => {
      const { email, controlled, createOrder, package: packageIdentifier, state, ...rest } = flags;
      const options: ScenarioOptions = {
        ...rest,
        ...(state !== undefined ? { state: state.toUpperCase() } : {}),
        ...(email === false ? { email: null } : email !== undefined ? { email } : {}),
        ...(controlled ? { controlled: true } : {}),
        ...(createOrder ? { createOrder: true } : {}),
        ...(packageIdentifier !== undefined ? { packageIdentifier } : {}),
      };
      await run(command, (client) => client.runScenario(name, options), describeScenario);
    });
}
