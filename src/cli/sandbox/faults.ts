// `fulfill sandbox faults list | set | clear`: fault injection per endpoint or path.
import { type Command, Option } from 'commander';
import type { FaultRuleInput } from '../../sandbox/faults.js';
import { UsageError } from '../usage-error.js';
import { describeFaults } from './describe.js';
import { duration, integer, rate } from './options.js';
import { run } from './run.js';

interface FaultFlags {
  endpoint?: string;
  method?: string;
  path?: string;
  webhook?: string;
  rate429?: number;
  rate503?: number;
  rate500?: number;
  drop?: number;
  lostResponse?: number;
  latency?: number;
  retryAfter?: number;
  retryAfterFormat?: 'seconds' | 'http-date';
  limit?: number;
  for?: number;
}

export function registerFaultCommands(sandbox: Command): void {
  const faults = sandbox.command('faults').description('Fault injection per endpoint.');
  faults
    .command('list')
    .description('The active fault rules.')
    .action(async (_options: unknown, command: Command) =>
      run(
        command,
        (client) => client.faults(),
        (result) => describeFaults(result.faults),
      ),
    );
  faults
    .command('set')
    .description('Add a fault rule for an endpoint (name or vendor.*) or a path glob.')
    .option('--endpoint <name>', 'e.g. honeybee.createOrder, onegevity.*, * (see GET /__sandbox/endpoints)')
    .option('--method <method>', 'only this HTTP method')
    .option('--path <glob>', 'a path glob, e.g. /honeybee/v1/orders/*')
    .option('--webhook <type>', 'a webhook event type or topic, e.g. RX_RECEIVED: --drop of them are never sent')
    .option('--rate-429 <r>', 'share of requests answered 429', rate)
    .option('--rate-503 <r>', 'share answered 503', rate)
    .option('--rate-500 <r>', 'share answered 500', rate)
    .option('--drop <r>', 'share whose connection is dropped before handling (with --webhook: never sent)', rate)
    .option('--lost-response <r>', 'share handled, then the connection dropped', rate)
    .option('--latency <d>', 'added latency', duration)
    .option('--retry-after <seconds>', 'Retry-After of a 429', integer(0))
    .addOption(new Option('--retry-after-format <f>', 'seconds or an HTTP date').choices(['seconds', 'http-date']))
    .option('--limit <n>', 'stop after this many faults', integer(1))
    .option('--for <d>', 'active for this long (sandbox time)', duration)
    .action(async (flags: FaultFlags, command: Command) => {
      if (flags.endpoint === undefined && flags.path === undefined && flags.webhook === undefined) {
        throw new UsageError('faults set needs --endpoint, --path or --webhook');
      }
      const { drop, lostResponse, retryAfter, for: activeFor, ...rest } = flags;
      const rule: FaultRuleInput = {
        ...rest,
        ...(drop !== undefined ? { dropRate: drop } : {}),
        ...(lostResponse !== undefined ? { lostResponseRate: lostResponse } : {}),
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
        ...(activeFor !== undefined ? { duration: activeFor } : {}),
      };
      await run(
        command,
        (client) => client.addFault(rule),
        (result) => describeFaults([result.fault]),
      );
    });
  faults
    .command('clear')
    .description('Remove one fault rule, or all of them.')
    .argument('[id]', 'the rule to remove (default: all)')
    .action(async (id: string | undefined, _options: unknown, command: Command) =>
      run(
        command,
        async (client) => {
          if (id) await client.removeFault(id);
          else await client.clearFaults();
          return client.faults();
        },
        (result) => `Faults cleared. ${describeFaults(result.faults)}`,
      ),
    );
}
