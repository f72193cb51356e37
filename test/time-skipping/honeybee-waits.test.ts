// Every long wait of the Honeybee workflows, on the time-skipping server with fake activities: a hold that nobody
// resolves escalates after holdEscalationAfterMs and again every holdEscalationRepeatMs; a fill the partner does not
// approve escalates; a quiet order is polled every reconcileIntervalMs (and never while events flow); a prescription
// under Automatic Processing looks for its order when Honeybee's event does not come (and, when four looks find
// nothing, asks an operator, or ends at its expiry); after a fill, the prescription waits for a refill until it
// expires (a cancel while the run continues is not lost); fill approvals ahead are bounded.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { honeybeeEventFromPayload, type HoneybeeEvent } from '../../src/domain/honeybee-events.js';
import type { HoneybeeWorkflowSettings } from '../../src/domain/workflow-settings.js';
import {
  approveFillSignal,
  honeybeeEventSignal,
  honeybeeOrderStatusQuery,
  orderLinkedSignal,
  orderMilestoneSignal,
  prescriptionStatusQuery,
  requestRefillSignal,
} from '../../workflows/honeybee/messages.js';
import { cancelSignal, resolveExceptionUpdate } from '../../workflows/shared/operator-messages.js';
import type { HoneybeeOrderState } from '../../workflows/honeybee/types.js';
import { recordHistory } from '../harness/histories.js';
import { startTimeSkipping, waitFor, type TimeSkippingHarness } from '../harness/time-skipping.js';
import { createFakeActivities, fakeOrder, type FakeVendor } from './honeybee-fakes.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const SETTINGS: HoneybeeWorkflowSettings = {
  mode: 'partner_requested',
  fillApproval: 'automatic',
  holdEscalationAfterMs: 4 * HOUR,
  holdEscalationRepeatMs: 24 * HOUR,
  fillApprovalTimeoutMs: 72 * HOUR,
  reconcileIntervalMs: 6 * HOUR,
  shippingMethodId: 1,
};

const ACTIONS = [
  { action: 'override_allergy', description: 'Prescriber overrides the allergy alert', fields: ['prescriber_note'] },
  { action: 'cancel_order', description: 'Cancel the order', fields: ['reason'] },
];

describe('Honeybee workflows: long waits', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await startTimeSkipping();
  });
  afterAll(async () => {
    await harness?.teardown();
  });
  /**
   * A year from the test server's clock when the test starts. Not a fixed date: awaiting a result lets the server skip
   * time, also to timers of workflows already closed (a prescription's expiry), so one test can leave the clock past
   * any fixed date the next one would use.
   */
  let farExpiry = '';
  beforeEach(async () => {
    farExpiry = new Date((await harness.env.currentTimeMs()) + 365 * DAY).toISOString().slice(0, 10);
  });

  async function now(): Promise<string> {
    return new Date(await harness.env.currentTimeMs()).toISOString();
  }

  /** An event as the bridge hands it over: typed, read from a payload like Honeybee's. */
  function event(eventType: string, payload: Record<string, unknown>): HoneybeeEvent {
    return honeybeeEventFromPayload(payload, {
      eventId: randomUUID(),
      eventType,
      receivedAt: new Date().toISOString(),
      requestId: 'bridge-req',
    });
  }

  async function statusEvent(orderNumber: string, status: string, prescriptionId = '1111111') {
    return event('RX_UPDATED', {
      event_type: 'RX_UPDATED',
      patient_id: 4242,
      order_number: orderNumber,
      timestamp: await now(),
      medication_requests: [
        {
          id: Number(prescriptionId),
          prescription_id: Number(prescriptionId),
          medication_dispenses: [{ order_status: status }],
        },
      ],
    });
  }

  async function exceptionEvent(orderNumber: string) {
    return event('ORDER_EXCEPTION', {
      event_type: 'ORDER_EXCEPTION',
      patient_id: 4242,
      order_number: orderNumber,
      timestamp: await now(),
      exception: { id: 74, name: 'Allergy Detected', message: 'Allergies to a drug in the order are detected' },
      order_actions: ACTIONS,
    });
  }

  function vendor(overrides: Partial<FakeVendor> = {}): FakeVendor {
    return { order: fakeOrder('HB0', 'Processing'), refillsLeft: 0, expireDate: farExpiry, ...overrides };
  }

  /**
   * Runs a test's workflows on a fresh worker, then terminates any it left running: a workflow with timers but no
   * worker would hold up time skipping for the next test. Before the worker stops, what the test set off finishes: an
   * activity or workflow task still in flight when it stops keeps the server's clock from skipping ever after (the
   * terminate does not release it), and every later test's sleep then waits in real time.
   */
  async function withWorker<T>(
    activities: object,
    run: (worker: Worker, started: (handle: WorkflowHandle) => WorkflowHandle) => Promise<T>,
  ): Promise<T> {
    const worker = await harness.createWorker({ activities });
    const handles: WorkflowHandle[] = [];
    try {
      return await worker.runUntil(async () => {
        const result = await run(worker, (handle) => {
          handles.push(handle);
          return handle;
        });
        for (const handle of handles) {
          await waitFor(
            () => handle.describe(),
            ({ status, raw }) =>
              status.name !== 'RUNNING' || ((raw.pendingActivities ?? []).length === 0 && !raw.pendingWorkflowTask),
            `${handle.workflowId} with nothing in flight`,
          );
        }
        return result;
      });
    } finally {
      for (const handle of handles) {
        if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('test over');
      }
    }
  }

  /** Starts an order workflow the way the bridge does: signal-with-start with its first event. */
  async function startOrder(
    worker: Worker,
    orderNumber: string,
    first: HoneybeeEvent,
    settings: HoneybeeWorkflowSettings,
  ): Promise<WorkflowHandle> {
    return harness.env.client.workflow.signalWithStart('honeybeeOrderWorkflow', {
      taskQueue: worker.options.taskQueue,
      workflowId: `honeybee-order-${orderNumber}`,
      args: [{ orderNumber, prescriptionIds: ['1111111'], settings }],
      signal: honeybeeEventSignal,
      signalArgs: [first],
    });
  }

  /** Starts a prescription workflow without a patient and announces it with RX_RECEIVED, as the bridge would. */
  async function receivedPrescription(
    worker: Worker,
    rx: string,
    settings: HoneybeeWorkflowSettings,
    medication: { refills_left: number; expire_date: string },
  ): Promise<WorkflowHandle> {
    const handle = await harness.env.client.workflow.start('prescriptionWorkflow', {
      taskQueue: worker.options.taskQueue,
      workflowId: `honeybee-rx-${rx}`,
      args: [{ prescriptionId: rx, settings }],
    });
    await handle.signal(
      honeybeeEventSignal,
      event('RX_RECEIVED', {
        event_type: 'RX_RECEIVED',
        patient_id: 4242,
        medication_requests: [{ id: Number(rx), prescription_id: Number(rx), ...medication }],
      }),
    );
    return handle;
  }

  /** The order's workflow reporting its delivery to the prescription. */
  async function deliver(handle: WorkflowHandle, orderNumber: string, seq: number): Promise<void> {
    await handle.signal(orderMilestoneSignal, {
      orderNumber,
      milestone: 'delivered',
      status: 'Delivered',
      seq,
      at: await now(),
    });
  }

  it('an unresolved hold escalates after 4 h, then every 24 h; resolving it stops the escalation', async () => {
    const orderNumber = 'HBESCALATE';
    const fake = vendor({
      order: {
        ...fakeOrder(orderNumber, 'On Hold'),
        exception: { id: '74', name: 'Allergy Detected' },
        actions: ACTIONS,
      },
    });
    const { activities, calls } = createFakeActivities(fake);
    await withWorker(activities, async (worker, started) => {
      const handle = started(
        await startOrder(worker, orderNumber, await statusEvent(orderNumber, 'On Hold'), {
          ...SETTINGS,
          reconcileIntervalMs: 30 * DAY,
        }),
      );
      await handle.signal(honeybeeEventSignal, await exceptionEvent(orderNumber));
      const held = await handle.query(honeybeeOrderStatusQuery);
      expect(held).toMatchObject({ status: 'On Hold', needsOperator: true, escalationLevel: 0 });
      expect(held.holdDetail).toBe('Allergies to a drug in the order are detected');
      // The status says when the hold escalates next (operator tools show the time left).
      const heldSince = Date.parse(held.onHoldSince!);
      expect(Date.parse(held.nextEscalationAt!)).toBe(heldSince + 4 * HOUR);

      await harness.env.sleep(4 * HOUR - 60_000);
      expect((await handle.query(honeybeeOrderStatusQuery)).escalationLevel).toBe(0);
      await harness.env.sleep(2 * 60_000);
      const once = await handle.query(honeybeeOrderStatusQuery);
      expect(once.escalationLevel).toBe(1);
      expect(Date.parse(once.nextEscalationAt!)).toBe(heldSince + 28 * HOUR);
      await harness.env.sleep(24 * HOUR);
      const twice = await handle.query(honeybeeOrderStatusQuery);
      expect(twice.escalationLevel).toBe(2);
      const escalations = calls.notifications.filter((n) => n.type === 'order.escalated');
      expect(escalations.map((n) => [n.id, n.data.escalationLevel])).toEqual([
        [`honeybee-order-${orderNumber}:escalated:1:1`, 1],
        [`honeybee-order-${orderNumber}:escalated:1:2`, 2],
      ]);
      const attributes = (await handle.describe()).searchAttributes;
      expect(attributes).toMatchObject({
        EscalationLevel: [2],
        NeedsOperator: [true],
        ExceptionReason: ['74 Allergy Detected'],
      });

      const result = await handle.executeUpdate(resolveExceptionUpdate, {
        args: [{ action: 'override_allergy', fields: { prescriber_note: 'ok' }, operator: 'alice', reason: 'checked' }],
      });
      expect(result).toMatchObject({ accepted: true });
      await harness.env.sleep(3 * DAY);
      const after = await handle.query(honeybeeOrderStatusQuery);
      expect(after).toMatchObject({
        escalationLevel: 2,
        needsOperator: false,
        awaitingVendor: { action: 'override_allergy' },
      });
      expect(calls.notifications.filter((n) => n.type === 'order.escalated')).toHaveLength(2);
      expect(after.nextEscalationAt).toBeUndefined();
      // Another action while Honeybee's accepted one has not moved the order: refused, and it reads as a refusal.
      const again = await handle
        .executeUpdate(resolveExceptionUpdate, {
          args: [{ action: 'override_allergy', fields: { prescriber_note: 'ok' }, operator: 'bob', reason: 'again' }],
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(again).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((again as WorkflowUpdateFailedError).cause?.message).toContain(
        "nothing more can be done until the order's next status: an earlier override_allergy was already accepted",
      );

      await handle.signal(honeybeeEventSignal, await statusEvent(orderNumber, 'Filling'));
      await handle.signal(honeybeeEventSignal, await statusEvent(orderNumber, 'Delivered'));
      const final = (await handle.result()) as HoneybeeOrderState;
      expect(final).toMatchObject({ status: 'Delivered', escalationLevel: 0 });
      await recordHistory(harness.env.client, handle.workflowId, 'order-hold-escalated-then-resolved');
    });
  });

  it('a quiet order is polled every reconcile interval; events that keep flowing mean no poll', async () => {
    const orderNumber = 'HBQUIET';
    const fake = vendor({ order: fakeOrder(orderNumber, 'Filling') });
    const { activities, calls } = createFakeActivities(fake);
    await withWorker(activities, async (worker, started) => {
      const handle = started(
        await startOrder(worker, orderNumber, await statusEvent(orderNumber, 'Processing'), SETTINGS),
      );
      // An event every 4 h: never 6 h of quiet, so never a poll.
      for (const status of ['Filling', 'Filling', 'Filling']) {
        await harness.env.sleep(4 * HOUR);
        await handle.signal(honeybeeEventSignal, await statusEvent(orderNumber, status));
      }
      expect(calls.polls).toEqual([]);
      // Then silence: the order shipped at Honeybee but its webhook was lost.
      fake.order = {
        ...fakeOrder(orderNumber, 'Shipped'),
        shipments: [{ trackingNo: '9400TEST', carrier: 'USPS' }],
      };
      await harness.env.sleep(6 * HOUR + 60_000);
      expect(calls.polls).toEqual([orderNumber]);
      const shipped = await handle.query(honeybeeOrderStatusQuery);
      expect(shipped).toMatchObject({ status: 'Shipped', polls: 1, shipments: [{ trackingNo: '9400TEST' }] });
      expect(calls.notifications.map((n) => n.type)).toEqual(['order.created', 'order.shipped']);
      await harness.env.sleep(6 * HOUR);
      expect(calls.polls).toHaveLength(2);
      fake.order = fakeOrder(orderNumber, 'Delivered');
      await harness.env.sleep(6 * HOUR);
      expect(await handle.result()).toMatchObject({ status: 'Delivered', polls: 3 });
      expect(calls.reports.map((r) => r.milestone.milestone)).toEqual(['linked', 'delivered']);
      await recordHistory(harness.env.client, handle.workflowId, 'order-quiet-reconciled-by-polling');
    });
  });

  it('Partner Requested Fills: an order started by Honeybee’s announcement sends no `linked` report to the prescription that links it itself', async () => {
    const orderNumber = 'HBRACE';
    const fake = vendor({ order: fakeOrder(orderNumber, 'Processing') });
    const { activities, calls } = createFakeActivities(fake);
    await withWorker(activities, async (worker, started) => {
      // Honeybee's announcement wins the race against the prescription's own signal-with-start, as it often does.
      const handle = started(
        await startOrder(worker, orderNumber, await statusEvent(orderNumber, 'Processing'), SETTINGS),
      );
      await handle.signal(orderLinkedSignal, { prescriptionId: '1111111', fillNumber: 1 });
      await harness.env.sleep(HOUR);
      await handle.signal(honeybeeEventSignal, await statusEvent(orderNumber, 'Delivered'));
      expect(await handle.result()).toMatchObject({ status: 'Delivered', linkedBy: ['1111111'] });
      expect(calls.reports.map((r) => r.milestone.milestone)).toEqual(['delivered']);
      const history = await handle.fetchHistory();
      const markers = (history.events ?? []).filter(
        (e) => e.markerRecordedEventAttributes?.markerName === 'core_patch',
      );
      expect(markers).toHaveLength(1);
      await recordHistory(harness.env.client, handle.workflowId, 'order-announced-before-its-link');
    });
  });

  it('On Hold without its ORDER_EXCEPTION: the order asks Honeybee for the actions within a minute', async () => {
    const orderNumber = 'HBNODETAIL';
    const fake = vendor({
      order: {
        ...fakeOrder(orderNumber, 'On Hold'),
        exception: { id: '74', name: 'Allergy Detected' },
        actions: ACTIONS,
      },
    });
    const { activities, calls } = createFakeActivities(fake);
    await withWorker(activities, async (worker, started) => {
      const handle = started(
        await startOrder(worker, orderNumber, await statusEvent(orderNumber, 'On Hold'), SETTINGS),
      );
      expect((await handle.query(honeybeeOrderStatusQuery)).exception).toBeUndefined();
      await harness.env.sleep(61_000);
      // The minute's timer has fired; the read it starts, and the notification after it, take real time to finish.
      const known = await waitFor(
        () => handle.query(honeybeeOrderStatusQuery),
        (s) => s.polls > 0,
        'the order read a minute into the hold',
      );
      expect(known.exception).toMatchObject({ code: '74', actions: ACTIONS });
      await waitFor(
        async () => calls.notifications.map((n) => n.type),
        (types) => types.includes('order.on_hold'),
        'the partner told of the hold',
      );
    });
  });

  it('a fill the partner does not approve escalates after 72 h and every 24 h; approval creates the order', async () => {
    const fake = vendor({ nextOrderNumber: 'HBAPPROVED' });
    const { activities, calls } = createFakeActivities(fake);
    await withWorker(activities, async (worker, started) => {
      const startedAt = Date.parse(await now());
      const handle = started(
        await harness.env.client.workflow.start('prescriptionWorkflow', {
          taskQueue: worker.options.taskQueue,
          workflowId: 'honeybee-rx-2000001',
          args: [{ prescriptionId: '2000001', patientId: '4242', settings: { ...SETTINGS, fillApproval: 'partner' } }],
        }),
      );
      await harness.env.sleep(60_000);
      const waiting = await handle.query(prescriptionStatusQuery);
      expect(waiting.stage).toBe('AWAITING_FILL_APPROVAL');
      // The wait began within that first minute: after the start, before this read (the server's clock runs on in real
      // time while the test reads it: "at most a minute before now" failed by milliseconds); it escalates 72 h after,
      // then every 24 h.
      const firstEscalation = Date.parse(waiting.nextEscalationAt!);
      const waitedSince = firstEscalation - 72 * HOUR;
      expect(waitedSince).toBeGreaterThanOrEqual(startedAt);
      expect(waitedSince).toBeLessThanOrEqual(Date.parse(await now()));
      await harness.env.sleep(72 * HOUR);
      const overdue = await handle.query(prescriptionStatusQuery);
      expect(overdue).toMatchObject({ escalationLevel: 1, needsOperator: true });
      expect(Date.parse(overdue.nextEscalationAt!)).toBe(firstEscalation + 24 * HOUR);
      expect((await handle.describe()).searchAttributes).toMatchObject({
        ExceptionReason: ['Fill approval overdue'],
        NeedsOperator: [true],
        EscalationLevel: [1],
      });
      await harness.env.sleep(24 * HOUR);
      expect((await handle.query(prescriptionStatusQuery)).escalationLevel).toBe(2);
      expect(calls.ensures).toEqual([]);
      expect(calls.notifications.map((n) => n.type)).toEqual([
        'prescription.matched',
        'prescription.approval_requested',
        'prescription.approval_overdue',
        'prescription.approval_overdue',
      ]);

      await handle.signal(approveFillSignal, { approvedBy: 'billing', paymentReference: 'pay_42' });
      // Not a one-second sleep: while the worker creates the order the server's clock runs in real time, so a slow
      // worker was still at it when the second was up.
      const ordered = await waitFor(
        () => handle.query(prescriptionStatusQuery),
        (s) => s.currentOrder !== undefined,
        'the order created after the approval',
      );
      expect(ordered).toMatchObject({ stage: 'ORDER_IN_PROGRESS', needsOperator: false, escalationLevel: 0 });
      expect(ordered.nextEscalationAt).toBeUndefined();
      expect(calls.ensures).toEqual([
        expect.objectContaining({ create: true, fillNumber: 1, recordedOrderNumbers: [] }),
      ]);
      await deliver(handle, 'HBAPPROVED', 2);
      expect(await handle.result()).toMatchObject({ stage: 'COMPLETED', fillsDelivered: 1 });
      await recordHistory(harness.env.client, handle.workflowId, 'prescription-approval-overdue-then-approved');
    });
  });

  it('Automatic Processing: when Honeybee’s order event does not come, the prescription looks for the order', async () => {
    const fake = vendor();
    const { activities, calls } = createFakeActivities(fake);
    await withWorker(activities, async (worker, started) => {
      const handle = started(
        await harness.env.client.workflow.start('prescriptionWorkflow', {
          taskQueue: worker.options.taskQueue,
          workflowId: 'honeybee-rx-2000002',
          args: [{ prescriptionId: '2000002', patientId: '4242', settings: { ...SETTINGS, mode: 'automatic' } }],
        }),
      );
      await harness.env.sleep(6 * HOUR + 60_000);
      expect(calls.ensures).toEqual([expect.objectContaining({ create: false })]);
      fake.nextOrderNumber = 'HBFOUND';
      await harness.env.sleep(6 * HOUR);
      expect(calls.ensures).toHaveLength(2);
      expect((await handle.query(prescriptionStatusQuery)).currentOrder).toMatchObject({ orderNumber: 'HBFOUND' });
    });
  });

  it('after a fill the prescription waits for a refill until it expires; a request within the window is one more run', async () => {
    const start = await harness.env.currentTimeMs();
    const expireDate = new Date(start + 30 * DAY).toISOString().slice(0, 10);
    const fake = vendor({ nextOrderNumber: 'HBFILL1' });
    const { activities, calls } = createFakeActivities(fake);
    await withWorker(activities, async (worker, started) => {
      const rx = '2000003';
      const handle = started(
        await receivedPrescription(worker, rx, SETTINGS, {
          refills_left: 2,
          expire_date: expireDate,
        }),
      );
      await waitFor(
        () => handle.query(prescriptionStatusQuery),
        (s) => s.currentOrder?.orderNumber === 'HBFILL1',
        'the first fill ordered',
      );
      await deliver(handle, 'HBFILL1', 1);
      await harness.env.sleep(10 * DAY);
      expect(await handle.query(prescriptionStatusQuery)).toMatchObject({ stage: 'AWAITING_REFILL', fillNumber: 2 });

      fake.nextOrderNumber = 'HBFILL2';
      // The refill is a new run: a query sent while the old run closes is never answered, so wait for the new run.
      const firstRun = (await handle.describe()).runId;
      await handle.signal(requestRefillSignal, { requestedBy: 'partner' });
      await waitFor(
        () => handle.describe(),
        (description) => description.runId !== firstRun,
        'the refill run',
      );
      const second = await waitFor(
        () => handle.query(prescriptionStatusQuery),
        (s) => s.currentOrder?.orderNumber === 'HBFILL2',
        'the refill ordered',
      );
      expect(second).toMatchObject({
        stage: 'ORDER_IN_PROGRESS',
        fillNumber: 2,
        currentOrder: { orderNumber: 'HBFILL2' },
      });
      expect(calls.ensures.at(-1)).toMatchObject({ fillNumber: 2, recordedOrderNumbers: ['HBFILL1'] });
      // A late report about the first fill's order changes nothing.
      await deliver(handle, 'HBFILL1', 5);
      await deliver(handle, 'HBFILL2', 1);
      // Queries are strongly consistent: this one sees both reports taken.
      const refill = await waitFor(
        () => handle.query(prescriptionStatusQuery),
        (s) => s.stage === 'AWAITING_REFILL',
        'the second refill wait',
      );
      expect(refill).toMatchObject({ stage: 'AWAITING_REFILL', fillsDelivered: 2 });

      // No request within the window: the prescription expires at the end of its expire_date.
      await harness.env.sleep(21 * DAY);
      const final = (await handle.result()) as { stage: string; endReason: string; fillsDelivered: number };
      expect(final).toMatchObject({ stage: 'EXPIRED', fillsDelivered: 2, endReason: 'the prescription expired' });
      expect(calls.notifications.map((n) => n.type)).toContain('prescription.expired');
      await recordHistory(harness.env.client, handle.workflowId, 'prescription-refill-window-expired');
    });
  });

  it('a cancel accepted while the refill run sends its last notifications ends the prescription: no next run', async () => {
    const fake = vendor({ refillsLeft: 2, nextOrderNumber: 'HBCF1' });
    const { activities, calls } = createFakeActivities(fake);
    // The partner's endpoint is slow to take `prescription.awaiting_refill`: the run waits for it before it continues.
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    const slowActivities = {
      ...activities,
      async notifyPartner(notification: Parameters<typeof activities.notifyPartner>[0]) {
        if (notification.type === 'prescription.awaiting_refill') await slow;
        return activities.notifyPartner(notification);
      },
    };
    await withWorker(slowActivities, async (worker, started) => {
      const handle = started(
        await harness.env.client.workflow.start('prescriptionWorkflow', {
          taskQueue: worker.options.taskQueue,
          workflowId: 'honeybee-rx-2000004',
          args: [{ prescriptionId: '2000004', patientId: '4242', settings: SETTINGS }],
        }),
      );
      const status = () => handle.query(prescriptionStatusQuery);
      await waitFor(status, (s) => s.currentOrder?.orderNumber === 'HBCF1', 'the first order');
      await deliver(handle, 'HBCF1', 1);
      await waitFor(status, (s) => s.stage === 'AWAITING_REFILL', 'the refill wait');
      fake.nextOrderNumber = 'HBCF2';
      await handle.signal(requestRefillSignal, { requestedBy: 'partner' });
      await waitFor(status, (s) => s.decisions.some((d) => d.action === 'requestRefill'), 'the refill taken');
      await handle.signal(cancelSignal, { operator: 'ops', reason: 'patient withdrew' });
      const told = await waitFor(status, (s) => s.decisions.some((d) => d.action === 'cancel'), 'the cancel');
      expect(told.decisions.at(-1)).toMatchObject({ action: 'cancel', outcome: 'accepted' });
      release();
      const final = (await handle.result()) as { stage: string; canceled?: { operator: string; reason: string } };
      expect(final).toMatchObject({
        stage: 'CANCELED',
        canceled: { operator: 'ops', reason: 'patient withdrew', orderOutcome: 'no open order' },
      });
      expect(calls.ensures).toHaveLength(1);
      expect(calls.notifications.map((n) => n.type)).toContain('prescription.canceled');
      await recordHistory(harness.env.client, handle.workflowId, 'prescription-canceled-before-next-run');
    });
  });

  it('approvals ahead are bounded: no fill beyond the prescription’s, no oversized intake; the next run gets the rest', async () => {
    const fake = vendor({ refillsLeft: 2, nextOrderNumber: 'HBAB1' });
    const { activities, calls } = createFakeActivities(fake);
    await withWorker(activities, async (worker, started) => {
      const rx = '2000005';
      const handle = started(
        await receivedPrescription(
          worker,
          rx,
          { ...SETTINGS, fillApproval: 'partner' },
          {
            refills_left: 2,
            expire_date: fake.expireDate,
          },
        ),
      );
      const status = () => handle.query(prescriptionStatusQuery);
      await waitFor(status, (s) => s.stage === 'AWAITING_FILL_APPROVAL', 'the approval wait');
      const intake = { medications: [], healthConditions: [], allergies: ['latex'] };
      const oversized = { ...intake, allergies: [{ name: 'x'.repeat(2_500) }] };
      // What anyone can send from the Web UI: a fill the prescription will never have, an intake past the bound.
      await handle.signal(approveFillSignal, { approvedBy: 'x', fillNumber: 40, patientSafety: intake });
      await handle.signal(approveFillSignal, { approvedBy: 'x', fillNumber: 3, patientSafety: oversized });
      await handle.signal(approveFillSignal, { approvedBy: 'partner', fillNumber: 2, patientSafety: intake });
      await handle.signal(approveFillSignal, { approvedBy: 'partner', fillNumber: 1 });
      const ordered = await waitFor(status, (s) => s.currentOrder?.orderNumber === 'HBAB1', 'the first order');
      const approvals = ordered.decisions.filter((d) => d.action === 'approveFill').map((d) => [d.outcome, d.detail]);
      expect(approvals[1]?.[1]).toMatch(/^patientSafety\.allergies\[0\] is too large \(2\d{3} characters/);
      expect(approvals).toEqual([
        ['rejected', "fill 40 is beyond this prescription's fills (its last possible fill is 3)"],
        ['rejected', approvals[1]?.[1]],
        ['accepted', 'fill 2 approved'],
        ['accepted', 'fill 1 approved'],
      ]);
      expect(ordered.approvedFills).toEqual([2]);
      const firstRun = (await handle.describe()).runId;
      await deliver(handle, 'HBAB1', 1);
      await waitFor(status, (s) => s.stage === 'AWAITING_REFILL', 'the refill wait');
      fake.nextOrderNumber = 'HBAB2';
      await handle.signal(requestRefillSignal, { requestedBy: 'partner' });
      const next = harness.env.client.workflow.getHandle(handle.workflowId);
      // A query sent while the first run closes (continue-as-new) is never answered: query the next run only.
      await waitFor(
        () => next.describe(),
        (description) => description.runId !== firstRun,
        'the next run',
      );
      await waitFor(
        () => next.query(prescriptionStatusQuery),
        (s) => s.currentOrder?.orderNumber === 'HBAB2',
        'fill 2',
      );
      expect(calls.ensures.at(-1)).toMatchObject({
        fillNumber: 2,
        patientSafety: { source: 'fill_approval', ...intake },
      });
      await recordHistory(harness.env.client, handle.workflowId, 'prescription-fill-approvals-bounded', firstRun);
    });
  });

  it('Automatic Processing: when no order comes after four looks, an operator is asked (escalating) and can look again', async () => {
    const fake = vendor();
    const { activities, calls } = createFakeActivities(fake);
    await withWorker(activities, async (worker, started) => {
      const handle = started(
        await harness.env.client.workflow.start('prescriptionWorkflow', {
          taskQueue: worker.options.taskQueue,
          workflowId: 'honeybee-rx-2000006',
          args: [{ prescriptionId: '2000006', patientId: '4242', settings: { ...SETTINGS, mode: 'automatic' } }],
        }),
      );
      await harness.env.sleep(3 * 6 * HOUR + 60_000);
      expect(await handle.query(prescriptionStatusQuery)).toMatchObject({
        stage: 'AWAITING_ORDER',
        needsOperator: false,
      });
      await harness.env.sleep(6 * HOUR);
      const flagged = await handle.query(prescriptionStatusQuery);
      expect(calls.ensures).toHaveLength(4);
      expect(flagged).toMatchObject({
        stage: 'AWAITING_ORDER',
        needsOperator: true,
        escalationLevel: 1,
        exception: { code: 'ORDER_NOT_CREATED', name: 'Honeybee has not created the order' },
        holdReason: 'ORDER_NOT_CREATED Honeybee has not created the order',
      });
      expect(flagged.offeredActions.map((action) => action.action)).toEqual([
        'retry_order',
        'cancel_prescription',
        'cancel',
      ]);
      expect((await handle.describe()).searchAttributes).toMatchObject({
        ExceptionReason: ['ORDER_NOT_CREATED Honeybee has not created the order'],
        NeedsOperator: [true],
        EscalationLevel: [1],
      });
      // Nobody answers: no more looks, the flag escalates every 24 h.
      await harness.env.sleep(24 * HOUR);
      expect(await handle.query(prescriptionStatusQuery)).toMatchObject({ escalationLevel: 2, needsOperator: true });
      expect(calls.ensures).toHaveLength(4);
      expect(calls.notifications.filter((n) => n.type === 'prescription.needs_operator')).toHaveLength(2);

      fake.nextOrderNumber = 'HBLATE';
      const result = await handle.executeUpdate(resolveExceptionUpdate, {
        args: [{ action: 'retry_order', fields: {}, operator: 'erin', reason: 'Honeybee says it is created now' }],
      });
      expect(result).toMatchObject({ accepted: true, message: "Honeybee's order will be looked for again" });
      const found = await waitFor(
        () => handle.query(prescriptionStatusQuery),
        (s) => s.currentOrder !== undefined,
        'the order looked for again',
      );
      expect(found).toMatchObject({
        stage: 'ORDER_IN_PROGRESS',
        needsOperator: false,
        escalationLevel: 0,
        currentOrder: { orderNumber: 'HBLATE' },
      });
      expect(found.exception).toBeUndefined();
      expect(calls.ensures).toHaveLength(5);
      await deliver(handle, 'HBLATE', 1);
      expect(await handle.result()).toMatchObject({ stage: 'COMPLETED', fillsDelivered: 1 });
      await recordHistory(harness.env.client, handle.workflowId, 'prescription-vendor-order-missing-escalated');
    });
  });

  it('Automatic Processing: a prescription whose order never comes ends EXPIRED once it has expired', async () => {
    const start = await harness.env.currentTimeMs();
    const fake = vendor({ expireDate: new Date(start + 2 * DAY).toISOString().slice(0, 10) });
    const { activities } = createFakeActivities(fake);
    await withWorker(activities, async (worker, started) => {
      const rx = '2000007';
      const handle = started(
        await receivedPrescription(
          worker,
          rx,
          { ...SETTINGS, mode: 'automatic' },
          {
            refills_left: 0,
            expire_date: fake.expireDate,
          },
        ),
      );
      const final = (await handle.result()) as { stage: string; endReason: string; needsOperator: boolean };
      expect(final).toMatchObject({
        stage: 'EXPIRED',
        needsOperator: false,
        endReason: 'the prescription expired before Honeybee created its order',
      });
    });
  });
});
