// `fulfill sandbox …`: drives a running sandbox through its control API (scenarios, faults, clock, webhooks, and what
// happened). Wrong usage (bad options, an unknown scenario) exits 2; a sandbox that cannot be reached or fails exits 1.
// `--json` prints the control API's answer as is. One file per group of commands.
import type { Command } from 'commander';
import { registerClockCommands } from './clock.js';
import { registerFaultCommands } from './faults.js';
import { registerRecordCommands } from './records.js';
import { registerScenarioCommands } from './scenarios.js';
import { registerVendorActionCommands } from './vendor-actions.js';
import { registerWebhookCommands } from './webhooks.js';

export function registerSandboxCommands(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('Drive the sandbox vendors: scenarios, faults, clock, webhooks, counters.')
    .option('--url <url>', 'the sandbox base URL (default http://SANDBOX_HOST:SANDBOX_PORT)')
    .option('--json', 'print the control API answer as JSON')
    // Subcommands inherit this, so their usage errors reach main() (exit 2) instead of exiting on their own.
    .exitOverride();
  registerScenarioCommands(sandbox);
  registerFaultCommands(sandbox);
  registerClockCommands(sandbox);
  registerRecordCommands(sandbox);
  registerWebhookCommands(sandbox);
  registerVendorActionCommands(sandbox);
}
