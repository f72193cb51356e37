// The partner API's controls, through real bridge processes on the whole stack (sandbox, worker, Temporal):
// - keys with names and scopes: a read key reads but may not act (403), an operate key acts, and Temporal records
//   the key's name as the identity of what it sent (the audit shows it beside the operator name in the body);
// - the Bearer scheme in any case;
// - Idempotency-Key on a POST: a retry gets the first answer back (marked replayed), from another bridge process after
//   a restart too, and the signal reached the workflow once; the same key with another body is refused; a resolution's
//   update carries an id derived from the key, so Temporal applies a retried update once;
// - requests per key are rate-limited (429 with Retry-After; another key is unaffected), and large bodies refused (413).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveExceptionUpdate } from '../../workflows/shared/operator-messages.js';
import type { EngineProcess } from '../../src/runtime/child-process.js';
import { firstPrescriptionId, orderOf, waitForOrder, waitForPrescription } from '../harness/honeybee.js';
import { startBridgeProcess } from '../harness/engine.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import { historyOf } from '../harness/temporal.js';

const READER = 'reader-key-0123456789abcdef';
const OPERATOR = 'operator-key-0123456789abcdef';
const BURST = 'burst-key-0123456789abcdef';

describe('partner API controls', () => {
  let stack: EngineStack;
  let bridgeUrl: string;
  let secondBridge: EngineProcess | undefined;
  let prescriptionId: string;
  let orderNumber: string;

  beforeAll(async () => {
    stack = await startStack({
      engine: {
        HONEYBEE_WORKFLOW_MODE: 'partner_requested',
        HONEYBEE_FILL_APPROVAL: 'partner',
        PARTNER_API_KEYS: `acme-reader:read:${READER},acme-backend:operate:${OPERATOR},acme-burst:operate:${BURST}`,
        PARTNER_API_RATE_LIMIT: '12',
        PARTNER_API_RATE_WINDOW: '10m',
        PARTNER_API_BODY_LIMIT_BYTES: '2048',
      },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
    });
    bridgeUrl = stack.bridgeUrl;
  });

  afterAll(async () => {
    await secondBridge?.stop();
    await stack?.stop();
  });

  const api = (
    path: string,
    key: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${bridgeUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined
        ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }
        : {}),
    });

  const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

  it('scopes: a read key reads but may not act; an operate key acts and Temporal records its name', async () => {
    prescriptionId = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
    await awaitingApproval(stack, prescriptionId);

    const read = await api(`/api/prescriptions/${prescriptionId}`, READER);
    expect(read.status).toBe(200);
    const refused = await api(`/api/prescriptions/${prescriptionId}/fill-approvals`, READER, {
      method: 'POST',
      body: { approvedBy: 'billing' },
    });
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('forbidden');

    // Bearer in any case.
    for (const scheme of ['bearer', 'BEARER']) {
      const response = await fetch(`${bridgeUrl}/api/prescriptions/${prescriptionId}`, {
        headers: { authorization: `${scheme} ${READER}` },
      });
      expect(response.status, scheme).toBe(200);
    }
  });

  it('Idempotency-Key: a retry gets the first answer, across a bridge restart, and the update arrived once', async () => {
    const path = `/api/prescriptions/${prescriptionId}/fill-approvals`;
    const body = { approvedBy: 'billing', paymentReference: 'pay_1' };
    const headers = { 'idempotency-key': `approve-${prescriptionId}` };
    const first = await api(path, OPERATOR, { method: 'POST', body, headers });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    const firstBody = await first.text();

    const retry = await api(path, OPERATOR, { method: 'POST', body, headers });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(await retry.text()).toBe(firstBody);

    // Another bridge process (a restart, or a second copy behind the load balancer) knows the answer too.
    const second = await startBridgeProcess({ ...stack.env, BRIDGE_PORT: '0' });
    secondBridge = second.process;
    const elsewhere = await fetch(`${second.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get('idempotency-replayed')).toBe('true');

    const updates = (await historyOf(stack.client, `honeybee-rx-${prescriptionId}`)).filter(
      (event) =>
        event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'resolveExceptionUpdate',
    );
    expect(updates).toHaveLength(1);
    // The identity of the sender is the key's name, whatever `approvedBy` says.
    expect(updates[0]!.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.identity).toBe(
      'partner-api:acme-backend',
    );

    // The same key with another request is refused, and nothing is sent.
    const reused = await api(path, OPERATOR, { method: 'POST', body: { approvedBy: 'someone-else' }, headers });
    expect(reused.status).toBe(422);
    expect(await errorCode(reused)).toBe('idempotency_key_reused');
    const bad = await api(path, OPERATOR, { method: 'POST', body, headers: { 'idempotency-key': 'with space' } });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe('invalid_idempotency_key');
  });

  it("a resolution's update carries an id derived from the Idempotency-Key, so Temporal applies a retry once", async () => {
    const rx = firstPrescriptionId(await stack.control.runScenario('exception-74', { refills: 0 }));
    await approve(rx);
    orderNumber = await orderOf(stack.client, rx);
    await waitForOrder(stack.client, orderNumber, (state) => state.status === 'On Hold' && !!state.exception);
    const input = {
      action: 'override_allergy',
      fields: { prescriber_note: 'benefit outweighs risk' },
      operator: 'dr.lee',
      reason: 'prescriber confirmed by phone',
    };
    const resolved = await api(`/api/orders/${orderNumber}/resolution`, OPERATOR, {
      method: 'POST',
      body: input,
      headers: { 'idempotency-key': `resolve-${orderNumber}` },
    });
    expect(resolved.status).toBe(200);
    const { workflowId: _answeredBy, ...outcome } = (await resolved.json()) as Record<string, unknown>;

    const workflowId = `honeybee-order-${orderNumber}`;
    const accepted = () =>
      historyOf(stack.client, workflowId).then((events) =>
        events.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes),
      );
    const [event] = await accepted();
    const meta = event!.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.meta!;
    expect(meta.updateId).toMatch(/^partner-api-[0-9a-f]{40}$/);
    expect(meta.identity).toBe('partner-api:acme-backend');

    // A second bridge that lost the record would send the same update id: Temporal answers with the first outcome
    // and does not run the handler again.
    const again = await stack.client.workflow
      .getHandle(workflowId)
      .executeUpdate(resolveExceptionUpdate, { args: [input], updateId: meta.updateId! });
    expect(again).toEqual(outcome);
    expect(await accepted()).toHaveLength(1);
  });

  it('refuses a body over PARTNER_API_BODY_LIMIT_BYTES with 413, and a body that is not JSON with 415', async () => {
    const response = await api(`/api/prescriptions/${prescriptionId}/refill-requests`, OPERATOR, {
      method: 'POST',
      body: { requestedBy: 'x'.repeat(4096) },
    });
    expect(response.status).toBe(413);
    expect(await errorCode(response)).toBe('payload_too_large');
    const text = await api(`/api/prescriptions/${prescriptionId}/refill-requests`, OPERATOR, {
      method: 'POST',
      body: 'requestedBy=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(await errorCode(text)).toBe('unsupported_media_type');
  });

  it('rate-limits each key: 429 with Retry-After, while another key goes on', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let request = 0; request < 13; request += 1) {
      const response = await api(`/api/prescriptions/${prescriptionId}`, BURST);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.slice(0, 12).every((status) => status === 200)).toBe(true);
    expect(statuses[12]).toBe(429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorCode(limited!)).toBe('rate_limited');
    expect((await api(`/api/prescriptions/${prescriptionId}`, READER)).status).toBe(200);
  });

  async function approve(rx: string): Promise<void> {
    await awaitingApproval(stack, rx);
    const response = await api(`/api/prescriptions/${rx}/fill-approvals`, OPERATOR, {
      method: 'POST',
      body: { approvedBy: 'billing' },
    });
    expect(response.status).toBe(200);
  }
});

/** Until the prescription waits for the partner's fill approval. */
async function awaitingApproval(stack: EngineStack, prescriptionId: string): Promise<void> {
  await waitForPrescription(stack.client, prescriptionId, (state) => state.stage === 'AWAITING_FILL_APPROVAL');
}
