// `fulfill sandbox webhooks [set | flush]`: the webhooks sent and their answers, and the delivery switches.
import { type Command, Option } from 'commander';
import type { Vendor } from '../../domain/vendors.js';
import { describeWebhooks } from './describe.js';
import { integer } from './options.js';
import { run } from './run.js';

interface WebhookListFlags {
  vendor?: Vendor;
  type?: string;
  state?: 'held' | 'queued' | 'in_flight' | 'retry_scheduled' | 'delivered' | 'failed' | 'dropped';
  limit?: number;
}

interface WebhookSetFlags {
  duplicate?: 'on' | 'off';
  reorder?: 'on' | 'off';
  batch?: number;
  honeybeeUrl?: string;
  onegevityUrl?: string;
  attempts?: number;
  concurrency?: number;
}

export function registerWebhookCommands(sandbox: Command): void {
  const webhooks = sandbox
    .command('webhooks')
    .description('The webhooks sent and their answers.')
    .addOption(new Option('--vendor <v>', 'only this vendor').choices(['honeybee', 'onegevity']))
    .option('--type <event>', 'only this event type or topic')
    .addOption(
      new Option('--state <state>', 'only this state').choices([
        'held',
        'queued',
        'in_flight',
        'retry_scheduled',
        'delivered',
        'failed',
        'dropped',
      ]),
    )
    .option('--limit <n>', 'the last n', integer(1, 5000))
    .action(async (flags: WebhookListFlags, command: Command) =>
      run(
        command,
        (client) => {
          const { type, ...rest } = flags;
          return client.webhooks({ ...rest, ...(type !== undefined ? { eventType: type } : {}) });
        },
        describeWebhooks,
      ),
    );
  webhooks
    .command('set')
    .description('Switch duplicate and reorder deliveries, or change targets and redelivery.')
    .addOption(new Option('--duplicate <on|off>', 'send every event twice').choices(['on', 'off']))
    .addOption(new Option('--reorder <on|off>', 'hold events in batches and shuffle them').choices(['on', 'off']))
    .option('--batch <n>', 'reorder batch size', integer(2, 100))
    .option('--honeybee-url <url>', 'where Honeybee webhooks go (and the URL they sign)')
    .option('--onegevity-url <url>', 'where Onegevity webhooks go')
    .option('--attempts <n>', 'delivery attempts per webhook', integer(1, 100))
    .option('--concurrency <n>', "deliveries in flight per target (one order's events stay in order)", integer(1, 256))
    .action(async (flags: WebhookSetFlags, command: Command) =>
      run(
        command,
        (client) =>
          client.configureWebhooks({
            ...(flags.duplicate !== undefined ? { duplicate: flags.duplicate === 'on' } : {}),
            ...(flags.reorder !== undefined || flags.batch !== undefined
              ? {
                  reorder: {
                    ...(flags.reorder !== undefined ? { enabled: flags.reorder === 'on' } : {}),
                    ...(flags.batch !== undefined ? { batchSize: flags.batch } : {}),
                  },
                }
              : {}),
            ...(flags.honeybeeUrl !== undefined || flags.onegevityUrl !== undefined
              ? {
                  targets: {
                    ...(flags.honeybeeUrl !== undefined ? { honeybee: flags.honeybeeUrl } : {}),
                    ...(flags.onegevityUrl !== undefined ? { onegevity: flags.onegevityUrl } : {}),
                  },
                }
              : {}),
            ...(flags.attempts !== undefined ? { maxAttempts: flags.attempts } : {}),
            ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
          }),
        ({ settings }) =>
          `duplicate ${settings.duplicate ? 'on' : 'off'}, reorder ${settings.reorder.enabled ? `on (batch ${settings.reorder.batchSize})` : 'off'}, ` +
          `${settings.policy.maxAttempts} attempts, ${settings.policy.concurrency} in flight; targets ${settings.targets.honeybee}, ${settings.targets.onegevity}`,
      ),
    );
  webhooks
    .command('flush')
    .description('Release the events held by the reorder switch now (shuffled).')
    .action(async (_options: unknown, command: Command) =>
      run(
        command,
        (client) => client.flushWebhooks(),
        (result) => `Released ${result.released} held webhook(s).`,
      ),
    );
}
