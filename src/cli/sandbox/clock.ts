// `fulfill sandbox advance | settings`: the sandbox's clock, step delay and simulated Honeybee workflow.
import { type Command, Option } from 'commander';
import { duration } from './options.js';
import { run } from './run.js';
import {
  EXCEPTION_ACTION_LISTINGS,
  EXCEPTION_EVENT_TYPES,
  RX_RESPONSE_SHAPES,
  type ExceptionActionListing,
  type ExceptionEventType,
  type RxResponseShape,
} from '../../sandbox/honeybee/model.js';
import { ORDER_UPDATE_MODES, type OrderUpdateMode } from '../../sandbox/onegevity/model.js';

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
    .description('Show or change the step delay, the Honeybee workflow and the wire shapes the sandbox writes.')
    .option('--step-delay <d>', 'sandbox time between order steps (0 = at once)', duration)
    .addOption(new Option('--mode <mode>', 'Honeybee workflow').choices(['automatic', 'partner_requested']))
    .addOption(
      new Option('--rx-shape <shape>', 'how GET /patients/{id}/rx is wrapped').choices([...RX_RESPONSE_SHAPES]),
    )
    .addOption(
      new Option('--exception-event-type <type>', "the exception event's event_type").choices([
        ...EXCEPTION_EVENT_TYPES,
      ]),
    )
    .addOption(
      new Option('--exception-actions <listing>', 'whether exceptions list their order_actions').choices([
        ...EXCEPTION_ACTION_LISTINGS,
      ]),
    )
    .addOption(
      new Option('--order-updates <when>', 'when Onegevity sends order.updated').choices([...ORDER_UPDATE_MODES]),
    )
    .action(
      async (
        flags: {
          stepDelay?: number;
          mode?: 'automatic' | 'partner_requested';
          rxShape?: RxResponseShape;
          exceptionEventType?: ExceptionEventType;
          exceptionActions?: ExceptionActionListing;
          orderUpdates?: OrderUpdateMode;
        },
        command: Command,
      ) => {
        const changes = {
          ...(flags.stepDelay !== undefined ? { stepDelay: flags.stepDelay } : {}),
          ...(flags.mode !== undefined ? { workflowMode: flags.mode } : {}),
          ...(flags.rxShape !== undefined ? { rxResponseShape: flags.rxShape } : {}),
          ...(flags.exceptionEventType !== undefined ? { exceptionEventType: flags.exceptionEventType } : {}),
          ...(flags.exceptionActions !== undefined ? { exceptionActions: flags.exceptionActions } : {}),
          ...(flags.orderUpdates !== undefined ? { onegevityOrderUpdates: flags.orderUpdates } : {}),
        };
        return run(
          command,
          (client) => (Object.keys(changes).length === 0 ? client.settings() : client.updateSettings(changes)),
          ({ settings }) =>
            `Step delay ${settings.stepDelayMs} ms, Honeybee workflow ${settings.workflowMode}, ` +
            `GET /patients/{id}/rx as ${settings.rxResponseShape}, exceptions as ${settings.exceptionEventType} with ` +
            `actions ${settings.exceptionActions}, Onegevity order.updated ${settings.onegevityOrderUpdates}`,
        );
      },
    );
}
