// The OpenAPI document is written from the operations the bridge registers: every partner API route is in it (and
// nothing else), its schemas are the ones the routes validate with, and the docs page shows every operation without
// loading anything from elsewhere.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../../src/config/env.js';
import { createBridgeMetrics } from '../../../src/bridge/metrics.js';
import { readFileSync } from 'node:fs';
import { docsPage } from '../../../src/bridge/partner-api/docs-page.js';
import { partnerApiReference, referenceIn } from '../../../src/bridge/partner-api/reference-doc.js';
import { jsonSchemaOf, openApiDocument } from '../../../src/bridge/partner-api/openapi.js';
import { PARTNER_API_OPERATIONS } from '../../../src/bridge/partner-api/operations/index.js';
import { registerPartnerApi } from '../../../src/bridge/partner-api/routes.js';
import { feedPage, undeliveredPage } from '../../../src/bridge/partner-api/responses.js';
import { partnerNotificationInput } from '../../../workflows/notifications/messages.js';
import { shipmentNotificationData } from '../../../workflows/honeybee/shipment-notifications.js';
import { createLazyClient } from '../../../src/temporal/client.js';

type Json = Record<string, unknown>;

async function registeredApiRoutes(): Promise<string[]> {
  const app = Fastify({ exposeHeadRoutes: false });
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (route.url.startsWith('/api')) routes.push(`${method} ${route.url}`);
  });
  const config = loadConfig({
    PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    TEMPORAL_ADDRESS: '127.0.0.1:1',
  });
  registerPartnerApi(app, {
    client: createLazyClient(config),
    taskQueue: 'q',
    labSettings: {} as never,
    honeybeeSettings: {} as never,
    parkedEvents: () => ({}) as never,
    apiKeys: [],
    metrics: createBridgeMetrics(),
    rateLimit: { max: 10, timeWindowMs: 1000 },
    bodyLimitBytes: 1000,
    idempotencyTtlMs: 1000,
  });
  await app.ready();
  await app.close();
  return routes;
}

describe('the OpenAPI document', () => {
  const document = openApiDocument() as { openapi: string; paths: Record<string, Record<string, Json>> };

  it('lists every route the bridge registers under /api, and no other', async () => {
    const registered = (await registeredApiRoutes()).filter(
      (route) => route !== 'GET /api/openapi.json' && route !== 'GET /api/docs',
    );
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(registered.length).toBeGreaterThan(10);
    expect([...registered].sort()).toEqual([...documented].sort());
    expect(document.openapi).toBe('3.1.0');
  });

  it("describes a notification's data as the engine sends it: a shipped order's shipments too", () => {
    const data = shipmentNotificationData([
      { trackingNo: '1Z1', trackingUrl: 'https://t/1', carrier: 'UPS', shippedAt: '2026-01-01T00:00:00Z' },
    ]);
    const event = { id: 'honeybee-order-HB1:shipped', type: 'order.shipped', occurredAt: '2026-01-01T00:00:00Z', data };
    expect(partnerNotificationInput.safeParse(event).success).toBe(true);
    const page = {
      events: [{ ...event, cursor: 'c', workflowId: 'honeybee-order-HB1' }],
      nextCursor: 'n',
      caughtUp: true,
    };
    expect(feedPage.safeParse(page).success).toBe(true);
    expect(undeliveredPage.safeParse({ items: [event], nextCursor: null }).success).toBe(true);
    expect(JSON.stringify(jsonSchemaOf(feedPage, 'output'))).toMatch(/"type":"array"[^\]]*"additionalProperties"/);
  });

  it("takes each operation's schemas from the operation itself", () => {
    for (const operation of PARTNER_API_OPERATIONS) {
      const entry = document.paths[operation.path]?.[operation.method.toLowerCase()] as Json;
      expect(entry.operationId).toBe(operation.operationId);
      expect(entry['x-scope']).toBe(operation.scope);
      const body = (entry.requestBody as { content: Record<string, { schema: unknown }> } | undefined)?.content[
        'application/json'
      ]?.schema;
      expect(body).toEqual(operation.body ? jsonSchemaOf(operation.body, 'input') : undefined);
      const params = ((entry.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'path');
      const wanted = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(params.map((p) => p.name)).toEqual(wanted);
      for (const [status, answer] of Object.entries(operation.responses)) {
        const documented = (entry.responses as Record<string, Json>)[status];
        const schema = (documented?.content as Record<string, { schema: unknown }> | undefined)?.['application/json']
          ?.schema;
        if (answer?.schema) expect(schema).toEqual(jsonSchemaOf(answer.schema, 'output'));
      }
    }
  });

  it('documents a field the route refuses as the route refuses it', () => {
    const approve = document.paths['/api/prescriptions/{prescriptionId}/fill-approvals']?.post as Json;
    const schema = (approve.requestBody as { content: Record<string, { schema: Json }> }).content['application/json']
      ?.schema;
    expect(schema?.additionalProperties).toBe(false);
    expect(schema?.required).toEqual(['approvedBy']);
    const list = document.paths['/api/prescriptions']?.get as { parameters: Json[] };
    const stage = list.parameters.find((p) => p.name === 'stage') as { schema: { enum: string[] } };
    expect(stage.schema.enum).toContain('AWAITING_PATIENT_MATCH');
  });

  it('renders a docs page that shows every operation and loads nothing from elsewhere', () => {
    const page = docsPage(document);
    for (const operation of PARTNER_API_OPERATIONS) {
      expect(page).toContain(`id="${operation.operationId}"`);
      expect(page).toContain(operation.path.replace(/[{}]/g, (c) => c));
    }
    expect(page).not.toMatch(/<script|<link|src=|@import|https?:\/\/(?!127)/i);
    expect(page).not.toContain('<b>undefined');
    expect(z.string().parse(page).startsWith('<!doctype html>')).toBe(true);
  });

  it('is what docs/PARTNER-API.md lists (npm run docs:partner-api rewrites it)', () => {
    const manual = readFileSync(new URL('../../../docs/PARTNER-API.md', import.meta.url), 'utf8');
    const section = referenceIn(manual);
    expect(section, 'docs/PARTNER-API.md lost its operations section markers').toBeDefined();
    const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
    expect(normalise(section ?? ''), 'run `npm run docs:partner-api`').toBe(normalise(partnerApiReference(document)));
    for (const operation of PARTNER_API_OPERATIONS) {
      expect(manual).toContain(`#### \`${operation.method} ${operation.path}\``);
    }
  });
});
