// A partner API operation as data: method, path, scope, the zod schemas of its path parameters, query, body and
// answers, and its handler. The same definition registers the route (routes.ts: the schemas validate the request)
// and writes the OpenAPI document (openapi.ts: the schemas become its JSON Schemas), so the document cannot drift
// from what the API accepts and answers.
import type { Client } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { PartnerApiKey, PartnerApiScope } from '../../config/env.js';
import type { PartnerEngine } from './engine-calls.js';
import type { IdempotentCall } from './idempotency.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH';

/** The groups of the document, in the order the docs page shows them. */
export const OPERATION_TAGS = [
  { name: 'Prescriptions', description: 'Honeybee prescriptions: one workflow per prescription, one fill per run.' },
  { name: 'Orders', description: 'Honeybee orders: one workflow per order, from the order event to its end.' },
  { name: 'Patients', description: "Honeybee patients: actions on the pharmacy's patient record." },
  { name: 'Lab orders', description: 'Onegevity kit orders: one workflow per order, from placement to results.' },
  { name: 'Operators', description: 'What waits for a human.' },
  { name: 'Notifications', description: "The engine's milestone notifications: the webhook target and the feed." },
] as const;

export type OperationTag = (typeof OPERATION_TAGS)[number]['name'];

/** One success answer: its status's description and body (JSON unless `contentType` says otherwise). */
export interface SuccessAnswer {
  description: string;
  schema?: z.ZodType;
  /** A non-JSON body (a report document): the OpenAPI document lists it as binary. */
  contentType?: string;
}

/** Error statuses an operation may answer beyond the ones every operation may (400, 401, 403, 429, 503). */
export type ErrorStatus = 404 | 409 | 413 | 415 | 422 | 502 | 504;

/** What a handler answers: a JSON body with its status, or bytes with their content type. */
export type Answer =
  | { status: number; body: unknown; headers?: Record<string, string> }
  | { status: number; bytes: Buffer; contentType: string; headers?: Record<string, string> };

/** What a handler gets besides its parsed input: who calls, their Temporal client, and the request itself. */
export interface CallContext {
  caller: PartnerApiKey;
  /** A client whose identity is `partner-api:<key name>` (the history shows which key acted). */
  client: Client;
  /** Set for a call that holds an Idempotency-Key's claim: the ids derived from the key. */
  idempotent?: IdempotentCall;
  request: FastifyRequest;
  reply: FastifyReply;
  engine: PartnerEngine;
}

export interface Operation<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI form: `/api/orders/{orderNumber}`. */
  path: string;
  tag: OperationTag;
  scope: PartnerApiScope;
  summary: string;
  /** Markdown, shown in the document and on the docs page. */
  description: string;
  params?: P;
  query?: Q;
  /** A JSON body (required when given). */
  body?: B;
  /** Reads the body instead of `body.parse` where the operation words its own issues (throws a PartnerApiError). */
  readBody?: (value: unknown) => z.output<B>;
  responses: Partial<Record<200 | 201 | 202, SuccessAnswer>>;
  errors: readonly ErrorStatus[];
  handle(input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> }, call: CallContext): Promise<Answer>;
}

/** Defines an operation, inferring its input types from its schemas. */
export function defineOperation<
  P extends z.ZodType = z.ZodType<Record<string, never>>,
  Q extends z.ZodType = z.ZodType<Record<string, never>>,
  B extends z.ZodType = z.ZodType<undefined>,
>(operation: Operation<P, Q, B>): Operation {
  return operation;
}

/** `/api/orders/{orderNumber}` → `/api/orders/:orderNumber` (Fastify's form). */
export function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** JSON answers. */
export const json = (status: number, body: unknown): Answer => ({ status, body });
