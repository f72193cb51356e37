// A property of every workflow (issue 14.2): whatever anyone sends to any of its signals, updates and queries, in any
// stage where it waits, no workflow task fails, every query answers, the stage stays where it was, and a valid input
// afterwards still carries the order to its end. The inputs are generated (fast-check) from one seed: no input at all,
// null, numbers, strings, lists, deeply nested and very large objects, `__proto__` / `constructor` keys, objects
// shaped like the message with wrong types or a field broken, and valid inputs meant for another exception or stage.
//
// The seed is printed; a failure names it and how to replay it:
//   HANDLER_PROPERTIES_SEED=<seed> npx vitest run --project time-skipping test/time-skipping/handler-properties.test.ts
// HANDLER_PROPERTIES_INPUTS (default 12) is the number of generated inputs per message and stage.
import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { EXCEPTION_REASONS } from '../../src/domain/honeybee-exception-reasons.js';
import { honeybeeEventFromPayload, type HoneybeeEvent } from '../../src/domain/honeybee-events.js';
import type { OnegevityEvent } from '../../src/domain/onegevity-events.js';
import { labOrderWorkflowId } from '../../src/domain/workflow-ids.js';
import type { HoneybeeWorkflowSettings } from '../../src/domain/workflow-settings.js';
import type { NotifyResult, PartnerNotification } from '../../src/partner/notifier.js';
import { parkWebhookSignal, parkedWebhooksQuery } from '../../workflows/dead-letter/messages.js';
import * as honeybeeMessages from '../../workflows/honeybee/messages.js';
import { DEFAULT_HONEYBEE_SETTINGS } from '../../workflows/honeybee/settings.js';
import * as labMessages from '../../workflows/lab/messages.js';
import * as notificationMessages from '../../workflows/notifications/messages.js';
import * as idempotencyMessages from '../../workflows/partner-api/messages.js';
import * as operatorMessages from '../../workflows/shared/operator-messages.js';
import type { SignalMessage, UpdateMessage } from '../../workflows/shared/messages.js';
import type { OperatorStatus } from '../../workflows/shared/operator-messages.js';
import {
  createFakeLabVendor,
  fakeLabActivities,
  releaseResults,
  type FakeLabVendor,
} from '../harness/lab-activities.js';
import { DAY, labEvent, labPlacement, labSettings } from '../harness/lab-orders.js';
import { startTimeSkipping, waitFor, type TimeSkippingHarness } from '../harness/time-skipping.js';
import { createFakeActivities, fakeOrder, type FakeVendor } from './honeybee-fakes.js';

const SEED = process.env.HANDLER_PROPERTIES_SEED
  ? Number(process.env.HANDLER_PROPERTIES_SEED)
  : Math.floor(Math.random() * 2 ** 31);
const INPUTS_PER_MESSAGE = Number(process.env.HANDLER_PROPERTIES_INPUTS ?? 12);
const REPLAY = `HANDLER_PROPERTIES_SEED=${SEED} npx vitest run --project time-skipping test/time-skipping/handler-properties.test.ts`;
process.stdout.write(
  `[handler-properties] seed ${SEED}, ${INPUTS_PER_MESSAGE} inputs per message (replay: ${REPLAY})\n`,
);

const HOUR = 3_600_000;

// ------------------------------------------------------------------------------------------------ generated inputs

/** What a sender puts in: `NO_INPUT` sends no argument at all (an empty Web UI input box). */
const NO_INPUT = Symbol('no input');
type Input = unknown;

/** What the workflow receives: the JSON payload converter's round trip (NaN becomes null, undefined keys vanish). */
function onTheWire(input: Input): unknown {
  if (input === NO_INPUT || input === undefined) return undefined;
  const text = JSON.stringify(input);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

function argsOf(input: Input): unknown[] {
  return input === NO_INPUT ? [] : [input];
}

/** An object with these own keys, `__proto__` included (assignment would set the prototype instead). */
function objectWith(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

const json = fc.jsonValue({ maxDepth: 3 });
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Nested `depth` levels deep, as objects and lists in turn. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? { deeper: value } : [value];
  return value;
}

/** Inputs of no particular shape. */
const shapeless: fc.Arbitrary<Input> = fc.oneof(
  fc.constant(NO_INPUT),
  fc.constant(null),
  fc.constant(undefined),
  fc.oneof(fc.integer(), fc.double(), fc.boolean()),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.array(json, { maxLength: 8 }),
  fc.dictionary(fc.string({ maxLength: 20 }), json, { maxKeys: 8 }),
  fc.tuple(fc.integer({ min: 50, max: 600 }), json).map(([depth, leaf]) => nested(depth, leaf)),
  // Very large: one long text, or thousands of keys.
  fc.integer({ min: 20_000, max: 120_000 }).map((length) => ({ operator: 'o', reason: 'x'.repeat(length) })),
  fc
    .integer({ min: 1_000, max: 4_000 })
    .map((keys) => Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i]))),
);

/** Objects shaped like `example`: its keys with values of any type, one key broken or missing, prototype keys. */
function lookalike(example: Record<string, unknown>): fc.Arbitrary<Input> {
  const keys = Object.keys(example);
  const wrongTypes = fc.record(Object.fromEntries(keys.map((key) => [key, fc.oneof(json, fc.constant(example[key]))])));
  const broken = fc
    .tuple(fc.constantFrom(...keys), fc.option(json, { nil: undefined }))
    .map(([key, value]) =>
      objectWith(
        Object.entries(example).flatMap(([name, kept]): [string, unknown][] =>
          name !== key ? [[name, kept]] : value === undefined ? [] : [[name, value]],
        ),
      ),
    );
  const polluted = fc
    .tuple(fc.subarray(PROTO_KEYS, { minLength: 1 }), fc.constantFrom(...keys), json)
    .map(([protoKeys, key, value]) =>
      objectWith([
        ...protoKeys.map((name): [string, unknown] => [name, { ...example, isAdmin: true }]),
        ...Object.entries(example).map(([name, kept]): [string, unknown] => [name, name === key ? value : kept]),
      ]),
    );
  return fc.oneof(wrongTypes, broken, polluted);
}

/** Inputs the message's schema must refuse, generated from the seed. */
function untrustedInputs(message: SignalMessage | UpdateMessage, example: Record<string, unknown>, seed: number) {
  const arbitrary = fc
    .oneof({ arbitrary: shapeless, weight: 2 }, { arbitrary: lookalike(example), weight: 3 })
    .filter((input) => !message.input.safeParse(onTheWire(input)).success);
  return fc.sample(arbitrary, { seed, numRuns: INPUTS_PER_MESSAGE });
}

function seedFor(...parts: string[]): number {
  return (
    createHash('sha256')
      .update(`${SEED}:${parts.join(':')}`)
      .digest()
      .readUInt32BE(0) & 0x7fffffff
  );
}

function describeInput(input: Input): string {
  if (input === NO_INPUT) return 'no input';
  const text = JSON.stringify(input) ?? String(input);
  return text.length > 120 ? `${text.slice(0, 120)}… (${text.length} characters)` : text;
}

// ------------------------------------------------------------------------------------------------ the messages

/** A valid input of each message, the pattern for look-alikes. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  resolveException: { action: 'override_allergy', fields: { prescriber_note: 'ok' }, operator: 'o', reason: 'r' },
  resolveExceptionUpdate: { action: 'override_allergy', fields: { prescriber_note: 'ok' }, operator: 'o', reason: 'r' },
  cancel: { operator: 'o', reason: 'r' },
  matchPatient: { partnerPatientId: 'P-1', operator: 'o', reason: 'r' },
  approveFill: { approvedBy: 'partner', fillNumber: 1, paymentReference: 'pay-1' },
  requestRefill: { requestedBy: 'partner' },
  honeybeeEvent: {
    eventId: 'e-1',
    eventType: 'RX_UPDATED',
    receivedAt: '2026-01-01T00:00:00.000Z',
    requestId: 'r',
    orderNumber: 'HB1',
    prescriptions: [{ prescriptionId: '1', dispenses: [{ status: 'Shipped' }] }],
  },
  orderMilestone: { orderNumber: 'HB1', milestone: 'delivered', status: 'Delivered', seq: 9, at: '2026-01-01' },
  orderLinked: { prescriptionId: '1', fillNumber: 1, patientId: '4242' },
  onegevityEvent: {
    dedupeKey: 'k',
    topic: 'fulfillment.shipped',
    receivedAt: '2026-01-01T00:00:00.000Z',
    requestId: 'r',
    requestorId: 'lab000000000000000000000001',
  },
  resolveLabException: { action: 'resubmit', operator: 'o', reason: 'r' },
  resolveLabExceptionUpdate: { action: 'resubmit', operator: 'o', reason: 'r' },
  parkWebhook: { vendor: 'honeybee', reason: 'r', receivedAt: '2026-01-01', requestId: 'r', body: '{}' },
  deliveryReport: { ok: false, reason: 'r', disableAfterMs: 1000 },
  parkNotification: { id: 'n', type: 'order.shipped', occurredAt: '2026-01-01', data: {} },
  batchRedelivered: { workflowId: 'w', delivered: 1, remaining: 0 },
  resumeDelivery: { operator: 'o', reason: 'r' },
  claim: { fingerprint: 'f', leaseMs: 1000 },
  recordResponse: { fingerprint: 'f', response: { status: 200, body: '{}' } },
  releaseClaim: { fingerprint: 'f' },
};

const { cancelSignal, resolveExceptionSignal, resolveExceptionUpdate } = operatorMessages;
const OPERATOR_SIGNALS = [resolveExceptionSignal, cancelSignal];
const PRESCRIPTION_SIGNALS: SignalMessage[] = [
  honeybeeMessages.honeybeeEventSignal,
  honeybeeMessages.orderMilestoneSignal,
  honeybeeMessages.matchPatientSignal,
  honeybeeMessages.approveFillSignal,
  honeybeeMessages.requestRefillSignal,
  ...OPERATOR_SIGNALS,
];
const ORDER_SIGNALS: SignalMessage[] = [
  honeybeeMessages.honeybeeEventSignal,
  honeybeeMessages.orderLinkedSignal,
  ...OPERATOR_SIGNALS,
];
const LAB_SIGNALS: SignalMessage[] = [
  labMessages.onegevityEventSignal,
  labMessages.resolveLabExceptionSignal,
  ...OPERATOR_SIGNALS,
];
const OPERATOR_UPDATES: UpdateMessage[] = [resolveExceptionUpdate];

/** Every action name any workflow knows: the source of valid inputs meant for another exception or stage. */
const KNOWN_ACTIONS = [
  ...new Set([
    ...EXCEPTION_REASONS.flatMap((reason) => reason.actions.map((action) => action.action)),
    'matchPatient',
    'approveFill',
    'cancel',
    'retry_order',
    'provide_patient_safety',
    'update_shipping_address',
    'cancel_prescription',
    'resubmit',
  ]),
];

const FIELD_EXAMPLES: Record<string, unknown> = {
  address: { street1: '1 Example St', city: 'Springfield', state: 'IL', zip: '62701' },
  patientSafety: { medications: [], healthConditions: [], allergies: [] },
  partnerPatientId: 'P-CROSS',
  quantity: 30,
  email: 'someone@example.com',
  dob: '1980-01-01',
};

/** resolveException inputs that are well formed but resolve nothing here: actions not offered, or offered without a required field. */
function crossResolutions(status: OperatorStatus): Record<string, unknown>[] {
  const offered = new Map(status.offeredActions.map((action) => [action.action, action]));
  const elsewhere = KNOWN_ACTIONS.filter((action) => !offered.has(action)).map((action) => ({
    action,
    fields: FIELD_EXAMPLES,
    operator: 'cross',
    reason: 'meant for another exception',
  }));
  const incomplete = status.offeredActions
    .filter((action) => action.fields.some((field) => field.required && field.name !== 'reason'))
    .map((action) => ({ action: action.action, fields: {}, operator: 'cross', reason: 'a required field left out' }));
  return [...elsewhere, ...incomplete];
}

// ------------------------------------------------------------------------------------------------ one stage's property

interface StageCase {
  name: string;
  signals: SignalMessage[];
  updates: UpdateMessage[];
  queries: string[];
  /** What must not change: the stage and what defines it. */
  stage(handle: WorkflowHandle): Promise<unknown>;
  /** Well-formed inputs the workflow must refuse in this stage. */
  cross(handle: WorkflowHandle): Promise<{ signals: [string, unknown][]; updates: [string, unknown][] }>;
  /** Resolves once every signal sent so far has been handled (`sent`: how many were refused). */
  settled(handle: WorkflowHandle, sent: number): Promise<void>;
}

let harness: TimeSkippingHarness;
beforeAll(async () => {
  harness = await startTimeSkipping();
});
afterAll(async () => {
  await harness?.teardown();
});

async function query<T>(handle: WorkflowHandle, name: string, ...args: unknown[]): Promise<T> {
  return harness.env.client.withDeadline(Date.now() + 30_000, () => handle.query<T, unknown[]>(name, ...args));
}

async function workflowTaskFailures(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .filter((event) => event.workflowTaskFailedEventAttributes)
    .map((event) => event.workflowTaskFailedEventAttributes?.failure?.message ?? '?');
}

/**
 * The property, for one workflow in one stage: send every generated input to every signal and update (and garbage
 * arguments to every query), then check that nothing failed and nothing moved.
 */
async function survivesAnyInput(handle: WorkflowHandle, stageCase: StageCase): Promise<void> {
  const sent: string[] = [];
  try {
    const before = await stageCase.stage(handle);
    const cross = await stageCase.cross(handle);
    let signals = 0;
    for (const message of stageCase.signals) {
      const inputs = untrustedInputs(message, EXAMPLES[message.name]!, seedFor(stageCase.name, message.name));
      const crossInputs = cross.signals.filter(([name]) => name === message.name).map(([, input]) => input);
      for (const input of [...inputs, ...crossInputs]) {
        sent.push(`signal ${message.name}: ${describeInput(input)}`);
        await handle.signal(message.name, ...argsOf(input));
        signals += 1;
      }
    }
    for (const message of stageCase.updates) {
      const inputs = untrustedInputs(message, EXAMPLES[message.name]!, seedFor(stageCase.name, message.name));
      const crossInputs = cross.updates.filter(([name]) => name === message.name).map(([, input]) => input);
      for (const input of [...inputs, ...crossInputs]) {
        sent.push(`update ${message.name}: ${describeInput(input)}`);
        const sending =
          input === NO_INPUT
            ? handle.executeUpdate(message.name)
            : handle.executeUpdate(message.name, { args: [input] });
        const refusal = await sending.then(
          (answer) => `accepted: ${JSON.stringify(answer)}`,
          (error: unknown) =>
            error instanceof WorkflowUpdateFailedError ? `refused: ${error.cause?.message ?? ''}` : String(error),
        );
        // Refused by its validator, saying why: the fields a malformed input got wrong, or what the state does not allow.
        expect(refusal, sent.at(-1)).toMatch(/^refused: .+/);
        if (crossInputs.includes(input)) continue;
        expect(refusal, sent.at(-1)).toMatch(/input|"[^"]+"/);
      }
    }
    await stageCase.settled(handle, signals);
    for (const name of [...stageCase.queries, '__temporal_workflow_metadata', '__stack_trace']) {
      for (const args of [[], [null], [42], [{ operator: 'x', __proto__: 'y' }], ['x'.repeat(10_000)]]) {
        sent.push(`query ${name}: ${JSON.stringify(args).slice(0, 60)}`);
        await expect(query(handle, name, ...args), sent.at(-1)).resolves.toBeDefined();
      }
    }
    expect(await workflowTaskFailures(handle)).toEqual([]);
    const { raw } = await handle.describe();
    expect(raw.pendingWorkflowTask?.attempt ?? 0).toBeLessThanOrEqual(1);
    expect(await stageCase.stage(handle)).toEqual(before);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${stageCase.name}: ${message}\n  seed ${SEED}; replay: ${REPLAY} -t "${stageCase.name}"\n  ` +
        `${sent.length} inputs sent, the last: ${sent.at(-1) ?? 'none'}`,
      { cause: error },
    );
  }
}

/** The sentinel: a well-formed resolution nothing offers, sent last; once it is the last rejection, all were handled. */
async function operatorSettled(handle: WorkflowHandle): Promise<void> {
  const sentinel = `sentinel-${randomUUID()}`;
  await handle.signal(resolveExceptionSignal.name, {
    action: 'no_such_action',
    fields: {},
    operator: sentinel,
    reason: 'sent after the inputs',
  });
  await waitFor(
    () => query<{ lastRejection?: { operator: string } }>(handle, 'status'),
    (status) => status.lastRejection?.operator === sentinel,
    'every input handled',
  );
  expect(await query<{ currentDetails?: string }>(handle, '__temporal_workflow_metadata')).toMatchObject({
    currentDetails: expect.stringMatching(/Last input rejected/) as unknown,
  });
}

// ------------------------------------------------------------------------------------------------ Honeybee

const SETTINGS: HoneybeeWorkflowSettings = {
  ...DEFAULT_HONEYBEE_SETTINGS,
  fillApproval: 'partner',
  reconcileIntervalMs: 30 * 24 * HOUR,
};

let prescriptionCounter = 0;

function honeybeeEvent(eventType: string, payload: Record<string, unknown>): HoneybeeEvent {
  return honeybeeEventFromPayload(payload, {
    eventId: randomUUID(),
    eventType,
    receivedAt: new Date().toISOString(),
    requestId: 'bridge-req',
  });
}

function orderStatusEvent(orderNumber: string, status: string, shipments: unknown[] = []): HoneybeeEvent {
  return honeybeeEvent(status === 'Shipped' ? 'SHIPMENT_UPDATED' : 'RX_UPDATED', {
    patient_id: 4242,
    order_number: orderNumber,
    timestamp: new Date().toISOString(),
    medication_requests: [
      {
        id: 1111111,
        prescription_id: 1111111,
        medication_dispenses: [{ order_status: status, ...(shipments[0] ? { shipment: shipments[0] } : {}) }],
      },
    ],
  });
}

async function honeybeeWorker(fake: FakeVendor, run: (worker: Worker) => Promise<void>): Promise<void> {
  const { activities } = createFakeActivities(fake);
  const worker = await harness.createWorker({ activities });
  await worker.runUntil(run(worker));
}

function prescriptionCase(name: string): StageCase {
  return {
    name,
    signals: PRESCRIPTION_SIGNALS,
    updates: OPERATOR_UPDATES,
    queries: ['status'],
    stage: async (handle) => (await query<{ stage: string }>(handle, 'status')).stage,
    cross: async (handle) => {
      const status = await query<OperatorStatus & { stage: string; mode: string; fillApproval: string }>(
        handle,
        'status',
      );
      // Where fills need the partner's approval, one is taken at any wait ahead of its fill (kept for it), offered or
      // not: valid, so not sent as meant for another stage.
      const approvalsAhead = status.mode === 'partner_requested' && status.fillApproval === 'partner';
      const resolutions = crossResolutions(status).filter(
        (input) => !(approvalsAhead && input.action === 'approveFill'),
      );
      const match =
        status.stage === 'AWAITING_PATIENT_MATCH'
          ? []
          : [['matchPatient', { partnerPatientId: 'P-CROSS', operator: 'cross', reason: 'not waiting for one' }]];
      return {
        signals: [...resolutions.map((input): [string, unknown] => ['resolveException', input]), ...match] as [
          string,
          unknown,
        ][],
        updates: resolutions.map((input): [string, unknown] => ['resolveExceptionUpdate', input]),
      };
    },
    settled: (handle) => operatorSettled(handle),
  };
}

interface PrescriptionStage {
  stage: string;
  fake: Partial<FakeVendor>;
  settings?: Partial<HoneybeeWorkflowSettings>;
  /** Brings the new prescription to its stage (it starts matching the patient). */
  reach?: (handle: WorkflowHandle, fake: FakeVendor) => Promise<void>;
  /** The valid inputs that carry it to COMPLETED from there. */
  finish: (handle: WorkflowHandle, fake: FakeVendor) => Promise<void>;
}

function delivered(orderNumber: string, seq = 1) {
  return {
    orderNumber,
    milestone: 'delivered' as const,
    status: 'Delivered',
    seq,
    at: new Date().toISOString(),
    tracking: [{ trackingNo: `9400${seq}`, carrier: 'USPS' }],
  };
}

const PRESCRIPTION_STAGES: PrescriptionStage[] = [
  {
    stage: 'AWAITING_PATIENT_MATCH',
    fake: { match: { outcome: 'not_found', tried: ['ehrId', 'email'] }, nextOrderNumber: 'HBPM' },
    finish: async (handle) => {
      await handle.signal(honeybeeMessages.matchPatientSignal, { partnerPatientId: 'P-9', operator: 'o', reason: 'r' });
      await waitFor(
        () => query<{ stage: string }>(handle, 'status'),
        (s) => s.stage === 'AWAITING_FILL_APPROVAL',
        'awaiting approval after the match',
      );
      await handle.signal(honeybeeMessages.approveFillSignal, { approvedBy: 'partner' });
      await waitFor(
        () => query<{ currentOrder?: unknown }>(handle, 'status'),
        (s) => s.currentOrder !== undefined,
        'the order',
      );
      await handle.signal(honeybeeMessages.orderMilestoneSignal, delivered('HBPM'));
    },
  },
  {
    stage: 'AWAITING_FILL_APPROVAL',
    fake: { nextOrderNumber: 'HBFA' },
    finish: async (handle) => {
      await handle.signal(honeybeeMessages.approveFillSignal, { approvedBy: 'partner', fillNumber: 1 });
      await waitFor(
        () => query<{ currentOrder?: unknown }>(handle, 'status'),
        (s) => s.currentOrder !== undefined,
        'the order',
      );
      await handle.signal(honeybeeMessages.orderMilestoneSignal, delivered('HBFA'));
    },
  },
  {
    stage: 'AWAITING_ORDER_CORRECTION',
    fake: { intakeMissing: true, nextOrderNumber: 'HBOC' },
    settings: { fillApproval: 'automatic' },
    finish: async (handle) => {
      const intake = { medications: [], healthConditions: [], allergies: ['penicillin'] };
      await handle.executeUpdate(resolveExceptionUpdate, {
        args: [{ action: 'provide_patient_safety', fields: { patientSafety: intake }, operator: 'o', reason: 'r' }],
      });
      await waitFor(
        () => query<{ currentOrder?: unknown }>(handle, 'status'),
        (s) => s.currentOrder !== undefined,
        'the order',
      );
      await handle.signal(honeybeeMessages.orderMilestoneSignal, delivered('HBOC'));
    },
  },
  {
    stage: 'ORDER_IN_PROGRESS',
    fake: { nextOrderNumber: 'HBIP' },
    settings: { fillApproval: 'automatic' },
    finish: async (handle) => {
      await handle.signal(honeybeeMessages.orderMilestoneSignal, delivered('HBIP'));
    },
  },
  {
    stage: 'AWAITING_REFILL',
    fake: { nextOrderNumber: 'HBR1', refillsLeft: 1 },
    settings: { fillApproval: 'automatic' },
    reach: async (handle) => {
      await waitFor(
        () => query<{ currentOrder?: unknown }>(handle, 'status'),
        (s) => s.currentOrder !== undefined,
        'the first order',
      );
      await handle.signal(honeybeeMessages.orderMilestoneSignal, delivered('HBR1'));
    },
    finish: async (handle, fake) => {
      fake.nextOrderNumber = 'HBR2';
      // The refill continues as new: a query sent while the old run closes is never answered, so wait for the new run.
      const firstRun = (await handle.describe()).runId;
      await handle.signal(honeybeeMessages.requestRefillSignal, { requestedBy: 'partner' });
      await waitFor(
        () => handle.describe(),
        (description) => description.runId !== firstRun,
        'the refill run',
      );
      await waitFor(
        () => query<{ currentOrder?: { orderNumber: string } }>(handle, 'status'),
        (s) => s.currentOrder?.orderNumber === 'HBR2',
        'the refill order',
      );
      await handle.signal(honeybeeMessages.orderMilestoneSignal, delivered('HBR2', 2));
    },
  },
];

describe('every handler of every workflow survives any input, in every stage where it waits', () => {
  for (const step of PRESCRIPTION_STAGES) {
    it(`prescriptionWorkflow in ${step.stage}`, async () => {
      const fake: FakeVendor = {
        order: fakeOrder('HB0', 'Processing'),
        refillsLeft: 0,
        expireDate: '2099-12-31',
        ...step.fake,
      };
      await honeybeeWorker(fake, async (worker) => {
        prescriptionCounter += 1;
        const id = String(8_800_000 + prescriptionCounter);
        const handle = await harness.env.client.workflow.start('prescriptionWorkflow', {
          taskQueue: worker.options.taskQueue,
          workflowId: `honeybee-rx-${id}-${randomUUID().slice(0, 8)}`,
          args: [{ prescriptionId: id, patientId: '4242', settings: { ...SETTINGS, ...step.settings } }],
        });
        await step.reach?.(handle, fake);
        await waitFor(
          () => query<{ stage: string }>(handle, 'status'),
          (s) => s.stage === step.stage,
          step.stage,
        );
        await survivesAnyInput(handle, prescriptionCase(`prescriptionWorkflow in ${step.stage}`));
        await step.finish(handle, fake);
        const result: unknown = await handle.result();
        expect(result).toMatchObject({ stage: 'COMPLETED' });
      });
    });
  }

  const ACTIONS = [
    { action: 'override_allergy', description: 'Prescriber overrides the allergy alert', fields: ['prescriber_note'] },
    { action: 'cancel_order', description: 'Cancel the order', fields: ['reason'] },
  ];

  const ORDER_STAGES: {
    stage: string;
    status: string;
    start: (orderNumber: string) => HoneybeeEvent;
    finish: (handle: WorkflowHandle, orderNumber: string) => Promise<void>;
  }[] = [
    {
      stage: 'ORDER_FILLING',
      status: 'Filling',
      start: (orderNumber) => orderStatusEvent(orderNumber, 'Filling'),
      finish: async () => undefined,
    },
    {
      stage: 'ORDER_ON_HOLD',
      status: 'On Hold',
      start: (orderNumber) =>
        honeybeeEvent('ORDER_EXCEPTION', {
          order_number: orderNumber,
          timestamp: new Date().toISOString(),
          exception: { id: 74, name: 'Allergy Detected' },
          order_actions: ACTIONS,
        }),
      finish: async (handle) => {
        const result = await handle.executeUpdate(resolveExceptionUpdate, {
          args: [{ action: 'override_allergy', fields: { prescriber_note: 'ok' }, operator: 'o', reason: 'r' }],
        });
        expect(result).toMatchObject({ accepted: true });
      },
    },
    {
      // Honeybee raised the exception without actions: the engine's fallback is what can be resolved.
      stage: 'ORDER_ON_HOLD (no actions from Honeybee)',
      status: 'On Hold',
      start: (orderNumber) =>
        honeybeeEvent('Order Exception Raised', {
          order_number: orderNumber,
          timestamp: new Date().toISOString(),
          exception: { id: 72, name: 'Qty Verification Required' },
          order_actions: [],
        }),
      finish: async (handle) => {
        const result = await handle.executeUpdate(resolveExceptionUpdate, {
          args: [{ action: 'confirm_quantity', fields: { quantity: 30 }, operator: 'o', reason: 'r' }],
        });
        expect(result).toMatchObject({ accepted: true });
      },
    },
  ];

  for (const step of ORDER_STAGES) {
    it(`honeybeeOrderWorkflow in ${step.stage}`, async () => {
      const orderNumber = `HBP${randomUUID().slice(0, 8).toUpperCase()}`;
      const fake: FakeVendor = {
        order: {
          ...fakeOrder(orderNumber, step.status),
          ...(step.status === 'On Hold' ? { exception: { id: '74', name: 'Allergy Detected' }, actions: ACTIONS } : {}),
        },
        refillsLeft: 0,
        expireDate: '2099-12-31',
      };
      if (step.stage.includes('no actions')) {
        fake.order = { ...fake.order, exception: { id: '72', name: 'Qty Verification Required' }, actions: [] };
      }
      await honeybeeWorker(fake, async (worker) => {
        const handle = await harness.env.client.workflow.signalWithStart('honeybeeOrderWorkflow', {
          taskQueue: worker.options.taskQueue,
          workflowId: `honeybee-order-${orderNumber}`,
          args: [{ orderNumber, prescriptionIds: ['1111111'], settings: SETTINGS }],
          signal: honeybeeMessages.honeybeeEventSignal.name,
          signalArgs: [step.start(orderNumber)],
        });
        const stage = step.stage.split(' ')[0]!;
        await waitFor(
          () => query<{ stage: string; exception?: unknown }>(handle, 'status'),
          (s) => s.stage === stage && (step.status !== 'On Hold' || s.exception !== undefined),
          stage,
        );
        await survivesAnyInput(handle, {
          ...prescriptionCase(`honeybeeOrderWorkflow in ${step.stage}`),
          signals: ORDER_SIGNALS,
          cross: async () => {
            const status = await query<OperatorStatus>(handle, 'status');
            const resolutions = crossResolutions(status);
            return {
              signals: resolutions.map((input): [string, unknown] => ['resolveException', input]),
              updates: resolutions.map((input): [string, unknown] => ['resolveExceptionUpdate', input]),
            };
          },
        });
        await step.finish(handle, orderNumber);
        const parcels = [
          { tracking_no: '9400111', tracking_url: 'https://track.example/9400111', carrier: 'USPS' },
          { tracking_no: '9400222', tracking_url: 'https://track.example/9400222', carrier: 'USPS' },
        ];
        await handle.signal(honeybeeMessages.honeybeeEventSignal, orderStatusEvent(orderNumber, 'Filling'));
        await handle.signal(honeybeeMessages.honeybeeEventSignal, orderStatusEvent(orderNumber, 'Shipped', parcels));
        await handle.signal(honeybeeMessages.honeybeeEventSignal, orderStatusEvent(orderNumber, 'Delivered'));
        expect(await handle.result()).toMatchObject({ status: 'Delivered', stage: 'ORDER_DELIVERED' });
      });
    });
  }

  // ---------------------------------------------------------------------------------------------- lab orders

  let labCounter = 0;
  function newOrderIdentifier(): string {
    labCounter += 1;
    return `lab${createHash('sha256').update(`${SEED}:${labCounter}:${randomUUID()}`).digest('hex').slice(0, 24)}`;
  }

  interface LabStage {
    stage: string;
    /** The events that bring a new order there (after it is created). */
    reach: (orderIdentifier: string, vendor: FakeLabVendor) => OnegevityEvent[];
    /** The valid inputs that carry it to RESULTS_RELEASED from there. */
    finish: (handle: WorkflowHandle, orderIdentifier: string) => Promise<void>;
  }

  const accepted = (id: string) => labEvent('fulfillment.accepted', { id: 1, requestorId: id });
  const shipped = (id: string) =>
    labEvent('fulfillment.shipped', {
      id: 1,
      requestorId: id,
      trackingNumber: '123456789012',
      trackingUrl: 'https://track.example/123456789012',
    });
  const activated = (id: string) =>
    labEvent('kit.activated', { id: 1, orderIdentifier: id, patientIdentifier: 'P-PROP', activationCode: 'TH-AB12' });
  const released = (id: string) =>
    labEvent('results.released', { id: 1, orderIdentifier: id, patientIdentifier: 'P-PROP' });
  const signalAll = async (handle: WorkflowHandle, events: OnegevityEvent[]) => {
    for (const event of events) await handle.signal(labMessages.onegevityEventSignal, event);
  };

  const LAB_STAGES: LabStage[] = [
    {
      stage: 'FULFILLMENT_REQUESTED',
      reach: () => [],
      finish: (handle, id) => signalAll(handle, [accepted(id), shipped(id), activated(id), released(id)]),
    },
    {
      stage: 'ACCEPTED',
      reach: (id) => [accepted(id)],
      finish: (handle, id) => signalAll(handle, [shipped(id), activated(id), released(id)]),
    },
    {
      stage: 'REJECTED',
      reach: (id) => [labEvent('fulfillment.rejected', { id: 7, requestorId: id, reason: 'not serviceable' })],
      finish: async (handle, id) => {
        const outcome = await handle.executeUpdate(labMessages.resolveLabExceptionUpdate, {
          args: [{ action: 'resubmit', operator: 'o', reason: 'address corrected' }],
        });
        expect(outcome).toMatchObject({ accepted: true });
        const second = `${id}R2`;
        await signalAll(handle, [accepted(second), shipped(second), activated(id), released(id)]);
      },
    },
    {
      stage: 'SHIPPED',
      reach: (id) => [accepted(id), shipped(id)],
      finish: (handle, id) => signalAll(handle, [activated(id), released(id)]),
    },
    {
      stage: 'KIT_ACTIVATED',
      reach: (id) => [accepted(id), shipped(id), activated(id)],
      finish: (handle, id) => signalAll(handle, [released(id)]),
    },
    {
      stage: 'AT_LAB',
      reach: (id, vendor) => {
        const order = vendor.orders.get(id);
        if (order) vendor.orders.set(id, { ...order, kitStatuses: ['AT_LAB'] });
        return [accepted(id), shipped(id), activated(id), labEvent('order.updated', { id: 1, orderIdentifier: id })];
      },
      finish: (handle, id) => signalAll(handle, [released(id)]),
    },
  ];

  for (const step of LAB_STAGES) {
    it(`labOrderWorkflow in ${step.stage}`, async () => {
      const vendor = createFakeLabVendor();
      const worker = await harness.createWorker({ activities: fakeLabActivities(vendor) });
      await worker.runUntil(async () => {
        const orderIdentifier = newOrderIdentifier();
        const handle = await harness.env.client.workflow.start('labOrderWorkflow', {
          taskQueue: worker.options.taskQueue,
          workflowId: labOrderWorkflowId(orderIdentifier),
          args: [
            {
              orderIdentifier,
              settings: labSettings({ reconcileIntervalMs: 30 * DAY }),
              order: labPlacement('P-PROP'),
            },
          ],
        });
        await waitFor(
          () => query<{ notified: string[] }>(handle, 'status'),
          (s) => s.notified.includes('created'),
          'created',
        );
        await signalAll(handle, step.reach(orderIdentifier, vendor));
        await waitFor(
          () => query<{ stage: string }>(handle, 'status'),
          (s) => s.stage === step.stage,
          step.stage,
        );
        const name = `labOrderWorkflow in ${step.stage}`;
        await survivesAnyInput(handle, {
          ...prescriptionCase(name),
          signals: LAB_SIGNALS,
          updates: [...OPERATOR_UPDATES, labMessages.resolveLabExceptionUpdate],
          cross: async () => {
            const status = await query<OperatorStatus & { stage: string }>(handle, 'status');
            const resolutions = crossResolutions(status);
            const resubmit =
              step.stage === 'REJECTED' ? [] : [{ action: 'resubmit', operator: 'cross', reason: 'not rejected' }];
            return {
              signals: [
                ...resolutions.map((input): [string, unknown] => ['resolveException', input]),
                ...resubmit.map((input): [string, unknown] => ['resolveLabException', input]),
              ],
              updates: [
                ...resolutions.map((input): [string, unknown] => ['resolveExceptionUpdate', input]),
                ...resubmit.map((input): [string, unknown] => ['resolveLabExceptionUpdate', input]),
              ],
            };
          },
        });
        releaseResults(vendor, orderIdentifier);
        await step.finish(handle, orderIdentifier);
        expect(await handle.result()).toMatchObject({ stage: 'RESULTS_RELEASED' });
      });
    });
  }

  // ---------------------------------------------------------------------------------------------- entity workflows

  it('deadLetterWorkflow while it keeps the day’s parked webhooks', async () => {
    const worker = await harness.createWorker({ activities: {} });
    await worker.runUntil(async () => {
      const entry = (requestId: string) => ({
        vendor: 'honeybee',
        reason: 'no route for event type X',
        receivedAt: new Date().toISOString(),
        requestId,
        body: '{}',
      });
      const handle = await harness.env.client.workflow.signalWithStart('deadLetterWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: `dead-letter-honeybee-prop-${randomUUID().slice(0, 8)}`,
        args: [{ vendor: 'honeybee' }],
        signal: parkWebhookSignal.name,
        signalArgs: [entry('req-1')],
      });
      await survivesAnyInput(handle, {
        name: 'deadLetterWorkflow',
        signals: [parkWebhookSignal],
        updates: [],
        queries: [parkedWebhooksQuery.name],
        stage: async (h) => (await query<{ entries: { requestId: string }[] }>(h, 'parked')).entries.length,
        cross: async () => ({ signals: [], updates: [] }),
        settled: async (h, sent) => {
          await waitFor(
            () => query<{ rejected: number }>(h, 'parked'),
            (parked) => parked.rejected >= sent,
            'every input handled',
          );
        },
      });
      await handle.signal(parkWebhookSignal, entry('req-2'));
      const parked = await waitFor(
        () => query<{ entries: { requestId: string }[] }>(handle, 'parked'),
        (state) => state.entries.length === 2,
        'the valid entry kept',
      );
      expect(parked.entries.map((kept) => kept.requestId)).toEqual(['req-1', 'req-2']);
      await handle.terminate('test over');
    });
  });

  it('partnerNotificationTargetWorkflow while the target is disabled with notifications parked', async () => {
    const redelivered: PartnerNotification[] = [];
    const activities = {
      async redeliverPartnerNotifications(notifications: PartnerNotification[]) {
        redelivered.push(...notifications);
        return { delivered: notifications.length };
      },
      async notifyPartner(): Promise<NotifyResult> {
        return { delivered: true, status: 204 };
      },
    };
    const worker = await harness.createWorker({ activities });
    await worker.runUntil(async () => {
      const failure = { ok: false, reason: 'partner answered 503', disableAfterMs: 1_000 };
      const handle = await harness.env.client.workflow.signalWithStart('partnerNotificationTargetWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: `partner-notifications-prop-${randomUUID().slice(0, 8)}`,
        args: [{ batchSize: 50 }],
        signal: notificationMessages.deliveryReportSignal.name,
        signalArgs: [failure],
      });
      // The first failure is taken (the failing streak starts) before the clock moves on: the first workflow task of a
      // new worker can take longer than the second that disables the target, and the server's clock runs in real time
      // while it does.
      await waitFor(
        () => query<{ failingSince?: string }>(handle, 'targetState'),
        (state) => state.failingSince !== undefined,
        'the first failure taken',
      );
      await harness.env.sleep(2_000);
      await handle.signal(notificationMessages.deliveryReportSignal, failure);
      for (const n of [1, 2]) {
        await handle.signal(notificationMessages.parkNotificationSignal, {
          id: `wf:${n}`,
          type: 'order.shipped',
          occurredAt: new Date().toISOString(),
          data: { orderNumber: `HB${n}` },
        });
      }
      await waitFor(
        () => query<{ disabledAt?: string; parked: number }>(handle, 'targetState'),
        (state) => state.disabledAt !== undefined && state.parked === 2,
        'disabled, two parked',
      );
      await survivesAnyInput(handle, {
        name: 'partnerNotificationTargetWorkflow',
        signals: [
          notificationMessages.deliveryReportSignal,
          notificationMessages.parkNotificationSignal,
          notificationMessages.batchRedeliveredSignal,
        ],
        updates: [notificationMessages.resumeDeliveryUpdate],
        queries: [notificationMessages.targetStateQuery.name],
        stage: async (h) => {
          const state = await query<{ disabledAt?: string; parked: number }>(h, 'targetState');
          return { disabled: state.disabledAt !== undefined, parked: state.parked };
        },
        cross: async () => ({ signals: [], updates: [] }),
        settled: async (h, sent) => {
          await waitFor(
            () => query<{ rejected?: number }>(h, 'targetState'),
            (state) => (state.rejected ?? 0) >= sent,
            'every input handled',
          );
        },
      });
      const resumed = await handle.executeUpdate(notificationMessages.resumeDeliveryUpdate, {
        args: [{ operator: 'o', reason: 'the partner is back' }],
      });
      expect(resumed.disabledAt).toBeUndefined();
      await waitFor(
        () => query<{ parked: number; redelivering: boolean }>(handle, 'targetState'),
        (state) => state.parked === 0 && !state.redelivering,
        'the parked notifications sent again',
      );
      expect(redelivered.map((notification) => notification.id)).toEqual(['wf:1', 'wf:2']);
      await handle.terminate('test over');
    });
  });

  it('partnerApiIdempotencyWorkflow while a key is claimed', async () => {
    const worker = await harness.createWorker({ activities: {} });
    await worker.runUntil(async () => {
      const handle = await harness.env.client.workflow.start('partnerApiIdempotencyWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: `partner-api-idempotency-prop-${randomUUID().slice(0, 8)}`,
        args: [{ ttlMs: DAY }],
      });
      const claim = { fingerprint: 'fp-1', leaseMs: 60_000 };
      expect(await handle.executeUpdate(idempotencyMessages.claimIdempotencyKeyUpdate, { args: [claim] })).toEqual({
        outcome: 'proceed',
      });
      await survivesAnyInput(handle, {
        name: 'partnerApiIdempotencyWorkflow',
        signals: [idempotencyMessages.recordResponseSignal, idempotencyMessages.releaseClaimSignal],
        updates: [idempotencyMessages.claimIdempotencyKeyUpdate],
        queries: [idempotencyMessages.idempotencyRecordQuery.name],
        stage: async (h) => {
          const record = await query<{ claimed: boolean; answered: boolean }>(h, 'idempotencyRecord');
          return { claimed: record.claimed, answered: record.answered };
        },
        cross: async () => ({ signals: [], updates: [] }),
        settled: async (h, sent) => {
          await waitFor(
            () => query<{ rejected: number }>(h, 'idempotencyRecord'),
            (record) => record.rejected >= sent,
            'every input handled',
          );
        },
      });
      const response = { status: 201, body: '{"ok":true}' };
      await handle.signal(idempotencyMessages.recordResponseSignal, { fingerprint: 'fp-1', response });
      await waitFor(
        () => query<{ answered: boolean }>(handle, 'idempotencyRecord'),
        (record) => record.answered,
        'the answer recorded',
      );
      expect(await handle.executeUpdate(idempotencyMessages.claimIdempotencyKeyUpdate, { args: [claim] })).toEqual({
        outcome: 'replay',
        response,
      });
      await handle.terminate('test over');
    });
  });
});
