// What the pipeline parks is what the dead letter takes: an authentic event whose reason or topic would be longer
// (the sender's own text: an unknown Honeybee event type of any length) is parked with both bounded, not refused by
// the dead-letter workflow's signal schema after a 202.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createBridgeMetrics } from '../../../src/bridge/metrics.js';
import type { TemporalDelivery } from '../../../src/bridge/temporal-delivery.js';
import { handleAuthenticWebhook, type VendorWebhookSpec } from '../../../src/bridge/webhook-pipeline.js';
import { routeHoneybeeEvent } from '../../../src/bridge/honeybee-routing.js';
import { honeybeeSettingsFromConfig, labSettingsFromConfig } from '../../../src/domain/workflow-settings.js';
import { loadConfig } from '../../../src/config/env.js';
import { WebhookSpool } from '../../../src/spool/webhook-spool.js';
import { parkedWebhookInput, type ParkedWebhook } from '../../../workflows/dead-letter/messages.js';

const config = loadConfig({});

const spec: VendorWebhookSpec = {
  vendor: 'honeybee',
  path: '/webhooks/honeybee',
  authenticate: () => ({ ok: true }),
  // As the Honeybee spec does: the event type as the sender wrote it.
  describe: (_request, payload) => (payload as { event_type: string }).event_type,
  route: (_request, payload, _body, context) => routeHoneybeeEvent(payload, context),
};

describe('webhook pipeline: parking', () => {
  it('parks an event whose reason and topic would be too long for the dead letter with both bounded', async () => {
    const parked: Omit<ParkedWebhook, 'bodyHash'>[] = [];
    const delivery: TemporalDelivery = {
      deliver: () => Promise.reject(new Error('not used')),
      park: async (entry) => {
        parked.push(entry);
        return 'dead-letter-honeybee-x';
      },
    };
    const body = Buffer.from(JSON.stringify({ event_id: 'e-1', event_type: `PRICE_${'X'.repeat(3_000)}` }));
    const lines: string[] = [];
    const log = Fastify({ logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } } }).log;
    const answer = await handleAuthenticWebhook(
      spec,
      { id: 'req-1', log, headers: {}, params: {}, body },
      {
        delivery,
        spool: new WebhookSpool('/nonexistent'),
        metrics: createBridgeMetrics(),
        routingContext: (requestId) => ({
          receivedAt: '2026-12-07T10:00:00.000Z',
          requestId,
          honeybeeSettings: honeybeeSettingsFromConfig(config),
          labSettings: labSettingsFromConfig(config),
          followUnknownLabOrders: config.ONEGEVITY_FOLLOW_UNKNOWN_ORDERS,
        }),
      },
    );
    expect(answer.status).toBe(202);
    expect(parked).toHaveLength(1);
    const entry = parked[0]!;
    expect(entry.reason).toMatch(/^no route for event type PRICE_X+…$/);
    expect(entry.reason).toHaveLength(2_000);
    expect(entry.topic).toHaveLength(200);
    const taken = parkedWebhookInput.safeParse({ ...entry, bodyHash: 'a'.repeat(64) });
    expect(taken.success, taken.error?.message).toBe(true);
    // The log line is bounded the same way: the type and the reason as the dead letter took them.
    const logged = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((l) => l.msg === 'webhook parked');
    expect(logged).toMatchObject({ eventType: entry.topic, reason: entry.reason });
  });
});
