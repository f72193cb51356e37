// A workflow's refusal of an update, as the partner hears it: 409 when its state does not allow the input now, 422
// when the input is invalid, with the workflow's own reason and what it would accept instead. And work that goes on
// past the call's deadline, as the partner hears it: never "could not reach Temporal", which invites a blind retry.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, ValueError, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { PartnerEngine, type PartnerApiSettings } from '../../../src/bridge/partner-api/engine-calls.js';
import { toPartnerApiError } from '../../../src/bridge/partner-api/errors.js';
import { eventsPage, resendOne, undeliveredPage } from '../../../src/bridge/partner-api/notifications.js';
import { encodeCursor } from '../../../src/bridge/partner-api/listing.js';
import type { CallContext } from '../../../src/bridge/partner-api/operation.js';
import { runPartnerAction } from '../../../src/bridge/partner-api/partner-actions.js';
import { registerPartnerApi } from '../../../src/bridge/partner-api/routes.js';
import { labResolutionBody, resolutionBody } from '../../../src/bridge/partner-api/schemas.js';
import { createBridgeMetrics } from '../../../src/bridge/metrics.js';
import { loadConfig } from '../../../src/config/env.js';
import { createLazyClient } from '../../../src/temporal/client.js';
import { jsonValueProblem } from '../../../workflows/shared/json-value.js';
import { resolveExceptionUpdate } from '../../../workflows/shared/operator-messages.js';
import { changeShippingAddressUpdate } from '../../../workflows/honeybee/messages.js';
import { FailureType } from '../../../src/domain/failure-types.js';
import type { RefusalDetails, RefusalKind } from '../../../workflows/shared/handlers.js';

function refusal(kind: RefusalKind, message: string, offeredActions?: string[]) {
  const details: RefusalDetails = { refusal: kind, ...(offeredActions ? { offeredActions } : {}) };
  return new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({ type: FailureType.InputRefused, message, nonRetryable: true, details: [details] }),
  );
}

describe('update refusals', () => {
  it('answers a state refusal 409 wrong_state with the reason and the offered actions', () => {
    const error = toPartnerApiError(refusal('state', 'no refills are left', ['cancel']));
    expect(error).toMatchObject({ status: 409, code: 'wrong_state', message: 'no refills are left' });
    expect(error.offeredActions).toEqual(['cancel']);
  });

  it('answers an invalid input 422 rejected with the problem', () => {
    const error = toPartnerApiError(refusal('invalid', '"fields.partnerPatientId" is required'));
    expect(error).toMatchObject({ status: 422, code: 'rejected', message: '"fields.partnerPatientId" is required' });
    expect(error.offeredActions).toBeUndefined();
  });

  it('answers 422 for a failure that is not a validator refusal, whatever its details claim', () => {
    const error = toPartnerApiError(
      new WorkflowUpdateFailedError(
        'Workflow Update failed',
        ApplicationFailure.create({ type: FailureType.InvalidInput, message: 'bad', details: [{ refusal: 'state' }] }),
      ),
    );
    expect(error).toMatchObject({ status: 422, code: 'rejected', message: 'bad' });
  });
});

/** How the client fails a call whose deadline passed: a ServiceError whose cause has gRPC code 4. */
const deadlineExceeded = () =>
  Object.assign(new Error('Deadline exceeded'), { cause: Object.assign(new Error('deadline'), { code: 4 }) });

/** A client whose workflows take their input and then do not answer within the deadline. */
function slowClient(started: string[] = []) {
  const handle = (workflowId: string) => ({
    workflowId,
    describe: async () => ({ status: { name: 'RUNNING' }, raw: {} }),
    // What executeUpdate and execute do once the deadline passes while the workflow works on.
    executeUpdate: async () => {
      throw deadlineExceeded();
    },
    startUpdate: async () => ({ result: async () => Promise.reject(deadlineExceeded()) }),
    result: async () => Promise.reject(deadlineExceeded()),
  });
  return {
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
    workflow: {
      getHandle: handle,
      start: async (_type: unknown, options: { workflowId: string }) => {
        started.push(options.workflowId);
        return handle(options.workflowId);
      },
      execute: async (_type: unknown, options: { workflowId: string }) => {
        started.push(options.workflowId);
        throw deadlineExceeded();
      },
    },
  } as unknown as Client;
}

function callOf(client: Client, settings: Partial<PartnerApiSettings> = {}) {
  return {
    client,
    engine: new PartnerEngine(client, { taskQueue: 'q', ...settings } as PartnerApiSettings),
  } as unknown as CallContext;
}

describe('a call whose work goes on past the deadline', () => {
  it('answers an accepted update that is still running 504 outcome_pending, not "could not reach Temporal"', async () => {
    const client = slowClient();
    const call = callOf(client);
    const error = await call.engine
      .update(client.workflow.getHandle('honeybee-order-1'), changeShippingAddressUpdate, {}, call)
      .catch((caught: unknown) => toPartnerApiError(caught));
    expect(error).toMatchObject({ status: 504, code: 'outcome_pending', retryAfterSeconds: 30 });
    expect((error as Error).message).toContain('honeybee-order-1');
  });

  it('answers a reorder Honeybee has not answered yet 502 (its outcome unknown: list first), not 503', async () => {
    const call = callOf(slowClient());
    const error = await runPartnerAction(call, 'HB1', { action: 'reorder', orderNumber: 'HB1' } as never).catch(
      (caught: unknown) => toPartnerApiError(caught),
    );
    expect(error).toMatchObject({ status: 502, code: 'vendor_unavailable' });
    expect((error as Error).message).toMatch(/outcome is unknown; list first/);
  });

  it('still answers 503 when Temporal does not take the input at all', async () => {
    const client = slowClient();
    Object.assign(client.workflow, { start: async () => Promise.reject(deadlineExceeded()) });
    const error = await runPartnerAction(callOf(client), 'HB1', { action: 'reorder' } as never).catch(
      (caught: unknown) => toPartnerApiError(caught),
    );
    expect(error).toMatchObject({ status: 503, code: 'temporal_unavailable' });
  });
});

describe('a notification sent again, retried with its Idempotency-Key', () => {
  it("answers with the first run's outcome instead of 500", async () => {
    const notification = { id: 'honeybee-order-HB1:shipped', type: 'order.shipped', occurredAt: 't', data: {} };
    const client = {
      withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
      workflow: {
        getHandle: (workflowId: string) => ({
          workflowId,
          query: async () => ({ parked: [notification], batches: [] }),
          result: async () => ({ delivered: true }),
        }),
        start: async (_type: unknown, options: { workflowId: string }) => {
          throw new WorkflowExecutionAlreadyStartedError('already started', options.workflowId, 'type');
        },
        execute: async (_type: unknown, options: { workflowId: string }) => {
          throw new WorkflowExecutionAlreadyStartedError('already started', options.workflowId, 'type');
        },
      },
    } as unknown as Client;
    const call = {
      ...callOf(client, { notificationTargetUrl: 'https://partner.example/hooks' }),
      idempotent: { updateId: 'key-1' },
    } as unknown as CallContext;
    const answer = await resendOne(call, notification.id, { operator: 'ops', reason: 'lost' });
    expect(answer).toEqual({
      notificationId: notification.id,
      workflowId: 'partner-notification-resend-key-1',
      delivered: true,
    });
  });

  it('answers a start that met a running workflow 409, not 500', () => {
    const error = toPartnerApiError(new WorkflowExecutionAlreadyStartedError('already started', 'w', 'type'));
    expect(error).toMatchObject({ status: 409, code: 'already_started' });
  });
});

/** A namespace of its own (the retention is cached per namespace) whose retention is `days`. */
const retention = (namespace: string, days: number) => ({
  options: { namespace },
  workflowService: {
    describeNamespace: async () => ({ config: { workflowExecutionRetentionTtl: { seconds: days * 86_400 } } }),
  },
});

describe('a minute of the feed that did not complete', () => {
  it('answers 409 feed_gap naming the minute and the cursor after it, not 500', async () => {
    const client = {
      ...retention('feed-gap', 0),
      withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
      workflow: { getHandle: () => ({ describe: async () => ({ status: { name: 'TERMINATED' }, raw: {} }) }) },
    } as unknown as Client;
    const error = await eventsPage(callOf(client), { after: encodeCursor({ m: 1_000, s: 0 }), limit: 10 }).catch(
      (caught: unknown) => toPartnerApiError(caught),
    );
    expect(error).toMatchObject({ status: 409, code: 'feed_gap' });
    expect((error as Error).message).toContain(`cursor ${encodeCursor({ m: 1_001, s: 0 })}`);
  });
});

describe('a value nested without bound', () => {
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it('is found by a walk that keeps its own stack, however deep', () => {
    let value: unknown = [];
    for (let level = 0; level < 200_000; level += 1) value = [value];
    expect(jsonValueProblem(value)).toBe('nested deeper than 16 levels');
    expect(jsonValueProblem({ a: [1, 'x', null, { b: true }] })).toBeUndefined();
    expect(jsonValueProblem(Array.from({ length: 5_000 }, () => 0))).toBe('more than 2000 values');
  });

  it('is refused in fields, a lab address and the update validator schema, naming the problem', () => {
    const value = JSON.parse(deep(5_000)) as unknown;
    const resolution = { action: 'override_allergy', fields: { note: value }, operator: 'a', reason: 'b' };
    const refused = resolutionBody.safeParse(resolution);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['fields']);
    expect(refused.error?.issues[0]?.message).toContain('nested');
    expect(
      labResolutionBody.safeParse({ action: 'resubmit', operator: 'a', reason: 'b', address: { street1: value } })
        .success,
    ).toBe(false);
    expect(resolveExceptionUpdate.strict?.safeParse(resolution).success).toBe(false);
    expect(
      resolutionBody.safeParse({ ...resolution, fields: { note: 'fine', address: { street1: 'x' } } }).success,
    ).toBe(true);
  });

  it('in a body answers 400 naming the problem, not 500', async () => {
    const key = 'k'.repeat(32);
    const app = Fastify();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(['application/json'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    registerPartnerApi(app, {
      // Nowhere: the body is refused before anything is sent.
      client: createLazyClient(
        loadConfig({ PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`, TEMPORAL_ADDRESS: '127.0.0.1:1' }),
      ),
      taskQueue: 'q',
      labSettings: {} as never,
      honeybeeSettings: {} as never,
      parkedEvents: () => ({}) as never,
      apiKeys: [{ name: 't', scopes: ['read', 'operate', 'admin'], key, legacy: false }],
      metrics: createBridgeMetrics(),
      rateLimit: { max: 100, timeWindowMs: 60_000 },
      bodyLimitBytes: 65_536,
      idempotencyTtlMs: 1_000,
    });
    const answer = await app.inject({
      method: 'POST',
      url: '/api/orders/HB1/resolution',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: `{"action":"override_allergy","fields":{"note":${deep(5_000)}},"operator":"dr.lee","reason":"r"}`,
    });
    await app.close();
    expect(answer.statusCode).toBe(400);
    const { error } = answer.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('nested');
  });

  it('that reaches the payload converter answers 400', () => {
    const error = toPartnerApiError(new ValueError('Unable to convert [object Object] to payload'));
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
  });
});

describe('cursors and starting points of the notification listings', () => {
  const parked = Array.from({ length: 10 }, (_, index) => ({ id: `n${index}`, type: 't', occurredAt: 't', data: {} }));
  const withDeadline = <T>(_deadline: number, fn: () => Promise<T>) => fn();
  const targetClient = {
    withDeadline,
    workflow: { getHandle: () => ({ query: async () => ({ parked, batches: [] }) }) },
  } as unknown as Client;
  const undelivered = (cursor: string) =>
    undeliveredPage(callOf(targetClient, { notificationTargetUrl: 'https://partner.example/hooks' }), {
      limit: 100,
      cursor,
    }).catch((caught: unknown) => toPartnerApiError(caught));

  it('refuses a cursor from another listing, or a negative offset, as 400 invalid_cursor', async () => {
    expect(await undelivered(encodeCursor({ f: 'AAAAAAAAAAAAAAAA', o: 3 }))).toMatchObject({
      status: 400,
      code: 'invalid_cursor',
    });
    expect(await undelivered(encodeCursor({ o: -4 }))).toMatchObject({ status: 400, code: 'invalid_cursor' });
    expect(await undelivered(encodeCursor({ o: 3 }))).toMatchObject({ items: parked.slice(3) });
  });

  it("refuses a listing's updatedSince cursor as the feed's", async () => {
    const feedClient = { ...retention('cursor', 0), withDeadline } as unknown as Client;
    const error = await eventsPage(callOf(feedClient), {
      after: encodeCursor({ f: 'AAAAAAAAAAAAAAAA', m: 100, s: 0 }),
      limit: 10,
    }).catch((caught: unknown) => toPartnerApiError(caught));
    expect(error).toMatchObject({ status: 400, code: 'invalid_cursor' });
  });

  it('starts the feed no earlier than the namespace keeps it, however far back `since` is', async () => {
    const described: number[] = [];
    const client = {
      ...retention('since', 3),
      withDeadline,
      workflow: {
        getHandle: (workflowId: string) => ({
          describe: async () => {
            described.push(Number(workflowId.split('-').at(-1)));
            throw new WorkflowNotFoundError('not found', workflowId, undefined);
          },
        }),
      },
    } as unknown as Client;
    await eventsPage(callOf(client), { since: '1970-01-01T00:00:00Z', limit: 10 });
    expect(Math.min(...described)).toBeGreaterThanOrEqual(Math.floor((Date.now() - 3 * 86_400_000) / 60_000) - 1);
  });
});
