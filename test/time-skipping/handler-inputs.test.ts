// Every signal, update and query handler of every workflow survives any input (issue 14): what the Web UI's "Send a
// Signal" box sends when left empty (no input), null, numbers, strings, arrays, objects with `__proto__` or
// `constructor` keys, valid-looking objects with the wrong types. Each workflow waits in a stage where an operator
// could act; after the garbage its workflow task never failed, every query answers, the stage is unchanged, the
// rejection is in the decision log and the current details, and a valid input afterwards still works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { labOrderWorkflowId } from '../../src/domain/workflow-ids.js';
import type { HoneybeeWorkflowSettings } from '../../src/domain/workflow-settings.js';
import { createFakeLabVendor, fakeLabActivities } from '../harness/lab-activities.js';
import { labPlacement, labSettings } from '../harness/lab-orders.js';
import { startTimeSkipping, waitFor, type TimeSkippingHarness } from '../harness/time-skipping.js';
import { createFakeActivities, fakeOrder } from './honeybee-fakes.js';

const HOUR = 3_600_000;

const SETTINGS: HoneybeeWorkflowSettings = {
  mode: 'partner_requested',
  fillApproval: 'partner',
  holdEscalationAfterMs: 4 * HOUR,
  holdEscalationRepeatMs: 24 * HOUR,
  fillApprovalTimeoutMs: 72 * HOUR,
  reconcileIntervalMs: 30 * 24 * HOUR,
  shippingMethodId: 1,
};

const ACTIONS = [
  { action: 'override_allergy', description: 'Prescriber overrides the allergy alert', fields: ['prescriber_note'] },
  { action: 'cancel_order', description: 'Cancel the order', fields: ['reason'] },
];

/** What a careless or hostile sender puts in the input box. `NO_INPUT` sends no argument at all. */
const NO_INPUT = Symbol('no input');
const GARBAGE: unknown[] = [
  NO_INPUT,
  null,
  42,
  'garbage',
  [],
  [{ action: 'cancel_order' }],
  {},
  JSON.parse('{"__proto__": {"operator": "x", "reason": "y"}, "constructor": {"prototype": 1}}'),
  { operator: 5, reason: [], action: {}, fields: 'x', partnerPatientId: 7, approvedBy: null, requestedBy: {} },
  { eventId: 1, eventType: null, payload: 'x', dedupeKey: [], topic: 3, orderNumber: {}, seq: 'x' },
  { nested: { deeper: { deepest: Array.from({ length: 50 }, (_, i) => ({ i, s: 'x'.repeat(100) })) } } },
];

function argsOf(input: unknown): unknown[] {
  return input === NO_INPUT ? [] : [input];
}

let harness: TimeSkippingHarness;

beforeAll(async () => {
  harness = await startTimeSkipping();
});
afterAll(async () => {
  await harness?.teardown();
});

/** Reads a workflow within a deadline (a workflow whose task fails never answers). */
async function query<T>(handle: WorkflowHandle, name: string): Promise<T> {
  return harness.env.client.withDeadline(Date.now() + 30_000, () => handle.query<T>(name));
}

async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const metadata = await query<{ currentDetails?: string }>(handle, '__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

/** Workflow task failures in the history: none may happen, whatever the input. */
async function workflowTaskFailures(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .filter((event) => event.workflowTaskFailedEventAttributes)
    .map((event) => event.workflowTaskFailedEventAttributes?.failure?.message ?? '?');
}

/** Sends every garbage input to every signal named. */
async function sendGarbage(handle: WorkflowHandle, signals: readonly string[]): Promise<number> {
  let sent = 0;
  for (const name of signals) {
    for (const input of GARBAGE) {
      await handle.signal(name, ...argsOf(input));
      sent += 1;
    }
  }
  return sent;
}

/**
 * A well-formed resolution the workflow must refuse (nothing is offered under that name), sent last: signals are taken
 * in order, so once the log shows it, every garbage input before it has been handled.
 */
const SENTINEL = { action: 'no_such_action', fields: {}, operator: 'sentinel', reason: 'sent after the garbage' };

/** Every update refuses every garbage input in its validator, naming what is wrong. */
async function expectUpdatesRefused(handle: WorkflowHandle, updates: readonly string[]): Promise<void> {
  for (const name of updates) {
    for (const input of GARBAGE) {
      const sending = input === NO_INPUT ? handle.executeUpdate(name) : handle.executeUpdate(name, { args: [input] });
      const refusal = await sending
        .then(() => 'accepted')
        .catch((error: unknown) =>
          error instanceof WorkflowUpdateFailedError ? (error.cause?.message ?? '') : 'other',
        );
      expect(refusal, `${name}(${JSON.stringify(input === NO_INPUT ? 'no input' : input)})`).toMatch(
        /input|"[a-zA-Z.]+"/,
      );
    }
  }
}

/**
 * Sends the garbage to every signal, refuses it through every update, then waits for the sentinel: the workflow took
 * every input, none failed its workflow task, and its current details name the last rejection. Returns the status.
 */
async function sendAllGarbage(
  handle: WorkflowHandle,
  signals: readonly string[],
  updates: readonly string[],
): Promise<{ stage: string }> {
  await sendGarbage(handle, signals);
  await expectUpdatesRefused(handle, updates);
  await handle.signal('resolveException', SENTINEL);
  const after = await waitFor(
    () => query<{ stage: string; lastRejection?: { operator: string } }>(handle, 'status'),
    (state) => state.lastRejection?.operator === 'sentinel',
    'every garbage signal handled',
  );
  expect(await workflowTaskFailures(handle)).toEqual([]);
  expect(await currentDetails(handle)).toMatch(/Last input rejected/i);
  return after;
}

async function honeybeeWorker(
  activities: object,
  run: (worker: Worker, handles: WorkflowHandle[]) => Promise<void>,
): Promise<void> {
  const worker = await harness.createWorker({ activities });
  const handles: WorkflowHandle[] = [];
  try {
    await worker.runUntil(run(worker, handles));
  } finally {
    for (const handle of handles) {
      if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('test over');
    }
  }
}

describe('workflow handlers refuse bad input without failing a workflow task', () => {
  it('honeybeeOrderWorkflow On Hold: stays On Hold, records the rejections, then resolves', async () => {
    const orderNumber = 'HBGARBAGE';
    const { activities, calls } = createFakeActivities({
      order: {
        ...fakeOrder(orderNumber, 'On Hold'),
        exception: { id: '74', name: 'Allergy Detected' },
        actions: ACTIONS,
      },
      refillsLeft: 0,
      expireDate: '2099-12-31',
    });
    await honeybeeWorker(activities, async (worker, handles) => {
      const handle = await harness.env.client.workflow.signalWithStart('honeybeeOrderWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: `honeybee-order-${orderNumber}`,
        args: [{ orderNumber, prescriptionIds: ['1111111'], settings: SETTINGS }],
        signal: 'honeybeeEvent',
        // The shape an older bridge sent (the raw payload): still read, with the bridge's own reader.
        signalArgs: [
          {
            eventId: 'e-hold',
            eventType: 'ORDER_EXCEPTION',
            receivedAt: new Date().toISOString(),
            requestId: 'bridge-req',
            payload: {
              event_type: 'ORDER_EXCEPTION',
              order_number: orderNumber,
              exception: { id: 74, name: 'Allergy Detected' },
              order_actions: ACTIONS,
            },
          },
        ],
      });
      handles.push(handle);
      const held = await waitFor(
        () => query<{ stage: string; exception?: { code: string; name: string } }>(handle, 'status'),
        (state) => state.stage === 'ORDER_ON_HOLD' && state.exception !== undefined,
        'On Hold with its exception',
      );
      expect(held.exception).toMatchObject({ code: '74', name: 'Allergy Detected' });
      const after = await sendAllGarbage(
        handle,
        ['resolveException', 'cancel', 'honeybeeEvent', 'orderLinked'],
        ['resolveExceptionUpdate'],
      );
      expect(after.stage).toBe(held.stage);
      expect(calls.actions).toEqual([]);

      const result = await handle.executeUpdate('resolveExceptionUpdate', {
        args: [{ action: 'override_allergy', fields: { prescriber_note: 'ok' }, operator: 'alice', reason: 'checked' }],
      });
      expect(result).toMatchObject({ accepted: true, action: 'override_allergy' });
      expect(calls.actions.map((action) => action.action)).toEqual(['override_allergy']);
    });
  });

  it('prescriptionWorkflow awaiting fill approval: stays there, records the rejections, then is approved', async () => {
    const { activities } = createFakeActivities({
      order: fakeOrder('HB0', 'Processing'),
      nextOrderNumber: 'HBAFTERGARBAGE',
      refillsLeft: 0,
      expireDate: '2099-12-31',
    });
    await honeybeeWorker(activities, async (worker, handles) => {
      const handle = await harness.env.client.workflow.start('prescriptionWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: 'honeybee-rx-9090901',
        args: [{ prescriptionId: '9090901', patientId: '4242', settings: SETTINGS }],
      });
      handles.push(handle);
      await waitFor(
        () => query<{ stage: string }>(handle, 'status'),
        (state) => state.stage === 'AWAITING_FILL_APPROVAL',
        'awaiting fill approval',
      );
      const signals = [
        'honeybeeEvent',
        'orderMilestone',
        'matchPatient',
        'approveFill',
        'requestRefill',
        'resolveException',
        'cancel',
      ];
      const after = await sendAllGarbage(handle, signals, ['resolveExceptionUpdate']);
      expect(after.stage).toBe('AWAITING_FILL_APPROVAL');

      // A resolution pasted into the cancel box is refused, naming the stray field, not taken as a cancel.
      await handle.signal('cancel', { operator: 'pasted', reason: 'wrong box', action: 'cancel_order', fields: {} });
      const pasted = await waitFor(
        () => query<{ stage: string; lastRejection?: { operator: string; detail: string } }>(handle, 'status'),
        (state) => state.lastRejection?.operator === 'pasted',
        'the pasted cancel rejected',
      );
      expect(pasted.stage).toBe('AWAITING_FILL_APPROVAL');
      expect(pasted.lastRejection?.detail).toMatch(/action/);

      await handle.signal('approveFill', { approvedBy: 'partner-backend' });
      await waitFor(
        () => query<{ currentOrder?: { orderNumber: string } }>(handle, 'status'),
        (state) => state.currentOrder?.orderNumber === 'HBAFTERGARBAGE',
        'the order created after the approval',
      );
    });
  });

  it('labOrderWorkflow: keeps its stage, records the rejections, then cancels', async () => {
    const vendor = createFakeLabVendor();
    const worker = await harness.createWorker({ activities: fakeLabActivities(vendor) });
    await worker.runUntil(async () => {
      const orderIdentifier = 'lab0000000000000000000g4b';
      const handle = await harness.env.client.workflow.start('labOrderWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: labOrderWorkflowId(orderIdentifier),
        args: [{ orderIdentifier, settings: labSettings(), order: labPlacement('P-GARBAGE') }],
      });
      const before = await waitFor(
        () => query<{ stage: string; notified: string[] }>(handle, 'status'),
        (state) => state.notified.includes('created'),
        'created',
      );
      const after = await sendAllGarbage(
        handle,
        ['onegevityEvent', 'resolveException', 'resolveLabException', 'cancel'],
        ['resolveExceptionUpdate', 'resolveLabExceptionUpdate'],
      );
      expect(after.stage).toBe(before.stage);
      expect(vendor.calls.cancelLabFulfillment).toEqual([]);

      const canceled = await handle.executeUpdate('resolveExceptionUpdate', {
        args: [{ action: 'cancel', operator: 'alice', reason: 'partner withdrew' }],
      });
      expect(canceled).toMatchObject({ accepted: true, action: 'cancel' });
    });
  });

  it('deadLetterWorkflow: refuses garbage, keeps every valid entry', async () => {
    const worker = await harness.createWorker({ activities: {} });
    await worker.runUntil(async () => {
      const entry = {
        vendor: 'honeybee',
        reason: 'no route for event type X',
        receivedAt: new Date().toISOString(),
        requestId: 'req-1',
        body: '{}',
      };
      const handle = await harness.env.client.workflow.signalWithStart('deadLetterWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: 'dead-letter-honeybee-garbage',
        args: [{ vendor: 'honeybee' }],
        signal: 'parkWebhook',
        signalArgs: [entry],
      });
      const sent = await sendGarbage(handle, ['parkWebhook']);
      await handle.signal('parkWebhook', { ...entry, requestId: 'req-2' });
      const parked = await waitFor(
        () => query<{ total: number; entries: { requestId: string }[]; rejected: number }>(handle, 'parked'),
        (state) => state.total === 2 && state.rejected >= sent,
        'the two valid entries kept and the garbage refused',
      );
      expect(parked.entries.map((kept) => kept.requestId)).toEqual(['req-1', 'req-2']);
      expect(await workflowTaskFailures(handle)).toEqual([]);
      expect(await currentDetails(handle)).toMatch(/Last input rejected/i);
      await handle.terminate('test over');
    });
  });
});
