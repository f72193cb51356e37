// `fulfill sandbox advance | settings`: the sandbox's clock, step delay and simulated Honeybee workflow.
import { type Command, Option } from 'commander';
import { duration } from './options.js';
import { run } from './run.js';

export function registerClockCommands(sandbox: Command): void {
  sandbox
    .command('advance')
    .description('Move the sandbox clock forward and run what falls due (order steps, redeliveries, outage ends).')
    .argument('<duration>', 'e.g. 2s, 15m, 2h, 7d', duration)
    .option('--no-settle', 'return without waiting for the webhooks this caused')
    .action(async (by: number, flags: { settle: boolean }, command: Command) =>
      run(
        command,
        (client) => client.advance(by, flags.settle),
        (clock) => `Sandbox time is now ${clock.now}; ${clock.pending.length} task(s) pending.`,
      ),
    );

  sandbox
    .command('settings')
    .description('Show or change the step delay and the Honeybee workflow the sandbox simulates.')
    .option('--step-delay <d>', 'sandbox time between order steps (0 = at once)', duration)
    .addOption(new Option('--mode <mode>', 'Honeybee workflow').choices(['automatic', 'partner_requested']))
    .action(async (flags: { stepDelay?: number; mode?: 'automatic' | 'partner_requested' }, command: Command) =>
      run(
        command,
        (client) =>
          flags.stepDelay === undefined && flags.mode === undefined
            ? client.settings()
            : client.updateSettings({
                ...(flags.stepDelay !== undefined ? { stepDelay: flags.stepDelay } : {}),
                ...(flags.mode !== undefined ? { workflowMode: flags.mode } : {}),
              }),
        ({ settings }) => `Step delay ${settings.stepDelayMs} ms, Honeybee workflow ${settings.workflowMode}`,
      ),
    );
}
