// `fulfill`: the engine's command line for operators and developers.
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config/env.js';
import { runDev } from './dev.js';
import { defaultKeyId, generateKeyLine } from './keys.js';
import { registerLabCommands } from './lab.js';
import { registerAuditCommand } from './audit/register.js';
import { registerClusterCommands, startCluster } from './cluster.js';
import { registerHistoryCommands } from './history.js';
import { registerNotificationCommands } from './notifications.js';
import { registerOperatorCommands } from './operators/register.js';
import { registerRepairCommand } from './repair/register.js';
import { registerSandboxCommands } from './sandbox/register.js';
import { registerSpoolCommands } from './spool.js';
import { UsageError } from './usage-error.js';
import { signWebhookHeaders } from './webhook-sign.js';
import { withDevKeyFileHint } from './operator-config.js';

export function buildProgram(): Command {
  const program = new Command('fulfill')
    .description('Fulfillment engine for Honeybee Health prescriptions and Onegevity lab kits, on Temporal.')
    .showHelpAfterError();

  program
    .command('dev')
    .description(
      'Start the engine locally: Temporal dev server (SQLite, Web UI), sandbox vendors (unless real vendor ' +
        'credentials are set), worker, bridge and codec service.',
    )
    .option(
      '--cluster [dir]',
      'run against the local Temporal cluster in dir (default {DATA_DIR}/cluster) instead; `fulfill cluster up` first if needed',
    )
    .action(async (flags: { cluster?: boolean | string }) => {
      const config = loadConfig();
      if (!flags.cluster) return runDev(config);
      const cluster = await startCluster(typeof flags.cluster === 'string' ? { dir: flags.cluster } : {});
      await runDev(config, process.env, {
        env: cluster.clientEnv(),
        description: `${cluster.address} (cluster in ${cluster.root}, mTLS; it keeps running: \`fulfill cluster down\`)`,
      });
    });

  const webhook = program.command('webhook').description('Webhook tools for integrators.');
  webhook
    .command('sign')
    .description('Print the headers a vendor would send with a webhook body (use them with curl).')
    .argument('<vendor>', 'honeybee or onegevity')
    .requiredOption('--body-file <path>', 'the exact bytes to send')
    .option(
      '--url <url>',
      'Honeybee: the public webhook URL configured at the vendor (default: from BRIDGE_PUBLIC_URL)',
    )
    .option('--topic <topic>', 'Onegevity: the webhook topic, sent as X-Onegevity-Topic')
    .option('--json', 'print the headers as JSON')
    .action((vendor: string, options: { bodyFile: string; url?: string; topic?: string; json?: boolean }) => {
      const headers = signWebhookHeaders(vendor, options, loadConfig());
      if (options.json) {
        process.stdout.write(`${JSON.stringify(headers, null, 2)}\n`);
      } else {
        for (const [name, value] of Object.entries(headers)) process.stdout.write(`${name}: ${value}\n`);
      }
    });

  const keys = program.command('keys').description('Payload encryption keys (PHI at rest).');
  keys
    .command('generate')
    .description('Print a new 256-bit key as a PAYLOAD_KEYS entry (keyId:base64).')
    .option(
      '--id <keyId>',
      'the key id stored with every payload it encrypts; unique (default: key-<date>-<6 random hex>)',
    )
    .action((options: { id?: string }) => {
      try {
        process.stdout.write(`${generateKeyLine(options.id ?? defaultKeyId())}\n`);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
    });
  registerSandboxCommands(program);
  registerLabCommands(program);
  registerOperatorCommands(program);
  registerRepairCommand(program);
  registerAuditCommand(program);
  registerHistoryCommands(program);
  registerSpoolCommands(program);
  registerClusterCommands(program);
  registerNotificationCommands(program);

  return program;
}

/** exitOverride is copied to subcommands only when they are created, so set it on every command afterwards. */
function overrideExits(command: Command): Command {
  command.exitOverride();
  for (const sub of command.commands) overrideExits(sub);
  return command;
}

export async function main(argv: string[]): Promise<number> {
  const program = overrideExits(buildProgram());
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError) {
      process.stderr.write(`${withDevKeyFileHint(error).message}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
