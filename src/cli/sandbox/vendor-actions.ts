// `fulfill sandbox hold | activate`: what a pharmacist or a patient would do at the simulated vendors.
import type { Command } from 'commander';
import { integer } from './options.js';
import { run } from './run.js';

export function registerVendorActionCommands(sandbox: Command): void {
  sandbox
    .command('hold')
    .description('Put a Honeybee order On Hold now (a pharmacist raising an exception).')
    .argument('<order_number>')
    .option('--reason <id>', 'exception reason id (default 64 Partner Hold)', integer(1))
    .action(async (orderNumber: string, flags: { reason?: number }, command: Command) =>
      run(
        command,
        async (client) => {
          await client.holdOrder(orderNumber, flags.reason ?? 64);
          return { orderNumber, reason: flags.reason ?? 64 };
        },
        (result) => `Order ${result.orderNumber} is On Hold (reason ${result.reason}).`,
      ),
    );

  sandbox
    .command('activate')
    .description('A simulated patient activates the shipped kit of an Onegevity order.')
    .argument('<orderIdentifier>')
    .action(async (orderIdentifier: string, _options: unknown, command: Command) =>
      run(
        command,
        (client) => client.activateKit(orderIdentifier),
        () => `Kit of ${orderIdentifier} activated.`,
      ),
    );
}
