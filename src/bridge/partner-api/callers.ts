// Who calls the partner API, and what they may do. A caller is one of PARTNER_API_KEYS, found by its bearer key
// (`Bearer` in any case, keys compared in constant time); each route needs a scope (read < operate < admin). Every
// caller gets its own Temporal client on the shared connection, whose identity `partner-api:<key name>` Temporal
// records in the history of every signal and update it sends: the audit shows which key acted, beside the operator
// name the body claims. Requests are rate-limited per key (unauthenticated ones per address).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { Client } from '@temporalio/client';
import { bearerToken, findBySecret } from '../../auth/bearer.js';
import type { PartnerApiKey, PartnerApiScope } from '../../config/env.js';
import { PartnerApiError } from './errors.js';

const callers = new WeakMap<FastifyRequest, PartnerApiKey | null>();

/** The key the request authenticates with, or null (memoised per request: the rate limiter asks first). */
export function callerOf(request: FastifyRequest, keys: readonly PartnerApiKey[]): PartnerApiKey | null {
  const known = callers.get(request);
  if (known !== undefined) return known;
  const token = bearerToken(request.headers.authorization);
  const caller = token ? (findBySecret(keys, (entry) => entry.key, token) ?? null) : null;
  callers.set(request, caller);
  return caller;
}

/** The caller, if it holds `scope`; otherwise 401 (no valid key) or 403 (a key without that scope). */
export function requireScope(
  request: FastifyRequest,
  keys: readonly PartnerApiKey[],
  scope: PartnerApiScope,
): PartnerApiKey {
  const caller = callerOf(request, keys);
  if (!caller) {
    throw new PartnerApiError(401, 'unauthorized', 'a valid partner API key is required (Authorization: Bearer …)');
  }
  if (!caller.scopes.includes(scope)) {
    throw new PartnerApiError(403, 'forbidden', `the key ${caller.name} lacks the ${scope} scope this call needs`);
  }
  return caller;
}

/** One client per key name, sharing `base`'s connection and data converter, with the key as its identity. */
export function callerClients(base: Client): (caller: PartnerApiKey) => Client {
  const clients = new Map<string, Client>();
  return (caller) => {
    let client = clients.get(caller.name);
    if (!client) {
      client = new Client({
        connection: base.connection,
        namespace: base.options.namespace,
        dataConverter: base.options.dataConverter,
        interceptors: base.options.interceptors,
        identity: `partner-api:${caller.name}`,
      });
      clients.set(caller.name, client);
    }
    return client;
  };
}

export interface RateLimitSettings {
  keys: readonly PartnerApiKey[];
  max: number;
  timeWindowMs: number;
}

/** The error @fastify/rate-limit throws on a refusal; the partner API's error handler answers it (429, Retry-After). */
export class RateLimitedError extends PartnerApiError {
  constructor(retryAfterSeconds: number) {
    super(
      429,
      'rate_limited',
      `too many requests for this key; retry after ${retryAfterSeconds} s`,
      undefined,
      retryAfterSeconds,
    );
  }
}

/**
 * Registers the rate limiter for every route of `app` (an encapsulated context: the partner API's, not the webhooks').
 * One count per key across all routes; counts live in this bridge's memory.
 */
export async function registerPartnerRateLimit(app: FastifyInstance, settings: RateLimitSettings): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: settings.max,
    timeWindow: settings.timeWindowMs,
    keyGenerator: (request) => {
      const caller = callerOf(request, settings.keys);
      return caller ? `key:${caller.name}` : `address:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => new RateLimitedError(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}
