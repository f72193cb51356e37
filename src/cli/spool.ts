// `fulfill spool list|show`: the authentic webhooks the bridge kept because Temporal refused them for good (over the
// blob size limit, an invalid argument) or the engine was misconfigured when they came. Reads the spool directory the
// bridge writes (BRIDGE_SPOOL_DIR, default {DATA_DIR}/webhook-spool), so run it where the bridge's volume is.
import type { Command } from 'commander';
import { loadConfig, webhookSpoolDir } from '../config/env.js';
import { SpoolLookupError, WebhookSpool, type SpooledEvent } from '../spool/webhook-spool.js';
import { print, printJson, table } from './output.js';
import { UsageError } from './usage-error.js';

function describeEvents(events: readonly SpooledEvent[], unreadableLines: number, directory: string): string {
  const lines: string[] = [];
  if (events.length === 0) lines.push(`No spooled webhooks in ${directory}.`);
  else {
    lines.push(
      table([
        ['hash', 'vendor', 'topic', 'answer', 'arrivals', 'bytes', 'last received', 'reason'],
        ...events.map((event) => [
          event.hash.slice(0, 16),
          event.vendor,
          event.topic ?? '',
          `${event.status} ${event.code}`,
          String(event.arrivals),
          String(event.bytes),
          event.lastReceivedAt,
          event.reason,
        ]),
      ]),
    );
  }
  if (unreadableLines > 0) lines.push(`${unreadableLines} index line(s) could not be read (a torn write).`);
  return lines.join('\n');
}

export function registerSpoolCommands(program: Command): void {
  const spool = program
    .command('spool')
    .description('Webhooks the bridge kept because Temporal refused them for good (413/422/500 answered).')
    .option('--dir <path>', 'the spool directory (default BRIDGE_SPOOL_DIR, else {DATA_DIR}/webhook-spool)')
    .option('--json', 'print JSON');

  const open = (command: Command) => {
    const options = command.optsWithGlobals<{ dir?: string; json?: boolean }>();
    const directory = options.dir ?? webhookSpoolDir(loadConfig());
    return { store: new WebhookSpool(directory), directory, json: Boolean(options.json) };
  };

  spool
    .command('list')
    .description('Every spooled event: hash, vendor, topic, the answer given, arrivals, size, reason.')
    .action(async (_options: unknown, command: Command) => {
      const { store, directory, json } = open(command);
      const listing = await store.list();
      if (json) printJson({ directory, ...listing });
      else print(describeEvents(listing.events, listing.unreadableLines, directory));
    });

  spool
    .command('show')
    .description('One spooled event by its hash (or its first 8+ characters), with every arrival.')
    .argument('<hash>', 'the body hash from `fulfill spool list`')
    .option('--body', 'print the body exactly as received (bytes, nothing else)')
    .action(async (hash: string, flags: { body?: boolean }, command: Command) => {
      const { store, json } = open(command);
      let shown: Awaited<ReturnType<WebhookSpool['show']>>;
      try {
        shown = await store.show(hash);
      } catch (error) {
        if (error instanceof SpoolLookupError) throw new UsageError(error.message);
        throw error;
      }
      if (flags.body) {
        process.stdout.write(await store.readBody(shown.event.hash));
        return;
      }
      if (json) {
        printJson(shown);
        return;
      }
      const { event, arrivals } = shown;
      print(
        [
          `hash ${event.hash}`,
          `${event.vendor} ${event.topic ?? '(no topic)'}, ${event.bytes} bytes, answered ${event.status} ${event.code}`,
          `reason: ${event.reason}`,
          table([
            ['received', 'request id', 'answer', 'gRPC'],
            ...arrivals.map((entry) => [
              entry.receivedAt,
              entry.requestId,
              `${entry.status} ${entry.code}`,
              entry.grpcCode !== undefined ? String(entry.grpcCode) : '',
            ]),
          ]),
          `body: fulfill spool show ${event.hash.slice(0, 16)} --body`,
        ].join('\n'),
      );
    });
}
