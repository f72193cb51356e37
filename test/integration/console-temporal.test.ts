// The operator console (src/console/plugin.ts) against the run's real dev server, through the bridge's own HTTP
// handling (fastify inject; no browser, no engine processes): a resolution sent, or a page asked, for a workflow that
// does not exist is answered 404 naming it, not 500.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildBridge } from '../../src/bridge/server.js';
import { loadConfig } from '../../src/config/env.js';
import { createLogger } from '../../src/observability/logger.js';
import { createLazyClient } from '../../src/temporal/client.js';
import { TEST_PAYLOAD_KEYS } from '../harness/payload-keys.js';
import { temporalAddress } from '../harness/temporal.js';

const OPERATE_KEY = 'console-temporal-key-0123456789';

describe('the console against Temporal', () => {
  const config = loadConfig({
    ENGINE_ENV: 'production',
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    PARTNER_API_KEYS: `coordinator:operate:${OPERATE_KEY}`,
  });
  const client = createLazyClient(config);
  const app = buildBridge({ config, client, logger: createLogger('bridge', 'silent') });
  afterAll(async () => {
    await app.close();
    await client.connection.close();
  });

  it('answers 404 naming the workflow when a resolution or a page names one that does not exist', async () => {
    const workflowId = `honeybee-order-missing-${randomUUID().slice(0, 8)}`;
    const bearer = { authorization: `Bearer ${OPERATE_KEY}` };
    const resolve = await app.inject({
      method: 'POST',
      url: `/console/workflows/${workflowId}/resolve`,
      headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ action: 'override_allergy', operator: 'Casey', reason: 'by phone' }).toString(),
    });
    const detail = await app.inject({ method: 'GET', url: `/console/workflows/${workflowId}`, headers: bearer });
    for (const answer of [resolve, detail]) {
      expect(answer.statusCode).toBe(404);
      expect(answer.body).toContain(`No workflow ${workflowId} in namespace ${config.TEMPORAL_NAMESPACE}.`);
    }
  });
});
