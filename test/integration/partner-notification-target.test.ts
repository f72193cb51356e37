// A partner notification target that keeps failing, on the whole stack (sandbox, worker, bridge, Temporal), with
// PARTNER_WEBHOOK_DISABLE_AFTER shortened to seconds:
// - the sandbox partner answers every notification 503; after the disable period the target is disabled, the
//   notifications raised from then on are parked (kept, not sent), and the prescription still completes instead of
//   waiting on a dead endpoint; the bridge's /metrics says so (the alert);
// - once the partner is back, an admin key's resend enables the target and re-sends every parked notification in
//   order: the partner receives each one, signed so that it verifies with the secret it holds, while the engine signs
//   with two (a rotation under way); `fulfill notifications status` and the metrics show the target healthy again, and
//   the history records which key asked for the resend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationTargetWorkflowId } from '../../src/partner/notification-target.js';
import { targetStateQuery, type TargetState } from '../../workflows/notifications/messages.js';
import { jsonOf, runFulfill } from '../harness/fulfill-cli.js';
import { firstPrescriptionId, partnerNotifications, pollUntil, waitForClose } from '../harness/honeybee.js';
import { startStack, type EngineStack } from '../harness/stack.js';

const PARTNER_SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const NEXT_SECRET = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;
const ADMIN_KEY = 'admin-key-0123456789abcdef';

describe('a failing partner notification target', () => {
  let stack: EngineStack;
  let targetId: string;
  let prescriptionId: string;
  /** The undelivered list's ids, in its order, as the partner API gave them before the resend. */
  let listedUndelivered: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      engine: {
        HONEYBEE_WORKFLOW_MODE: 'partner_requested',
        PARTNER_WEBHOOK_DISABLE_AFTER: '3s',
        // The engine is rotating its secret: it signs with the new and the old one; the partner still holds the old.
        PARTNER_WEBHOOK_SECRETS: `${NEXT_SECRET},${PARTNER_SECRET}`,
        PARTNER_API_KEYS: `partner-ops:admin:${ADMIN_KEY}`,
      },
      sandbox: { SANDBOX_STEP_DELAY: '1s', PARTNER_WEBHOOK_SECRETS: PARTNER_SECRET },
    });
    targetId = notificationTargetWorkflowId(stack.env.PARTNER_WEBHOOK_URL!);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const targetState = () => stack.client.workflow.getHandle(targetId).query(targetStateQuery);
  const metrics = async () => (await fetch(`${stack.bridgeUrl}/metrics`)).text();
  /**
   * The bridge's metrics once `ready` holds. Its target gauges query the target at scrape time with a 2 s deadline and
   * keep their last value when the query is late (a loaded CI server has taken 7 s to answer one).
   */
  const metricsOnce = (what: string, ready: (text: string) => boolean) => pollUntil(what, metrics, ready, 30_000);

  it('is disabled after failing for the disable period; notifications are parked and the prescription completes', async () => {
    await stack.control.addFault({ endpoint: 'partner.notifications', rate503: 1 });
    prescriptionId = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));

    const disabled = await pollUntil<TargetState>('the target disabled', targetState, (s) => !!s.disabledAt, 90_000);
    expect(disabled.failingSince).toBeDefined();
    expect(Date.parse(disabled.disabledAt!) - Date.parse(disabled.failingSince!)).toBeGreaterThanOrEqual(3_000);
    expect(disabled.lastFailure).toMatch(/answered 503/);

    // Parking lets the workflows move on: the prescription completes although the partner heard nothing.
    expect(await waitForClose(stack.client, `honeybee-rx-${prescriptionId}`, 120_000)).toBe('COMPLETED');
    // Its order's last notification may still be on its way to the target when the prescription closes: every
    // notification is parked once the order workflow has closed too (it closes after its notifications).
    const { recordedOrders } = await stack.client.workflow
      .getHandle<() => Promise<{ recordedOrders: string[] }>>(`honeybee-rx-${prescriptionId}`)
      .result();
    for (const orderNumber of recordedOrders) await waitForClose(stack.client, `honeybee-order-${orderNumber}`);
    const parked = await pollUntil<TargetState>('notifications parked', targetState, (s) => s.parked >= 3, 60_000);
    expect(await partnerNotifications(stack.control, { prescriptionId })).toEqual([]);

    const text = await metricsOnce('the target gauges read', (body) =>
      /^fulfill_partner_notifications_target_disabled 1$/m.test(body),
    );
    expect(text).toMatch(/^fulfill_partner_notifications_target_disabled 1$/m);
    expect(text).toMatch(new RegExp(`^fulfill_partner_notifications_parked ${parked.parked}$`, 'm'));
    expect(Number(/^fulfill_partner_notifications_target_failing_seconds (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(3);
  });

  it('the partner API lists the parked notifications as undelivered, in the order a resend sends them', async () => {
    const parked = await targetState();
    const page = async (query: string) => {
      const response = await fetch(`${stack.bridgeUrl}/api/notifications/undelivered?${query}`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { items: { id: string; type: string }[]; nextCursor: string | null };
    };
    const { items } = await page('limit=100');
    expect(items).toHaveLength(parked.parked);
    expect(items.every((item) => item.id.startsWith(`honeybee-`))).toBe(true);
    // Paging with a cursor walks the same list.
    const paged: string[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const next = await page(`limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      paged.push(...next.items.map((item) => item.id));
      cursor = next.nextCursor;
    }
    expect(paged).toEqual(items.map((item) => item.id));
    listedUndelivered = paged;
  });

  it('an admin resend, once the partner is back, re-sends every parked notification in order', async () => {
    const before = await targetState();
    await stack.control.clearFaults();
    // Only an admin key may resend; the body says who and why, like any operator action.
    const response = await fetch(`${stack.bridgeUrl}/api/notifications/target/resend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operator: 'ops-on-call', reason: 'partner fixed their endpoint' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as TargetState).disabledAt).toBeUndefined();

    const done = await pollUntil<TargetState>(
      'the resend finished',
      targetState,
      (s) => !s.redelivering && s.resumes.length > 0,
      60_000,
    );
    expect(done.parked).toBe(0);
    expect(done.resumes.at(-1)).toMatchObject({
      operator: 'ops-on-call',
      reason: 'partner fixed their endpoint',
      redelivered: before.parked,
    });

    // The partner got them all, verified with the one secret it holds, oldest first, each once.
    const received = await pollUntil(
      'the re-sent notifications received',
      () => partnerNotifications(stack.control, { prescriptionId }),
      (list) => list.some((notification) => notification.type === 'prescription.completed'),
      30_000,
    );
    expect(received.every((notification) => notification.verified)).toBe(true);
    const types = received.map((notification) => notification.type);
    expect(types.indexOf('prescription.matched')).toBeLessThan(types.indexOf('prescription.completed'));
    expect(new Set(received.map((notification) => notification.webhookId)).size).toBe(received.length);
    // Raised by concurrent workflows, they were parked in the order they reached the target (not always the order
    // of their occurredAt); the undelivered list shows that order, and the resend keeps it.
    const listed = new Set(listedUndelivered);
    const { notifications } = await stack.control.notifications();
    const resent = notifications
      .filter((notification) => notification.verified && !notification.duplicate)
      .map((notification) => notification.webhookId)
      .filter((id): id is string => id !== null && listed.has(id));
    expect(resent).toEqual(listedUndelivered);

    // The resend's sender, as Temporal recorded it: the admin key's name.
    const history = await stack.client.workflow.getHandle(targetId).fetchHistory();
    const resume = history.events?.find((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
    expect(resume?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.identity).toBe(
      'partner-api:partner-ops',
    );

    const status = await runFulfill(['notifications', 'status', '--json'], {
      ...stack.env,
      LOG_LEVEL: 'warn',
    });
    expect(status.code, status.stderr).toBe(0);
    expect(jsonOf<TargetState>(status)).toMatchObject({ parked: 0, redelivering: false });
    expect(jsonOf<TargetState>(status).disabledAt).toBeUndefined();
    const healthy = await metricsOnce('the target gauges read again', (body) =>
      /^fulfill_partner_notifications_target_disabled 0$/m.test(body),
    );
    expect(healthy).toMatch(/^fulfill_partner_notifications_parked 0$/m);
  });
});
