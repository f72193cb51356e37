// Lab-kit orders end to end: the sandbox's Onegevity, the bridge and the worker as separate processes against the
// run's dev server. Orders start through startLabOrder (what the partner API and `fulfill lab order` call); the
// sandbox moves one step per `advance(1h)`, its webhooks reach the workflows through the bridge, and the partner's
// notifications land in the sandbox inbox. Several orders run side by side in one stack to keep the suite short.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../../src/config/env.js';
import { deadLetterWorkflowId, labOrderWorkflowId } from '../../src/domain/workflow-ids.js';
import { engineKey } from '../../src/temporal/engine-key.js';
import { labSettingsFromConfig, type LabWorkflowSettings } from '../../src/domain/workflow-settings.js';
import type { LabOrderRequestInput } from '../../src/lab/lab-order-request.js';
import { LabOrderConflictError, startLabOrder, type StartedLabOrder } from '../../src/lab/start-lab-order.js';
import type { ReceivedNotification, ScenarioResult } from '../../src/sandbox/control/types.js';
import { cancelSignal } from '../../workflows/shared/operator-messages.js';
import { labOrderStatusQuery, resolveLabExceptionUpdate, type LabOrderStatus } from '../../workflows/lab/messages.js';
import { parkedWebhooksQuery } from '../../workflows/dead-letter/messages.js';
import { EscalationLevel, FulfillmentStage, LabOrderId, NeedsOperator } from '../../workflows/search-attributes.js';
import { createTestNamespace, type TestNamespace } from '../harness/namespaces.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import { OnegevityHttp } from '../harness/vendor-http.js';

// One sandbox step per advance. Vendor tokens live 1 h of sandbox time: steps well below that keep a token the
// engine has just fetched from expiring under a single advance while its request is on the way.
const STEP = '20m';

let stack: EngineStack;
let testNamespace: TestNamespace;
let client: Client;
let settings: LabWorkflowSettings;
let onegevity: OnegevityHttp;

beforeAll(async () => {
  // Its own namespace: this engine parks webhooks, and dead-letter workflows are shared per namespace.
  testNamespace = await createTestNamespace('lab-orders');
  client = testNamespace.client;
  stack = await startStack({
    engine: { TEMPORAL_NAMESPACE: testNamespace.namespace, ORDER_RECONCILE_INTERVAL: '1h' },
    sandbox: { SANDBOX_STEP_DELAY: STEP },
  });
  settings = labSettingsFromConfig(loadConfig(stack.env));
  onegevity = new OnegevityHttp(stack.sandbox.url);
});
afterAll(async () => {
  await stack?.stop();
  await testNamespace?.close();
});

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  let last: T | undefined;
  let failure: unknown;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (error) {
      // A workflow started by a signal-with-start may not answer queries until its first task ran.
      failure = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(last)} ${failure instanceof Error ? failure.message : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Flow {
  scenario: ScenarioResult;
  patientIdentifier: string;
  started: StartedLabOrder;
  handle: WorkflowHandle;
}

function requestFor(scenario: ScenarioResult, extra: Partial<LabOrderRequestInput> = {}): LabOrderRequestInput {
  const patientIdentifier = scenario.patient.patientIdentifier as string;
  const info = scenario.patientInformation;
  if (!info) throw new Error('kit scenarios return the patient information');
  return {
    patientIdentifier,
    patientInformation: { ...info, address: { ...info.address } },
    ...extra,
  };
}

async function startFlow(
  scenarioName: string,
  options: Record<string, unknown> = {},
  extra: Partial<LabOrderRequestInput> = {},
): Promise<Flow> {
  return startFlowFor(await stack.control.runScenario(scenarioName, options), extra);
}

async function startFlowFor(scenario: ScenarioResult, extra: Partial<LabOrderRequestInput> = {}): Promise<Flow> {
  const request = requestFor(scenario, extra);
  const started = await startLabOrder(client, stack.env.TEMPORAL_TASK_QUEUE as string, request, settings);
  return {
    scenario,
    patientIdentifier: request.patientIdentifier,
    started,
    handle: client.workflow.getHandle(started.workflowId),
  };
}

const status = (flow: Flow) => flow.handle.query(labOrderStatusQuery);
const until = (flow: Flow, ok: (value: LabOrderStatus) => boolean, what: string) =>
  eventually(() => status(flow), ok, `${flow.started.orderIdentifier} ${what}`);

async function isCompleted(flow: Flow): Promise<boolean> {
  return (await flow.handle.describe()).status.name === 'COMPLETED';
}

/** The workflow's result once it completes; a stuck order fails with its status instead of hanging. */
async function finished(flow: Flow): Promise<LabOrderStatus> {
  await eventually(
    async () => ({ completed: await isCompleted(flow), status: await status(flow) }),
    (value) => value.completed,
    `${flow.started.orderIdentifier} to complete`,
  );
  return (await flow.handle.result()) as LabOrderStatus;
}

async function notificationsOf(flow: Flow): Promise<ReceivedNotification[]> {
  const { notifications } = await stack.control.notifications();
  return notifications.filter((n) => n.data?.orderIdentifier === flow.started.orderIdentifier);
}

/** Each milestone reached the partner exactly once, verified, with the workflow's deterministic id. */
async function expectMilestones(flow: Flow, milestones: [string, string][]): Promise<ReceivedNotification[]> {
  const received = await eventually(
    () => notificationsOf(flow),
    (list) => list.length >= milestones.length,
    `${flow.started.orderIdentifier} notifications`,
  );
  expect(received.every((n) => n.verified && !n.duplicate)).toBe(true);
  expect(received.map((n) => [n.type, n.webhookId])).toEqual(
    milestones.map(([type, id]) => [`lab_order.${type}`, `${flow.started.workflowId}:${id}`]),
  );
  return received;
}

async function searchAttributes(flow: Flow) {
  const { typedSearchAttributes } = await flow.handle.describe();
  return {
    stage: typedSearchAttributes.get(FulfillmentStage),
    labOrderId: typedSearchAttributes.get(LabOrderId),
    needsOperator: typedSearchAttributes.get(NeedsOperator),
    escalationLevel: typedSearchAttributes.get(EscalationLevel),
  };
}

async function advance(times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await stack.control.advance(STEP);
}

describe('lab orders through the whole stack', () => {
  it('runs the happy path, rejected then fixed, rejected then cancelled, canceled by the vendor, a lost create answer and an unknown order side by side', async () => {
    // ---------------------------------------------------------------- start
    const lostAnswer = await stack.control.runScenario('kit-happy-path');
    const lostPatient = lostAnswer.patient.patientIdentifier as string;
    await stack.control.addFault({
      path: `/onegevity/api/v1/patients/${lostPatient}/orders`,
      method: 'POST',
      lostResponseRate: 1,
      limit: 1,
    });
    const requestKey = `happy-${Date.now()}`;
    const [happy, fixed, cancelled, vendorCanceled, lost] = await Promise.all([
      startFlow('kit-happy-path', {}, { requestKey, notes: 'first kit' }),
      startFlow('kit-rejected', { rejectReason: 'Shipping address is not serviceable' }),
      startFlow('kit-rejected'),
      startFlow('kit-happy-path'),
      startFlowFor(lostAnswer),
    ]);
    // Orders this engine never placed, followed from their first webhook: one shaped as the engine's own (lab…), one a
    // patient placed in the browser with Onegevity's UI-Kit (O…, its fulfillment request F…).
    const foreign = await stack.control.runScenario('kit-happy-path', { createOrder: true });
    const browser = await stack.control.runScenario('kit-outside-order');
    const followedIds = [foreign, browser].map((scenario) => scenario.kitOrder?.orderIdentifier as string);
    expect(followedIds[1]).toMatch(/^O\d{8}$/);

    // The partner retries its request with the same requestKey: the same order, no second workflow or order; the
    // same key with another request is refused.
    const queue = stack.env.TEMPORAL_TASK_QUEUE as string;
    const again = requestFor(happy.scenario, { requestKey, notes: 'first kit' });
    expect(await startLabOrder(client, queue, again, settings)).toEqual({ ...happy.started, started: false });
    await expect(startLabOrder(client, queue, { ...again, notes: 'another kit' }, settings)).rejects.toThrow(
      LabOrderConflictError,
    );

    for (const flow of [happy, fixed, cancelled, vendorCanceled, lost]) {
      await until(flow, (s) => s.stage === 'FULFILLMENT_REQUESTED' && s.notified.includes('created'), 'created');
    }
    expect((await status(lost)).createOutcome).toBe('adopted');
    expect((await stack.control.faults()).faults).toEqual([]);

    // ---------------------------------------------------------------- canceled by the vendor (before review)
    const cancel = await onegevity.request(
      'POST',
      `/fulfillment-requests/${vendorCanceled.started.orderIdentifier}/cancel`,
    );
    expect(cancel.status).toBe(200);
    const vendorResult = await finished(vendorCanceled);
    expect(vendorResult).toMatchObject({ stage: 'CANCELED', canceled: { by: 'vendor' }, needsOperator: false });

    // ---------------------------------------------------------------- review: accepted or rejected
    await advance();
    for (const flow of [happy, lost]) await until(flow, (s) => s.stage === 'ACCEPTED', 'accepted');
    for (const flow of [fixed, cancelled]) {
      const rejected = await until(flow, (s) => s.stage === 'REJECTED', 'rejected');
      expect(rejected).toMatchObject({ needsOperator: true, attention: { kind: 'fulfillment_rejected' } });
      expect(await searchAttributes(flow)).toEqual({
        stage: 'REJECTED',
        labOrderId: flow.started.orderIdentifier,
        needsOperator: true,
        escalationLevel: 0,
      });
    }
    expect((await status(fixed)).fulfillment.rejectionReason).toBe('Shipping address is not serviceable');

    // ---------------------------------------------------------------- operators: fix and resubmit, or cancel
    const corrected = {
      streetAddress1: '77 Corrected Street',
      city: 'Austin',
      region: 'TX',
      country: 'US',
      postalCode: '78701',
    };
    const outcome = await fixed.handle.executeUpdate(resolveLabExceptionUpdate, {
      args: [{ action: 'resubmit', operator: 'ops@example.com', reason: 'address corrected', address: corrected }],
    });
    expect(outcome).toMatchObject({ accepted: true, action: 'resubmit' });
    const resubmitted = await onegevity.request<{ fulfillmentInformation: { shippingAddress: unknown } }>(
      'GET',
      `/fulfillment-requests/${fixed.started.orderIdentifier}R2`,
    );
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.fulfillmentInformation.shippingAddress).toMatchObject(corrected);
    expect(await status(fixed)).toMatchObject({
      stage: 'FULFILLMENT_REQUESTED',
      needsOperator: false,
      fulfillment: { requestIdentifier: `${fixed.started.orderIdentifier}R2`, attempt: 2 },
    });

    await cancelled.handle.signal(cancelSignal, { operator: 'ops@example.com', reason: 'partner withdrew the order' });
    expect(await finished(cancelled)).toMatchObject({
      stage: 'CANCELED',
      canceled: { by: 'operator', operator: 'ops@example.com', canceledAtVendor: false },
    });

    // ---------------------------------------------------------------- shipped, activated, at the lab, released
    await advance(6);
    for (const flow of [happy, lost, fixed]) {
      const result = await finished(flow);
      const { orders } = await stack.control.onegevityOrders();
      const record = orders.find((o) => o.order.orderIdentifier === flow.started.orderIdentifier);
      expect(result).toMatchObject({
        stage: 'RESULTS_RELEASED',
        needsOperator: false,
        kitStatus: 'COMPLETED',
        reportIdentifiers: record?.reports.map((r) => r.reportIdentifier),
        fulfillment: { status: 'SHIPPED', trackingNumber: record?.order.fulfillment?.trackingNumber },
      });
      expect(result.reportIdentifiers?.length).toBeGreaterThan(0);
    }

    // ---------------------------------------------------------------- what the partner heard, exactly once each
    const happyPath: [string, string][] = [
      ['created', 'created'],
      ['accepted', 'accepted'],
      ['shipped', 'shipped'],
      ['kit_activated', 'kit_activated'],
      ['results_released', 'results_released'],
    ];
    const heard = await expectMilestones(happy, happyPath);
    const shipped = heard.find((n) => n.type === 'lab_order.shipped');
    expect(shipped?.data?.trackingNumber).toEqual(expect.stringMatching(/^\d{12}$/));
    expect(heard.at(-1)?.data).toMatchObject({ reportCount: 1 });
    await expectMilestones(lost, happyPath);
    await expectMilestones(fixed, [
      ['created', 'created'],
      ['rejected', 'rejected:1'],
      ['resolved', 'resolved:2'],
      ['accepted', 'accepted'],
      ['shipped', 'shipped'],
      ['kit_activated', 'kit_activated'],
      ['results_released', 'results_released'],
    ]);
    await expectMilestones(cancelled, [
      ['created', 'created'],
      ['rejected', 'rejected:1'],
      ['canceled', 'canceled'],
    ]);
    await expectMilestones(vendorCanceled, [
      ['created', 'created'],
      ['canceled', 'canceled'],
    ]);
    // No PHI in what the partner heard.
    const allHeard = JSON.stringify((await stack.control.notifications()).notifications);
    expect(allHeard).not.toContain(happy.scenario.patientInformation?.lastName as string);
    expect(allHeard).not.toContain(happy.scenario.patientInformation?.email as string);

    // ---------------------------------------------------------------- Onegevity saw one order each, never two
    const counters = (await stack.control.counters()).onegevity;
    for (const flow of [happy, cancelled, vendorCanceled, lost]) {
      expect(counters.fulfillmentRequestsPerOrder[flow.started.orderIdentifier]).toBe(1);
    }
    expect(counters.fulfillmentRequestsPerOrder[fixed.started.orderIdentifier]).toBe(2);
    const { orders } = await stack.control.onegevityOrders();
    for (const flow of [happy, fixed, cancelled, vendorCanceled, lost]) {
      expect(orders.filter((o) => o.order.orderIdentifier === flow.started.orderIdentifier)).toHaveLength(1);
    }
    expect(await searchAttributes(happy)).toEqual({
      stage: 'RESULTS_RELEASED',
      labOrderId: happy.started.orderIdentifier,
      needsOperator: false,
      escalationLevel: 0,
    });

    // ---------------------------------------------------------------- the orders placed elsewhere, followed
    for (const orderIdentifier of followedIds) {
      const handle = client.workflow.getHandle(labOrderWorkflowId(orderIdentifier));
      const followed: Flow = {
        scenario: foreign,
        patientIdentifier: '',
        started: { orderIdentifier, workflowId: handle.workflowId, started: false },
        handle,
      };
      const record = (await stack.control.onegevityOrders()).orders.find(
        (o) => o.order.orderIdentifier === orderIdentifier,
      );
      expect(await finished(followed)).toMatchObject({
        stage: 'RESULTS_RELEASED',
        startedByEngine: false,
        followed: true,
        createOutcome: 'followed',
        needsOperator: false,
        kitStatus: 'COMPLETED',
        fulfillment: {
          requestIdentifier: record?.order.fulfillment?.requestIdentifier,
          status: 'SHIPPED',
          trackingNumber: record?.order.fulfillment?.trackingNumber,
        },
        reportIdentifiers: record?.reports.map((r) => r.reportIdentifier),
      });
      const heard = await expectMilestones(followed, happyPath);
      expect(heard[0]?.data).toMatchObject({ createOutcome: 'followed' });
    }
    // Followed, never placed: one order and one fulfillment request each at Onegevity, their own.
    const after = await stack.control.onegevityOrders();
    for (const orderIdentifier of followedIds) {
      expect(after.orders.filter((o) => o.order.orderIdentifier === orderIdentifier)).toHaveLength(1);
      expect((await stack.control.counters()).onegevity.fulfillmentRequestsPerOrder[orderIdentifier]).toBe(1);
    }

    // patient.* events name only a patient: kept as informational dead letters, never a workflow.
    const deadLetters = await eventually(
      () => parkedOnegevityReasons(),
      (reasons) => reasons.some((r) => r.startsWith('informational: patient.created')),
      'patient events parked',
    );
    expect(deadLetters.length).toBeGreaterThan(0);
  });
  it('reaches AT_LAB from the order.updated repeats Onegevity sends, one read per repeat unless coalesced', async () => {
    // The sandbox repeats one identical order.updated body whenever an order gains information, as Onegevity does.
    expect((await stack.control.settings()).settings.onegevityOrderUpdates).toBe('every-change');
    const flow = await startFlow('kit-happy-path');
    await until(flow, (s) => s.notified.includes('created'), 'created');
    // One sandbox step each; AT_LAB is announced by an order.updated alone (no topic of its own). The reconcile poll
    // (ORDER_RECONCILE_INTERVAL 1h) cannot fire within this test: every stage comes from a webhook.
    for (const stage of ['ACCEPTED', 'SHIPPED', 'KIT_ACTIVATED', 'AT_LAB']) {
      await advance();
      await until(flow, (s) => s.stage === stage, stage);
    }
    // AT_LAB comes from a read, and the read a previous step's order.updated asked for can already see it: the
    // order.updated of the AT_LAB step may still be on its way, or its read still running. Compare once every
    // order.updated the sandbox delivered for this order is in, and the last read has finished.
    const atLab = await eventually(
      async () => {
        const { deliveries } = await stack.control.webhooks({
          vendor: 'onegevity',
          subject: flow.started.orderIdentifier,
        });
        return { deliveries, status: await status(flow) };
      },
      ({ deliveries, status: s }) =>
        deliveries.every((d) => ['delivered', 'failed', 'dropped'].includes(d.state)) &&
        (s.events.rereadRequests ?? 0) >=
          deliveries.filter((d) => d.eventType === 'order.updated' && d.state === 'delivered').length &&
        s.reconcile.lastAt === s.reconcile.lastSucceededAt,
      `${flow.started.orderIdentifier} every order.updated read`,
    ).then(({ status: s }) => s);
    expect(atLab.stage).toBe('AT_LAB');
    expect(atLab.kitStatus).toBe('AT_LAB');
    const repeats = atLab.events.rereadRequests ?? 0;
    expect(repeats).toBeGreaterThanOrEqual(5);
    expect(atLab.events.duplicates).toBe(0);
    // Every repeat was read, or joined a read already queued: never dropped, never more reads than asked for.
    expect(atLab.reconcile.reads + (atLab.reconcile.coalesced ?? 0)).toBe(repeats);
    await advance();
    expect(await finished(flow)).toMatchObject({ stage: 'RESULTS_RELEASED', kitStatus: 'COMPLETED' });
  });

  // The sandbox's reordering can deliver kit.activated before fulfillment.shipped: the workflow holds kit_activated
  // until a read of the order shows the shipment, so the milestones below come in their natural order every time
  // (test/time-skipping/lab-order.test.ts forces that order of arrival).
  it('de-duplicates and orders webhooks the sandbox sends twice and shuffled: one notification per milestone', async () => {
    await stack.control.configureWebhooks({ duplicate: true, reorder: { enabled: true, batchSize: 3, window: '30m' } });
    try {
      const [plain, rejected] = await Promise.all([startFlow('kit-happy-path'), startFlow('kit-rejected')]);
      let resubmitted = false;
      for (let step = 0; step < 15 && !((await isCompleted(plain)) && (await isCompleted(rejected))); step++) {
        await advance();
        if (!resubmitted && (await status(rejected)).stage === 'REJECTED') {
          const outcome = await rejected.handle.executeUpdate(resolveLabExceptionUpdate, {
            args: [{ action: 'resubmit', operator: 'ops@example.com', reason: 'the lab asked for a second try' }],
          });
          expect(outcome).toMatchObject({ accepted: true });
          resubmitted = true;
        }
      }
      for (const flow of [plain, rejected]) {
        const result = await finished(flow);
        expect(result).toMatchObject({ stage: 'RESULTS_RELEASED', kitStatus: 'COMPLETED', needsOperator: false });
        expect(result.events.duplicates).toBeGreaterThan(0);
        expect(result.fulfillment.trackingNumber).toEqual(expect.stringMatching(/^\d{12}$/));
      }
      await expectMilestones(plain, [
        ['created', 'created'],
        ['accepted', 'accepted'],
        ['shipped', 'shipped'],
        ['kit_activated', 'kit_activated'],
        ['results_released', 'results_released'],
      ]);
      const rejectedHeard = await expectMilestones(rejected, [
        ['created', 'created'],
        ['rejected', 'rejected:1'],
        ['resolved', 'resolved:2'],
        ['accepted', 'accepted'],
        ['shipped', 'shipped'],
        ['kit_activated', 'kit_activated'],
        ['results_released', 'results_released'],
      ]);
      expect(rejectedHeard.find((n) => n.type === 'lab_order.accepted')?.data).toMatchObject({
        requestIdentifier: `${rejected.started.orderIdentifier}R2`,
      });

      // The switches really misbehaved: second copies were delivered, and deliveries went out in another order than
      // the events happened. Events of the last steps can still be held for shuffling (a batch fills up, or its
      // window of sandbox time passes, only with more events or advances): released now, and sent (a refused one is
      // sent again later: waited for too).
      await stack.control.configureWebhooks({ duplicate: false, reorder: { enabled: false } });
      const subjects = new Set([
        plain.started.orderIdentifier,
        rejected.started.orderIdentifier,
        `${rejected.started.orderIdentifier}R2`,
      ]);
      const ours = await eventually(
        async () =>
          (await stack.control.webhooks({ vendor: 'onegevity' })).deliveries.filter(
            (d) => d.subject !== undefined && subjects.has(d.subject),
          ),
        (list) => list.every((d) => ['delivered', 'failed', 'dropped'].includes(d.state)),
        'our webhooks sent',
      );
      expect(ours.filter((d) => d.duplicateOf && d.state === 'delivered').length).toBeGreaterThan(0);
      const sequence = (d: (typeof ours)[number]) => Number(d.id.replace(/\D/g, ''));
      const bySending = [...ours].sort((a, b) =>
        (a.attempts[0]?.startedAt ?? '').localeCompare(b.attempts[0]?.startedAt ?? ''),
      );
      const inversions = bySending.filter((d, index) =>
        bySending.slice(index + 1).some((later) => sequence(later) < sequence(d)),
      );
      expect(inversions.length).toBeGreaterThan(0);
      expect(ours.every((d) => d.state === 'delivered')).toBe(true);
    } finally {
      await stack.control.configureWebhooks({ duplicate: false, reorder: { enabled: false } });
    }
  });
});

async function parkedOnegevityReasons(): Promise<string[]> {
  const reasons: string[] = [];
  for (const offset of [0, -1]) {
    const day = new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    try {
      const workflowId = deadLetterWorkflowId('onegevity', engineKey(stack.env.TEMPORAL_TASK_QUEUE as string), day);
      const parked = await client.workflow.getHandle(workflowId).query(parkedWebhooksQuery);
      reasons.push(...parked.entries.map((entry) => entry.reason));
    } catch {
      // No dead letters that day.
    }
  }
  return reasons;
}
