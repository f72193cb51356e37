// `fulfill show <id>`: one workflow as an operator needs it: execution, search attributes, the actions offered now
// (with a `fulfill resolve` line to start from), the current details the Web UI shows, and the full `status` query.
import type { Client } from '@temporalio/client';
import { workflowTaskFailing } from '../../operators/workflow-health.js';
import { print, printJson } from '../output.js';
import { stuckDetails } from '../repair/stuck-details.js';
import { resolveTarget, type ResolvedTarget } from '../workflow-targets.js';
import type { OperatorAction } from '../../../workflows/shared/operator-messages.js';
import { offeredActionsOf, readWorkflow } from './workflow-status.js';

function searchAttributesOf(target: ResolvedTarget): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(target.description.searchAttributes)
      .filter(([key]) => !key.startsWith('Temporal') && key !== 'BuildIds')
      .map(([key, values]) => {
        const value = (values as unknown[])[0];
        return [key, value instanceof Date ? value.toISOString() : value];
      }),
  );
}

/** Single-quoted for a POSIX shell, so a pasted JSON value reaches `--field` as it is. */
function shellQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command line to start from for an offered action: its required fields, with placeholders. An object field is
 * given whole, as JSON from its example: dotted `--field name.key=value` parts give only text, and an object whose
 * schema wants lists or every key (patientSafety) refuses them.
 */
export function resolveHint(id: string, offered: OperatorAction): string {
  const { action, fields } = offered;
  if (action === 'matchPatient') {
    return `fulfill match ${id} --partner-patient <id> --operator <you> --reason <why>`;
  }
  if (action === 'cancel') return `fulfill cancel ${id} --operator <you> --reason <why>`;
  const fieldArgs = fields
    .filter((field) => field.required)
    .map((field) =>
      typeof field.example === 'object' && field.example !== null
        ? `--field ${shellQuoted(`${field.name}:=${JSON.stringify(field.example)}`)}`
        : `--field ${field.name}=<value>`,
    );
  return ['fulfill resolve', id, '--action', action, ...fieldArgs, '--operator <you> --reason <why>'].join(' ');
}

export async function showWorkflow(client: Client, input: string, options: { json?: boolean }): Promise<void> {
  const target = await resolveTarget(client, input);
  const { description } = target;
  // A stuck workflow answers no query: say so instead of waiting for one (src/operators/workflow-health.ts).
  const failing = await workflowTaskFailing(client, target.workflowId, description);
  const reading = failing
    ? { status: null, currentDetails: stuckDetails(failing) }
    : await readWorkflow(client, target.workflowId, description.taskQueue);
  const offered = offeredActionsOf(reading.status);
  const actions = offered.map((action) => action.action);
  const searchAttributes = searchAttributesOf(target);
  if (options.json) {
    printJson({
      workflowId: target.workflowId,
      runId: description.runId,
      workflowType: description.type,
      execution: description.status.name,
      startTime: description.startTime.toISOString(),
      closeTime: description.closeTime?.toISOString() ?? null,
      taskQueue: description.taskQueue,
      searchAttributes,
      workflowTaskFailing: failing ?? null,
      offeredActions: actions,
      currentDetails: reading.currentDetails,
      status: reading.status,
    });
    return;
  }
  const hints = offered.map((action) => resolveHint(target.id, action));
  print(
    [
      `${target.workflowId} (${description.type}): ${description.status.name}, run ${description.runId}`,
      `started ${description.startTime.toISOString()}` +
        (description.closeTime ? `, closed ${description.closeTime.toISOString()}` : '') +
        `, task queue ${description.taskQueue}`,
      `search attributes: ${
        Object.entries(searchAttributes)
          .map(([key, value]) => `${key}=${String(value)}`)
          .join(' · ') || 'none'
      }`,
      `actions offered: ${actions.join(', ') || 'none'}`,
      ...hints.map((hint) => `  ${hint}`),
      '',
      '--- current details ---',
      reading.currentDetails || '(none)',
      '',
      '--- status ---',
      JSON.stringify(reading.status, null, 2),
    ].join('\n'),
  );
}
