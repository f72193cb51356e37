// `fulfill audit <id>`: the timeline of one prescription, order or lab order across all its workflow runs, for
// compliance and support. It decodes payloads (locally with the configured keys, or through the codec service like
// the Web UI), so its output can hold PHI: the help says so.
import { type Command, Option } from 'commander';
import { print } from '../output.js';
import { withTemporal } from '../temporal-session.js';
import { candidateTargets } from '../workflow-targets.js';
import { UsageError } from '../usage-error.js';
import { collectAudit } from './collect.js';
import { localDecoder, remoteDecoder } from './decode.js';
import { renderAudit, type AuditFormat } from './render.js';

interface AuditFlags {
  format: AuditFormat;
  codecEndpoint?: string;
}

function checkEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return url;
  } catch {
    // Reported below.
  }
  throw new UsageError(`--codec-endpoint ${url} is not an http(s) URL (e.g. http://127.0.0.1:8234).`);
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .summary('The timeline of a prescription, order or lab order across its workflow runs (may contain PHI).')
    .description(
      'The timeline of one prescription, order or lab order across all its workflow runs (continue-as-new chains ' +
        'and related orders included): vendor events received, vendor calls with their X-Request-Id, operator ' +
        'actions with who and why, timers, escalations, stage changes. Payloads are decoded: the output may contain ' +
        'PHI (in every format operator reasons and decoded failure messages; with --format json every decoded ' +
        'input and result too). Handle it as PHI.',
    )
    .argument('<id>', 'a prescription id, a Honeybee order number, a lab order identifier, or a workflow id')
    .addOption(
      new Option('--format <format>', 'text (terminal), md (tickets) or json (tools; includes decoded payloads)')
        .choices(['text', 'json', 'md'])
        .default('text'),
    )
    .option(
      '--codec-endpoint <url>',
      'decode through the codec service (e.g. http://127.0.0.1:8234; CODEC_CLIENT_TOKEN is sent as the bearer) ' +
        'instead of the local payload keys',
    )
    .action(async (id: string, flags: AuditFlags) => {
      candidateTargets(id);
      const endpoint = flags.codecEndpoint ? checkEndpoint(flags.codecEndpoint) : undefined;
      // Through the codec service the payload keys stay with it: this process needs none.
      await withTemporal({ payloadKeys: !endpoint }, async (client, config) => {
        const decoder = endpoint
          ? remoteDecoder(endpoint, config.TEMPORAL_NAMESPACE, config.CODEC_CLIENT_TOKEN)
          : localDecoder(config);
        print(renderAudit(await collectAudit(client, id, decoder), flags.format));
      });
    });
}
