// The partner API through a real bridge process: bearer authentication, validation errors in one JSON shape, 404
// for unknown workflows, an update refused with the workflow's reason (409), status reads, the OpenAPI document and
// its docs page; plus /readyz and /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHoneybeeWebhook } from '../../src/vendors/honeybee/webhook-auth.js';
import { startEngine, type EngineProcesses } from '../harness/engine.js';

const KEY = 'partner-api-test-key';
const CLIENT_SECRET = 'partner-api-test-secret';

describe('partner API', () => {
  let engine: EngineProcesses;
  const prescriptionId = String(8_000_000 + Math.floor(Math.random() * 1_000_000));

  beforeAll(async () => {
    engine = await startEngine({ PARTNER_API_KEYS: `old-key,${KEY}`, HONEYBEE_CLIENT_SECRET: CLIENT_SECRET });
    const body = JSON.stringify({
      event_id: `evt-${prescriptionId}`,
      event_type: 'RX_RECEIVED',
      patient_id: 5,
      medication_requests: [{ id: Number(prescriptionId) }],
    });
    const signature = signHoneybeeWebhook(CLIENT_SECRET, {
      method: 'POST',
      url: 'http://127.0.0.1:3000/webhooks/honeybee',
      body: Buffer.from(body),
    });
    const response = await fetch(`${engine.bridgeUrl}/webhooks/honeybee`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-honeybee-signature': signature },
      body,
    });
    expect(response.status).toBe(200);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const api = (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const { key = KEY, ...rest } = init;
    return fetch(`${engine.bridgeUrl}${path}`, {
      ...rest,
      headers: {
        ...(rest.body ? { 'content-type': 'application/json' } : {}),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(rest.headers as Record<string, string> | undefined),
      },
    });
  };

  it('requires a valid bearer key (any configured one)', async () => {
    const missing = await api(`/api/prescriptions/${prescriptionId}`, { key: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await api(`/api/prescriptions/${prescriptionId}`, { key: 'wrong' })).status).toBe(401);
    expect((await api(`/api/prescriptions/${prescriptionId}`, { key: 'old-key' })).status).toBe(200);
  });

  it('reads a prescription status', async () => {
    const response = await api(`/api/prescriptions/${prescriptionId}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      workflowId: string;
      execution: string;
      status: { prescriptionId: string };
    };
    expect(body.workflowId).toBe(`honeybee-rx-${prescriptionId}`);
    expect(body.execution).toBe('RUNNING');
    expect(body.status.prescriptionId).toBe(prescriptionId);
  });

  it('answers 404 for an unknown workflow and 400 with the issues for a bad request', async () => {
    const unknown = await api('/api/prescriptions/999999999');
    expect(unknown.status).toBe(404);
    const badPath = await api('/api/prescriptions/not%20an%20id');
    expect(badPath.status).toBe(400);
    const invalid = await api(`/api/prescriptions/${prescriptionId}/fill-approvals`, {
      method: 'POST',
      body: JSON.stringify({ fillNumber: -1, extra: true }),
    });
    expect(invalid.status).toBe(400);
    const error = ((await invalid.json()) as { error: { code: string; issues: { path: string }[] } }).error;
    expect(error.code).toBe('invalid_request');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['(root)', 'approvedBy', 'fillNumber']);
    const malformed = await api(`/api/prescriptions/${prescriptionId}/fill-approvals`, {
      method: 'POST',
      body: '{"approvedBy": ',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('malformed_json');
    // Not an order identifier (a dot): 400. One of the right shape that no lab order has (the engine's own, or one it
    // follows): 404.
    const badLab = await api('/api/lab-orders/not.ours');
    expect(badLab.status).toBe(400);
    expect((await api('/api/lab-orders/O99999999')).status).toBe(404);
  });

  it("answers a fill approval the workflow cannot use with 409 and the workflow's reason, and changes nothing", async () => {
    // Fills need no approval under HONEYBEE_FILL_APPROVAL=automatic (the default): the update's validator says so.
    const response = await api(`/api/prescriptions/${prescriptionId}/fill-approvals`, {
      method: 'POST',
      body: JSON.stringify({ approvedBy: 'billing-service', paymentReference: 'pay_123' }),
    });
    expect(response.status).toBe(409);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('wrong_state');
    expect(error.message).toMatch(/fills need no approval here/);
    const read = (await (await api(`/api/prescriptions/${prescriptionId}`)).json()) as {
      status: { approvedFills: number[]; decisions: unknown[] };
    };
    expect(read.status.approvedFills).toEqual([]);
    expect(read.status.decisions).toEqual([]);
    const toUnknown = await api('/api/prescriptions/999999998/fill-approvals', {
      method: 'POST',
      body: JSON.stringify({ approvedBy: 'billing-service' }),
    });
    expect(toUnknown.status).toBe(404);
  });

  it('serves its OpenAPI document and a docs page without a key', async () => {
    const document = await fetch(`${engine.bridgeUrl}/api/openapi.json`);
    expect(document.status).toBe(200);
    const body = (await document.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toContain('/api/prescriptions/{prescriptionId}/fill-approvals');
    const page = await fetch(`${engine.bridgeUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('/api/prescriptions/{prescriptionId}/fill-approvals');
  });

  it('reports readiness and Prometheus metrics', async () => {
    const ready = await fetch(`${engine.bridgeUrl}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${engine.bridgeUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /fulfill_webhooks_total\{vendor="honeybee",event_type="RX_RECEIVED",outcome="delivered"\} 1/,
    );
    expect(metrics).toMatch(/fulfill_signal_with_start_seconds_count\{vendor="honeybee",result="accepted"\} 1/);
    expect(metrics).toMatch(
      /fulfill_partner_api_requests_total\{route="\/api\/prescriptions\/:prescriptionId",method="GET",status="401"\} 2/,
    );
  });
});
