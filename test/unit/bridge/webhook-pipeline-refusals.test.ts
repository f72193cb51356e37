// The webhook pipeline's answer to each kind of Temporal failure, with a delivery that fails on cue and a real spool
// directory: a permanent refusal is spooled first and answered with its status and the body's hash; a transient one,
// or a refusal the spool could not keep, is answered 503 + Retry-After so the vendor keeps the event.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createBridgeMetrics } from '../../../src/bridge/metrics.js';
import {
  TemporalRefusedError,
  TemporalUnavailableError,
  type TemporalDelivery,
} from '../../../src/bridge/temporal-delivery.js';
import { registerVendorWebhook, type VendorWebhookSpec } from '../../../src/bridge/webhook-pipeline.js';
import { honeybeeSettingsFromConfig, labSettingsFromConfig } from '../../../src/domain/workflow-settings.js';
import { loadConfig } from '../../../src/config/env.js';
import { bodyHash, WebhookSpool } from '../../../src/spool/webhook-spool.js';

const spec: VendorWebhookSpec = {
  vendor: 'honeybee',
  path: '/webhooks/honeybee',
  authenticate: () => ({ ok: true }),
  describe: () => 'RX_RECEIVED',
  route: () => ({
    kind: 'deliver',
    deliveries: [{ workflowId: 'w', workflowType: 't', startArgs: [], signalName: 's', signalArgs: [] }],
  }),
};

function bridge(failure: Error, spoolDirectory: string) {
  const app = Fastify();
  app.addContentTypeParser(['application/json'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const delivery: TemporalDelivery = {
    deliver: () => Promise.reject(failure),
    park: () => Promise.reject(new Error('not used')),
  };
  const metrics = createBridgeMetrics();
  const config = loadConfig({});
  registerVendorWebhook(app, spec, {
    delivery,
    spool: new WebhookSpool(spoolDirectory),
    metrics,
    routingContext: (requestId) => ({
      receivedAt: '2026-12-06T10:00:00.000Z',
      requestId,
      honeybeeSettings: honeybeeSettingsFromConfig(config),
      labSettings: labSettingsFromConfig(config),
      followUnknownLabOrders: config.ONEGEVITY_FOLLOW_UNKNOWN_ORDERS,
    }),
  });
  const post = (payload: string) =>
    app.inject({ method: 'POST', url: '/webhooks/honeybee', headers: { 'content-type': 'application/json' }, payload });
  return { app, post, metrics };
}

const BODY = '{"event_id":"e-1","event_type":"RX_RECEIVED"}';

describe('webhook pipeline: Temporal refusals', () => {
  it('spools a permanent refusal, then answers its status with the reason and the hash, and counts it', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'pipeline-')), 'spool');
    const refused = new TemporalRefusedError(
      'INVALID_ARGUMENT: Blob data size exceeds limit.',
      413,
      'payload_too_large',
      3,
    );
    const { post, metrics } = bridge(refused, directory);
    const answer = await post(BODY);
    expect(answer.statusCode).toBe(413);
    expect(answer.headers['retry-after']).toBeUndefined();
    expect(answer.json()).toEqual({
      error: {
        code: 'payload_too_large',
        message:
          'the event cannot be stored (INVALID_ARGUMENT: Blob data size exceeds limit.); it is kept in the bridge spool',
      },
      spooled: bodyHash(Buffer.from(BODY)),
    });
    const { events } = await new WebhookSpool(directory).list();
    expect(events).toMatchObject([{ hash: bodyHash(Buffer.from(BODY)), status: 413, code: 'payload_too_large' }]);
    expect((await new WebhookSpool(directory).readBody(bodyHash(Buffer.from(BODY)))).toString()).toBe(BODY);
    const counted = await metrics.spooledWebhooks.get();
    expect(counted.values).toEqual([{ labels: { vendor: 'honeybee', code: 'payload_too_large' }, value: 1 }]);
  });

  it('asks the vendor to retry (503 + Retry-After) when the spool cannot keep a refused event', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pipeline-')), 'not-a-directory');
    writeFileSync(file, 'x');
    const refused = new TemporalRefusedError('INVALID_ARGUMENT: bad', 422, 'invalid_argument', 3);
    const { post, metrics } = bridge(refused, join(file, 'spool'));
    const answer = await post(BODY);
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect((await metrics.spooledWebhooks.get()).values).toEqual([]);
  });

  it('answers a transient failure 503 + Retry-After and spools nothing', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'pipeline-')), 'spool');
    const { post } = bridge(new TemporalUnavailableError('UNAVAILABLE'), directory);
    const answer = await post(BODY);
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect((await new WebhookSpool(directory).list()).events).toEqual([]);
  });
});
