// Webhook delivery like a vendor's: redelivery with backoff after a 5xx or a timeout from the receiver (at-least-once),
// bounded attempts, every attempt recorded; the duplicate and reorder switches; targets changed at run time. Every
// copy verifies with the engine's verifiers. Redelivery backoff is 1 h of sandbox time here, so only the test's
// clock advances trigger it. Attempts wait 10 s for an answer (the in-process receiver answers at once, but a loaded
// CI machine can stall this process longer than a short timeout); the timeout test shortens it for its one attempt.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type InProcessSandbox } from '../harness/sandbox.js';
import { checkHoneybeeWebhook, checkOnegevityWebhook } from '../harness/webhook-checks.js';
import { startWebhookReceiver, type WebhookReceiver } from '../harness/webhook-receiver.js';

const ANSWER_TIMEOUT = '10s';

describe('sandbox webhook delivery', () => {
  let sandbox: InProcessSandbox;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sandbox = await startTestSandbox({
      BRIDGE_PUBLIC_URL: receiver.url,
      SANDBOX_WEBHOOK_BACKOFF: '1h',
      SANDBOX_WEBHOOK_BACKOFF_MAX: '4h',
      SANDBOX_WEBHOOK_TIMEOUT: ANSWER_TIMEOUT,
    });
  });

  afterEach(async () => {
    receiver.delayAnswers(0);
    await sandbox.control.configureWebhooks({
      duplicate: false,
      reorder: { enabled: false },
      maxAttempts: 8,
      timeout: ANSWER_TIMEOUT,
      targets: { honeybee: `${receiver.url}/webhooks/honeybee`, onegevity: `${receiver.url}/webhooks/onegevity` },
    });
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  const hookUrl = () => `${receiver.url}/webhooks/honeybee`;

  async function rxReceived(options = {}) {
    const result = await sandbox.control.runScenario('happy-path', options);
    const patientId = result.patient.honeybeePatientId as number;
    const [delivery] = await sandbox.control.waitForWebhooks({ eventType: 'RX_RECEIVED' }, (all) =>
      all.some((d) => d.body.includes(`"patient_id":${patientId},`) && d.state !== 'queued' && d.state !== 'in_flight'),
    );
    return { result, patientId, delivery };
  }

  const deliveryFor = async (patientId: number, eventType = 'RX_RECEIVED') => {
    const { deliveries } = await sandbox.control.webhooks({ eventType });
    const found = deliveries.filter((d) => d.body.includes(`"patient_id":${patientId},`));
    expect(found.length).toBeGreaterThan(0);
    return found;
  };

  it('redelivers after 503s from the receiver with growing backoff until it gets a 2xx', async () => {
    receiver.answerNext(503, 503);
    const { patientId } = await rxReceived();
    let [delivery] = await deliveryFor(patientId);
    expect(delivery).toMatchObject({ state: 'retry_scheduled', attempts: [{ attempt: 1, status: 503 }] });
    const firstRetryAt = Date.parse(delivery!.nextAttemptAt!);
    expect(firstRetryAt - Date.parse(delivery!.attempts[0]!.startedAt)).toBeGreaterThanOrEqual(3_600_000);

    await sandbox.control.advance('1h');
    [delivery] = await deliveryFor(patientId);
    expect(delivery?.attempts.map((attempt) => attempt.status)).toEqual([503, 503]);
    expect(Date.parse(delivery!.nextAttemptAt!) - firstRetryAt).toBeGreaterThanOrEqual(2 * 3_600_000);
    await sandbox.control.advance('1h');
    expect((await deliveryFor(patientId))[0]?.attempts.length).toBe(2);
    await sandbox.control.advance('1h');
    [delivery] = await deliveryFor(patientId);
    expect(delivery).toMatchObject({ state: 'delivered' });
    expect(delivery?.attempts.map((attempt) => attempt.status)).toEqual([503, 503, 200]);

    const copies = receiver.received.filter((hook) => hook.json.patient_id === patientId);
    expect(copies.map((hook) => hook.answered)).toEqual([503, 503, 200]);
    expect(new Set(copies.map((hook) => hook.body.toString())).size).toBe(1);
    for (const copy of copies) {
      expect(checkHoneybeeWebhook(sandbox.config, hookUrl(), copy.headers, copy.body)).toMatchObject({
        signature: true,
        secret: true,
        shape: true,
      });
    }
  });

  it('counts a receiver that does not answer in time as a failed attempt, and redelivers', async () => {
    await sandbox.control.configureWebhooks({ timeout: '300ms' });
    receiver.delayAnswers(2_000);
    const { patientId } = await rxReceived();
    let [delivery] = await deliveryFor(patientId);
    expect(delivery?.state).toBe('retry_scheduled');
    expect(delivery?.attempts[0]?.error).toBe('timeout after 300 ms');
    expect(delivery?.attempts[0]?.status).toBeUndefined();
    receiver.delayAnswers(0);
    await sandbox.control.configureWebhooks({ timeout: ANSWER_TIMEOUT });
    await sandbox.control.advance('1h');
    [delivery] = await deliveryFor(patientId);
    expect(delivery?.state).toBe('delivered');
    expect(delivery?.attempts.map((attempt) => attempt.status ?? attempt.error)).toEqual(['timeout after 300 ms', 200]);
  });

  it('gives up after the configured attempts, and records network errors', async () => {
    await sandbox.control.configureWebhooks({ maxAttempts: 2 });
    receiver.answerNext(500, 500);
    const { patientId } = await rxReceived();
    await sandbox.control.advance('1h');
    const [failed] = await deliveryFor(patientId);
    expect(failed).toMatchObject({ state: 'failed' });
    expect(failed?.attempts.map((attempt) => attempt.status)).toEqual([500, 500]);
    await sandbox.control.advance('4h');
    expect((await deliveryFor(patientId))[0]?.attempts.length).toBe(2);

    await sandbox.control.configureWebhooks({ targets: { honeybee: 'http://127.0.0.1:9/webhooks/honeybee' } });
    const unreachable = await rxReceived();
    const [refused] = await deliveryFor(unreachable.patientId);
    expect(refused?.target).toBe('http://127.0.0.1:9/webhooks/honeybee');
    expect(refused?.attempts[0]?.error).toMatch(/fetch failed/);
    const counters = await sandbox.control.counters();
    expect(counters.webhooks.honeybee.failed).toBeGreaterThanOrEqual(1);
  });

  it('signs for the target: a webhook sent to a changed URL verifies against that URL', async () => {
    const other = `${receiver.url}/hooks/other-path?partner=1`;
    await sandbox.control.configureWebhooks({ targets: { honeybee: other } });
    const { patientId } = await rxReceived();
    const copy = await receiver.waitFor((all) => all.some((hook) => hook.json.patient_id === patientId));
    const hook = copy.find((candidate) => candidate.json.patient_id === patientId)!;
    expect(hook.path).toBe('/hooks/other-path?partner=1');
    expect(checkHoneybeeWebhook(sandbox.config, other, hook.headers, hook.body).signature).toBe(true);
    expect(checkHoneybeeWebhook(sandbox.config, hookUrl(), hook.headers, hook.body).signature).toBe(false);
  });

  it('duplicate: every event is delivered twice, byte for byte', async () => {
    await sandbox.control.configureWebhooks({ duplicate: true });
    const { patientId } = await rxReceived();
    await receiver.waitFor((all) => all.filter((hook) => hook.json.patient_id === patientId).length >= 2);
    const copies = receiver.received.filter((hook) => hook.json.patient_id === patientId);
    expect(copies).toHaveLength(2);
    expect(copies[0]?.body.equals(copies[1]!.body)).toBe(true);
    expect(copies[0]?.json.event_id).toBe(copies[1]?.json.event_id);
    const deliveries = await deliveryFor(patientId);
    expect(deliveries[1]?.duplicateOf).toBe(deliveries[0]?.id);
  });

  it('reorder: holds a batch and delivers it in another order; flush releases what is held', async () => {
    await sandbox.control.configureWebhooks({ reorder: { enabled: true, batchSize: 4, window: '1h' } });
    const result = await sandbox.control.runScenario('happy-path', { mode: 'automatic' });
    const orderNumber = result.orderNumber!;
    const held = await sandbox.control.webhooks({ state: 'held' });
    expect(held.deliveries.map((d) => d.eventType)).toEqual(['RX_RECEIVED', 'RX_UPDATED']);
    await sandbox.control.holdOrder(orderNumber, 68);
    const patientId = result.patient.honeybeePatientId!;
    const sent = ['RX_RECEIVED', 'RX_UPDATED:Processing', 'RX_UPDATED:On Hold', 'ORDER_EXCEPTION'];
    await receiver.waitFor((all) => all.filter((hook) => hook.json.patient_id === patientId).length >= 4);
    const arrived = receiver.received
      .filter((hook) => hook.json.patient_id === patientId)
      .map((hook) => {
        const requests = hook.json.medication_requests as { medication_dispenses?: { order_status: string }[] }[];
        const status = requests?.[0]?.medication_dispenses?.[0]?.order_status;
        return status ? `${String(hook.json.event_type)}:${status}` : String(hook.json.event_type);
      });
    expect([...arrived].sort()).toEqual([...sent].sort());
    expect(arrived).not.toEqual(sent);

    await sandbox.control.configureWebhooks({ reorder: { enabled: true, batchSize: 10 } });
    const { patient } = await sandbox.control.runScenario('happy-path');
    expect((await sandbox.control.webhooks({ state: 'held' })).deliveries).toHaveLength(1);
    expect((await sandbox.control.flushWebhooks()).released).toBe(1);
    await receiver.waitFor((all) => all.some((hook) => hook.json.patient_id === patient.honeybeePatientId));
  });

  it('redelivers Onegevity webhooks the same way, each copy signed with the shared secret', async () => {
    receiver.answerNext(503);
    const { kitOrder } = await sandbox.control.runScenario('kit-happy-path', { createOrder: true });
    const orderIdentifier = kitOrder!.orderIdentifier;
    const [created] = await sandbox.control.waitForWebhooks(
      { vendor: 'onegevity', eventType: 'patient.created' },
      (all) => all.some((d) => d.state !== 'queued' && d.state !== 'in_flight'),
    );
    expect(created?.attempts[0]?.status).toBe(503);
    await sandbox.control.advance('1h');
    const copies = receiver.received.filter((hook) => hook.path === '/webhooks/onegevity');
    expect(
      copies.filter((hook) => hook.headers['x-onegevity-topic'] === 'patient.created').map((h) => h.answered),
    ).toEqual([503, 200]);
    expect(copies.some((hook) => hook.json.orderIdentifier === orderIdentifier)).toBe(true);
    for (const copy of copies) {
      expect(checkOnegevityWebhook(sandbox.config, copy.headers, copy.body)).toMatchObject({
        signature: true,
        shape: true,
      });
    }
  });
});
