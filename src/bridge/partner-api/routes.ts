// The partner API (/api): the partner's backend approves fills, asks for refills, reads status, lists what needs an
// operator and submits operator resolutions. Bearer keys from PARTNER_API_KEYS, compared in constant time.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { z } from 'zod';
import { honeybeeOrderWorkflowId, labOrderWorkflowId, prescriptionWorkflowId } from '../../domain/workflow-ids.js';
import { constantTimeIncludes } from '../../vendors/shared/constant-time.js';
import { approveFillSignal, matchPatientSignal, requestRefillSignal } from '../../../workflows/honeybee/messages.js';
import {
  cancelSignal,
  resolveExceptionUpdate,
  workflowStatusQuery,
} from '../../../workflows/shared/operator-messages.js';
import type { LabWorkflowSettings } from '../../domain/workflow-settings.js';
import { listNeedsOperator } from '../../operators/needs-operator.js';
import { LabOrderRequestError } from '../../lab/lab-order-request.js';
import { LabOrderConflictError, startLabOrder } from '../../lab/start-lab-order.js';
import type { BridgeMetrics } from '../metrics.js';
import { invalidRequest, PartnerApiError, sendPartnerApiError, toPartnerApiError } from './errors.js';
import {
  approveFillBody,
  cancelBody,
  labOrderParams,
  labResolutionBody,
  matchPatientBody,
  operatorQueueQuery,
  orderParams,
  prescriptionParams,
  requestRefillBody,
  resolutionBody,
} from './schemas.js';

/** How long a partner call may wait on Temporal (an update waits for the workflow to validate and act). */
const CALL_DEADLINE_MS = 15_000;

export interface PartnerApiOptions {
  client: Client;
  taskQueue: string;
  labSettings: LabWorkflowSettings;
  apiKeys: readonly string[];
  metrics: BridgeMetrics;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(what, parsed.error);
  return parsed.data;
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
  const { client } = options;
  const within = <T>(fn: () => Promise<T>) => client.withDeadline(Date.now() + CALL_DEADLINE_MS, fn);

  async function status(handle: WorkflowHandle) {
    const [description, state] = await within(() =>
      Promise.all([handle.describe(), handle.query(workflowStatusQuery)]),
    );
    return { workflowId: handle.workflowId, execution: description.status.name, status: state };
  }

  /** Wraps a handler: authentication, errors in one shape, metrics by route template. */
  function route(
    method: 'GET' | 'POST',
    url: string,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) {
    app.route({
      method,
      url,
      handler: async (request, reply) => {
        try {
          const header = request.headers.authorization ?? '';
          const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
          if (options.apiKeys.length === 0 || !token || !constantTimeIncludes(options.apiKeys, token)) {
            throw new PartnerApiError(
              401,
              'unauthorized',
              'a valid partner API key is required (Authorization: Bearer …)',
            );
          }
          return await handler(request, reply);
        } catch (error) {
          const apiError = toPartnerApiError(error);
          if (apiError.status >= 500)
            request.log.error({ err: { name: (error as Error).name } }, 'partner API call failed');
          return sendPartnerApiError(reply, apiError);
        }
      },
      onResponse: async (_request, reply) => {
        options.metrics.partnerApiRequests.inc({ route: url, method, status: String(reply.statusCode) });
      },
    });
  }

  const prescription = (request: FastifyRequest) =>
    client.workflow.getHandle(prescriptionWorkflowId(parse(prescriptionParams, request.params, 'path').prescriptionId));
  const order = (request: FastifyRequest) =>
    client.workflow.getHandle(honeybeeOrderWorkflowId(parse(orderParams, request.params, 'path').orderNumber));
  const labOrder = (request: FastifyRequest) =>
    client.workflow.getHandle(labOrderWorkflowId(parse(labOrderParams, request.params, 'path').orderIdentifier));

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
  route('GET', '/api/prescriptions/:prescriptionId', async (request) => status(prescription(request)));
  route('POST', '/api/prescriptions/:prescriptionId/fill-approvals', async (request, reply) => {
    const input = parse(approveFillBody, jsonBody(request), 'body');
    return signal(prescription(request), (h) => h.signal(approveFillSignal, input), reply, 'approveFill');
  });
  route('POST', '/api/prescriptions/:prescriptionId/refill-requests', async (request, reply) => {
    const input = parse(requestRefillBody, jsonBody(request), 'body');
    return signal(prescription(request), (h) => h.signal(requestRefillSignal, input), reply, 'requestRefill');
  });
  route('POST', '/api/prescriptions/:prescriptionId/patient-match', async (request, reply) => {
    const input = parse(matchPatientBody, jsonBody(request), 'body');
    return signal(prescription(request), (h) => h.signal(matchPatientSignal, input), reply, 'matchPatient');
  });
  route('POST', '/api/prescriptions/:prescriptionId/resolution', async (request) => {
    const input = parse(resolutionBody, jsonBody(request), 'body');
    const handle = prescription(request);
    return within(() => handle.executeUpdate(resolveExceptionUpdate, { args: [input] }));
  });
  route('POST', '/api/prescriptions/:prescriptionId/cancellation', async (request, reply) => {
    const input = parse(cancelBody, jsonBody(request), 'body');
    return signal(prescription(request), (h) => h.signal(cancelSignal, input), reply, 'cancel');
  });

  // Orders (Honeybee)
  route('GET', '/api/orders/:orderNumber', async (request) => status(order(request)));
  route('POST', '/api/orders/:orderNumber/resolution', async (request) => {
    const input = parse(resolutionBody, jsonBody(request), 'body');
    const handle = order(request);
    return within(() => handle.executeUpdate(resolveExceptionUpdate, { args: [input] }));
  });
  route('POST', '/api/orders/:orderNumber/cancellation', async (request, reply) => {
    const input = parse(cancelBody, jsonBody(request), 'body');
    return signal(order(request), (h) => h.signal(cancelSignal, input), reply, 'cancel');
  });

  // Lab orders (Onegevity)
  route('POST', '/api/lab-orders', async (request, reply) => {
    const body = jsonBody(request);
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
  route('GET', '/api/lab-orders/:orderIdentifier', async (request) => status(labOrder(request)));
  route('POST', '/api/lab-orders/:orderIdentifier/resolution', async (request) => {
    const { address, ...input } = parse(labResolutionBody, jsonBody(request), 'body');
    const fields = address === undefined ? input.fields : { ...input.fields, address };
    const handle = labOrder(request);
    return within(() => handle.executeUpdate(resolveExceptionUpdate, { args: [{ ...input, fields }] }));
  });
  route('POST', '/api/lab-orders/:orderIdentifier/cancellation', async (request, reply) => {
    const input = parse(cancelBody, jsonBody(request), 'body');
    return signal(labOrder(request), (h) => h.signal(cancelSignal, input), reply, 'cancel');
  });

  // What needs an operator, oldest first.
  route('GET', '/api/operator-queue', async (request) => {
    const { limit } = parse(operatorQueueQuery, request.query, 'query');
    const items = (await listNeedsOperator(client, limit)).map(({ since: _since, ...item }) => item);
    return { items };
  });
}
