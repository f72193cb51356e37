// Search attributes kept in step with a workflow's state: only what changed is upserted (each upsert is a history
// event and a billed action), in the order the workflow lists its attributes. Whoever starts a workflow may give its
// first attributes with the start (free, and no upsert at all when the first state shows the same): the sync can begin
// from what the workflow started with. Values are strings, numbers and booleans; a DATETIME attribute takes an ISO
// string. Nothing in them may be PHI.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';

export type VisibilityValue = string | number | boolean | undefined;

/** The attributes a workflow keeps, in upsert order. */
export type VisibilityKeys = readonly SearchAttributeKey<SearchAttributeType>[];

function comparable(value: unknown): VisibilityValue {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** The values a workflow started with, by attribute name. */
export function startAttributeValues(keys: VisibilityKeys): Map<string, VisibilityValue> {
  const started = new Map<string, VisibilityValue>();
  const attributes = workflowInfo().typedSearchAttributes;
  for (const key of keys) {
    const value = comparable(attributes.get(key));
    if (value !== undefined) started.set(key.name, value);
  }
  return started;
}

function updatePair(key: SearchAttributeKey<SearchAttributeType>, value: VisibilityValue): SearchAttributeUpdatePair {
  const typed =
    value === undefined ? null : key.type === SearchAttributeType.DATETIME ? new Date(String(value)) : value;
  return { key, value: typed } as SearchAttributeUpdatePair;
}

/**
 * Returns a function that upserts the attributes whose value differs from the last one upserted (or, before any,
 * from the one the workflow started with, when `seedFromStart` says the run may count on them). An attribute never
 * set is not cleared.
 */
export function createVisibilitySync(
  keys: VisibilityKeys,
  seedFromStart: (started: ReadonlyMap<string, VisibilityValue>) => boolean,
): (values: Readonly<Record<string, VisibilityValue>>) => void {
  const started = startAttributeValues(keys);
  const applied = seedFromStart(started) ? new Map(started) : new Map<string, VisibilityValue>();
  return (values) => {
    const updates: SearchAttributeUpdatePair[] = [];
    for (const key of keys) {
      const value = values[key.name];
      if (applied.get(key.name) === value) continue;
      if (value === undefined && !applied.has(key.name)) continue;
      applied.set(key.name, value);
      updates.push(updatePair(key, value));
    }
    if (updates.length > 0) upsertSearchAttributes(updates);
  };
}
