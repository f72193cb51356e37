// `fulfill parked list|show|redrive`: the authentic webhooks the engine kept because no workflow could take them (the
// day's dead-letter workflows, every run) or Temporal refused them for good (the bridge's spool), read and re-driven
// through src/operators/parked-events.ts. Run it where the bridge's spool volume is to see the spooled ones too.
import type { Client } from '@temporalio/client';
import type { EngineConfig } from '../../config/env.js';
import { webhookSpoolDir } from '../../config/env.js';
import {
  awaitingOperator,
  createParkedEvents,
  isParkedEventId,
  type ParkedEvent,
} from '../../operators/parked-events.js';
import { WebhookSpool } from '../../spool/webhook-spool.js';
import { print, printJson, table } from '../output.js';
import { CommandFailure } from '../temporal-session.js';
import { UsageError } from '../usage-error.js';

export function checkParkedId(id: string): void {
  if (!isParkedEventId(id)) throw new UsageError(`${id} is not a parked event id (dl.<40 hex> or sp.<64 hex>)`);
}

export function parkedEventsOf(client: Client, config: EngineConfig) {
  return createParkedEvents({ client, spool: new WebhookSpool(webhookSpoolDir(config)), config });
}

function state(event: ParkedEvent): string {
  if (event.redriven) return `re-driven to ${event.redriven.workflowIds.join(', ')}`;
  return event.informational ? 'informational' : 'waiting';
}

export async function printParked(
  client: Client,
  config: EngineConfig,
  flags: { json?: boolean; all?: boolean },
): Promise<void> {
  const listing = await parkedEventsOf(client, config).list();
  const events = flags.all ? listing.events : listing.events.filter((event) => !event.informational);
  if (flags.json) {
    printJson({ ...listing, events, awaitingOperator: awaitingOperator(listing.events).length });
    return;
  }
  const lines = [
    events.length === 0
      ? 'No parked events.'
      : table([
          ['id', 'vendor', 'topic', 'received', 'bytes', 'state', 'where', 'reason'],
          ...events.map((event) => [
            event.id,
            event.vendor,
            event.topic ?? '-',
            event.receivedAt,
            event.bytes !== undefined ? String(event.bytes) : '-',
            state(event),
            event.where,
            event.reason,
          ]),
        ]),
    `${awaitingOperator(listing.events).length} waiting for an operator` +
      (flags.all ? '' : `; ${listing.events.length - events.length} informational not shown (--all)`),
    ...listing.problems.map((problem) => `problem: ${problem}`),
  ];
  print(lines.join('\n'));
}

export async function showParked(
  client: Client,
  config: EngineConfig,
  id: string,
  flags: { json?: boolean; body?: boolean },
): Promise<void> {
  const kept = await parkedEventsOf(client, config).read(id);
  if (!kept) throw new CommandFailure(`no parked event ${id} (see \`fulfill parked list\`)`);
  if (flags.body) {
    process.stdout.write(kept.body);
    return;
  }
  if (flags.json) {
    printJson({ event: kept.event, verified: kept.verified, body: kept.body.toString('utf8') });
    return;
  }
  const { event } = kept;
  print(
    [
      `${event.id}: ${event.vendor} ${event.topic ?? '(no topic)'}, received ${event.receivedAt}, ${kept.body.length} bytes`,
      `where: ${event.where}${event.runId ? ` (run ${event.runId})` : ''}`,
      `reason: ${event.reason}`,
      `state: ${state(event)}`,
      `body sha256 ${kept.verified ? 'matches' : 'DOES NOT match'} the hash it was parked with`,
      `body: fulfill parked show ${event.id} --body`,
    ].join('\n'),
  );
}

export async function redriveParked(
  client: Client,
  config: EngineConfig,
  id: string,
  flags: { operator: string; json?: boolean },
): Promise<void> {
  const outcome = await parkedEventsOf(client, config).redrive(id, flags.operator);
  if (!outcome) throw new CommandFailure(`no parked event ${id} (see \`fulfill parked list\`)`);
  if (flags.json) printJson(outcome);
  if (outcome.kind === 'refused') throw new CommandFailure(`${id} was not re-driven: ${outcome.reason}`);
  if (!flags.json) print(`${id} re-driven to ${outcome.workflowIds.join(', ')}`);
}
