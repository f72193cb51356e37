// The audit past retention: a closed workflow is deleted from Temporal's primary store once its namespace's retention
// ends, but with archival on (`fulfill cluster up`, docker-compose.yml: deploy/temporal/register-namespace.sh) its
// history and visibility record are archived first. Its runs are listed from the visibility archive, and the frontend
// serves the history of a run it no longer has from the history archive (GetWorkflowExecutionHistory with a run id).
// What the archive holds names custom search attributes by the database field behind them (`Keyword03`), which the
// frontend translates for live workflows only; here they get their names back from the namespace's aliases.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers.js';
import type { temporal } from '@temporalio/proto';
import { visibilityLiteral } from '../workflow-targets.js';

type History = temporal.api.history.v1.IHistory;
type SearchAttributes = temporal.api.common.v1.ISearchAttributes;

/** gRPC codes that mean "this namespace has no visibility archive to read", not a failure of the audit. */
const NO_ARCHIVE = new Set([3 /* INVALID_ARGUMENT */, 9 /* FAILED_PRECONDITION */, 12 /* UNIMPLEMENTED */]);

const aliasesOf = new WeakMap<Client, Promise<Record<string, string>>>();

/** Database field → search attribute name, for the client's namespace (one describe per client). */
function searchAttributeAliases(client: Client): Promise<Record<string, string>> {
  let aliases = aliasesOf.get(client);
  if (!aliases) {
    aliases = client.workflowService
      .describeNamespace({ namespace: client.options.namespace })
      .then((namespace) => namespace.config?.customSearchAttributeAliases ?? {});
    aliasesOf.set(client, aliases);
  }
  return aliases;
}

function withNames(attributes: SearchAttributes | null | undefined, aliases: Record<string, string>) {
  if (!attributes?.indexedFields) return attributes;
  return {
    indexedFields: Object.fromEntries(
      Object.entries(attributes.indexedFields).map(([field, value]) => [aliases[field] ?? field, value]),
    ),
  };
}

/**
 * Every archived run of `workflowId` (the archive's query language knows WorkflowId, RunId, WorkflowType, CloseTime
 * and ExecutionStatus); empty when the namespace archives nothing or has nothing for it.
 */
export async function archivedExecutions(client: Client, workflowId: string): Promise<WorkflowExecutionInfo[]> {
  const namespace = client.options.namespace;
  const executions: WorkflowExecutionInfo[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    let response;
    try {
      response = await client.workflowService.listArchivedWorkflowExecutions({
        namespace,
        query: `WorkflowId = ${visibilityLiteral(workflowId)}`,
        nextPageToken,
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number' && NO_ARCHIVE.has(code)) return [];
      throw error;
    }
    const aliases = await searchAttributeAliases(client);
    for (const raw of response.executions ?? []) {
      const named = { ...raw, searchAttributes: withNames(raw.searchAttributes, aliases) };
      executions.push(await executionInfoFromRaw(named, client.workflow.options.loadedDataConverter, raw, namespace));
    }
    nextPageToken = response.nextPageToken?.length ? response.nextPageToken : undefined;
  } while (nextPageToken);
  return executions;
}

/** The history of an archived run, its search attributes named as in a live history. */
export async function archivedHistory(client: Client, workflowId: string, runId: string): Promise<History> {
  const [history, aliases] = await Promise.all([
    client.workflow.getHandle(workflowId, runId).fetchHistory(),
    searchAttributeAliases(client),
  ]);
  const named = <T extends { searchAttributes?: SearchAttributes | null } | null | undefined>(attributes: T) =>
    attributes ? { ...attributes, searchAttributes: withNames(attributes.searchAttributes, aliases) } : attributes;
  return {
    // Only the two kinds of event that carry search attributes are copied; the others stay as decoded.
    events: (history.events ?? []).map((event) => {
      const started = event.workflowExecutionStartedEventAttributes;
      const upsert = event.upsertWorkflowSearchAttributesEventAttributes;
      if (started) return { ...event, workflowExecutionStartedEventAttributes: named(started) };
      if (upsert) return { ...event, upsertWorkflowSearchAttributesEventAttributes: named(upsert) };
      return event;
    }),
  };
}
