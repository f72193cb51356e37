// Gathers what the audit covers: the business object's workflow with every run of its continue-as-new chain (all run
// ids from visibility `WorkflowId = '…'`), and the workflows around it: a prescription's orders (the order numbers its
// history names, and order workflows whose HoneybeePrescriptionId is the prescription), an order's prescriptions, any
// child workflows. Each run's history is fetched and decoded, then merged into one timeline. A workflow past its
// namespace's retention comes from the archive (archive.ts). Ids read from a history are checked to be ids before
// they go into a query, and a workflow only a signal names is kept only if it names the subject back.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { honeybeeOrderWorkflowId, prescriptionWorkflowId } from '../../domain/workflow-ids.js';
import { CommandFailure } from '../temporal-session.js';
import { candidateTargets, isPlainId, resolveTarget, visibilityLiteral, type Target } from '../workflow-targets.js';
import { archivedExecutions, archivedHistory } from './archive.js';
import { decodeHistory, type PayloadDecoder } from './decode.js';
import { buildTimeline, relatedIds, type AuditRunEvents, type TimelineEntry } from './timeline.js';

export interface AuditRunInfo {
  runId: string;
  status: string;
  startTime: string;
  closeTime: string | null;
}

export interface AuditWorkflow {
  workflowId: string;
  workflowType: string;
  runs: AuditRunInfo[];
  /** Read from the archive: past retention, deleted from Temporal's primary store. */
  archived: boolean;
}

export interface AuditReport {
  subject: Target;
  generatedAt: string;
  decodedVia: string;
  workflows: AuditWorkflow[];
  /** Workflows the histories name that Temporal no longer (or never) had. */
  missing: string[];
  /**
   * Workflows only a signal named (`orderMilestone`, `orderLinked`, which anyone with the Web UI can send) that do not
   * name the subject back: left out, so that a forged signal cannot pull another patient's order into this audit.
   */
  unconfirmed: string[];
  timeline: TimelineEntry[];
}

interface CollectedWorkflow {
  info: AuditWorkflow;
  runs: AuditRunEvents[];
}

function runInfo(execution: Omit<WorkflowExecutionInfo, 'raw'>): AuditRunInfo & { start: number } {
  return {
    runId: execution.runId,
    status: execution.status.name,
    startTime: execution.startTime.toISOString(),
    closeTime: execution.closeTime?.toISOString() ?? null,
    start: execution.startTime.getTime(),
  };
}

async function listRuns(
  client: Client,
  workflowId: string,
): Promise<{ type: string; runs: AuditRunInfo[]; archived: boolean }> {
  const runs = new Map<string, AuditRunInfo & { start: number }>();
  let type = '';
  let archived = false;
  for await (const execution of client.workflow.list({ query: `WorkflowId = ${visibilityLiteral(workflowId)}` })) {
    type = execution.type;
    runs.set(execution.runId, runInfo(execution));
  }
  try {
    // Visibility trails the latest run by a moment: describe it too.
    const latest = await client.workflow.getHandle(workflowId).describe();
    type = latest.type;
    runs.set(latest.runId, runInfo(latest));
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError) || runs.size > 0) throw error;
    // Past retention: its runs are in the archive, or nowhere.
    const fromArchive = await archivedExecutions(client, workflowId);
    if (fromArchive.length === 0) throw error;
    archived = true;
    for (const execution of fromArchive) {
      type = execution.type;
      runs.set(execution.runId, runInfo(execution));
    }
  }
  const ordered = [...runs.values()].sort((a, b) => a.start - b.start);
  return { type, runs: ordered.map(({ start: _start, ...run }) => run), archived };
}

/** The workflow `input` names, live or, past retention, archived; with its search attributes. */
async function resolveSubject(
  client: Client,
  input: string,
): Promise<Target & { searchAttributes: WorkflowExecutionInfo['searchAttributes'] }> {
  try {
    const { description, ...subject } = await resolveTarget(client, input);
    return { ...subject, searchAttributes: description.searchAttributes };
  } catch (error) {
    if (!(error instanceof CommandFailure)) throw error;
    for (const candidate of candidateTargets(input)) {
      const latest = (await archivedExecutions(client, candidate.workflowId)).at(-1);
      if (latest) return { ...candidate, searchAttributes: latest.searchAttributes };
    }
    throw error;
  }
}

async function collectWorkflow(
  client: Client,
  workflowId: string,
  decoder: PayloadDecoder,
): Promise<CollectedWorkflow | undefined> {
  let listed: Awaited<ReturnType<typeof listRuns>>;
  try {
    listed = await listRuns(client, workflowId);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const runs: AuditRunEvents[] = [];
  for (const run of listed.runs) {
    const history = listed.archived
      ? await archivedHistory(client, workflowId, run.runId)
      : await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    runs.push({
      workflowId,
      runId: run.runId,
      workflowType: listed.type,
      events: await decodeHistory(history, decoder),
    });
  }
  return { info: { workflowId, workflowType: listed.type, runs: listed.runs, archived: listed.archived }, runs };
}

async function ordersOfPrescription(client: Client, prescriptionId: string): Promise<string[]> {
  const ids: string[] = [];
  const query = `WorkflowType = 'honeybeeOrderWorkflow' AND HoneybeePrescriptionId = ${visibilityLiteral(prescriptionId)}`;
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

export async function collectAudit(client: Client, input: string, decoder: PayloadDecoder): Promise<AuditReport> {
  const subject = await resolveSubject(client, input);
  const collected: CollectedWorkflow[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();

  const unconfirmed: string[] = [];

  /** `namesBack`: for a workflow only a signal named, whether its own history names the subject back. */
  const visit = async (
    workflowId: string,
    namesBack?: (events: AuditRunEvents['events']) => boolean,
  ): Promise<CollectedWorkflow | undefined> => {
    if (seen.has(workflowId)) return undefined;
    seen.add(workflowId);
    const workflow = await collectWorkflow(client, workflowId, decoder);
    if (!workflow) missing.push(workflowId);
    else if (namesBack && !namesBack(workflow.runs.flatMap((run) => run.events))) unconfirmed.push(workflowId);
    else collected.push(workflow);
    return workflow;
  };

  const root = await visit(subject.workflowId);
  const rootEvents = root?.runs.flatMap((run) => run.events) ?? [];
  const related = relatedIds(rootEvents);
  const around: string[] = [...related.childWorkflowIds];
  const claimed: { workflowId: string; namesBack: (events: AuditRunEvents['events']) => boolean }[] = [];
  if (subject.kind === 'prescription') {
    around.push(...related.orderNumbers.map(honeybeeOrderWorkflowId));
    around.push(...(await ordersOfPrescription(client, subject.id)));
    for (const orderNumber of related.claimedOrderNumbers) {
      claimed.push({
        workflowId: honeybeeOrderWorkflowId(orderNumber),
        namesBack: (events) => relatedIds(events).prescriptionIds.includes(subject.id),
      });
    }
  } else if (subject.kind === 'order') {
    const attribute = subject.searchAttributes.HoneybeePrescriptionId as unknown[] | undefined;
    const fromAttribute = (attribute ?? []).map(String).filter(isPlainId);
    around.push(...[...related.prescriptionIds, ...fromAttribute].map(prescriptionWorkflowId));
    for (const prescriptionId of related.claimedPrescriptionIds) {
      claimed.push({
        workflowId: prescriptionWorkflowId(prescriptionId),
        namesBack: (events) => relatedIds(events).orderNumbers.includes(subject.id),
      });
    }
  }
  const visitAround = async (workflowId: string, namesBack?: (events: AuditRunEvents['events']) => boolean) => {
    const workflow = await visit(workflowId, namesBack);
    // Child workflows of the workflows around the subject belong to the story too (one level).
    if (workflow && !unconfirmed.includes(workflowId)) {
      const children = relatedIds(workflow.runs.flatMap((run) => run.events)).childWorkflowIds;
      for (const child of children) await visit(child);
    }
  };
  for (const workflowId of around) await visitAround(workflowId);
  for (const { workflowId, namesBack } of claimed) await visitAround(workflowId, namesBack);

  return {
    subject: { kind: subject.kind, id: subject.id, workflowId: subject.workflowId },
    generatedAt: new Date().toISOString(),
    decodedVia: decoder.via,
    workflows: collected.map((workflow) => workflow.info),
    missing,
    unconfirmed,
    timeline: buildTimeline(collected.flatMap((workflow) => workflow.runs)),
  };
}
