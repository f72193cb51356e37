// The simulated Honeybee over HTTP (docs/WIRE-CONTRACT.md): the token endpoint at /honeybee/oauth/token and the
// Partner API under /honeybee/v1, bearer-authenticated. Single-resource GETs carry a weak ETag and answer 304 to a
// matching If-None-Match.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxCore } from '../core.js';
import { etagMatches, formBody, header, jsonBody, weakEtag } from '../http.js';
import { readClientCredentials } from '../tokens.js';
import { constantTimeEqual } from '../../vendors/shared/constant-time.js';
import { badRequest, notFound, type HoneybeeReply } from './errors.js';

const API = '/honeybee/v1';
const TOKEN_LIFETIME_SECONDS = 43_200;

function send(reply: FastifyReply, result: HoneybeeReply): FastifyReply {
  reply.code(result.status);
  for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
  return result.body === undefined ? reply.send() : reply.send(result.body);
}

/** A single resource: weak ETag, and 304 when the client's copy is current. */
function sendResource(request: FastifyRequest, reply: FastifyReply, result: HoneybeeReply): FastifyReply {
  if (result.status !== 200) return send(reply, result);
  const body = JSON.stringify(result.body);
  const etag = weakEtag(body);
  reply.header('etag', etag).header('cache-control', 'max-age=0, private, must-revalidate');
  if (etagMatches(header(request, 'if-none-match'), etag)) return reply.code(304).send();
  return reply.code(200).type('application/json; charset=utf-8').send(body);
}

function patientId(raw: string): number | undefined {
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

export function registerHoneybeeRoutes(app: FastifyInstance, core: SandboxCore): void {
  const credentials = core.credentials.honeybee;

  app.post('/honeybee/oauth/token', { config: { endpoint: 'honeybee.token' } }, async (request, reply) => {
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
    const token = core.tokens.issue('honeybee', offered.clientId, [], TOKEN_LIFETIME_SECONDS);
    return reply.code(200).send({
      access_token: token.value,
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      created_at: Math.floor(token.issuedAt / 1000),
    });
  });

  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const check = core.tokens.check('honeybee', header(request, 'authorization'));
    if (!check.ok) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer error="invalid_token"')
        .send({ error: 'invalid_token' });
    }
    return undefined;
  };
  const withJson = (
    request: FastifyRequest,
    reply: FastifyReply,
    handle: (body: unknown) => HoneybeeReply,
  ): FastifyReply => {
    const body = jsonBody(request);
    if (!body.ok) return send(reply, badRequest(body.message));
    return send(reply, handle(body.value));
  };
  type PatientParams = { Params: { patient_id: string } };
  type OrderParams = { Params: { order_number: string } };

  app.get<PatientParams>(
    `${API}/patients/:patient_id`,
    { config: { endpoint: 'honeybee.getPatient' }, preHandler: authenticate },
    async (request, reply) => {
      const id = patientId(request.params.patient_id);
      if (id === undefined) return send(reply, notFound(`patient ${request.params.patient_id} not found`));
      return sendResource(request, reply, core.honeybee.getPatient(id));
    },
  );

  app.get<PatientParams>(
    `${API}/patients/:patient_id/rx`,
    { config: { endpoint: 'honeybee.listPrescriptions' }, preHandler: authenticate },
    async (request, reply) => {
      const id = patientId(request.params.patient_id);
      if (id === undefined) return send(reply, notFound(`patient ${request.params.patient_id} not found`));
      return send(reply, core.honeybee.listPrescriptions(id));
    },
  );

  app.post<PatientParams>(
    `${API}/patients/:patient_id/shipping_address`,
    { config: { endpoint: 'honeybee.addPatientAddress' }, preHandler: authenticate },
    async (request, reply) => {
      const id = patientId(request.params.patient_id);
      if (id === undefined) return send(reply, notFound(`patient ${request.params.patient_id} not found`));
      return withJson(request, reply, (body) => core.honeybee.addPatientAddress(id, body));
    },
  );

  app.post(
    `${API}/orders`,
    { config: { endpoint: 'honeybee.createOrder' }, preHandler: authenticate },
    async (request, reply) => withJson(request, reply, (body) => core.honeybee.createOrder(body)),
  );

  app.get<{ Querystring: { patient_id?: string } }>(
    `${API}/orders`,
    { config: { endpoint: 'honeybee.listOrders' }, preHandler: authenticate },
    async (request, reply) => {
      const raw = request.query.patient_id;
      if (raw === undefined) return send(reply, core.honeybee.listOrders());
      const id = patientId(raw);
      if (id === undefined) {
        return send(
          reply,
          badRequest('the request is malformed', [{ field: 'patient_id', message: 'must be an integer' }]),
        );
      }
      return send(reply, core.honeybee.listOrders(id));
    },
  );

  app.get<OrderParams>(
    `${API}/orders/:order_number`,
    { config: { endpoint: 'honeybee.getOrder' }, preHandler: authenticate },
    async (request, reply) => sendResource(request, reply, core.honeybee.getOrder(request.params.order_number)),
  );

  app.post<OrderParams>(
    `${API}/orders/:order_number/actions`,
    { config: { endpoint: 'honeybee.orderAction' }, preHandler: authenticate },
    async (request, reply) =>
      withJson(request, reply, (body) => core.honeybee.orderAction(request.params.order_number, body)),
  );

  app.post<OrderParams>(
    `${API}/orders/:order_number/hold`,
    { config: { endpoint: 'honeybee.partnerHold' }, preHandler: authenticate },
    async (request, reply) =>
      withJson(request, reply, (body) => core.honeybee.partnerHold(request.params.order_number, body)),
  );

  app.post<OrderParams>(
    `${API}/orders/:order_number/reorders`,
    { config: { endpoint: 'honeybee.reorder' }, preHandler: authenticate },
    async (request, reply) => withJson(request, reply, () => core.honeybee.reorder(request.params.order_number)),
  );

  app.put<OrderParams>(
    `${API}/orders/:order_number/shipping_address`,
    { config: { endpoint: 'honeybee.updateOrderAddress' }, preHandler: authenticate },
    async (request, reply) =>
      withJson(request, reply, (body) => core.honeybee.updateOrderAddress(request.params.order_number, body)),
  );

  app.post(
    `${API}/simulate`,
    { config: { endpoint: 'honeybee.simulate' }, preHandler: authenticate },
    async (request, reply) => withJson(request, reply, (body) => core.honeybee.simulate(body)),
  );
}
