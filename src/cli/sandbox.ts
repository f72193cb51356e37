// `fulfill sandbox …`: drives a running sandbox through its control API (scenarios, faults, clock, webhooks, and what
// happened). Wrong usage (bad options, an unknown scenario) exits 2; a sandbox that cannot be reached or fails exits 1.
// `--json` prints the control API's answer as is.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config/env.js';
import { SandboxControlClient, SandboxControlError } from '../sandbox/control/client.js';
import type { ControlApi, ScenarioResult } from '../sandbox/control/types.js';
import { parseDuration } from '../sandbox/durations.js';
import type { FaultRuleInput } from '../sandbox/faults.js';
import { RX_RESPONSE_SHAPES, type RxResponseShape } from '../sandbox/honeybee/model.js';
import { ORDER_UPDATE_MODES, type OrderUpdateMode } from '../sandbox/onegevity/model.js';
import type { ScenarioOptions } from '../sandbox/scenarios.js';
import { print, table } from './output.js';
import { UsageError } from './usage-error.js';
import type { Vendor } from '../domain/vendors.js';

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

interface GlobalOptions {
  url?: string;
  json?: boolean;
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return number;
  };
}

function rate(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new InvalidArgumentError('expected a rate from 0 to 1');
  }
  return number;
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('expected a duration like 500ms, 30s, 15m, 2h or 7d');
  return ms;
}

function integerList(value: string): number[] {
  return value.split(',').map((part) => integer(1)(part.trim()));
}

function textList(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function defaultUrl(): string {
  const config = loadConfig();
  const host = config.SANDBOX_HOST === '0.0.0.0' ? '127.0.0.1' : config.SANDBOX_HOST;
  return `http://${host}:${config.SANDBOX_PORT}`;
}

function describeScenario(result: ScenarioResult): string {
  const patient = result.patient;
  const lines = [`Scenario ${result.scenario}: patient ${patient.id}, partner directory: ${patient.directory}`];
  if (patient.honeybeePatientId !== undefined) {
    lines.push(`  Honeybee patient_id ${patient.honeybeePatientId}, ehr_id ${patient.ehrId ?? 'null'}`);
  }
  if (patient.patientIdentifier) lines.push(`  Onegevity patientIdentifier ${patient.patientIdentifier}`);
  if (result.prescriptionIds) lines.push(`  prescriptions ${result.prescriptionIds.join(', ')}`);
  if (result.orderNumber) lines.push(`  order ${result.orderNumber} (Automatic Processing)`);
  if (result.plannedHolds) {
    lines.push(`  planned holds ${result.plannedHolds.map((hold) => `${hold.reasonId}@${hold.at}`).join(', ')}`);
  }
  if (result.kitPlan) {
    lines.push(`  kit plan: reject first ${result.kitPlan.rejectFirst}, activation by ${result.kitPlan.activation}`);
  }
  if (result.kitOrder) lines.push(`  kit order ${result.kitOrder.orderIdentifier}`);
  for (const fault of result.faults ?? []) {
    lines.push(`  fault ${fault.id}: ${fault.endpoint ?? fault.path} until ${fault.expiresAt ?? 'cleared'}`);
  }
  lines.push(`  next: ${result.expect}`);
  return lines.join('\n');
}

function describeCounters(counters: ControlApi['counters']): string {
  const hb = counters.honeybee;
  const og = counters.onegevity;
  const lines = [
    `Sandbox time ${counters.now}`,
    `Honeybee: ${hb.ordersCreated} orders (${hb.createOrderRequests} create requests), ${hb.tokensIssued} tokens`,
  ];
  for (const [rx, counts] of Object.entries(hb.prescriptions)) {
    const fills = Object.entries(counts.byFill)
      .map(([fill, count]) => `fill ${fill}: ${count}`)
      .join(', ');
    lines.push(
      `  prescription ${rx}: ${fills || 'no orders'}; reorders ${counts.reorders}, canceled ${counts.canceled}, ` +
        `409s ${counts.conflicts}, rejected ${counts.rejected}`,
    );
  }
  lines.push(
    `Onegevity: ${og.ordersCreated} orders (${og.createOrderRequests} create requests, ${og.orderConflicts} conflicts), ` +
      `${og.validationErrors} validation errors, activations api ${og.kitActivations.api} / patient ${og.kitActivations.patient}`,
  );
  for (const [order, count] of Object.entries(og.fulfillmentRequestsPerOrder)) {
    lines.push(`  order ${order}: ${count} fulfillment request(s)`);
  }
  for (const vendor of ['honeybee', 'onegevity'] as const) {
    const w = counters.webhooks[vendor];
    lines.push(
      `Webhooks ${vendor}: ${w.events} events, ${w.deliveries} deliveries, ${w.attempts} attempts, ` +
        `${w.delivered} delivered, ${w.failed} failed, ${w.dropped} dropped, ${w.pending} pending`,
    );
  }
  lines.push(
    `Partner notifications: ${counters.partner.accepted} accepted, ${counters.partner.rejected} rejected, ` +
      `${counters.partner.duplicates} duplicates`,
  );
  return lines.join('\n');
}

function describeWebhooks(result: ControlApi['webhooks']): string {
  const rows = result.deliveries.map((delivery) => {
    const last = delivery.attempts.at(-1);
    return [
      delivery.id,
      delivery.vendor,
      delivery.eventType,
      delivery.subject ?? '',
      delivery.state,
      String(delivery.attempts.length),
      last ? (last.status !== undefined ? String(last.status) : (last.error ?? '')) : '',
    ];
  });
  const header = ['id', 'vendor', 'event', 'subject', 'state', 'attempts', 'last answer'];
  const { settings } = result;
  return [
    rows.length > 0 ? table([header, ...rows]) : 'No webhooks sent yet.',
    `Targets: honeybee ${settings.targets.honeybee}, onegevity ${settings.targets.onegevity}`,
    `Switches: duplicate ${settings.duplicate ? 'on' : 'off'}, reorder ${settings.reorder.enabled ? `on (batch ${settings.reorder.batchSize})` : 'off'}`,
  ].join('\n');
}

/** What an order's POST /orders carried: the allergies by name, the other lists by count (`--json` has them all). */
function describePatientSafety(safety: Record<string, unknown> | undefined): string {
  if (!safety) return '';
  const list = (key: string) => (Array.isArray(safety[key]) ? (safety[key] as unknown[]) : undefined);
  const allergies = list('allergies');
  const names = allergies?.map((allergy) => (typeof allergy === 'string' ? allergy : JSON.stringify(allergy)));
  return [
    `allergies ${allergies === undefined ? '(none sent)' : names && names.length > 0 ? names.join('; ') : '[]'}`,
    `medications ${list('medications')?.length ?? '(none sent)'}`,
    `conditions ${list('health_conditions')?.length ?? '(none sent)'}`,
  ].join(', ');
}

function describeFaults(faults: ControlApi['faults']['faults']): string {
  if (faults.length === 0) return 'No faults.';
  return table([
    ['id', 'endpoint/path/webhook', 'method', '429', '503', '500', 'drop', 'lost', 'latency', 'injected', 'until'],
    ...faults.map((fault) => [
      fault.id,
      fault.endpoint ?? fault.path ?? (fault.webhook ? `webhook ${fault.webhook}` : ''),
      fault.method ?? '*',
      String(fault.rate429),
      String(fault.rate503),
      String(fault.rate500),
      String(fault.dropRate),
      String(fault.lostResponseRate),
      `${fault.latencyMs}ms`,
      `${fault.injected}${fault.limit !== undefined ? `/${fault.limit}` : ''}`,
      fault.expiresAt ?? '',
    ]),
  ]);
}

export function registerSandboxCommands(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('Drive the sandbox vendors: scenarios, faults, clock, webhooks, counters.')
    .option('--url <url>', 'the sandbox base URL (default http://SANDBOX_HOST:SANDBOX_PORT)')
    .option('--json', 'print the control API answer as JSON')
    // Subcommands inherit this, so their usage errors reach main() (exit 2) instead of exiting on their own.
    .exitOverride();

  const run = <T>(command: Command, call: (client: SandboxControlClient) => Promise<T>, human: (result: T) => string) =>
    (async () => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const client = new SandboxControlClient(options.url ?? defaultUrl());
      let result: T;
      try {
        result = await call(client);
      } catch (error) {
        // The sandbox refusing the request (bad options, unknown names) is a usage error.
        if (error instanceof SandboxControlError && (error.status === 400 || error.status === 404)) {
          throw new UsageError(error.message);
        }
        throw error;
      }
      print(options.json ? JSON.stringify(result, null, 2) : human(result));
    })();

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
    .description(
      'Add a fault rule for an endpoint (name or vendor.*) or a path glob, or drop webhooks of one event type for good.',
    )
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
      new Option('--order-updates <when>', 'when Onegevity sends order.updated').choices([...ORDER_UPDATE_MODES]),
    )
    .action(
      async (
        flags: {
          stepDelay?: number;
          mode?: 'automatic' | 'partner_requested';
          rxShape?: RxResponseShape;
          orderUpdates?: OrderUpdateMode;
        },
        command: Command,
      ) => {
        const changes = {
          ...(flags.stepDelay !== undefined ? { stepDelay: flags.stepDelay } : {}),
          ...(flags.mode !== undefined ? { workflowMode: flags.mode } : {}),
          ...(flags.rxShape !== undefined ? { rxResponseShape: flags.rxShape } : {}),
          ...(flags.orderUpdates !== undefined ? { onegevityOrderUpdates: flags.orderUpdates } : {}),
        };
        return run(
          command,
          (client) => (Object.keys(changes).length === 0 ? client.settings() : client.updateSettings(changes)),
          ({ settings }) =>
            `Step delay ${settings.stepDelayMs} ms, Honeybee workflow ${settings.workflowMode}, ` +
            `GET /patients/{id}/rx as ${settings.rxResponseShape}, Onegevity order.updated ${settings.onegevityOrderUpdates}`,
        );
      },
    );

  sandbox
    .command('counters')
    .description('What happened: orders per prescription and fill, kit orders, webhooks, notifications, requests.')
    .action(async (_options: unknown, command: Command) =>
      run(command, (client) => client.counters(), describeCounters),
    );

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

  sandbox
    .command('patients')
    .description('The synthetic patients generated by scenarios.')
    .action(async (_options: unknown, command: Command) =>
      run(
        command,
        (client) => client.patients(),
        (result) =>
          result.patients.length === 0
            ? 'No patients generated yet.'
            : table([
                ['id', 'scenario', 'directory', 'honeybee patient_id', 'ehr_id', 'partner ids', 'prescriptions'],
                ...result.patients.map((patient) => [
                  patient.id,
                  patient.scenario,
                  patient.directory,
                  patient.honeybeePatientId !== undefined ? String(patient.honeybeePatientId) : '',
                  patient.ehrId ?? '',
                  patient.directoryEntries.map((entry) => entry.partnerPatientId).join(','),
                  (patient.prescriptionIds ?? []).join(','),
                ]),
              ]),
      ),
    );

  sandbox
    .command('orders')
    .description('Orders at both simulated vendors.')
    .action(async (_options: unknown, command: Command) =>
      run(
        command,
        async (client) => ({
          honeybee: (await client.honeybeeOrders()).orders,
          onegevity: (await client.onegevityOrders()).orders,
        }),
        (result) =>
          [
            result.honeybee.length === 0
              ? 'Honeybee: no orders.'
              : table([
                  ['order_number', 'patient_id', 'status', 'fills', 'origin', 'patient_safety received', 'exception'],
                  ...result.honeybee.map((record) => [
                    record.order.order_number,
                    String(record.order.patient_id),
                    record.order.status,
                    Object.entries(record.fills)
                      .map(([rx, fill]) => `${rx}#${fill}`)
                      .join(','),
                    record.origin,
                    describePatientSafety(record.patientSafety),
                    record.order.exception ? `${record.order.exception.id} ${record.order.exception.name}` : '',
                  ]),
                ]),
            result.onegevity.length === 0
              ? 'Onegevity: no orders.'
              : table([
                  ['orderIdentifier', 'patientIdentifier', 'status', 'fulfillment', 'kits'],
                  ...result.onegevity.map((record) => [
                    record.order.orderIdentifier,
                    record.order.patientIdentifier,
                    record.order.status,
                    record.order.fulfillment
                      ? `${record.order.fulfillment.requestIdentifier} ${record.order.fulfillment.status}`
                      : '',
                    record.order.elements.map((element) => element.kitStatus).join(','),
                  ]),
                ]),
          ].join('\n'),
      ),
    );

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

  sandbox
    .command('notifications')
    .description('Partner notifications the engine sent to the sandbox, verified.')
    .option('--type <type>', 'only this notification type')
    .action(async (flags: { type?: string }, command: Command) =>
      run(
        command,
        (client) => client.notifications(flags.type),
        (result) =>
          result.notifications.length === 0
            ? 'No partner notifications received.'
            : table([
                ['received', 'webhook-id', 'type', 'verified', 'duplicate', 'rejection'],
                ...result.notifications.map((n) => [
                  n.receivedAt,
                  n.webhookId ?? '',
                  n.type ?? '',
                  String(n.verified),
                  String(n.duplicate),
                  n.rejection ?? '',
                ]),
              ]),
      ),
    );
}
