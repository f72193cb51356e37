// The control API under /__sandbox: start scenarios, set faults, move the clock, switch webhook misbehaviour, and read
// what happened (webhooks and their answers, counters, requests, generated patients, partner notifications).
// It is a development tool on loopback, never part of a vendor contract.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type z } from 'zod';
import type { SandboxCore } from '../core.js';
import { SANDBOX_ENDPOINTS } from '../endpoints.js';
import { faultRuleInput } from '../faults.js';
import { jsonBody } from '../http.js';
import { DirectoryFileError } from '../partner/directory.js';
import { ScenarioError, SCENARIOS } from '../scenarios.js';
import {
  advanceBody,
  expireTokensBody,
  faultsReplaceBody,
  holdBody,
  settingsBody,
  settleBody,
  webhookSettingsBody,
  webhooksQuery,
} from './schemas.js';
import type { ControlApi, WebhookSettingsView } from './types.js';

const PREFIX = '/__sandbox';

function controlError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function registerControlRoutes(app: FastifyInstance, core: SandboxCore): void {
  /** Parses a JSON body with a schema; answers 400 itself and returns undefined when it does not fit. */
  const parse = <T extends z.ZodType>(
    schema: T,
    request: Parameters<typeof jsonBody>[0],
    reply: FastifyReply,
  ): z.output<T> | undefined => {
    const body = jsonBody(request);
    if (!body.ok) {
      void controlError(reply, 400, 'bad_request', body.message);
      return undefined;
    }
    const parsed = schema.safeParse(body.value ?? {});
    if (!parsed.success) {
      void controlError(reply, 400, 'bad_request', describeIssues(parsed.error));
      return undefined;
    }
    return parsed.data;
  };

  const webhookSettings = (): WebhookSettingsView => {
    const switches = core.webhooks.switches;
    return {
      targets: core.webhooks.targets,
      duplicate: switches.duplicate,
      reorder: switches.reorder,
      policy: core.webhooks.policy,
    };
  };

  app.get(`${PREFIX}/health`, async (): Promise<ControlApi['health']> => ({
    status: 'ok',
    seed: core.config.SANDBOX_SEED,
    now: core.clock.iso(),
    workflowMode: core.settings.workflowMode,
    stepDelayMs: core.settings.stepDelayMs,
  }));

  app.get(`${PREFIX}/scenarios`, async (): Promise<ControlApi['scenarios']> => ({
    scenarios: SCENARIOS.map(({ name, vendor, description }) => ({ name, vendor, description })),
  }));

  app.post<{ Params: { name: string } }>(`${PREFIX}/scenarios/:name`, async (request, reply) => {
    const body = jsonBody(request);
    if (!body.ok) return controlError(reply, 400, 'bad_request', body.message);
    try {
      return reply.code(201).send(core.runScenario(request.params.name, body.value ?? {}));
    } catch (error) {
      if (error instanceof ScenarioError) {
        const unknown = error.message.startsWith('unknown scenario');
        return controlError(reply, unknown ? 404 : 400, unknown ? 'unknown_scenario' : 'bad_request', error.message);
      }
      if (error instanceof DirectoryFileError) return controlError(reply, 500, 'directory_unreadable', error.message);
      throw error;
    }
  });

  app.get(`${PREFIX}/endpoints`, async (): Promise<ControlApi['endpoints']> => ({
    endpoints: SANDBOX_ENDPOINTS.map((endpoint) => ({ ...endpoint })),
  }));

  app.get(`${PREFIX}/faults`, async (): Promise<ControlApi['faults']> => ({ faults: core.faults.list() }));

  app.post(`${PREFIX}/faults`, async (request, reply) => {
    const rule = parse(faultRuleInput, request, reply);
    if (!rule) return reply;
    return reply.code(201).send({ fault: core.faults.add(rule) } satisfies ControlApi['fault']);
  });

  app.put(`${PREFIX}/faults`, async (request, reply) => {
    const body = parse(faultsReplaceBody, request, reply);
    if (!body) return reply;
    core.faults.clear();
    for (const rule of body.faults) core.faults.add(rule);
    return reply.send({ faults: core.faults.list() } satisfies ControlApi['faults']);
  });

  app.delete(`${PREFIX}/faults`, async (): Promise<ControlApi['faults']> => {
    core.faults.clear();
    return { faults: [] };
  });

  app.delete<{ Params: { id: string } }>(`${PREFIX}/faults/:id`, async (request, reply) => {
    if (!core.faults.remove(request.params.id)) {
      return controlError(reply, 404, 'not_found', `no fault rule ${request.params.id}`);
    }
    return reply.code(204).send();
  });

  app.get(`${PREFIX}/clock`, async (): Promise<ControlApi['clock']> => ({
    now: core.clock.iso(),
    offsetMs: core.clock.offsetMs,
    stepDelayMs: core.settings.stepDelayMs,
    pending: core.clock.pending(),
  }));

  app.post(`${PREFIX}/clock/advance`, async (request, reply) => {
    const body = parse(advanceBody, request, reply);
    if (!body) return reply;
    await core.clock.advance(body.by);
    if (body.settle) await core.webhooks.waitIdle(10_000);
    return reply.send({
      now: core.clock.iso(),
      offsetMs: core.clock.offsetMs,
      stepDelayMs: core.settings.stepDelayMs,
      pending: core.clock.pending(),
    } satisfies ControlApi['clock']);
  });

  app.get(`${PREFIX}/settings`, async (): Promise<ControlApi['settings']> => ({ settings: { ...core.settings } }));

  app.put(`${PREFIX}/settings`, async (request, reply) => {
    const body = parse(settingsBody, request, reply);
    if (!body) return reply;
    if (body.stepDelay !== undefined) core.settings.stepDelayMs = body.stepDelay;
    if (body.workflowMode !== undefined) core.settings.workflowMode = body.workflowMode;
    if (body.rxResponseShape !== undefined) core.settings.rxResponseShape = body.rxResponseShape;
    if (body.exceptionEventType !== undefined) core.settings.exceptionEventType = body.exceptionEventType;
    if (body.exceptionActions !== undefined) core.settings.exceptionActions = body.exceptionActions;
    if (body.onegevityOrderUpdates !== undefined) core.settings.onegevityOrderUpdates = body.onegevityOrderUpdates;
    return reply.send({ settings: { ...core.settings } } satisfies ControlApi['settings']);
  });

  app.get(`${PREFIX}/counters`, async (): Promise<ControlApi['counters']> => core.counters());

  app.get(`${PREFIX}/webhooks`, async (request, reply) => {
    const query = webhooksQuery.safeParse(request.query);
    if (!query.success) return controlError(reply, 400, 'bad_request', describeIssues(query.error));
    const { limit, ...filter } = query.data;
    const deliveries = core.webhooks.list(filter);
    return reply.send({
      deliveries: limit ? deliveries.slice(-limit) : deliveries,
      settings: webhookSettings(),
    } satisfies ControlApi['webhooks']);
  });

  app.put(`${PREFIX}/webhooks/settings`, async (request, reply) => {
    const body = parse(webhookSettingsBody, request, reply);
    if (!body) return reply;
    core.webhooks.configure({
      ...(body.targets ? { targets: body.targets } : {}),
      ...(body.duplicate !== undefined ? { duplicate: body.duplicate } : {}),
      ...(body.reorder
        ? {
            reorder: {
              ...(body.reorder.enabled !== undefined ? { enabled: body.reorder.enabled } : {}),
              ...(body.reorder.batchSize !== undefined ? { batchSize: body.reorder.batchSize } : {}),
              ...(body.reorder.window !== undefined ? { windowMs: body.reorder.window } : {}),
            },
          }
        : {}),
      policy: {
        ...(body.concurrency !== undefined ? { concurrency: body.concurrency } : {}),
        ...(body.maxAttempts !== undefined ? { maxAttempts: body.maxAttempts } : {}),
        ...(body.backoff !== undefined ? { backoffMs: body.backoff } : {}),
        ...(body.backoffMax !== undefined ? { backoffMaxMs: body.backoffMax } : {}),
        ...(body.timeout !== undefined ? { timeoutMs: body.timeout } : {}),
      },
    });
    return reply.send({ settings: webhookSettings() } satisfies ControlApi['webhookSettings']);
  });

  app.post(`${PREFIX}/webhooks/flush`, async () => ({ released: core.webhooks.flush() }));

  app.post(`${PREFIX}/webhooks/settle`, async (request, reply) => {
    const body = parse(settleBody, request, reply);
    if (!body) return reply;
    return reply.send({ idle: await core.webhooks.waitIdle(body.timeout) });
  });

  app.get(`${PREFIX}/patients`, async (): Promise<ControlApi['patients']> => ({
    patients: core.generatedPatients(),
  }));

  app.get(`${PREFIX}/honeybee/orders`, async (): Promise<ControlApi['honeybeeOrders']> => ({
    orders: core.honeybee.orderRecords(),
  }));

  app.post<{ Params: { orderNumber: string } }>(
    `${PREFIX}/honeybee/orders/:orderNumber/hold`,
    async (request, reply) => {
      const body = parse(holdBody, request, reply);
      if (!body) return reply;
      const result = core.honeybee.placeHold(request.params.orderNumber, body.reason);
      if (result.status === 204) return reply.code(204).send();
      const message = (result.body as { error: { message: string } }).error.message;
      return controlError(reply, result.status, result.status === 404 ? 'not_found' : 'conflict', message);
    },
  );

  app.get(`${PREFIX}/onegevity/orders`, async (): Promise<ControlApi['onegevityOrders']> => ({
    orders: core.onegevity.orderRecords(),
  }));

  app.post<{ Params: { orderIdentifier: string } }>(
    `${PREFIX}/onegevity/orders/:orderIdentifier/activate`,
    async (request, reply) => {
      const result = core.onegevity.activateAsPatient(request.params.orderIdentifier);
      // As `hold` answers an unknown order: 404, not a conflict with its state.
      if (!result.ok && result.missing) return controlError(reply, 404, 'not_found', result.message);
      if (!result.ok) return controlError(reply, 409, 'conflict', result.message);
      return reply.send({ order: result.order });
    },
  );

  app.get<{ Querystring: { type?: string } }>(`${PREFIX}/partner/notifications`, async (request) => ({
    notifications: core.inbox.list(request.query.type ? { type: request.query.type } : {}),
  }));

  app.post(`${PREFIX}/tokens/expire`, async (request, reply) => {
    const body = parse(expireTokensBody, request, reply);
    if (!body) return reply;
    return reply.send({ expired: core.tokens.expireAll(body.vendor) });
  });

  app.get<{ Querystring: { endpoint?: string; limit?: string } }>(`${PREFIX}/requests`, async (request) => ({
    requests: core.requests.recent({
      ...(request.query.endpoint ? { endpoint: request.query.endpoint } : {}),
      ...(request.query.limit && /^\d+$/.test(request.query.limit) ? { limit: Number(request.query.limit) } : {}),
    }),
  }));
}
