// How a message (signal, update, query) is defined: once, beside the workflow that owns it, with the one zod schema
// its input must satisfy. The result is the SDK's own definition (clients pass it to `handle.signal`,
// `executeUpdate`, `query` as usual) carrying its schema, so a client can check an input before sending it and the
// workflow checks it again on arrival (workflows/shared/handlers.ts). Queries take no input, but for lookups (a query
// by key, with its schema).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';

/**
 * `strict` and `closed`, where given, are what a new input must also satisfy (schemas that tightened after histories
 * recorded inputs under `input`; `closed` refuses fields beside the ones the message names, which `input` drops
 * without a word): an update's validator checks them, which never runs on replay, and a signal's handler behind a
 * patch each (workflows/shared/handlers.ts); `input` alone still reads what histories hold.
 */
export type SignalMessage<S extends z.ZodType = z.ZodType> = SignalDefinition<[z.input<S>]> & {
  readonly input: S;
  readonly strict?: z.ZodType;
  readonly closed?: z.ZodType;
};

export type UpdateMessage<S extends z.ZodType = z.ZodType, Result = unknown> = UpdateDefinition<
  Result,
  [z.input<S>]
> & { readonly input: S; readonly strict?: z.ZodType; readonly closed?: z.ZodType };

/** The tightenings of a message's input (see SignalMessage). */
export interface InputTightening {
  strict?: z.ZodType;
  closed?: z.ZodType;
}

export type QueryMessage<Result = unknown> = QueryDefinition<Result>;

/** A query that takes one input, with its schema (a lookup by key). */
export type LookupMessage<S extends z.ZodType = z.ZodType, Result = unknown> = QueryDefinition<Result, [z.input<S>]> & {
  readonly input: S;
};

export function signalMessage<S extends z.ZodType>(
  name: string,
  input: S,
  tightening: InputTightening = {},
): SignalMessage<S> {
  return { ...defineSignal<[z.input<S>]>(name), input, ...tightenings(tightening) };
}

export function updateMessage<Result, S extends z.ZodType>(
  name: string,
  input: S,
  tightening: InputTightening = {},
): UpdateMessage<S, Result> {
  return { ...defineUpdate<Result, [z.input<S>]>(name), input, ...tightenings(tightening) };
}

function tightenings({ strict, closed }: InputTightening): InputTightening {
  return { ...(strict ? { strict } : {}), ...(closed ? { closed } : {}) };
}

export function queryMessage<Result>(name: string): QueryMessage<Result> {
  return defineQuery<Result>(name);
}

export function lookupMessage<Result, S extends z.ZodType>(name: string, input: S): LookupMessage<S, Result> {
  return { ...defineQuery<Result, [z.input<S>]>(name), input };
}
