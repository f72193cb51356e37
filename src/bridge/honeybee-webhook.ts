// POST /webhooks/honeybee: authenticate → parse → route → signal-with-start → 200 once Temporal accepted.
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { HoneybeeWorkflowSettings, LabWorkflowSettings } from '../domain/workflow-settings.js';
import { authenticateHoneybeeWebhook, type HoneybeeWebhookAuthConfig } from '../vendors/honeybee/webhook-auth.js';
import { routeHoneybeeEvent } from './honeybee-routing.js';

export interface HoneybeeWebhookRouteOptions {
  client: Client;
  taskQueue: string;
  auth: HoneybeeWebhookAuthConfig;
  honeybeeSettings: HoneybeeWorkflowSettings;
  labSettings: LabWorkflowSettings;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
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
    const routing = routeHoneybeeEvent(payload, {
      receivedAt: new Date().toISOString(),
      requestId: request.id,
      honeybeeSettings: options.honeybeeSettings,
      labSettings: options.labSettings,
    });
    if (routing.kind === 'park') {
      return reply.code(422).send({ error: { code: 'unroutable', message: routing.reason } });
    }
    await Promise.all(
      routing.deliveries.map((delivery) =>
        options.client.workflow.signalWithStart(delivery.workflowType, {
          workflowId: delivery.workflowId,
          taskQueue: options.taskQueue,
          args: delivery.startArgs,
          signal: delivery.signalName,
          signalArgs: delivery.signalArgs,
        }),
      ),
    );
    request.log.info({ vendor: 'honeybee', workflows: routing.deliveries.length }, 'webhook accepted');
    return reply.code(200).send({ accepted: routing.deliveries.map((delivery) => delivery.workflowId) });
  });
}
