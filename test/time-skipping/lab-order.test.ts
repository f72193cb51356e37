// labOrderWorkflow on the time-skipping server with fake activities (test/harness/lab-activities.ts): activation
// reminders and the operator flag days after shipping, reconcile polls only once an order has been quiet, the
// operator's resubmission and cancel, a failed creation, an unknown order, and duplicates across continue-as-new.
//
// RECORD_LAB_HISTORIES=1 npx vitest run --project time-skipping test/time-skipping/lab-order.test.ts
// re-records test/fixtures/histories/lab-*.json from these runs (replayed by lab-replay.test.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WorkflowUpdateFailedError,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { labOrderWorkflowId } from '../../src/domain/workflow-ids.js';
import type { LabWorkflowSettings } from '../../src/domain/workflow-settings.js';
import {
  resolveExceptionSignal,
  resolveExceptionUpdate,
  cancelSignal,
} from '../../workflows/shared/operator-messages.js';
import {
  labOrderStatusQuery,
  onegevityEventSignal,
  resolveLabExceptionSignal,
  resolveLabExceptionUpdate,
  type LabOrderStatus,
} from '../../workflows/lab/messages.js';
import { LAB_FOLLOWED_REQUEST_SETTLES_REJECTION_PATCH, type labOrderWorkflow } from '../../workflows/lab-order.js';
import { EscalationLevel, FulfillmentStage, LabOrderId, NeedsOperator } from '../../workflows/search-attributes.js';
import type { OnegevityEvent } from '../../src/domain/onegevity-events.js';
import { historyToFixtureJson } from '../harness/history-json.js';
import {
  createFakeLabVendor,
  fakeLabActivities,
  releaseResults,
  type FakeLabVendor,
} from '../harness/lab-activities.js';
import { DAY, HOUR, labEvent, labPlacement, labSettings } from '../harness/lab-orders.js';
import { startTimeSkipping, waitFor, type TimeSkippingHarness } from '../harness/time-skipping.js';

const HISTORIES = join(import.meta.dirname, '..', 'fixtures', 'histories');

let harness: TimeSkippingHarness;
let counter = 0;

beforeAll(async () => {
  harness = await startTimeSkipping();
});
afterAll(async () => {
  await harness?.teardown();
});

function newOrderIdentifier(): string {
  counter += 1;
  return `lab${(Date.now().toString(16) + counter.toString(16).padStart(4, '0')).padStart(24, '0').slice(-24)}`;
}

interface Run {
  vendor: FakeLabVendor;
  worker: Worker;
}

async function withWorker(fn: (run: Run) => Promise<void>, vendor = createFakeLabVendor()): Promise<void> {
  const worker = await harness.createWorker({ activities: fakeLabActivities(vendor) });
  await worker.runUntil(() => fn({ vendor, worker }));
}

/** A followed order's workflow (no placement), started by its first event as the bridge starts it. */
function startFollowed(run: Run, orderIdentifier: string, first: OnegevityEvent) {
  return harness.env.client.workflow.signalWithStart<typeof labOrderWorkflow, [OnegevityEvent]>('labOrderWorkflow', {
    taskQueue: run.worker.options.taskQueue,
    workflowId: labOrderWorkflowId(orderIdentifier),
    args: [{ orderIdentifier, settings: labSettings(), follow: true }],
    signal: onegevityEventSignal,
    signalArgs: [first],
  });
}

async function startOrder(
  run: Run,
  settings: LabWorkflowSettings,
  extra: { historyEventsPerRun?: number } = {},
): Promise<{ handle: WorkflowHandleWithFirstExecutionRunId<typeof labOrderWorkflow>; orderIdentifier: string }> {
  const orderIdentifier = newOrderIdentifier();
  const handle = await harness.env.client.workflow.start<typeof labOrderWorkflow>('labOrderWorkflow', {
    taskQueue: run.worker.options.taskQueue,
    workflowId: labOrderWorkflowId(orderIdentifier),
    args: [{ orderIdentifier, settings, order: labPlacement('P-TS-1'), ...extra }],
  });
  return { handle, orderIdentifier };
}

const status = (handle: WorkflowHandle) => handle.query(labOrderStatusQuery);
const stageIs = (stage: string) => (value: LabOrderStatus) => value.stage === stage;
const notifiedTypes = (vendor: FakeLabVendor, orderIdentifier: string) =>
  vendor.notifications.filter((n) => n.data.orderIdentifier === orderIdentifier).map((n) => n.type);

async function searchAttributes(handle: WorkflowHandle) {
  const { typedSearchAttributes } = await handle.describe();
  return {
    stage: typedSearchAttributes.get(FulfillmentStage),
    labOrderId: typedSearchAttributes.get(LabOrderId),
    needsOperator: typedSearchAttributes.get(NeedsOperator),
    escalationLevel: typedSearchAttributes.get(EscalationLevel),
  };
}

async function record(name: string, handle: WorkflowHandle): Promise<void> {
  if (!process.env.RECORD_LAB_HISTORIES) return;
  const history = await handle.fetchHistory();
  writeFileSync(join(HISTORIES, `lab-${name}.json`), historyToFixtureJson(history));
}

describe('labOrderWorkflow (time-skipping)', () => {
  it('reminds the partner while the kit waits for activation, then asks an operator, and clears on activation', async () => {
    await withWorker(async (run) => {
      const settings = labSettings({ kitActivationReminderAfterMs: 2 * DAY, kitActivationOperatorAfterMs: 5 * DAY });
      const { handle, orderIdentifier } = await startOrder(run, settings);
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('created'),
        'created',
      );
      await handle.signal(
        onegevityEventSignal,
        labEvent('fulfillment.accepted', { id: 1, requestorId: orderIdentifier }),
      );
      await handle.signal(
        onegevityEventSignal,
        labEvent('fulfillment.shipped', {
          id: 1,
          requestorId: orderIdentifier,
          trackingNumber: '123456789012',
          trackingUrl: 'https://track.example/123456789012',
        }),
      );
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('shipped'),
        'shipped',
      );
      expect(run.vendor.notifications.find((n) => n.type === 'lab_order.shipped')?.data).toMatchObject({
        trackingNumber: '123456789012',
        trackingUrl: 'https://track.example/123456789012',
      });

      await harness.env.sleep(2 * DAY + HOUR);
      let current = await waitFor(
        () => status(handle),
        (s) => s.activationRemindersSent === 1,
        'first reminder',
      );
      expect(current).toMatchObject({ needsOperator: false, escalationLevel: 1 });
      await harness.env.sleep(2 * DAY);
      await waitFor(
        () => status(handle),
        (s) => s.activationRemindersSent === 2,
        'second reminder',
      );
      await harness.env.sleep(DAY);
      current = await waitFor(
        () => status(handle),
        (s) => s.needsOperator,
        'operator flag',
      );
      expect(current).toMatchObject({ escalationLevel: 2, activationRemindersSent: 2 });
      expect(current.attention?.kind).toBe('kit_not_activated');
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('needs_operator:kit_not_activated:1'),
        'flag sent',
      );
      expect(await searchAttributes(handle)).toEqual({
        stage: 'SHIPPED',
        labOrderId: orderIdentifier,
        needsOperator: true,
        escalationLevel: 2,
      });
      // Keeps waiting after the flag, without further reminders.
      await harness.env.sleep(3 * DAY);
      expect((await status(handle)).activationRemindersSent).toBe(2);

      await handle.signal(
        onegevityEventSignal,
        labEvent('kit.activated', { id: 1, orderIdentifier, patientIdentifier: 'P-TS-1', activationCode: 'TH-AB12' }),
      );
      current = await waitFor(() => status(handle), stageIs('KIT_ACTIVATED'), 'kit activated');
      expect(current).toMatchObject({ needsOperator: false, escalationLevel: 0, kitStatus: 'ACTIVATED' });
      expect(await searchAttributes(handle)).toMatchObject({ needsOperator: false, escalationLevel: 0 });

      releaseResults(run.vendor, orderIdentifier);
      await handle.signal(
        onegevityEventSignal,
        labEvent('results.released', { id: 1, orderIdentifier, patientIdentifier: 'P-TS-1' }),
      );
      const result = await handle.result();
      expect(result).toMatchObject({ stage: 'RESULTS_RELEASED', reportIdentifiers: ['R-1'] });
      expect(notifiedTypes(run.vendor, orderIdentifier)).toEqual([
        'lab_order.created',
        'lab_order.accepted',
        'lab_order.shipped',
        'lab_order.activation_reminder',
        'lab_order.activation_reminder',
        'lab_order.needs_operator',
        'lab_order.kit_activated',
        'lab_order.results_released',
      ]);
      expect(run.vendor.notifications.map((n) => n.id)).toContain(`${handle.workflowId}:activation_reminder:2`);
      expect(run.vendor.notifications.at(-1)?.data).toMatchObject({ reportIdentifiers: 'R-1', reportCount: 1 });
      // Quiet for less than the 30-day reconcile interval: the only read is the one before listing the reports.
      expect(run.vendor.calls.getLabOrder).toHaveLength(1);
      await record('activation-escalation', handle);
    });
  });

  it('polls a quiet order once per reconcile interval, never while events flow, with few timers', async () => {
    await withWorker(async (run) => {
      const { handle, orderIdentifier } = await startOrder(run, labSettings({ reconcileIntervalMs: 6 * HOUR }));
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('created'),
        'created',
      );
      for (let hour = 1; hour <= 24; hour++) {
        await harness.env.sleep(HOUR);
        await handle.signal(onegevityEventSignal, labEvent('order.created', { id: hour, orderIdentifier }));
      }
      await waitFor(
        () => status(handle),
        (s) => s.events.received === 24,
        'events',
      );
      expect(run.vendor.calls.getLabOrder).toHaveLength(0);

      // The order shipped and its webhooks were lost: the first quiet interval finds it.
      run.vendor.orders.set(orderIdentifier, {
        orderIdentifier,
        packageIdentifier: 'KIT-STANDARD',
        status: 'SHIPPED',
        completed: false,
        fulfillment: {
          requestIdentifier: orderIdentifier,
          status: 'SHIPPED',
          trackingNumber: '998877665544',
          trackingUrl: 'https://track.example/998877665544',
          rejectionReason: null,
        },
        kitStatuses: ['NOT_ACTIVATED'],
      });
      await harness.env.sleep(6 * HOUR + 60_000);
      const polled = await waitFor(() => status(handle), stageIs('SHIPPED'), 'shipped by poll');
      expect(polled.reconcile.reads).toBe(1);
      expect(polled.fulfillment.trackingNumber).toBe('998877665544');
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('shipped'),
        'shipped sent',
      );
      expect(notifiedTypes(run.vendor, orderIdentifier)).toEqual([
        'lab_order.created',
        'lab_order.accepted',
        'lab_order.shipped',
      ]);
      await harness.env.sleep(6 * HOUR);
      await waitFor(
        () => status(handle),
        (s) => s.reconcile.reads === 2,
        'second poll',
      );

      const history = await handle.fetchHistory();
      const timers = (history.events ?? []).filter((event) => event.timerStartedEventAttributes).length;
      // 24 events in a day, then two quiet intervals: a timer per wake-up, not one per event.
      expect(timers).toBeLessThanOrEqual(10);
      await handle.terminate('test done');
    });
  });

  it('waits for an operator after a rejection; the update refuses bad input and resubmits as R2; cancel ends it', async () => {
    await withWorker(async (run) => {
      const { handle, orderIdentifier } = await startOrder(run, labSettings());
      await handle.signal(
        onegevityEventSignal,
        labEvent('fulfillment.rejected', { id: 7, requestorId: orderIdentifier, reason: 'not serviceable' }),
      );
      let current = await waitFor(() => status(handle), stageIs('REJECTED'), 'rejected');
      expect(current).toMatchObject({
        needsOperator: true,
        attention: { kind: 'fulfillment_rejected' },
        fulfillment: { attempt: 1, rejectionReason: 'not serviceable' },
      });
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('rejected:1'),
        'rejected sent',
      );
      expect(await searchAttributes(handle)).toMatchObject({ stage: 'REJECTED', needsOperator: true });

      const refused = async (input: Record<string, unknown>) => {
        const error = await handle.executeUpdate(resolveLabExceptionUpdate, { args: [input as never] }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
        return (error as WorkflowUpdateFailedError).cause?.message ?? '';
      };
      expect(await refused({ action: 'resubmit', reason: 'x' })).toMatch(/"operator" is required/);
      expect(
        await refused({ action: 'resubmit', operator: 'ops', reason: 'fix', address: { city: 'Nowhere' } }),
      ).toMatch(/"address\.streetAddress1" is required.*"address\.country"/);
      expect(await refused({ action: 'refund', operator: 'ops', reason: 'x' })).toMatch(
        /"action" must be one of "resubmit", "cancel"/,
      );
      // A misspelt address is not dropped (the kit would go again to the address just rejected): it is refused.
      const address = { streetAddress1: '1 Typo Rd', city: 'Salem', region: 'OR', country: 'US', postalCode: '97301' };
      expect(await refused({ action: 'resubmit', operator: 'ops', reason: 'fix', adress: address })).toMatch(
        /unknown field\(s\) "adress"/,
      );
      // So is an address beside `fields` in the update every workflow shares.
      const beside = await handle
        .executeUpdate(resolveExceptionUpdate, {
          args: [{ action: 'resubmit', operator: 'ops', reason: 'fix', address } as never],
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(beside).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((beside as WorkflowUpdateFailedError).cause?.message).toMatch(/unknown field\(s\) "address"/);
      // And by signal (the Web UI's fallback): rejected, recorded, nothing sent.
      await handle.signal(resolveLabExceptionSignal, {
        action: 'resubmit',
        operator: 'ops',
        reason: 'fix',
        adress: address,
      } as never);
      const misspelt = await waitFor(
        () => status(handle),
        (s) => s.lastRejection?.detail.includes('"adress"') === true,
        'the misspelt signal rejected',
      );
      expect(misspelt.lastRejection?.detail).toBe('resolveLabException: the input has unknown field(s) "adress"');
      await handle.signal(resolveExceptionSignal, {
        action: 'resubmit',
        operator: 'ops',
        reason: 'fix',
        address,
      } as never);
      await waitFor(
        () => status(handle),
        (s) => s.lastRejection?.detail === 'resolveException: the input has unknown field(s) "address"',
        'the misplaced address rejected',
      );
      expect(await status(handle)).toMatchObject({ stage: 'REJECTED', needsOperator: true });
      expect(run.vendor.calls.requestLabFulfillment).toHaveLength(0);

      const corrected = {
        streetAddress1: '500 Fixed Avenue',
        city: 'Salem',
        region: 'OR',
        country: 'US',
        postalCode: '97301',
      };
      const outcome = await handle.executeUpdate(resolveLabExceptionUpdate, {
        args: [{ action: 'resubmit', operator: 'ops@example.com', reason: 'address corrected', address: corrected }],
      });
      expect(outcome).toMatchObject({ accepted: true, action: 'resubmit' });
      expect(run.vendor.calls.requestLabFulfillment).toHaveLength(1);
      expect(run.vendor.calls.requestLabFulfillment[0]).toMatchObject({
        requestIdentifier: `${orderIdentifier}R2`,
        orderIdentifier,
        patientIdentifier: 'P-TS-1',
        fulfillmentInformation: { shippingAddress: corrected, recipientLastName: 'Kitowska' },
      });
      current = await status(handle);
      expect(current).toMatchObject({
        stage: 'FULFILLMENT_REQUESTED',
        needsOperator: false,
        fulfillment: { requestIdentifier: `${orderIdentifier}R2`, attempt: 2, status: 'REQUESTED' },
      });
      // The corrected address is PHI: it is in the request to Onegevity, not in the status.
      expect(JSON.stringify(current)).not.toContain('Fixed Avenue');

      // A late copy of the first request's rejection changes nothing; R2's acceptance counts.
      await handle.signal(
        onegevityEventSignal,
        labEvent('fulfillment.rejected', { id: 7, requestorId: orderIdentifier, reason: 'again' }),
      );
      await handle.signal(
        onegevityEventSignal,
        labEvent('fulfillment.accepted', { id: 8, requestorId: `${orderIdentifier}R2` }),
      );
      current = await waitFor(() => status(handle), stageIs('ACCEPTED'), 'R2 accepted');
      expect(current.events.late).toBe(1);
      expect(await refused({ action: 'resubmit', operator: 'ops', reason: 'again' })).toMatch(/not offered now/);

      await handle.signal(cancelSignal, { operator: 'ops@example.com', reason: 'partner withdrew the order' });
      const result = await handle.result();
      expect(result).toMatchObject({ stage: 'CANCELED', canceled: { by: 'operator', canceledAtVendor: true } });
      expect(run.vendor.calls.cancelLabFulfillment).toEqual([{ requestIdentifier: `${orderIdentifier}R2` }]);
      expect(result.decisions.map((d) => [d.action, d.outcome])).toEqual([
        ['resubmit', 'rejected'],
        ['resubmit', 'rejected'],
        ['resubmit', 'accepted'],
        ['cancel', 'accepted'],
      ]);
      expect(notifiedTypes(run.vendor, orderIdentifier)).toEqual([
        'lab_order.created',
        'lab_order.rejected',
        'lab_order.resolved',
        'lab_order.accepted',
        'lab_order.canceled',
      ]);
      expect(run.vendor.notifications.at(-1)?.data).toMatchObject({ canceledBy: 'operator', canceledAtVendor: true });
      await record('rejected-resubmitted-canceled', handle);
    });
  });

  it('offers its actions with their fields in the status and resolves them through resolveException, like every workflow', async () => {
    await withWorker(async (run) => {
      const { handle, orderIdentifier } = await startOrder(run, labSettings());
      await handle.signal(
        onegevityEventSignal,
        labEvent('fulfillment.rejected', { id: 9, requestorId: orderIdentifier, reason: 'no such street' }),
      );
      const rejected = await waitFor(() => status(handle), stageIs('REJECTED'), 'rejected');
      expect(rejected.holdReason).toBe('fulfillment_rejected');
      // The vendor's reason, for whoever settles it (the operator contract's holdDetail).
      expect(rejected.holdDetail).toMatch(
        /^Onegevity rejected fulfillment request \S+ \(attempt 1\)\. Onegevity says: no such street$/,
      );
      expect(rejected.offeredActions.map((action) => action.action)).toEqual(['resubmit', 'cancel']);
      const [addressField, ...otherFields] = rejected.offeredActions[0]?.fields ?? [];
      expect(otherFields).toEqual([]);
      expect(addressField).toMatchObject({ name: 'address', required: false });
      expect(addressField?.description).toContain('postalCode');

      const wrongField = await handle
        .executeUpdate(resolveExceptionUpdate, {
          args: [{ action: 'resubmit', fields: { adress: {} }, operator: 'ops', reason: 'typo' }],
        })
        .catch((error: unknown) => (error instanceof WorkflowUpdateFailedError ? error.cause?.message : 'other'));
      expect(wrongField).toBe('"fields" has unknown field(s) "adress"');

      const corrected = {
        streetAddress1: '77 Resolved Road',
        city: 'Eugene',
        region: 'OR',
        country: 'US',
        postalCode: '97401',
      };
      const outcome = await handle.executeUpdate(resolveExceptionUpdate, {
        args: [{ action: 'resubmit', fields: { address: corrected }, operator: 'ops', reason: 'address confirmed' }],
      });
      expect(outcome).toMatchObject({ accepted: true, action: 'resubmit' });
      expect(run.vendor.calls.requestLabFulfillment[0]).toMatchObject({
        requestIdentifier: `${orderIdentifier}R2`,
        fulfillmentInformation: { shippingAddress: corrected },
      });
      const after = await status(handle);
      expect(after.offeredActions.map((action) => action.action)).toEqual(['cancel']);
      expect(after.decisions).toEqual([
        expect.objectContaining({ via: 'update', action: 'resubmit', operator: 'ops', outcome: 'accepted' }),
      ]);

      await handle.signal(resolveExceptionSignal, { action: 'cancel', operator: 'ops', reason: 'withdrawn' });
      const result = await handle.result();
      expect(result).toMatchObject({ stage: 'CANCELED', offeredActions: [] });
      await record('resolved-through-resolve-exception', handle);
    });
  });

  it('applies events that overtake the create answer, and notifies them after created', async () => {
    const vendor = createFakeLabVendor();
    let release: () => void = () => undefined;
    vendor.createGate = new Promise((resolve) => {
      release = resolve;
    });
    await withWorker(async (run) => {
      // The rejection comes with the start (as a signal-with-start would bring it): it is in the first activation.
      const orderIdentifier = newOrderIdentifier();
      const handle = await harness.env.client.workflow.signalWithStart<typeof labOrderWorkflow, [OnegevityEvent]>(
        'labOrderWorkflow',
        {
          taskQueue: run.worker.options.taskQueue,
          workflowId: labOrderWorkflowId(orderIdentifier),
          args: [{ orderIdentifier, settings: labSettings(), order: labPlacement('P-TS-1') }],
          signal: onegevityEventSignal,
          signalArgs: [labEvent('fulfillment.rejected', { id: 9, requestorId: orderIdentifier, reason: 'early' })],
        },
      );
      const early = await waitFor(
        () => status(handle),
        (s) => s.fulfillment.status === 'REJECTED',
        'early rejection',
      );
      expect(early).toMatchObject({ stage: 'CREATING_ORDER', notified: [] });
      await waitFor(
        async () => run.vendor.calls.createLabOrder.length,
        (n) => n === 1,
        'create in flight',
      );
      release();
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('rejected:1'),
        'rejected sent',
      );
      expect(await status(handle)).toMatchObject({ stage: 'REJECTED', needsOperator: true });
      expect(notifiedTypes(run.vendor, orderIdentifier)).toEqual(['lab_order.created', 'lab_order.rejected']);
      await handle.signal(cancelSignal, { operator: 'ops@example.com', reason: 'test done' });
      expect(await handle.result()).toMatchObject({ stage: 'CANCELED' });
    }, vendor);
  });

  it('asks an operator when Onegevity refuses the order, and a resubmission with a corrected address creates it', async () => {
    const vendor = createFakeLabVendor();
    vendor.failCreates = 1;
    await withWorker(async (run) => {
      const { handle, orderIdentifier } = await startOrder(run, labSettings());
      let current = await waitFor(() => status(handle), stageIs('ORDER_FAILED'), 'order failed');
      expect(current.attention?.detail).toMatch(/VendorRejected/);
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('needs_operator:order_failed:1'),
        'flag sent',
      );
      expect(await searchAttributes(handle)).toMatchObject({ stage: 'ORDER_FAILED', needsOperator: true });

      // The Web UI's signal form: an invalid input is recorded, not applied.
      await handle.signal(resolveLabExceptionSignal, { action: 'resubmit', operator: '', reason: 'x' });
      current = await waitFor(
        () => status(handle),
        (s) => s.decisions.length === 1,
        'refusal recorded',
      );
      expect(current.decisions[0]).toMatchObject({ outcome: 'rejected', action: 'resubmit' });
      expect(current.decisions[0]?.detail).toMatch(/resolveLabException: "operator" must not be blank/);
      expect(current.lastRejection).toEqual(current.decisions[0]);
      expect(run.vendor.calls.createLabOrder).toHaveLength(1);

      const corrected = {
        streetAddress1: '9 Better Way',
        city: 'Bend',
        region: 'OR',
        country: 'US',
        postalCode: '97701',
      };
      await handle.signal(resolveLabExceptionSignal, {
        action: 'resubmit',
        operator: 'ops@example.com',
        reason: 'postal code fixed',
        address: corrected,
      });
      current = await waitFor(() => status(handle), stageIs('FULFILLMENT_REQUESTED'), 'created on resubmit');
      expect(current.needsOperator).toBe(false);
      expect(run.vendor.calls.createLabOrder).toHaveLength(2);
      expect(run.vendor.calls.createLabOrder[1]?.request).toMatchObject({
        orderIdentifier,
        fulfillmentInformation: { shippingAddress: corrected },
      });
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('created'),
        'created sent',
      );
      expect(notifiedTypes(run.vendor, orderIdentifier)).toEqual(['lab_order.needs_operator', 'lab_order.created']);
      await handle.signal(
        onegevityEventSignal,
        labEvent('fulfillment.canceled', { id: 3, requestorId: orderIdentifier }),
      );
      expect(await handle.result()).toMatchObject({ stage: 'CANCELED', canceled: { by: 'vendor' } });
      expect(run.vendor.calls.cancelLabFulfillment).toHaveLength(0);
      expect(run.vendor.notifications.at(-1)).toMatchObject({
        id: `${handle.workflowId}:canceled`,
        type: 'lab_order.canceled',
        data: { canceledBy: 'vendor', canceledAtVendor: true },
      });
      await record('create-failed-resubmitted-vendor-canceled', handle);
    }, vendor);
  });

  it('(a run from before follow mode) parks an order it never started as an unknown order, reads it once, acts on nothing, and closes on cancel', async () => {
    await withWorker(async (run) => {
      const orderIdentifier = newOrderIdentifier();
      run.vendor.orders.set(orderIdentifier, { ...createdSnapshotFor(orderIdentifier), status: 'SHIPPED' });
      const handle = await harness.env.client.workflow.signalWithStart<typeof labOrderWorkflow, [OnegevityEvent]>(
        'labOrderWorkflow',
        {
          taskQueue: run.worker.options.taskQueue,
          workflowId: labOrderWorkflowId(orderIdentifier),
          args: [{ orderIdentifier, settings: labSettings() }],
          signal: onegevityEventSignal,
          signalArgs: [
            labEvent('kit.activated', {
              id: 4,
              orderIdentifier,
              patientIdentifier: 'P-ELSEWHERE',
              activationCode: 'TH-ZZ99',
            }),
          ],
        },
      );
      const current = await waitFor(
        () => status(handle),
        (s) => s.orderStatus !== undefined,
        'one read',
      );
      expect(current).toMatchObject({
        reconcile: { reads: 1 },
        stage: 'UNKNOWN_ORDER',
        startedByEngine: false,
        needsOperator: true,
        orderStatus: 'SHIPPED',
        kitStatus: 'UNREGISTERED',
        attention: { kind: 'unknown_order' },
      });
      expect(await searchAttributes(handle)).toEqual({
        stage: 'UNKNOWN_ORDER',
        labOrderId: orderIdentifier,
        needsOperator: true,
        escalationLevel: 0,
      });
      const error = await handle
        .executeUpdate(resolveLabExceptionUpdate, { args: [{ action: 'resubmit', operator: 'ops', reason: 'x' }] })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((error as WorkflowUpdateFailedError).cause?.message).toMatch(
        /not offered for an order placed outside the engine \(it has no placement .*\); offered: cancel$/,
      );
      const outcome = await handle.executeUpdate(resolveLabExceptionUpdate, {
        args: [{ action: 'cancel', operator: 'ops@example.com', reason: 'placed by another system' }],
      });
      expect(outcome).toMatchObject({ accepted: true, action: 'cancel' });
      expect(await handle.result()).toMatchObject({ stage: 'DISMISSED', needsOperator: false });
      expect(run.vendor.calls.createLabOrder).toHaveLength(0);
      expect(run.vendor.calls.cancelLabFulfillment).toHaveLength(0);
      expect(run.vendor.notifications).toHaveLength(0);
      await record('unknown-order-dismissed', handle);
    });
  });

  it('takes a topic named like an object member (constructor, __proto__) as an unknown topic, never failing its task', async () => {
    await withWorker(async (run) => {
      const { handle, orderIdentifier } = await startOrder(run, labSettings());
      const before = await waitFor(
        () => status(handle),
        (s) => s.notified.includes('created'),
        'created',
      );
      const topics = ['constructor', '__proto__', 'toString'];
      for (const topic of topics) {
        // What the Web UI's "Send a Signal" takes, and what the bridge hands over for an X-Onegevity-Topic so named.
        await handle.signal('onegevityEvent', {
          dedupeKey: `x-${topic}`,
          topic,
          receivedAt: '',
          requestId: '',
          requestorId: orderIdentifier,
        });
      }
      const after = await waitFor(
        () => status(handle),
        (s) => s.events.received === before.events.received + topics.length,
        'the events taken',
      );
      expect(after).toMatchObject({
        stage: before.stage,
        fulfillment: before.fulfillment,
        needsOperator: false,
        events: { informational: before.events.informational + topics.length, late: before.events.late },
      });
      const failed = (await handle.fetchHistory()).events?.filter((e) => e.workflowTaskFailedEventAttributes);
      expect(failed).toEqual([]);
      // Not left running without a worker: its timers would fire once a later test lets the server skip time, and a
      // workflow task no worker takes keeps the server from skipping again.
      await handle.terminate('test over');
    });
  });

  it('keeps its state and de-duplication across continue-as-new', async () => {
    await withWorker(async (run) => {
      const { handle, orderIdentifier } = await startOrder(run, labSettings(), { historyEventsPerRun: 40 });
      const accepted = labEvent('fulfillment.accepted', { id: 1, requestorId: orderIdentifier });
      await handle.signal(onegevityEventSignal, accepted);
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('accepted'),
        'accepted sent',
      );
      for (let i = 0; i < 30; i++) {
        await handle.signal(onegevityEventSignal, labEvent('order.created', { id: 100 + i, orderIdentifier }));
      }
      const described = await waitFor(
        () => handle.describe(),
        (d) => d.runId !== handle.firstExecutionRunId,
        'a new run',
      );
      expect(described.status.name).toBe('RUNNING');
      await handle.signal(onegevityEventSignal, accepted);
      const current = await waitFor(
        () => status(handle),
        (s) => s.events.duplicates === 1,
        'duplicate counted',
      );
      expect(current).toMatchObject({ stage: 'ACCEPTED', events: { received: 31 } });
      expect(notifiedTypes(run.vendor, orderIdentifier)).toEqual(['lab_order.created', 'lab_order.accepted']);
      await handle.signal(
        onegevityEventSignal,
        labEvent('fulfillment.canceled', { id: 2, requestorId: orderIdentifier }),
      );
      await handle.result();
      expect(notifiedTypes(run.vendor, orderIdentifier)).toEqual([
        'lab_order.created',
        'lab_order.accepted',
        'lab_order.canceled',
      ]);
    });
  });
});

describe('labOrderWorkflow reads, orders and follows (time-skipping)', () => {
  it('reads the order again for every order.updated repeat: one read in flight, at most one more queued', async () => {
    await withWorker(async (run) => {
      const { handle, orderIdentifier } = await startOrder(run, labSettings());
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('created'),
        'created',
      );
      let release = (): void => undefined;
      run.vendor.readGate = new Promise<void>((resolve) => (release = resolve));
      // Onegevity's body for every order.updated of this order: nothing in it changes.
      const updated = () => labEvent('order.updated', { id: 7, orderIdentifier, patientIdentifier: 'P-TS-1' });
      await handle.signal(onegevityEventSignal, updated());
      await waitFor(
        async () => run.vendor.calls.getLabOrder.length,
        (reads) => reads === 1,
        'a read in flight',
      );
      for (let i = 0; i < 4; i++) await handle.signal(onegevityEventSignal, updated());
      const waiting = await waitFor(
        () => status(handle),
        (s) => s.events.rereadRequests === 5,
        'repeats taken while the read is in flight',
      );
      expect(waiting).toMatchObject({ events: { duplicates: 0 }, reconcile: { reads: 1, coalesced: 3 } });
      // The lab accepted meanwhile: the queued read sees it.
      const accepted = createdSnapshotFor(orderIdentifier);
      run.vendor.orders.set(orderIdentifier, {
        ...accepted,
        status: 'ACCEPTED',
        fulfillment: { ...createdFulfillment(orderIdentifier), status: 'ACCEPTED' },
      });
      release();
      // The read in flight may see the acceptance already; the queued one still follows it, and no third.
      const read = await waitFor(
        () => status(handle),
        (s) => s.stage === 'ACCEPTED' && s.reconcile.reads === 2,
        'accepted, and the queued read done',
      );
      expect(read.reconcile).toMatchObject({ reads: 2, coalesced: 3 });
      // The workflow counts a read when it schedules it: the queued read reaches the vendor a moment later.
      await waitFor(
        async () => run.vendor.calls.getLabOrder.length,
        (reads) => reads >= 2,
        'the queued read at the vendor',
      );
      // Later, the same body again: a new change to read, not a duplicate.
      run.vendor.orders.set(orderIdentifier, {
        ...accepted,
        status: 'SHIPPED',
        fulfillment: {
          ...createdFulfillment(orderIdentifier),
          status: 'SHIPPED',
          trackingNumber: '123456789012',
          trackingUrl: 'https://track.example/123456789012',
        },
        kitStatuses: ['NOT_ACTIVATED'],
      });
      await handle.signal(onegevityEventSignal, updated());
      const shipped = await waitFor(() => status(handle), stageIs('SHIPPED'), 'shipped from a repeat');
      expect(shipped).toMatchObject({
        events: { rereadRequests: 6, duplicates: 0 },
        reconcile: { reads: 3, coalesced: 3 },
        fulfillment: { trackingNumber: '123456789012' },
      });
      // The read queues the shipped notification; the partner has it once the outbox has sent it.
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('shipped'),
        'shipped sent',
      );
      expect(notifiedTypes(run.vendor, orderIdentifier)).toEqual([
        'lab_order.created',
        'lab_order.accepted',
        'lab_order.shipped',
      ]);
      // Two reads for five repeats, one for the later change: no third read while one was queued.
      expect(run.vendor.calls.getLabOrder).toHaveLength(3);
      await record('order-updates-reread-coalesced', handle);
      await handle.signal(cancelSignal, { operator: 'ops@example.com', reason: 'test over' });
      await handle.result();
    });
  });

  it('takes results.released only once a read of the order shows them; refuses an event naming another order', async () => {
    await withWorker(async (run) => {
      const { handle, orderIdentifier } = await startOrder(run, labSettings({ reconcileIntervalMs: 30 * DAY }));
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('created'),
        'created',
      );
      const patient = { id: 1, patientIdentifier: 'P-TS-1' };
      // Another order's event, signalled here by hand (the bridge routes by the order named): refused, nothing moves.
      const other = 'labffffffffffffffffffffffff';
      await handle.signal(onegevityEventSignal, labEvent('results.released', { ...patient, orderIdentifier: other }));
      const refused = await waitFor(
        () => status(handle),
        (s) => s.lastRejection !== undefined,
        'the stray event refused',
      );
      expect(refused.lastRejection).toMatchObject({
        via: 'signal',
        outcome: 'rejected',
        detail: `onegevityEvent: "orderIdentifier" names another order than this workflow's (${orderIdentifier})`,
      });
      expect(refused).toMatchObject({ stage: 'FULFILLMENT_REQUESTED', kitStatus: 'UNREGISTERED' });
      expect(refused.events.received).toBe(0);

      // Its own results.released while Onegevity's order shows no results: read, and not taken.
      await handle.signal(onegevityEventSignal, labEvent('results.released', { ...patient, orderIdentifier }));
      const announced = await waitFor(
        () => status(handle),
        (s) => s.reconcile.reads === 1 && s.lastProblem?.includes('results.released') === true,
        'the announcement read',
      );
      expect(announced).toMatchObject({ stage: 'FULFILLMENT_REQUESTED', kitStatus: 'UNREGISTERED' });
      expect(announced.resultsAnnouncedAt).toBeDefined();
      expect(announced.lastProblem).toContain('a results.released webhook arrived, but the order reads');
      expect(run.vendor.calls.listLabReports).toEqual([]);
      expect(notifiedTypes(run.vendor, orderIdentifier)).toEqual(['lab_order.created']);

      // Onegevity's order shows them later: read again within 15 minutes (not the 30-day interval), then taken.
      releaseResults(run.vendor, orderIdentifier);
      await harness.env.sleep(16 * 60_000);
      const result = await handle.result();
      expect(result).toMatchObject({ stage: 'RESULTS_RELEASED', reportIdentifiers: ['R-1'] });
      expect(result.resultsAnnouncedAt).toBeUndefined();
      expect(run.vendor.calls.getLabOrder).toHaveLength(2);
      expect(notifiedTypes(run.vendor, orderIdentifier).at(-1)).toBe('lab_order.results_released');
      await record('results-confirmed-by-read', handle);
    });
  });

  it('tells the partner shipped before kit_activated when the activation overtakes the shipment', async () => {
    await withWorker(async (run) => {
      // The read after the activation shows the shipment: shipped (with its tracking), then kit_activated.
      const { handle, orderIdentifier } = await startOrder(run, labSettings());
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('created'),
        'created',
      );
      await handle.signal(
        onegevityEventSignal,
        labEvent('fulfillment.accepted', { id: 1, requestorId: orderIdentifier }),
      );
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('accepted'),
        'accepted',
      );
      const tracking = { trackingNumber: '987654321098', trackingUrl: 'https://track.example/987654321098' };
      run.vendor.orders.set(orderIdentifier, {
        ...createdSnapshotFor(orderIdentifier),
        status: 'ACTIVATED',
        fulfillment: { ...createdFulfillment(orderIdentifier), status: 'SHIPPED', ...tracking },
        kitStatuses: ['ACTIVATED'],
      });
      const activated = labEvent('kit.activated', {
        id: 1,
        orderIdentifier,
        patientIdentifier: 'P-TS-1',
        activationCode: 'TH-AB12',
      });
      await handle.signal(onegevityEventSignal, activated);
      await waitFor(
        () => status(handle),
        (s) => s.notified.includes('kit_activated'),
        'kit activated sent',
      );
      await handle.signal(
        onegevityEventSignal,
        labEvent('fulfillment.shipped', { id: 1, requestorId: orderIdentifier, ...tracking }),
      );
      await waitFor(
        () => status(handle),
        (s) => s.events.late === 1,
        'the late shipment',
      );
      const heard = run.vendor.notifications.filter((n) => n.data.orderIdentifier === orderIdentifier);
      expect(heard.map((n) => n.type)).toEqual([
        'lab_order.created',
        'lab_order.accepted',
        'lab_order.shipped',
        'lab_order.kit_activated',
      ]);
      expect(heard[2]?.data).toMatchObject(tracking);
      await record('activation-before-shipment-in-order', handle);

      // The read shows no shipment yet (the vendor lags): the activation implies it, still in order.
      const lagging = await startOrder(run, labSettings());
      const laggingId = lagging.orderIdentifier;
      await waitFor(
        () => status(lagging.handle),
        (s) => s.notified.includes('created'),
        'created',
      );
      await lagging.handle.signal(
        onegevityEventSignal,
        labEvent('kit.activated', {
          id: 2,
          orderIdentifier: laggingId,
          patientIdentifier: 'P-TS-1',
          activationCode: 'X',
        }),
      );
      const implied = await waitFor(
        () => status(lagging.handle),
        (s) => s.notified.includes('kit_activated'),
        'kit activated sent',
      );
      expect(implied.reconcile.reads).toBe(1);
      expect(notifiedTypes(run.vendor, laggingId)).toEqual([
        'lab_order.created',
        'lab_order.accepted',
        'lab_order.shipped',
        'lab_order.kit_activated',
      ]);
      for (const flow of [handle, lagging.handle]) {
        await flow.signal(cancelSignal, { operator: 'ops@example.com', reason: 'test over' });
        await flow.result();
      }
    });
  });

  it('follows an order placed outside the engine: reads it, adopts its fulfillment request and tracks it to its results', async () => {
    await withWorker(async (run) => {
      counter += 1;
      const orderIdentifier = `O${String(Date.now()).slice(-7)}${counter}`;
      const requestIdentifier = `F${String(Date.now()).slice(-7)}${counter}`;
      const fulfillment = { ...createdFulfillment(requestIdentifier), status: 'ACCEPTED' };
      run.vendor.orders.set(orderIdentifier, {
        ...createdSnapshotFor(orderIdentifier),
        status: 'ACCEPTED',
        fulfillment,
      });
      const handle = await startFollowed(
        run,
        orderIdentifier,
        labEvent('order.created', { id: 9, orderIdentifier, patientIdentifier: 'P-BROWSER' }),
      );
      const accepted = await waitFor(() => status(handle), stageIs('ACCEPTED'), 'followed and accepted');
      expect(accepted).toMatchObject({
        startedByEngine: false,
        followed: true,
        createOutcome: 'followed',
        needsOperator: false,
        fulfillment: { requestIdentifier, attempt: 1, status: 'ACCEPTED' },
      });
      expect(accepted.offeredActions.map((a) => a.action)).toEqual(['cancel']);
      expect(await searchAttributes(handle)).toEqual({
        stage: 'ACCEPTED',
        labOrderId: orderIdentifier,
        needsOperator: false,
        escalationLevel: 0,
      });
      run.vendor.orders.set(orderIdentifier, {
        ...createdSnapshotFor(orderIdentifier),
        status: 'SHIPPED',
        fulfillment: { ...fulfillment, status: 'SHIPPED', trackingNumber: '111122223333' },
        kitStatuses: ['NOT_ACTIVATED'],
      });
      await handle.signal(
        onegevityEventSignal,
        labEvent('order.updated', { id: 9, orderIdentifier, patientIdentifier: 'P-BROWSER' }),
      );
      await waitFor(() => status(handle), stageIs('SHIPPED'), 'shipped, read');
      await handle.signal(
        onegevityEventSignal,
        labEvent('kit.activated', { id: 9, orderIdentifier, patientIdentifier: 'P-BROWSER', activationCode: 'TH-1' }),
      );
      await waitFor(() => status(handle), stageIs('KIT_ACTIVATED'), 'activated');
      releaseResults(run.vendor, orderIdentifier);
      await handle.signal(
        onegevityEventSignal,
        labEvent('results.released', { id: 9, orderIdentifier, patientIdentifier: 'P-BROWSER' }),
      );
      const result = await handle.result();
      expect(result).toMatchObject({ stage: 'RESULTS_RELEASED', followed: true, reportIdentifiers: ['R-1'] });
      expect(run.vendor.calls.createLabOrder).toHaveLength(0);
      expect(run.vendor.calls.listLabReports).toEqual([{ patientIdentifier: 'P-BROWSER', orderIdentifier }]);
      const heard = run.vendor.notifications.filter((n) => n.data.orderIdentifier === orderIdentifier);
      expect(heard.map((n) => n.type)).toEqual([
        'lab_order.created',
        'lab_order.accepted',
        'lab_order.shipped',
        'lab_order.kit_activated',
        'lab_order.results_released',
      ]);
      expect(heard[0]?.data).toMatchObject({ createOutcome: 'followed' });
      expect(heard[2]?.data).toMatchObject({ requestIdentifier, trackingNumber: '111122223333' });
      await record('followed-to-results', handle);
    });
  });

  it('asks an operator once three reads in a row fail, and clears when a read works', async () => {
    await withWorker(async (run) => {
      counter += 1;
      const orderIdentifier = `O${String(Date.now()).slice(-7)}${counter}U`;
      // Onegevity does not know the order (404) until later: every read fails.
      const handle = await harness.env.client.workflow.signalWithStart<typeof labOrderWorkflow, [OnegevityEvent]>(
        'labOrderWorkflow',
        {
          taskQueue: run.worker.options.taskQueue,
          workflowId: labOrderWorkflowId(orderIdentifier),
          args: [{ orderIdentifier, settings: labSettings({ reconcileIntervalMs: HOUR }), follow: true }],
          signal: onegevityEventSignal,
          signalArgs: [labEvent('order.created', { id: 9, orderIdentifier, patientIdentifier: 'P-GONE' })],
        },
      );
      await waitFor(
        () => status(handle),
        (s) => s.reconcile.reads === 1,
        'the first read',
      );
      expect((await status(handle)).needsOperator).toBe(false);
      await harness.env.sleep(2 * HOUR + 60_000);
      const flagged = await waitFor(
        () => status(handle),
        (s) => s.needsOperator,
        'the operator asked',
      );
      expect(flagged.reconcile).toMatchObject({ reads: 3, failedInARow: 3 });
      expect(flagged.attention).toMatchObject({ kind: 'order_unreadable' });
      expect(flagged.holdDetail).toContain('Reading the order at Onegevity failed 3 times in a row');
      expect(flagged.offeredActions.map((a) => a.action)).toEqual(['cancel']);
      await waitFor(
        () => status(handle),
        (s) => s.notified.some((id) => id.startsWith('needs_operator:order_unreadable:')),
        'the partner told',
      );
      expect(await searchAttributes(handle)).toMatchObject({ needsOperator: true });

      run.vendor.orders.set(orderIdentifier, { ...createdSnapshotFor(orderIdentifier), status: 'ACCEPTED' });
      await harness.env.sleep(HOUR + 60_000);
      const cleared = await waitFor(
        () => status(handle),
        (s) => !s.needsOperator,
        'cleared by a read that works',
      );
      expect(cleared.reconcile.failedInARow).toBe(0);
      expect(await searchAttributes(handle)).toMatchObject({ needsOperator: false });
      await record('unreadable-order-flagged-then-read', handle);
      await handle.terminate('test over');
    });
  });

  it('settles a followed order’s rejection when whoever placed it sends a new fulfillment request', async () => {
    await withWorker(async (run) => {
      counter += 1;
      const orderIdentifier = `O${String(Date.now()).slice(-7)}${counter}`;
      const first = `F${String(Date.now()).slice(-7)}${counter}`;
      const patient = { id: 9, orderIdentifier, patientIdentifier: 'P-BROWSER' };
      run.vendor.orders.set(orderIdentifier, {
        ...createdSnapshotFor(orderIdentifier),
        status: 'REJECTED',
        fulfillment: { ...createdFulfillment(first), status: 'REJECTED', rejectionReason: 'address not deliverable' },
      });
      const handle = await startFollowed(run, orderIdentifier, labEvent('order.created', patient));
      const rejected = await waitFor(
        () => status(handle),
        (s) => s.needsOperator,
        'the rejection flagged',
      );
      expect(rejected.fulfillment).toMatchObject({ requestIdentifier: first, status: 'REJECTED' });
      expect(rejected.offeredActions.map((a) => a.action)).toEqual(['cancel']);

      // Whoever placed it sends Onegevity a new request; the order shows it, accepted.
      const second = `${first}B`;
      run.vendor.orders.set(orderIdentifier, {
        ...createdSnapshotFor(orderIdentifier),
        status: 'ACCEPTED',
        fulfillment: { ...createdFulfillment(second), status: 'ACCEPTED' },
      });
      await handle.signal(onegevityEventSignal, labEvent('order.updated', patient));
      const settled = await waitFor(() => status(handle), stageIs('ACCEPTED'), 'the new request followed');
      expect(settled).toMatchObject({
        needsOperator: false,
        fulfillment: { requestIdentifier: second, attempt: 2, status: 'ACCEPTED' },
      });
      expect(await searchAttributes(handle)).toMatchObject({ stage: 'ACCEPTED', needsOperator: false });
      const history = await handle.fetchHistory();
      // The run took the new way: its history holds the patch's marker.
      const patchIds = (history.events ?? []).flatMap((e) =>
        Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((payloads) =>
          (payloads.payloads ?? []).map((payload) => Buffer.from(payload.data ?? []).toString('utf8')),
        ),
      );
      expect(patchIds.some((id) => id.includes(LAB_FOLLOWED_REQUEST_SETTLES_REJECTION_PATCH))).toBe(true);
      releaseResults(run.vendor, orderIdentifier);
      await handle.signal(onegevityEventSignal, labEvent('results.released', patient));
      expect(await handle.result()).toMatchObject({ stage: 'RESULTS_RELEASED', needsOperator: false });
      await record('followed-rejected-then-new-request', handle);
    });
  });
});

function createdFulfillment(requestIdentifier: string) {
  return {
    requestIdentifier,
    status: 'REQUESTED',
    trackingNumber: null,
    trackingUrl: null,
    rejectionReason: null,
  };
}

function createdSnapshotFor(orderIdentifier: string) {
  return {
    orderIdentifier,
    packageIdentifier: 'KIT-STANDARD',
    status: 'FULFILLMENT_REQUESTED',
    completed: false,
    fulfillment: null,
    kitStatuses: ['UNREGISTERED'],
  };
}
