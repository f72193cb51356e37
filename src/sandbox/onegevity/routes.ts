// The simulated Onegevity over HTTP (docs/WIRE-CONTRACT.md): the token endpoint with scopes at
// /onegevity/oauth/token and the API under /onegevity/api/v1. Each endpoint needs a scope (ASSUMED mapping below);
// a token without it answers 403.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../../vendors/shared/constant-time.js';
import type { SandboxCore } from '../core.js';
import { formBody, header, jsonBody } from '../http.js';
import { readClientCredentials } from '../tokens.js';
import { generalError, validationError, type OnegevityReply } from './simulator.js';

const API = '/onegevity/api/v1';
const TOKEN_LIFETIME_SECONDS = 3_600;

/** Every scope the sandbox client is granted: the seed's five and the ASSUMED `fulfillment`. */
export const ONEGEVITY_SCOPES = [
  'packages_read',
  'patients_read',
  'patients_write',
  'products_read',
  'surveys_read',
  'fulfillment',
] as const;

type Scope = (typeof ONEGEVITY_SCOPES)[number];

function send(reply: FastifyReply, result: OnegevityReply): FastifyReply {
  reply.code(result.status);
  return result.body === undefined ? reply.send() : reply.send(result.body);
}

export function registerOnegevityRoutes(app: FastifyInstance, core: SandboxCore): void {
  const credentials = core.credentials.onegevity;
  const sim = core.onegevity;

  app.post('/onegevity/oauth/token', { config: { endpoint: 'onegevity.token' } }, async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const offered = readClientCredentials(header(request, 'authorization'), formBody(request));
    if (!offered) return reply.code(401).send({ error: 'invalid_client' });
    if (offered.grantType !== 'client_credentials') {
      return reply.code(400).send({ error: offered.grantType ? 'unsupported_grant_type' : 'invalid_request' });
    }
    const valid =
      constantTimeEqual(offered.clientId, credentials.clientId) &&
      constantTimeEqual(offered.clientSecret, credentials.clientSecret);
    if (!valid) return reply.code(401).send({ error: 'invalid_client' });
    const requested = (offered.scope ?? '').split(/\s+/).filter((scope) => scope.length > 0);
    if (requested.some((scope) => !(ONEGEVITY_SCOPES as readonly string[]).includes(scope))) {
      return reply.code(400).send({ error: 'invalid_scope' });
    }
    const scopes = requested.length > 0 ? [...new Set(requested)] : [...ONEGEVITY_SCOPES];
    const token = core.tokens.issue('onegevity', offered.clientId, scopes, TOKEN_LIFETIME_SECONDS);
    return reply.code(200).send({
      access_token: token.value,
      token_type: 'bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      scope: scopes.join(' '),
    });
  });

  const requireScope = (scope: Scope) => async (request: FastifyRequest, reply: FastifyReply) => {
    const check = core.tokens.check('onegevity', header(request, 'authorization'));
    if (!check.ok) {
      return send(reply, generalError(request.id, 401, check.reason === 'expired' ? 'token expired' : 'invalid token'));
    }
    if (!check.token.scopes.includes(scope)) return send(reply, generalError(request.id, 403, 'insufficient scope'));
    return undefined;
  };
  const withJson = (
    request: FastifyRequest,
    reply: FastifyReply,
    handle: (body: unknown) => OnegevityReply,
  ): FastifyReply => {
    const body = jsonBody(request);
    if (!body.ok) return send(reply, validationError(request.id, [body.message]));
    return send(reply, handle(body.value));
  };
  type OrderParams = { Params: { patientIdentifier: string; orderIdentifier: string } };
  type RequestParams = { Params: { requestIdentifier: string } };

  app.post<{ Params: { patientIdentifier: string } }>(
    `${API}/patients/:patientIdentifier/orders`,
    { config: { endpoint: 'onegevity.createOrder' }, preHandler: requireScope('patients_write') },
    async (request, reply) =>
      withJson(request, reply, (body) => sim.createOrder(request.id, request.params.patientIdentifier, body)),
  );

  app.get<OrderParams>(
    `${API}/patients/:patientIdentifier/orders/:orderIdentifier`,
    { config: { endpoint: 'onegevity.getOrder' }, preHandler: requireScope('patients_read') },
    async (request, reply) =>
      send(reply, sim.getOrder(request.id, request.params.patientIdentifier, request.params.orderIdentifier)),
  );

  app.patch<OrderParams>(
    `${API}/patients/:patientIdentifier/orders/:orderIdentifier`,
    { config: { endpoint: 'onegevity.updateOrder' }, preHandler: requireScope('patients_write') },
    async (request, reply) =>
      withJson(request, reply, (body) =>
        sim.updateOrder(request.id, request.params.patientIdentifier, request.params.orderIdentifier, body),
      ),
  );

  app.get<OrderParams & { Querystring: { pageNumber?: string; pageSize?: string } }>(
    `${API}/patients/:patientIdentifier/orders/:orderIdentifier/reports`,
    { config: { endpoint: 'onegevity.getReports' }, preHandler: requireScope('patients_read') },
    async (request, reply) =>
      send(
        reply,
        sim.getReports(request.id, request.params.patientIdentifier, request.params.orderIdentifier, request.query),
      ),
  );

  app.get<OrderParams & { Params: { reportIdentifier: string } }>(
    `${API}/patients/:patientIdentifier/orders/:orderIdentifier/reports/:reportIdentifier`,
    { config: { endpoint: 'onegevity.getReport' }, preHandler: requireScope('patients_read') },
    async (request, reply) => {
      const { patientIdentifier, orderIdentifier, reportIdentifier } = request.params;
      const result = sim.getReport(request.id, patientIdentifier, orderIdentifier, reportIdentifier);
      if (result.contentType) reply.type(result.contentType);
      return send(reply, result);
    },
  );

  app.post(
    `${API}/fulfillment-requests`,
    { config: { endpoint: 'onegevity.createFulfillment' }, preHandler: requireScope('fulfillment') },
    async (request, reply) => withJson(request, reply, (body) => sim.createFulfillment(request.id, body)),
  );

  app.get<RequestParams>(
    `${API}/fulfillment-requests/:requestIdentifier`,
    { config: { endpoint: 'onegevity.getFulfillment' }, preHandler: requireScope('fulfillment') },
    async (request, reply) => send(reply, sim.getFulfillment(request.id, request.params.requestIdentifier)),
  );

  app.post<RequestParams>(
    `${API}/fulfillment-requests/:requestIdentifier/cancel`,
    { config: { endpoint: 'onegevity.cancelFulfillment' }, preHandler: requireScope('fulfillment') },
    async (request, reply) => send(reply, sim.cancelFulfillment(request.id, request.params.requestIdentifier)),
  );
}
