// The partner API's OpenAPI 3.1 document, written from the operations themselves (operations/): each route's path,
// method, scope, and the JSON Schemas of its parameters, body and answers, converted from the zod schemas the route
// validates with (zod's `toJSONSchema`: JSON Schema 2020-12, the dialect OpenAPI 3.1 uses). One source of truth: the
// document cannot promise what the API does not check, nor miss a route.
import { z } from 'zod';
import { OPERATION_TAGS, type ErrorStatus, type Operation } from './operation.js';
import { PARTNER_API_OPERATIONS } from './operations/index.js';
import { errorBody } from './responses.js';

type JsonSchema = Record<string, unknown>;

export const OPENAPI_VERSION = '3.1.0';
/** The API's version, as the document states it. */
export const PARTNER_API_VERSION = '1.0.0';

/** A zod schema as a JSON Schema for the document (without the `$schema` key a component must not carry). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function isRequired(field: z.ZodType): boolean {
  return !field.safeParse(undefined).success;
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  const shape = (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
  if (!shape) return [];
  return Object.entries(shape).map(([name, field]) => {
    const fieldSchema = jsonSchemaOf(field, 'input');
    const { description, ...rest } = fieldSchema;
    return {
      name,
      in: location,
      required: location === 'path' || isRequired(field),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** The error answers every operation may give, and what each means. */
const COMMON_ERRORS: Record<number, string> = {
  400: 'The request is wrong: `issues` names each field (also `malformed_json`, `invalid_cursor`)',
  401: 'A valid partner API key is required (`Authorization: Bearer …`)',
  403: 'The key lacks the scope this call needs',
  429: 'Too many requests for this key; retry after `Retry-After` seconds',
  503: 'The engine could not reach Temporal (or a vendor); retry after `Retry-After` seconds',
};

const OPERATION_ERRORS: Record<ErrorStatus, string> = {
  404: 'No such workflow (or it has ended and been removed), or nothing configured for this call',
  409:
    "The workflow's state does not allow this now (`wrong_state`: the reason says why, `offeredActions` what it " +
    'accepts); or another call with this Idempotency-Key is running (`idempotency_in_progress`); or the workflow ' +
    'is stuck (`workflow_task_failing`); or a minute of the event feed did not complete (`feed_gap`); or the ' +
    'workflow this request starts was already started (`already_started`)',
  413: 'The body exceeds `PARTNER_API_BODY_LIMIT_BYTES`',
  415: 'Send `Content-Type: application/json`',
  422:
    'Refused as invalid (`rejected`: a field missing or refused by the vendor), or the Idempotency-Key came ' +
    'with another request (`idempotency_key_reused`)',
  502:
    'The vendor did not answer, or answered something the engine could not use (a reorder or an address: its ' +
    'outcome is unknown, list first)',
  504:
    'The input was accepted and is still being carried out (`outcome_pending`): its outcome is not known yet; a ' +
    'retry with the same Idempotency-Key after `Retry-After` answers with it',
};

const ERROR_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Rejected',
  429: 'RateLimited',
  502: 'BadGateway',
  503: 'Unavailable',
  504: 'OutcomePending',
};

const requestIdHeader = { description: 'The request id (in the bridge logs too)', schema: { type: 'string' } };
const retryAfterHeader = { description: 'Seconds to wait before retrying', schema: { type: 'string' } };

function errorResponses(): Record<string, JsonSchema> {
  const all: Record<number, string> = { ...COMMON_ERRORS, ...OPERATION_ERRORS };
  return Object.fromEntries<JsonSchema>(
    Object.entries(all).map(([status, description]): [string, JsonSchema] => [
      ERROR_NAMES[Number(status)] ?? status,
      {
        description,
        headers: {
          'X-Request-Id': requestIdHeader,
          ...([409, 429, 503, 504].includes(Number(status)) ? { 'Retry-After': retryAfterHeader } : {}),
          ...(Number(status) === 401 ? { 'WWW-Authenticate': { schema: { type: 'string' } } } : {}),
        },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}

function operationObject(operation: Operation): JsonSchema {
  const writes = operation.method !== 'GET';
  const parameters = [
    ...parametersOf(operation.params, 'path'),
    ...parametersOf(operation.query, 'query'),
    ...(writes ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ];
  const successHeaders = {
    'X-Request-Id': requestIdHeader,
    ...(writes
      ? {
          'Idempotency-Replayed': {
            description: '`true` on an answer replayed for an Idempotency-Key',
            schema: { type: 'string' },
          },
        }
      : {}),
  };
  const responses: Record<string, JsonSchema> = {};
  for (const [status, answer] of Object.entries(operation.responses)) {
    if (!answer) continue;
    responses[status] = {
      description: answer.description,
      headers: successHeaders,
      ...(answer.contentType
        ? { content: { [answer.contentType]: { schema: { type: 'string', contentMediaType: answer.contentType } } } }
        : answer.schema
          ? { content: { 'application/json': { schema: jsonSchemaOf(answer.schema, 'output') } } }
          : {}),
    };
  }
  const errors = [...Object.keys(COMMON_ERRORS).map(Number), ...operation.errors].sort((a, b) => a - b);
  for (const status of errors) {
    responses[String(status)] = { $ref: `#/components/responses/${ERROR_NAMES[status]}` };
  }
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    description: `${operation.description}\n\nScope: \`${operation.scope}\`.`,
    'x-scope': operation.scope,
    security: [{ bearer: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchemaOf(operation.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

export interface OpenApiOptions {
  /** The bridge's public URL, when known (BRIDGE_PUBLIC_URL). */
  serverUrl?: string | undefined;
  operations?: readonly Operation[];
}

export function openApiDocument(options: OpenApiOptions = {}): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of options.operations ?? PARTNER_API_OPERATIONS) {
    const item = (paths[operation.path] ??= {});
    item[operation.method.toLowerCase()] = operationObject(operation);
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Fulfillment engine partner API',
      version: PARTNER_API_VERSION,
      description:
        "The partner's backend reads and lists its prescriptions, orders and lab orders, approves fills, asks for " +
        'refills, acts on orders as the vendors allow, reads lab results and its notifications, and submits operator ' +
        'resolutions. Every call needs `Authorization: Bearer <key>` with a key whose scope allows it (`read` < ' +
        '`operate` < `admin`). Every POST, PUT and PATCH takes an `Idempotency-Key`. Errors have one shape: ' +
        '`{"error": {"code", "message", "issues"?, "offeredActions"?}}`.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: OPERATION_TAGS.map((tag) => ({ ...tag })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A key from PARTNER_API_KEYS' } },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Any 1 to 255 printable ASCII characters (a UUID is a good one): a retry with the same key and request ' +
            'gets the first answer again (for PARTNER_API_IDEMPOTENCY_TTL), from any bridge.',
          schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
        },
      },
      schemas: { Error: jsonSchemaOf(errorBody, 'output') },
      responses: errorResponses(),
    },
  };
}
