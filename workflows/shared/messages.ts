// How a message (signal, update, query) is defined: once, beside the workflow that owns it, with the one zod schema
// its input must satisfy. The result is the SDK's own definition (clients pass it to `handle.signal`,
// `executeUpdate`, `query` as usual) carrying its schema, so a client can check an input before sending it and the
// workflow checks it again on arrival (workflows/shared/handlers.ts). Queries take no input, but for lookups (a query
// by key, with its schema).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';

/**
 * `strict`, where given, is what a new input must also satisfy (a schema that tightened after histories recorded
 * inputs under `input`): an update's validator checks it, which never runs on replay, and a signal's handler behind a
 * patch (workflows/shared/handlers.ts); `input` alone still reads what histories hold.
 */
export type SignalMessage<S extends z.ZodType = z.ZodType> = SignalDefinition<[z.input<S>]> & {
  readonly input: S;
  readonly strict?: z.ZodType;
};

export type UpdateMessage<S extends z.ZodType = z.ZodType, Result = unknown> = UpdateDefinition<
  Result,
  [z.input<S>]
> & { readonly input: S; readonly strict?: z.ZodType };

export type QueryMessage<Result = unknown> = QueryDefinition<Result>;

/** A query that takes one input, with its schema (a lookup by key). */
export type LookupMessage<S extends z.ZodType = z.ZodType, Result = unknown> = QueryDefinition<Result, [z.input<S>]> & {
  readonly input: S;
};

export function signalMessage<S extends z.ZodType>(name: string, input: S, strict?: z.ZodType): SignalMessage<S> {
  return { ...defineSignal<[z.input<S>]>(name), input, ...(strict ? { strict } : {}) };
}

export function updateMessage<Result, S extends z.ZodType>(
  name: string,
  input: S,
  strict?: z.ZodType,
): UpdateMessage<S, Result> {
  return { ...defineUpdate<Result, [z.input<S>]>(name), input, ...(strict ? { strict } : {}) };
}

export function queryMessage<Result>(name: string): QueryMessage<Result> {
  return defineQuery<Result>(name);
}

export function lookupMessage<Result, S extends z.ZodType>(name: string, input: S): LookupMessage<S, Result> {
  return { ...defineQuery<Result, [z.input<S>]>(name), input };
}
