// How a message (signal, update, query) is defined: once, beside the workflow that owns it, with the one zod schema
// its input must satisfy. The result is the SDK's own definition (clients pass it to `handle.signal`,
// `executeUpdate`, `query` as usual) carrying its schema, so a client can check an input before sending it and the
// workflow checks it again on arrival (workflows/shared/handlers.ts). Queries take no input, but for lookups (a query
// by key, with its schema).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';

export type SignalMessage<S extends z.ZodType = z.ZodType> = SignalDefinition<[z.input<S>]> & { readonly input: S };

export type UpdateMessage<S extends z.ZodType = z.ZodType, Result = unknown> = UpdateDefinition<
  Result,
  [z.input<S>]
> & { readonly input: S };

export type QueryMessage<Result = unknown> = QueryDefinition<Result>;

/** A query that takes one input, with its schema (a lookup by key). */
export type LookupMessage<S extends z.ZodType = z.ZodType, Result = unknown> = QueryDefinition<Result, [z.input<S>]> & {
  readonly input: S;
};

export function signalMessage<S extends z.ZodType>(name: string, input: S): SignalMessage<S> {
  return { ...defineSignal<[z.input<S>]>(name), input };
}

export function updateMessage<Result, S extends z.ZodType>(name: string, input: S): UpdateMessage<S, Result> {
  return { ...defineUpdate<Result, [z.input<S>]>(name), input };
}

export function queryMessage<Result>(name: string): QueryMessage<Result> {
  return defineQuery<Result>(name);
}

export function lookupMessage<Result, S extends z.ZodType>(name: string, input: S): LookupMessage<S, Result> {
  return { ...defineQuery<Result, [z.input<S>]>(name), input };
}
