// POST /webhooks/honeybee: authenticate → parse → route → signal-with-start → 200 once Temporal accepted.
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { prescriptionWorkflowId } from '../domain/workflow-ids.js';
import { authenticateHoneybeeWebhook, type HoneybeeWebhookAuthConfig } from '../vendors/honeybee/webhook-auth.js';
import { honeybeeEventSignal, type HoneybeeEventSignal } from '../../workflows/definitions.js';
import type { prescriptionWorkflow } from '../../workflows/prescription.js';

export interface HoneybeeWebhookRouteOptions {
  client: Client;
  taskQueue: string;
  auth: HoneybeeWebhookAuthConfig;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function registerHoneybeeWebhookRoute(app: FastifyInstance, options: HoneybeeWebhookRouteOptions): void {
  app.post('/webhooks/honeybee', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const auth = authenticateHoneybeeWebhook(options.auth, {
      method: request.method,
      body,
      signature: header(request.headers['x-honeybee-signature']),
      secret: header(request.headers['x-honeybee-secret']),
    });
    if (!auth.ok) {
      request.log.warn({ vendor: 'honeybee', reason: auth.reason }, 'webhook authentication failed');
      return reply.code(401).send({ error: { code: 'unauthorized', message: 'webhook authentication failed' } });
    }

    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return reply.code(400).send({ error: { code: 'malformed_json', message: 'the body is not valid JSON' } });
    }
    if (!isRecord(payload) || typeof payload.event_id !== 'string' || typeof payload.event_type !== 'string') {
      return reply
        .code(422)
        .send({ error: { code: 'invalid_event', message: 'event_id and event_type are required strings' } });
    }

    const prescriptionIds = Array.isArray(payload.medication_requests)
      ? payload.medication_requests.flatMap((item: unknown) =>
          isRecord(item) && (typeof item.id === 'number' || typeof item.id === 'string') ? [String(item.id)] : [],
        )
      : [];
    const signal: HoneybeeEventSignal = {
      eventId: payload.event_id,
      eventType: payload.event_type,
      receivedAt: new Date().toISOString(),
      requestId: request.id,
      payload,
    };
    await Promise.all(
      prescriptionIds.map((prescriptionId) =>
        options.client.workflow.signalWithStart<typeof prescriptionWorkflow, [HoneybeeEventSignal]>(
          'prescriptionWorkflow',
          {
            workflowId: prescriptionWorkflowId(prescriptionId),
            taskQueue: options.taskQueue,
            args: [{ prescriptionId }],
            signal: honeybeeEventSignal,
            signalArgs: [signal],
          },
        ),
      ),
    );
    request.log.info(
      { vendor: 'honeybee', eventId: signal.eventId, eventType: signal.eventType, workflows: prescriptionIds.length },
      'webhook accepted',
    );
    return reply.code(200).send({ accepted: prescriptionIds.map(prescriptionWorkflowId) });
  });
}
