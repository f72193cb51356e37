// JSON values of unknown shape (an action's `fields`, a corrected address) bounded in depth, count and text: an
// unbounded one passes `z.unknown()`, and then whatever serializes it recursively (the payload converter's
// JSON.stringify) overflows the stack. The walk here keeps its own stack, so no input can overflow it.
import { type z } from 'zod';

export interface JsonBounds {
  /** Objects and arrays nested at most this deep (the value itself is depth 0). */
  maxDepth: number;
  /** Values in all (every object, array, text, number, boolean, null). */
  maxValues: number;
  /** Characters of a text or an object's key. */
  maxText: number;
}

/** Enough for any action's fields or an address, far below what a stack or a payload limit minds. */
export const DEFAULT_JSON_BOUNDS: JsonBounds = { maxDepth: 16, maxValues: 2_000, maxText: 10_000 };

/** What keeps `value` from being bounded JSON, or undefined when it is. */
export function jsonValueProblem(value: unknown, bounds: JsonBounds = DEFAULT_JSON_BOUNDS): string | undefined {
  const pending: [unknown, number][] = [[value, 0]];
  let values = 0;
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    values += 1;
    if (values + pending.length > bounds.maxValues) return `more than ${bounds.maxValues} values`;
    if (item === null || typeof item === 'boolean') continue;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return 'a number that is not finite';
      continue;
    }
    if (typeof item === 'string') {
      if (item.length > bounds.maxText) return `a text longer than ${bounds.maxText} characters`;
      continue;
    }
    if (typeof item !== 'object') return `a ${typeof item}, which JSON cannot hold`;
    if (depth >= bounds.maxDepth) return `nested deeper than ${bounds.maxDepth} levels`;
    const children: unknown[] = Array.isArray(item) ? item : Object.values(item);
    if (values + pending.length + children.length > bounds.maxValues) return `more than ${bounds.maxValues} values`;
    if (!Array.isArray(item)) {
      const long = Object.keys(item).find((key) => key.length > bounds.maxText);
      if (long !== undefined) return `a key longer than ${bounds.maxText} characters`;
    }
    for (const child of children) pending.push([child, depth + 1]);
  }
  return undefined;
}

/** Refines a schema of unknown JSON (`z.unknown()`, a record of it) to bounded JSON, naming what is out of bounds. */
export function boundedJson<S extends z.ZodType>(schema: S, bounds: JsonBounds = DEFAULT_JSON_BOUNDS) {
  return schema.superRefine((value, context) => {
    const problem = jsonValueProblem(value, bounds);
    if (problem) context.addIssue({ code: 'custom', message: `must be plain JSON, not ${problem}` });
  });
}
