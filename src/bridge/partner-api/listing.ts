// Listings of one workflow type by stage and by whether they wait for an operator, from Temporal's visibility store
// (the engine's search attributes: ids, stages and flags, never PHI), newest first, a page at a time. The cursor is
// visibility's own page token, wrapped with a hash of the filter it belongs to, so a cursor is only ever used with
// the filter that produced it.
import { createHash } from 'node:crypto';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers.js';
import {
  EscalationLevel,
  ExceptionReason,
  FulfillmentStage,
  HoneybeeOrderNumber,
  HoneybeePrescriptionId,
  LabOrderId,
  NeedsOperator,
  OnHoldSince,
} from '../../../workflows/search-attributes.js';
import { PartnerApiError } from './errors.js';
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

export function listedWorkflowOf(execution: WorkflowExecutionInfo): ListedWorkflow {
  const attributes = execution.typedSearchAttributes;
  return {
    workflowId: execution.workflowId,
    workflowType: execution.type,
    execution: execution.status.name,
    stage: attributes.get(FulfillmentStage) ?? null,
    needsOperator: attributes.get(NeedsOperator) ?? false,
    prescriptionId: attributes.get(HoneybeePrescriptionId) ?? null,
    orderNumber: attributes.get(HoneybeeOrderNumber) ?? null,
    labOrderId: attributes.get(LabOrderId) ?? null,
    exceptionReason: attributes.get(ExceptionReason) ?? null,
    escalationLevel: attributes.get(EscalationLevel) ?? 0,
    onHoldSince: attributes.get(OnHoldSince)?.toISOString() ?? null,
    startedAt: execution.startTime.toISOString(),
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
    nextCursor: next ? encodeCursor({ f: hash, t: Buffer.from(next).toString('base64') } satisfies CursorContent) : null,
  };
}
