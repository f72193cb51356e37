// `fulfill lab order --file request.json`: starts a lab-kit order for the partner from a JSON request (the same body
// the partner API takes; see docs/WORKFLOWS.md "Lab orders (Onegevity)"). A request that cannot be read or is invalid
// exits 2 naming the fields (never their values: the request is PHI); Temporal unreachable or any other failure exits 1.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Command } from 'commander';
import { loadOperatorConfig } from './operator-config.js';
import { labSettingsFromConfig } from '../domain/workflow-settings.js';
import { LabOrderRequestError, parseLabOrderRequest } from '../lab/lab-order-request.js';
import { LabOrderConflictError, startLabOrder, type StartedLabOrder } from '../lab/start-lab-order.js';
import { connectClient } from '../temporal/client.js';
import { UsageError } from './usage-error.js';

interface LabOrderFlags {
  file: string;
  json?: boolean;
}

/** As large a request as the partner API takes by default (PARTNER_API_BODY_LIMIT_BYTES): a kit order is a few KB. */
export const LAB_REQUEST_FILE_MAX_BYTES = 65_536;

/** The file's first bytes, at most `max` of them; undefined when there are more (`/dev/zero` would never end). */
function readAtMost(path: string, max: number): Buffer | undefined {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) return buffer.subarray(0, length);
      length += read;
      if (length > max) return undefined;
    }
  } finally {
    closeSync(fd);
  }
}

function readRequest(path: string): unknown {
  let bytes: Buffer | undefined;
  try {
    bytes = readAtMost(path, LAB_REQUEST_FILE_MAX_BYTES);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`Cannot read --file ${path}${typeof code === 'string' ? ` (${code})` : ''}.`);
  }
  if (!bytes) {
    throw new UsageError(
      `--file ${path} is larger than ${LAB_REQUEST_FILE_MAX_BYTES} bytes: it is not a lab order request.`,
    );
  }
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`--file ${path} is not valid JSON.`);
  }
}

export function registerLabCommands(program: Command): void {
  const lab = program.command('lab').description('Onegevity lab-test kit orders.');
  lab
    .command('order')
    .description('Start a lab-kit order for a patient (orderIdentifier chosen by the engine; prints it).')
    .requiredOption(
      '--file <path>',
      'the request as JSON: patientIdentifier, patientInformation, … (docs/WORKFLOWS.md)',
    )
    .option('--json', 'print {orderIdentifier, workflowId, started} as JSON')
    .action(async (flags: LabOrderFlags) => {
      const request = readRequest(flags.file);
      // Checked before connecting: a bad request is the caller's to fix whether or not Temporal is up.
      try {
        parseLabOrderRequest(request);
      } catch (error) {
        if (!(error instanceof LabOrderRequestError)) throw error;
        const lines = error.issues.map((issue) => `  ${issue.path || '(request)'}: ${issue.message}`);
        throw new UsageError(['The lab order request is invalid:', ...lines].join('\n'));
      }
      const config = loadOperatorConfig();
      const client = await connectClient(config).catch((error: unknown) => {
        throw new Error(
          `Cannot reach Temporal at ${config.TEMPORAL_ADDRESS}: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      let started: StartedLabOrder;
      try {
        started = await startLabOrder(client, config.TEMPORAL_TASK_QUEUE, request, labSettingsFromConfig(config));
      } catch (error) {
        if (error instanceof LabOrderConflictError) throw new UsageError(error.message);
        throw error;
      } finally {
        await client.connection.close();
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(started, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        started.started
          ? `Lab order ${started.orderIdentifier} started (workflow ${started.workflowId}).\n`
          : `Lab order ${started.orderIdentifier} was already started by this requestKey (workflow ${started.workflowId}).\n`,
      );
    });
}
