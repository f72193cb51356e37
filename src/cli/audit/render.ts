// The audit report in three forms: `text` for a terminal, `md` for a ticket (a table), `json` for tools (with the
// decoded payloads of every step under `data`). Text and markdown show ids, statuses, actions, the operators' own
// words and decoded failure messages (which may name what failed: PHI too); only JSON carries inputs and results.
import { kindName } from '../workflow-targets.js';
import type { AuditReport } from './collect.js';
import type { TimelineEntry } from './timeline.js';

export type AuditFormat = 'text' | 'json' | 'md';

function label(workflowId: string): string {
  return workflowId
    .replace(/^honeybee-rx-/, 'rx ')
    .replace(/^honeybee-order-/, 'order ')
    .replace(/^onegevity-order-/, 'lab ');
}

/** Text from a history on one line: a signal name or an operator's words cannot start a line of their own. */
function oneLine(value: string): string {
  return value.replace(/\p{Cc}/gu, ' ');
}

function time(iso: string): string {
  return iso.replace('T', ' ').replace(/\.(\d{3})Z$/, '.$1Z');
}

/** Inputs whose sender Temporal should have recorded (the Web UI sends a signal without any identity). */
const ATTRIBUTED_KINDS = new Set<TimelineEntry['kind']>(['operator.input', 'partner.input', 'run.cancel_requested']);

/** The name the input claims and why, then who Temporal says sent it: `alice: why [sent by partner-api:acme]`. */
function who(entry: TimelineEntry): string {
  const sender = entry.identity
    ? `sent by ${entry.identity}`
    : ATTRIBUTED_KINDS.has(entry.kind)
      ? 'sender not recorded'
      : '';
  if (!entry.operator && !entry.reason) return sender;
  const claimed = `${entry.operator ?? '?'}${entry.reason ? `: ${entry.reason}` : ''}`;
  return sender ? `${claimed} [${sender}]` : claimed;
}

/** Where a workflow's history came from, when not from Temporal's primary store. */
function source(workflow: AuditReport['workflows'][number]): string {
  return workflow.archived ? ', from the archive (past retention)' : '';
}

const UNCONFIRMED = 'named only by a signal and does not name this one back: left out';

function header(report: AuditReport): string[] {
  const lines = [
    `Audit of ${kindName(report.subject.kind)} ${report.subject.id} (${report.subject.workflowId})`,
    `generated ${report.generatedAt}; payloads decoded ${report.decodedVia}`,
    'Workflows:',
  ];
  for (const workflow of report.workflows) {
    lines.push(
      `  ${workflow.workflowId} (${workflow.workflowType}), ${workflow.runs.length} run(s)${source(workflow)}:`,
    );
    for (const run of workflow.runs) {
      lines.push(`    ${run.runId} ${run.status} ${run.startTime} → ${run.closeTime ?? 'running'}`);
    }
  }
  for (const workflowId of report.missing) lines.push(`  ${workflowId}: named in the history, not found`);
  for (const workflowId of report.unconfirmed) lines.push(`  ${workflowId}: ${UNCONFIRMED}`);
  return lines;
}

export function renderText(report: AuditReport): string {
  const width = Math.max(0, ...report.timeline.map((entry) => label(entry.workflowId).length));
  const lines = [...header(report), '', 'Timeline (UTC):'];
  for (const entry of report.timeline) {
    lines.push(`${time(entry.at)}  ${label(entry.workflowId).padEnd(width)}  ${oneLine(entry.summary)}`);
    const indent = ' '.repeat(time(entry.at).length + width + 4);
    if (who(entry)) {
      const by = entry.operator || entry.reason ? 'by ' : '';
      lines.push(oneLine(`${indent}${by}${who(entry)}${entry.via ? ` (${entry.via})` : ''}`));
    }
    if (entry.requestIds) lines.push(`${indent}X-Request-Id ${entry.requestIds.join(', ')}`);
    if (entry.bridgeRequestId) lines.push(`${indent}bridge request ${entry.bridgeRequestId}`);
  }
  return lines.join('\n');
}

function cell(value: string): string {
  return oneLine(value.replace(/\|/g, '\\|'));
}

export function renderMarkdown(report: AuditReport): string {
  const lines = [
    `# Audit: ${kindName(report.subject.kind)} ${report.subject.id}`,
    '',
    `Generated ${report.generatedAt}; payloads decoded ${report.decodedVia}.`,
    '',
    '## Workflows',
    '',
  ];
  for (const workflow of report.workflows) {
    lines.push(`- \`${workflow.workflowId}\` (${workflow.workflowType})${source(workflow)}`);
    for (const run of workflow.runs) {
      lines.push(`  - run \`${run.runId}\`: ${run.status}, ${run.startTime} → ${run.closeTime ?? 'running'}`);
    }
  }
  for (const workflowId of report.missing) lines.push(`- \`${workflowId}\`: named in the history, not found`);
  for (const workflowId of report.unconfirmed) lines.push(`- \`${workflowId}\`: ${UNCONFIRMED}`);
  lines.push(
    '',
    '## Timeline',
    '',
    '| time (UTC) | workflow | what happened | who / why | vendor request ids |',
    '|---|---|---|---|---|',
  );
  for (const entry of report.timeline) {
    lines.push(
      `| ${time(entry.at)} | ${cell(label(entry.workflowId))} | ${cell(entry.summary)} | ${cell(
        who(entry) + (entry.via && who(entry) ? ` (${entry.via})` : ''),
      )} | ${cell(entry.requestIds?.join(', ') ?? '')} |`,
    );
  }
  return lines.join('\n');
}

export function renderAudit(report: AuditReport, format: AuditFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2);
    case 'md':
      return renderMarkdown(report);
    default:
      return renderText(report);
  }
}
