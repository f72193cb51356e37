// `fulfill history export` and `fulfill replay`: workflow histories for support and for determinism checks. Export
// writes Temporal's standard history JSON (what the Web UI's "Download" and the `temporal` CLI write), payloads left
// encrypted as they are stored, so the file holds no clear-text PHI and needs no key. Replay runs histories through
// the engine's workflow code with the configured data converter (every key the histories were written with must be
// configured): exit 0 when each replays deterministically, 1 with the non-determinism error otherwise.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import type { Command } from 'commander';
import type { EngineConfig } from '../config/env.js';
import { METADATA_KEY_ID } from '../crypto/payload-codec.js';
import { loadPayloadKeyRing } from '../crypto/payload-keys.js';
import { createDataConverter } from '../temporal/data-converter.js';
import { bundleWorkflows } from '../temporal/workflow-bundle.js';
import { loadOperatorConfig } from './operator-config.js';
import { print, printJson } from './output.js';
import { CommandFailure, withTemporal } from './temporal-session.js';
import { candidateTargets, resolveTarget } from './workflow-targets.js';
import { UsageError } from './usage-error.js';

type History = ReturnType<typeof historyFromJSON>;

interface ReplayOutcome {
  file: string;
  workflowType: string;
  events: number;
  deterministic: boolean;
  error?: string;
}

const SDK_LEVELS: Readonly<Record<EngineConfig['LOG_LEVEL'], LogLevel | undefined>> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  // The replay worker's lifecycle lines are noise on an operator's terminal: at the default level only warnings show.
  info: 'WARN',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: undefined,
};

/** The SDK's own log lines (its core's included, forwarded; on stderr) follow LOG_LEVEL (debug shows the worker's lifecycle); `silent` drops them. */
function installRuntimeLogger(level: EngineConfig['LOG_LEVEL']): void {
  const sdkLevel = SDK_LEVELS[level] ?? 'ERROR';
  try {
    Runtime.install({
      logger: SDK_LEVELS[level] ? new DefaultLogger(sdkLevel) : new DefaultLogger('ERROR', () => undefined),
      telemetryOptions: { logging: { filter: { core: sdkLevel, other: sdkLevel }, forward: {} } },
    });
  } catch {
    // Already installed in this process (tests calling main twice): keep it.
  }
}

function readHistory(file: string): History {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`Cannot read ${file}${typeof code === 'string' ? ` (${code})` : ''}.`);
  }
  let history: History;
  try {
    history = historyFromJSON(JSON.parse(text));
  } catch (error) {
    throw new UsageError(
      `${file} is not a workflow history in Temporal's JSON format (${error instanceof Error ? error.message : String(error)}). ` +
        'Export one with `fulfill history export <id> --out file.json`.',
    );
  }
  if (!history.events?.[0]?.workflowExecutionStartedEventAttributes) {
    throw new UsageError(`${file} does not start with a WorkflowExecutionStarted event: not a full workflow history.`);
  }
  return history;
}

/** The payload key ids a history's encrypted payloads name (metadata `encryption-key-id`), wherever they sit. */
export function payloadKeyIds(history: History): Set<string> {
  const ids = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 40 || typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const metadata = (value as { metadata?: unknown }).metadata;
    if (typeof metadata === 'object' && metadata !== null) {
      const keyId = (metadata as Record<string, unknown>)[METADATA_KEY_ID];
      if (keyId instanceof Uint8Array) ids.add(Buffer.from(keyId).toString('utf8'));
    }
    for (const child of Object.values(value)) visit(child, depth + 1);
  };
  visit(history.events ?? [], 0);
  return ids;
}

/** Temporal's run ids are UUIDs. */
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function exportHistory(id: string, flags: { runId?: string; out?: string }): Promise<void> {
  candidateTargets(id);
  if (flags.runId !== undefined && !RUN_ID.test(flags.runId)) {
    throw new UsageError(`--run-id ${flags.runId} is not a run id (a UUID).`);
  }
  // Raw payloads are exported as stored (encrypted): no key is needed.
  await withTemporal({ payloadKeys: false }, async (client) => {
    const target = await resolveTarget(client, id);
    const runId = flags.runId ?? target.description.runId;
    let history;
    try {
      history = await client.workflow.getHandle(target.workflowId, runId).fetchHistory();
    } catch (error) {
      if (flags.runId && error instanceof Error && /not found/i.test(error.message)) {
        throw new CommandFailure(
          `${target.workflowId} has no run ${flags.runId}; \`fulfill audit ${id}\` lists its runs.`,
        );
      }
      throw error;
    }
    const json = historyToJSON(history);
    if (!flags.out) {
      print(json);
      return;
    }
    try {
      writeFileSync(flags.out, `${json}\n`);
    } catch (error) {
      throw new CommandFailure(`Cannot write ${flags.out}: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.stderr.write(
      `Wrote the history of ${target.workflowId} run ${runId} (${history.events?.length ?? 0} events) to ${flags.out}\n`,
    );
  });
}

export async function replayFiles(files: readonly string[], flags: { json?: boolean }): Promise<void> {
  const histories = files.map((file) => ({ file, history: readHistory(file) }));
  const config = loadOperatorConfig();
  const dataConverter = createDataConverter(config);
  const outcomes: ReplayOutcome[] = [];
  // A history written under a key this process does not have cannot be replayed: say which key, before replaying.
  const known = loadPayloadKeyRing(config).keys;
  const replayable = histories.filter((entry) => {
    const missing = [...payloadKeyIds(entry.history)].filter((keyId) => !known.has(keyId));
    if (missing.length === 0) return true;
    outcomes.push({
      file: entry.file,
      workflowType: entry.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '?',
      events: entry.history.events?.length ?? 0,
      deterministic: false,
      error:
        `payloads are encrypted with key${missing.length > 1 ? 's' : ''} ${missing.map((id) => `"${id}"`).join(', ')}, ` +
        'which is not configured (add it to PAYLOAD_KEYS or PAYLOAD_KEY_FILE)',
    });
    return false;
  });
  // The SDK runtime is installed only to replay: once installed, it keeps the process alive until a worker (the
  // replay) has run and shut it down, so a run with nothing to replay would never exit.
  if (replayable.length > 0) installRuntimeLogger(config.LOG_LEVEL);
  const workflowBundle = config.WORKFLOW_BUNDLE_PATH
    ? { codePath: config.WORKFLOW_BUNDLE_PATH }
    : { code: replayable.length > 0 ? await bundleWorkflows() : '' };
  const byWorkflowId = new Map(replayable.map((entry, index) => [`replay-${index}-${basename(entry.file)}`, entry]));
  const results =
    byWorkflowId.size === 0
      ? []
      : Worker.runReplayHistories(
          { workflowBundle, dataConverter, replayName: 'fulfill-replay' },
          [...byWorkflowId.entries()].map(([workflowId, entry]) => ({ workflowId, history: entry.history })),
        );
  for await (const result of results) {
    const entry = byWorkflowId.get(result.workflowId);
    if (!entry) continue;
    const started = entry.history.events?.[0]?.workflowExecutionStartedEventAttributes;
    outcomes.push({
      file: entry.file,
      workflowType: started?.workflowType?.name ?? '?',
      events: entry.history.events?.length ?? 0,
      deterministic: !result.error,
      ...(result.error ? { error: `${result.error.name}: ${result.error.message}` } : {}),
    });
  }
  if (flags.json) {
    printJson({ results: outcomes });
  } else {
    for (const outcome of outcomes) {
      print(
        outcome.deterministic
          ? `ok    ${outcome.file}: ${outcome.workflowType}, ${outcome.events} events replay deterministically`
          : `FAIL  ${outcome.file}: ${outcome.workflowType}: ${outcome.error ?? 'replay failed'}`,
      );
    }
  }
  const failed = outcomes.filter((outcome) => !outcome.deterministic);
  if (failed.length > 0) {
    throw new CommandFailure(
      `${failed.length} of ${outcomes.length} histor${outcomes.length === 1 ? 'y does' : 'ies do'} not replay: ` +
        'the workflow code differs from what wrote them (or a payload key is missing).',
    );
  }
}

export function registerHistoryCommands(program: Command): void {
  const history = program.command('history').description('Workflow histories for support and determinism checks.');
  history
    .command('export')
    .description(
      "Write a workflow run's history as Temporal's standard JSON (payloads stay encrypted, as stored; no key needed).",
    )
    .argument('<id>', 'a prescription id, a Honeybee order number, a lab order identifier, or a workflow id')
    .option('--run-id <runId>', 'this run (default: the latest; `fulfill audit <id>` lists them)')
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(async (id: string, flags: { runId?: string; out?: string }) => exportHistory(id, flags));

  program
    .command('replay')
    .summary('Replay exported histories against the workflow code (determinism check).')
    .description(
      "Replay exported histories against this engine's workflow code (with the configured payload keys): exit 0 " +
        'when every history replays deterministically, 1 with the non-determinism error.',
    )
    .argument(
      '<file...>',
      'history JSON files (`fulfill history export`, the Web UI download, `temporal workflow show -o json`)',
    )
    .option('--json', 'print {results: [...]} as JSON')
    .action(async (files: string[], flags: { json?: boolean }) => replayFiles(files, flags));
}
