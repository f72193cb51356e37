// Listings of one workflow type by stage and by whether they wait for an operator, from Temporal's visibility store
// (the engine's search attributes: ids, stages and flags, never PHI), newest first, a page at a time. The cursor is
// visibility's own page token, wrapped with a hash of the filter it belongs to, so a cursor is only ever used with
// the filter that produced it.
import { createHash } from 'node:crypto';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers.js';
import { FulfillmentStage, NeedsOperator } from '../../../workflows/search-attributes.js';
import { visibleWorkflowOf } from '../../operators/needs-operator.js';
import { WorkflowNotFoundError } from '@temporalio/client';
import { prescriptionStatusQuery } from '../../../workflows/honeybee/messages.js';
import { honeybeeOrderWorkflowId, labOrderWorkflowId, prescriptionWorkflowId } from '../../domain/workflow-ids.js';
import { earliestFeedMinute, FeedMinuteUnreadableError, minuteOf, readFeed } from '../../partner/event-feed.js';
import { partnerPatientLinks } from '../../partner/patient-index.js';
import { feedGap, PartnerApiError } from './errors.js';
import type { z } from 'zod';
import type { listedWorkflow } from './responses.js';

export type ListedWorkflow = z.output<typeof listedWorkflow>;

export interface VisibilityFilter {
  workflowType: string;
  /** One of the type's stages (checked by the caller against the known list: it goes into the query). */
  stage?: string | undefined;
  needsOperator?: boolean | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface CursorContent {
  /** The filter's hash. */
  f: string;
  /** Visibility's next page token, base64. */
  t: string;
}

function filterHash(filter: VisibilityFilter, extra = ''): string {
  return createHash('sha256')
    .update(JSON.stringify([filter.workflowType, filter.stage ?? null, filter.needsOperator ?? null, extra]))
    .digest('base64url')
    .slice(0, 16);
}

export function encodeCursor(content: object): string {
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

/** A cursor's content, or 400: a cursor is opaque, and one from another filter is refused. */
export function decodeCursor<T extends object>(cursor: string, valid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!valid(value)) {
    throw new PartnerApiError(400, 'invalid_cursor', 'the cursor is not one this API gave for this listing');
  }
  return value;
}

const isCursorContent =
  (hash: string) =>
  (value: unknown): value is CursorContent =>
    typeof value === 'object' &&
    value !== null &&
    (value as CursorContent).f === hash &&
    typeof (value as CursorContent).t === 'string';

/** The visibility query for a filter; only known values reach it (the stage is checked by the caller). */
export function visibilityQuery(filter: VisibilityFilter): string {
  const clauses = [`WorkflowType = '${filter.workflowType}'`];
  if (filter.stage !== undefined) clauses.push(`${FulfillmentStage.name} = '${filter.stage}'`);
  if (filter.needsOperator !== undefined) clauses.push(`${NeedsOperator.name} = ${filter.needsOperator}`);
  return clauses.join(' AND ');
}

export function listedWorkflowOf(execution: Omit<WorkflowExecutionInfo, 'raw'>): ListedWorkflow {
  return {
    ...visibleWorkflowOf(execution),
    execution: execution.status.name,
    needsOperator: execution.typedSearchAttributes.get(NeedsOperator) ?? false,
    closedAt: execution.closeTime?.toISOString() ?? null,
  };
}

/** One page of the workflows matching `filter`, newest first. */
export async function listWorkflowPage(
  client: Client,
  filter: VisibilityFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<ListedWorkflow>> {
  const hash = filterHash(filter);
  const token = page.cursor ? decodeCursor(page.cursor, isCursorContent(hash)).t : undefined;
  const namespace = client.options.namespace;
  let response;
  try {
    response = await client.workflowService.listWorkflowExecutions({
      namespace,
      query: visibilityQuery(filter),
      pageSize: page.limit,
      ...(token ? { nextPageToken: Buffer.from(token, 'base64') } : {}),
    });
  } catch (error) {
    // INVALID_ARGUMENT: visibility did not take the page token (a cursor from an older listing).
    if ((error as { code?: unknown }).code === 3 && token) {
      throw new PartnerApiError(400, 'invalid_cursor', 'the cursor has expired or is not valid; list again');
    }
    throw error;
  }
  const items: ListedWorkflow[] = [];
  for (const raw of response.executions ?? []) {
    const execution = await executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, namespace);
    items.push(listedWorkflowOf(execution));
  }
  const next = response.nextPageToken && response.nextPageToken.length > 0 ? response.nextPageToken : undefined;
  return {
    items,
    nextCursor: next
      ? encodeCursor({ f: hash, t: Buffer.from(next).toString('base64') } satisfies CursorContent)
      : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Listings the search attributes cannot answer: by the partner's patient id (the patient index, encrypted state:
// partner ids are never search attributes) and by what changed since a time (the partner event feed). Each workflow
// found is described for its stage and flags, and the stage and needs-operator filters apply to that.

export interface WorkflowKind {
  workflowType: string;
  /** The workflow id of one of this kind: `honeybee-rx-` + prescription id, … */
  idPrefix: string;
}

export interface EngineFilter extends VisibilityFilter {
  partnerPatientId?: string | undefined;
  /** ISO time. */
  updatedSince?: string | undefined;
}

/** Minutes of the feed one listing call reads at most (the rest comes with the next cursor). */
const FEED_MINUTES_PER_CALL = 240;

async function describeListed(client: Client, workflowId: string): Promise<ListedWorkflow | undefined> {
  try {
    return listedWorkflowOf(await client.workflow.getHandle(workflowId).describe());
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

function matches(item: ListedWorkflow, filter: VisibilityFilter): boolean {
  return (
    (filter.stage === undefined || item.stage === filter.stage) &&
    (filter.needsOperator === undefined || item.needsOperator === filter.needsOperator)
  );
}

/** The workflow ids of one kind that belong to a partner patient, oldest link first. */
async function patientWorkflowIds(
  client: Client,
  taskQueue: string,
  kind: WorkflowKind,
  partnerPatientId: string,
): Promise<string[]> {
  const links = await partnerPatientLinks(client, taskQueue, partnerPatientId);
  switch (kind.workflowType) {
    case 'prescriptionWorkflow':
      return links.prescriptions.map(prescriptionWorkflowId);
    case 'labOrderWorkflow':
      return links.labOrders.map(labOrderWorkflowId);
    default: {
      // Orders: those the patient's prescriptions recorded, fill by fill.
      const orders: string[] = [];
      for (const prescriptionId of links.prescriptions) {
        try {
          const state = await client.workflow
            .getHandle(prescriptionWorkflowId(prescriptionId))
            .query(prescriptionStatusQuery);
          for (const orderNumber of state.recordedOrders) orders.push(honeybeeOrderWorkflowId(orderNumber));
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
      return [...new Set(orders)];
    }
  }
}

interface EngineCursor {
  f: string;
  /** Offset in the patient's list. */
  o?: number;
  /** Feed position. */
  m?: number;
  s?: number;
}

const isEngineCursor =
  (hash: string) =>
  (value: unknown): value is EngineCursor =>
    typeof value === 'object' &&
    value !== null &&
    (value as EngineCursor).f === hash &&
    ['o', 'm', 's'].every((key) => {
      const field = (value as Record<string, unknown>)[key];
      return field === undefined || (Number.isSafeInteger(field) && (field as number) >= 0);
    });

/** One page of the workflows of `kind` for a patient and/or changed since a time. */
export async function listWorkflowsThroughEngine(
  client: Client,
  taskQueue: string,
  kind: WorkflowKind,
  filter: EngineFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<ListedWorkflow>> {
  const hash = filterHash(filter, `${filter.partnerPatientId ?? ''}\n${filter.updatedSince ?? ''}`);
  const cursor = page.cursor ? decodeCursor(page.cursor, isEngineCursor(hash)) : undefined;
  const patientIds = filter.partnerPatientId
    ? await patientWorkflowIds(client, taskQueue, kind, filter.partnerPatientId)
    : undefined;
  const items: ListedWorkflow[] = [];

  if (!filter.updatedSince) {
    const ids = patientIds ?? [];
    let offset = cursor?.o ?? 0;
    for (; offset < ids.length && items.length < page.limit; offset += 1) {
      const item = await describeListed(client, ids[offset]!);
      if (item && matches(item, filter)) items.push(item);
    }
    return { items, nextCursor: offset < ids.length ? encodeCursor({ f: hash, o: offset }) : null };
  }

  const wanted = patientIds ? new Set(patientIds) : undefined;
  const since = Date.parse(filter.updatedSince);
  const asked =
    cursor?.m !== undefined ? { minute: cursor.m, seq: cursor.s ?? 0 } : { minute: minuteOf(since), seq: 0 };
  // As the event feed does: minutes past the namespace's retention are gone, and walking them reads nothing.
  const earliest = await earliestFeedMinute(client);
  const from = asked.minute < earliest ? { minute: earliest, seq: 0 } : asked;
  const feed = await readFeed(client, from, { taskQueue, limit: 1000, maxMinutes: FEED_MINUTES_PER_CALL }).catch(
    (error: unknown) => {
      if (error instanceof FeedMinuteUnreadableError) {
        throw feedGap(error, encodeCursor({ f: hash, m: error.minute + 1, s: 0 }));
      }
      throw error;
    },
  );
  const seen = new Set<string>();
  // Where the next page starts: after the last event looked at (all of them, unless the page filled first).
  let next = feed.next;
  let previous = from;
  for (const event of feed.events) {
    if (items.length >= page.limit) {
      next = previous;
      break;
    }
    previous = event.position;
    if (Date.parse(event.occurredAt) < since) continue;
    if (!event.workflowId.startsWith(kind.idPrefix) || seen.has(event.workflowId)) continue;
    if (wanted && !wanted.has(event.workflowId)) continue;
    seen.add(event.workflowId);
    const item = await describeListed(client, event.workflowId);
    if (item && matches(item, filter)) items.push(item);
  }
  const more = !feed.caughtUp || next !== feed.next;
  return { items, nextCursor: more ? encodeCursor({ f: hash, m: next.minute, s: next.seq }) : null };
}

/** A listing: from visibility when the filters allow, through the engine for a patient or changes since a time. */
export function listWorkflows(
  client: Client,
  taskQueue: string,
  kind: WorkflowKind,
  query: Omit<EngineFilter, 'workflowType'> & { limit: number; cursor?: string | undefined },
): Promise<Page<ListedWorkflow>> {
  const filter: EngineFilter = {
    workflowType: kind.workflowType,
    stage: query.stage,
    needsOperator: query.needsOperator,
    partnerPatientId: query.partnerPatientId,
    updatedSince: query.updatedSince,
  };
  return filter.partnerPatientId || filter.updatedSince
    ? listWorkflowsThroughEngine(client, taskQueue, kind, filter, query)
    : listWorkflowPage(client, filter, query);
}
