// The partner API (/api): the partner's backend approves fills, asks for refills, reads status, lists what needs an
// operator and submits operator resolutions. Named, scoped keys from PARTNER_API_KEYS (callers.ts), rate-limited per
// key; bodies capped at PARTNER_API_BODY_LIMIT_BYTES; every POST honours an Idempotency-Key (idempotency.ts).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { PartnerApiKey, PartnerApiScope } from '../../config/env.js';
import type { z } from 'zod';
import { honeybeeOrderWorkflowId, labOrderWorkflowId, prescriptionWorkflowId } from '../../domain/workflow-ids.js';
import { approveFillSignal, matchPatientSignal, requestRefillSignal } from '../../../workflows/honeybee/messages.js';
import {
  cancelSignal,
  resolveExceptionUpdate,
  workflowStatusQuery,
} from '../../../workflows/shared/operator-messages.js';
import type { LabWorkflowSettings } from '../../domain/workflow-settings.js';
import { listNeedsOperator } from '../../operators/needs-operator.js';
import { awaitingOperator, type ParkedEvents } from '../../operators/parked-events.js';
import { assertWorkflowTaskHealthy } from '../../operators/workflow-health.js';
import { notificationTargetWorkflowId } from '../../partner/notification-target.js';
import { resumeDeliveryUpdate, targetStateQuery } from '../../../workflows/notifications/messages.js';
import { LabOrderRequestError } from '../../lab/lab-order-request.js';
import { LabOrderConflictError, startLabOrder } from '../../lab/start-lab-order.js';
import type { BridgeMetrics } from '../metrics.js';
import { callerClients, registerPartnerRateLimit, requireScope } from './callers.js';
import { invalidRequest, PartnerApiError, sendPartnerApiError, toPartnerApiError } from './errors.js';
import { claim, idempotencyKeyOf, idempotentCall, record, type IdempotentCall } from './idempotency.js';
import {
  approveFillBody,
  cancelBody,
  labOrderParams,
  labResolutionBody,
  matchPatientBody,
  operatorQueueQuery,
  orderParams,
  parkedParams,
  prescriptionParams,
  redriveBody,
  requestRefillBody,
  resendBody,
  resolutionBody,
} from './schemas.js';

/** How long a partner call may wait on Temporal (an update waits for the workflow to validate and act). */
const CALL_DEADLINE_MS = 15_000;
/** An Idempotency-Key's claim outlives any call's deadline, so a retry never overtakes a call still running. */
const IDEMPOTENCY_LEASE_MS = 2 * CALL_DEADLINE_MS;

export interface PartnerApiOptions {
  client: Client;
  taskQueue: string;
  labSettings: LabWorkflowSettings;
  apiKeys: readonly PartnerApiKey[];
  metrics: BridgeMetrics;
  rateLimit: { max: number; timeWindowMs: number };
  bodyLimitBytes: number;
  idempotencyTtlMs: number;
  /** PARTNER_WEBHOOK_URL: the notification target whose state /api/notifications reports. */
  notificationTargetUrl?: string | undefined;
  /** The parked webhooks (dead letter and spool), read and re-driven with the caller's client. */
  parkedEvents(client: Client): ParkedEvents;
}

/** What a route's handler gets besides the request: the caller's own client, and the ids an Idempotency-Key gives. */
interface CallContext {
  caller: PartnerApiKey;
  client: Client;
  idempotent?: IdempotentCall;
}

const contexts = new WeakMap<FastifyRequest, CallContext>();

function contextOf(request: FastifyRequest): CallContext {
  const context = contexts.get(request);
  if (!context) throw new Error('partner API handler ran without a call context');
  return context;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(what, parsed.error);
  return parsed.data;
}

/** A lab order request sent with an Idempotency-Key but no requestKey gets one derived from the key. */
function withRequestKey(body: unknown, idempotent: IdempotentCall | undefined): unknown {
  if (!idempotent || typeof body !== 'object' || body === null || Array.isArray(body) || 'requestKey' in body) {
    return body;
  }
  return { ...body, requestKey: idempotent.requestKey };
}

function jsonBody(request: FastifyRequest): unknown {
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
    throw new PartnerApiError(400, 'invalid_request', 'a JSON body is required');
  }
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new PartnerApiError(400, 'malformed_json', 'the body is not valid JSON');
  }
}

export function registerPartnerApi(app: FastifyInstance, options: PartnerApiOptions): void {
  // A plugin of its own: the rate limiter and the error handler apply to /api only, not to the vendor webhooks.
  void app.register(async (api) => {
    await registerPartnerRateLimit(api, { keys: options.apiKeys, ...options.rateLimit });
    api.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error instanceof PartnerApiError) return sendPartnerApiError(reply, error);
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return sendPartnerApiError(
          reply,
          new PartnerApiError(413, 'payload_too_large', `the body exceeds ${options.bodyLimitBytes} bytes`),
        );
      }
      // Anything else (a content type the bridge does not read, …) goes to the bridge's own error handler.
      throw error;
    });
    registerPartnerRoutes(api, options);
  });
}

function registerPartnerRoutes(app: FastifyInstance, options: PartnerApiOptions): void {
  const clientFor = callerClients(options.client);
  const within = <T>(fn: () => Promise<T>) => options.client.withDeadline(Date.now() + CALL_DEADLINE_MS, fn);
  const idempotency = { taskQueue: options.taskQueue, ttlMs: options.idempotencyTtlMs, leaseMs: IDEMPOTENCY_LEASE_MS };

  // A workflow whose workflow task keeps failing answers no query or update: 409 with the reason at once
  // (src/operators/workflow-health.ts), rather than a wait and a 500 or 503.
  async function status(handle: WorkflowHandle) {
    const description = await within(() => assertWorkflowTaskHealthy(options.client, handle.workflowId));
    const state = await within(() => handle.query(workflowStatusQuery));
    return { workflowId: handle.workflowId, execution: description.status.name, status: state };
  }

  /** An update, unless the workflow is stuck (its workflow task failing): then 409 at once instead of a timeout. */
  async function update<T>(handle: WorkflowHandle, send: () => Promise<T>): Promise<T> {
    await within(() => assertWorkflowTaskHealthy(options.client, handle.workflowId));
    return within(send);
  }

  /**
   * Wraps a handler: authentication and scope, errors in one shape, metrics by route template; for a POST, the body
   * limit and the Idempotency-Key (a replayed answer is sent as first given, with `Idempotency-Replayed: true`).
   */
  function route(
    method: 'GET' | 'POST',
    url: string,
    scope: PartnerApiScope,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) {
    app.route({
      method,
      url,
      ...(method === 'POST' ? { bodyLimit: options.bodyLimitBytes } : {}),
      handler: async (request, reply) => {
        try {
          const caller = requireScope(request, options.apiKeys, scope);
          const client = clientFor(caller);
          const key = method === 'POST' ? idempotencyKeyOf(request) : undefined;
          const idempotent = key ? idempotentCall(caller, key, request) : undefined;
          const context: CallContext = { caller, client };
          contexts.set(request, context);
          if (idempotent) {
            const replay = await within(() => claim(client, idempotent, idempotency));
            // Only a call that holds the claim records its answer (not a refusal to act, not a replay).
            if (!replay) context.idempotent = idempotent;
            else
              return reply
                .code(replay.status)
                .header('content-type', 'application/json; charset=utf-8')
                .header('idempotency-replayed', 'true')
                .send(replay.body);
          }
          return await handler(request, reply);
        } catch (error) {
          const apiError = toPartnerApiError(error);
          if (apiError.status >= 500)
            request.log.error({ err: { name: (error as Error).name } }, 'partner API call failed');
          return sendPartnerApiError(reply, apiError);
        }
      },
      // The answer as sent, recorded under the Idempotency-Key before the client sees it.
      onSend: async (request, reply, payload) => {
        const idempotent = contexts.get(request)?.idempotent;
        if (idempotent) {
          const { client } = contextOf(request);
          const body = typeof payload === 'string' ? payload : '';
          await within(() => record(client, idempotent, { status: reply.statusCode, body })).catch(() =>
            request.log.warn({ workflowId: idempotent.workflowId }, 'could not record the idempotent answer'),
          );
        }
        return payload;
      },
      onResponse: async (_request, reply) => {
        options.metrics.partnerApiRequests.inc({ route: url, method, status: String(reply.statusCode) });
      },
    });
  }

  const handleFor = (request: FastifyRequest, workflowId: string) =>
    contextOf(request).client.workflow.getHandle(workflowId);
  const prescription = (request: FastifyRequest) =>
    handleFor(request, prescriptionWorkflowId(parse(prescriptionParams, request.params, 'path').prescriptionId));
  const order = (request: FastifyRequest) =>
    handleFor(request, honeybeeOrderWorkflowId(parse(orderParams, request.params, 'path').orderNumber));
  const labOrder = (request: FastifyRequest) =>
    handleFor(request, labOrderWorkflowId(parse(labOrderParams, request.params, 'path').orderIdentifier));
  /** An update's options: with an Idempotency-Key, an id derived from it, so Temporal applies a retry only once. */
  const updateOptions = <A>(request: FastifyRequest, input: A) => {
    const updateId = contextOf(request).idempotent?.updateId;
    return { args: [input] as [A], ...(updateId ? { updateId } : {}) };
  };

  async function signal<A>(
    handle: WorkflowHandle,
    send: (handle: WorkflowHandle) => Promise<void>,
    reply: FastifyReply,
    what: A,
  ) {
    await within(() => send(handle));
    return reply.code(202).send({ accepted: true, workflowId: handle.workflowId, signal: what });
  }

  // Prescriptions (Honeybee)
  route('GET', '/api/prescriptions/:prescriptionId', 'read', async (request) => status(prescription(request)));
  route('POST', '/api/prescriptions/:prescriptionId/fill-approvals', 'operate', async (request, reply) => {
    const input = parse(approveFillBody, jsonBody(request), 'body');
    return signal(prescription(request), (h) => h.signal(approveFillSignal, input), reply, 'approveFill');
  });
  route('POST', '/api/prescriptions/:prescriptionId/refill-requests', 'operate', async (request, reply) => {
    const input = parse(requestRefillBody, jsonBody(request), 'body');
    return signal(prescription(request), (h) => h.signal(requestRefillSignal, input), reply, 'requestRefill');
  });
  route('POST', '/api/prescriptions/:prescriptionId/patient-match', 'operate', async (request, reply) => {
    const input = parse(matchPatientBody, jsonBody(request), 'body');
    return signal(prescription(request), (h) => h.signal(matchPatientSignal, input), reply, 'matchPatient');
  });
  route('POST', '/api/prescriptions/:prescriptionId/resolution', 'operate', async (request) => {
    const input = parse(resolutionBody, jsonBody(request), 'body');
    const handle = prescription(request);
    return update(handle, () => handle.executeUpdate(resolveExceptionUpdate, updateOptions(request, input)));
  });
  route('POST', '/api/prescriptions/:prescriptionId/cancellation', 'operate', async (request, reply) => {
    const input = parse(cancelBody, jsonBody(request), 'body');
    return signal(prescription(request), (h) => h.signal(cancelSignal, input), reply, 'cancel');
  });

  // Orders (Honeybee)
  route('GET', '/api/orders/:orderNumber', 'read', async (request) => status(order(request)));
  route('POST', '/api/orders/:orderNumber/resolution', 'operate', async (request) => {
    const input = parse(resolutionBody, jsonBody(request), 'body');
    const handle = order(request);
    return update(handle, () => handle.executeUpdate(resolveExceptionUpdate, updateOptions(request, input)));
  });
  route('POST', '/api/orders/:orderNumber/cancellation', 'operate', async (request, reply) => {
    const input = parse(cancelBody, jsonBody(request), 'body');
    return signal(order(request), (h) => h.signal(cancelSignal, input), reply, 'cancel');
  });

  // Lab orders (Onegevity)
  route('POST', '/api/lab-orders', 'operate', async (request, reply) => {
    const { client, idempotent } = contextOf(request);
    const body = withRequestKey(jsonBody(request), idempotent);
    try {
      const started = await within(() => startLabOrder(client, options.taskQueue, body, options.labSettings));
      return reply.code(started.started ? 201 : 200).send(started);
    } catch (error) {
      if (error instanceof LabOrderRequestError) {
        throw new PartnerApiError(400, 'invalid_request', 'invalid lab order request', [...error.issues]);
      }
      if (error instanceof LabOrderConflictError) throw new PartnerApiError(409, 'conflict', error.message);
      throw error;
    }
  });
  route('GET', '/api/lab-orders/:orderIdentifier', 'read', async (request) => status(labOrder(request)));
  route('POST', '/api/lab-orders/:orderIdentifier/resolution', 'operate', async (request) => {
    const { address, ...input } = parse(labResolutionBody, jsonBody(request), 'body');
    const fields = address === undefined ? input.fields : { ...input.fields, address };
    const handle = labOrder(request);
    return update(handle, () =>
      handle.executeUpdate(resolveExceptionUpdate, updateOptions(request, { ...input, fields })),
    );
  });
  route('POST', '/api/lab-orders/:orderIdentifier/cancellation', 'operate', async (request, reply) => {
    const input = parse(cancelBody, jsonBody(request), 'body');
    return signal(labOrder(request), (h) => h.signal(cancelSignal, input), reply, 'cancel');
  });

  // What needs an operator, oldest first.
  route('GET', '/api/operator-queue', 'read', async (request) => {
    const { limit } = parse(operatorQueueQuery, request.query, 'query');
    const { client } = contextOf(request);
    const [holds, parked] = await Promise.all([listNeedsOperator(client, limit), options.parkedEvents(client).list()]);
    const items = holds.map(({ since: _since, ...item }) => item);
    // Parked webhooks wait for an operator too: counted here, listed at /api/parked.
    return { items, parked: { awaitingOperator: awaitingOperator(parked.events).length } };
  });

  // Parked webhooks (no workflow could take them, or Temporal refused them): listed without bodies; one with its body
  // (which may hold PHI: admin only); re-driven to the workflow it routes to now.
  route('GET', '/api/parked', 'read', async (request) => {
    const listing = await options.parkedEvents(contextOf(request).client).list();
    return { ...listing, awaitingOperator: awaitingOperator(listing.events).length };
  });
  const parkedId = (request: FastifyRequest) => parse(parkedParams, request.params, 'path').id;
  const notParked = (id: string) => new PartnerApiError(404, 'not_found', `no parked event ${id}`);
  route('GET', '/api/parked/:id', 'admin', async (request) => {
    const id = parkedId(request);
    const kept = await options.parkedEvents(contextOf(request).client).read(id);
    if (!kept) throw notParked(id);
    return { event: kept.event, verified: kept.verified, body: kept.body.toString('utf8') };
  });
  route('POST', '/api/parked/:id/redrive', 'operate', async (request) => {
    const id = parkedId(request);
    const { operator } = parse(redriveBody, jsonBody(request), 'body');
    const outcome = await options.parkedEvents(contextOf(request).client).redrive(id, operator);
    if (!outcome) throw notParked(id);
    if (outcome.kind === 'refused')
      throw new PartnerApiError(409, 'not_redriven', `${id} was not re-driven: ${outcome.reason}`);
    return outcome;
  });

  // The notification target (the partner's own webhook endpoint): its state, and the resend after an outage.
  const notificationTarget = (request: FastifyRequest) => {
    if (!options.notificationTargetUrl) {
      throw new PartnerApiError(404, 'not_found', 'no notification target is configured (PARTNER_WEBHOOK_URL)');
    }
    return handleFor(request, notificationTargetWorkflowId(options.notificationTargetUrl));
  };
  route('GET', '/api/notifications/target', 'read', async (request) => {
    try {
      return await within(() => notificationTarget(request).query(targetStateQuery));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { parked: 0, redelivering: false, resumes: [] };
      throw error;
    }
  });
  route('POST', '/api/notifications/target/resend', 'admin', async (request) => {
    const input = parse(resendBody, jsonBody(request), 'body');
    const handle = notificationTarget(request);
    try {
      return await within(() => handle.executeUpdate(resumeDeliveryUpdate, updateOptions(request, input)));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        throw new PartnerApiError(409, 'nothing_to_resend', 'the target never failed: nothing is parked');
      }
      throw error;
    }
  });
}
