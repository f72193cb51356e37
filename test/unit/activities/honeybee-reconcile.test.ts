// The reconciliation of prescriptions whose RX_RECEIVED was lost (issue 15.4), against fake clients: which
// prescriptions a patient's sweep starts (active, no workflow, not too old), that each start is the bridge's own
// RX_RECEIVED delivery, that an order event for an unknown prescription sweeps its patient first, and that Honeybee
// failing for one patient neither stops the page nor the order's milestone.
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import { createActivities, type ActivityDependencies } from '../../../activities/index.js';
import { noteHoneybeePatients } from '../../../activities/honeybee-reconcile.js';
import { FailureType } from '../../../src/domain/failure-types.js';
import type { Logger } from '../../../src/observability/logger.js';
import type { HoneybeeClient } from '../../../src/vendors/honeybee/client.js';
import type { HoneybeeMedicationRequest } from '../../../src/vendors/honeybee/schemas.js';
import { VendorError } from '../../../src/vendors/shared/vendor-error.js';
import { DEFAULT_HONEYBEE_SETTINGS } from '../../../workflows/honeybee/settings.js';

const DAY = 86_400_000;
const today = new Date().toISOString().slice(0, 10);
const longAgo = new Date(Date.now() - 90 * DAY).toISOString().slice(0, 10);

function rx(id: number, extra: Partial<HoneybeeMedicationRequest> = {}): HoneybeeMedicationRequest {
  return { id, active: true, receive_date: today, refills_left: 2, medication_dispenses: [], ...extra };
}

const unavailable = () =>
  new VendorError({
    vendor: 'honeybee',
    endpoint: 'GET /patients/{patient_id}/rx',
    failureType: FailureType.VendorUnavailable,
    status: 503,
    detail: 'HTTP 503',
  });

interface FakeOptions {
  prescriptions: Record<string, HoneybeeMedicationRequest[] | Error>;
  existing?: string[];
  known?: string[];
}

function setup(options: FakeOptions) {
  const existing = new Set(options.existing ?? []);
  const signalWithStart = vi.fn(async (_type: string, start: { workflowId: string; signal?: unknown }) => {
    existing.add(start.workflowId);
  });
  const query = vi.fn(async () => {
    if (!options.known) throw new WorkflowNotFoundError('none', 'honeybee-patients-q', undefined);
    return { patientIds: options.known, rejected: 0 };
  });
  const described: string[] = [];
  const getHandle = (workflowId: string) => ({
    describe: async () => {
      described.push(workflowId);
      if (!existing.has(workflowId)) throw new WorkflowNotFoundError('not found', workflowId, undefined);
      return {};
    },
    query,
  });
  const listPatientPrescriptions = vi.fn(async (patientId: string | number) => {
    const answer = options.prescriptions[String(patientId)] ?? [];
    if (answer instanceof Error) throw answer;
    return { data: answer, requestId: `req-${patientId}`, status: 200, fromCache: false };
  });
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as Logger;
  const client = {
    workflow: { signalWithStart, getHandle },
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
  } as unknown as Client;
  const activities = createActivities({
    honeybee: { listPatientPrescriptions } as unknown as HoneybeeClient,
    temporal: client,
    logger,
    rxSweepMaxAgeMs: 30 * DAY,
  } as ActivityDependencies);
  const env = new MockActivityEnvironment({ taskQueue: 'q' });
  /** The prescription workflows started, with the event each was started with. */
  const rxStarts = () =>
    signalWithStart.mock.calls
      .filter(([type]) => type === 'prescriptionWorkflow')
      .map(([, start]) => start as unknown as { workflowId: string; signal: string; signalArgs: unknown[] })
      .filter((start) => start.signal === 'honeybeeEvent');
  return { activities, env, signalWithStart, listPatientPrescriptions, logger, rxStarts, described, client };
}

describe('sweepKnownHoneybeePatients', () => {
  it('starts each active prescription without a workflow as its RX_RECEIVED would have, and nothing else', async () => {
    const fake = setup({
      known: ['7', '8'],
      existing: ['honeybee-rx-101'],
      prescriptions: {
        '7': [rx(101), rx(102), rx(103, { active: false }), rx(104, { receive_date: longAgo })],
        '8': [rx(201, { refills_left: 0 })],
      },
    });
    const page = await fake.env.run(() =>
      fake.activities.sweepKnownHoneybeePatients({ offset: 0, limit: 25, settings: DEFAULT_HONEYBEE_SETTINGS }),
    );
    expect(page).toEqual({ checked: 2, total: 2, started: ['102', '201'], tooOld: 1, failed: 0 });
    const starts = fake.rxStarts();
    expect(starts.map((start) => start.workflowId)).toEqual(['honeybee-rx-102', 'honeybee-rx-201']);
    // The bridge's delivery: the start input and the typed RX_RECEIVED, never restarting a closed workflow.
    expect(starts[1]).toMatchObject({
      taskQueue: 'q',
      args: [{ prescriptionId: '201', patientId: '8', settings: DEFAULT_HONEYBEE_SETTINGS }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      signalArgs: [
        {
          eventId: 'reconciled-rx-201',
          eventType: 'RX_RECEIVED',
          patientId: '8',
          prescriptions: [expect.objectContaining({ prescriptionId: '201', refillsLeft: 0 })],
        },
      ],
    });
    // A second sweep finds the workflows and starts nothing.
    const again = await fake.env.run(() =>
      fake.activities.sweepKnownHoneybeePatients({ offset: 0, limit: 25, settings: DEFAULT_HONEYBEE_SETTINGS }),
    );
    expect(again).toMatchObject({ started: [] });
    expect(fake.rxStarts()).toHaveLength(2);
  });

  it('pages by offset; a patient Honeybee does not answer for is counted, the others still swept', async () => {
    const fake = setup({
      known: ['1', '2', '3'],
      prescriptions: { '2': unavailable(), '3': [rx(301)] },
    });
    const page = await fake.env.run(() =>
      fake.activities.sweepKnownHoneybeePatients({ offset: 1, limit: 5, settings: DEFAULT_HONEYBEE_SETTINGS }),
    );
    expect(page).toEqual({ checked: 2, total: 3, started: ['301'], tooOld: 0, failed: 1 });
    expect(fake.listPatientPrescriptions.mock.calls.map(([id]) => id)).toEqual([2, 3]);
  });

  it('no registry yet: nothing to sweep', async () => {
    const fake = setup({ prescriptions: {} });
    expect(
      await fake.env.run(() =>
        fake.activities.sweepKnownHoneybeePatients({ offset: 0, limit: 5, settings: DEFAULT_HONEYBEE_SETTINGS }),
      ),
    ).toEqual({ checked: 0, total: 0, started: [], tooOld: 0, failed: 0 });
  });
});

describe('an order event for an unknown prescription', () => {
  const milestone = { orderNumber: 'HB1', milestone: 'linked' as const, status: 'Processing', seq: 1, at: 't' };
  const report = { prescriptionIds: ['104'], patientId: '7', settings: DEFAULT_HONEYBEE_SETTINGS, milestone };

  it('notes the patient and sweeps it before the milestone: the order’s prescription starts whatever its age', async () => {
    const fake = setup({
      prescriptions: { '7': [rx(104, { receive_date: longAgo }), rx(105), rx(106, { receive_date: longAgo })] },
    });
    await fake.env.run(() => fake.activities.reportHoneybeeOrderMilestone(report));
    const calls = fake.signalWithStart.mock.calls.map(([type, start]) => [type, start.signal]);
    expect(calls[0]).toEqual(['honeybeePatientRegistryWorkflow', expect.objectContaining({ name: 'notePatients' })]);
    expect(fake.signalWithStart.mock.calls[0]?.[1]).toMatchObject({ signalArgs: [{ patientIds: ['7'] }] });
    expect(fake.rxStarts().map((start) => start.workflowId)).toEqual(['honeybee-rx-104', 'honeybee-rx-105']);
    // Then the milestone, to the workflow just started.
    expect(fake.signalWithStart.mock.calls.at(-1)?.[1]).toMatchObject({
      workflowId: 'honeybee-rx-104',
      signalArgs: [milestone],
    });
  });

  it('Honeybee not answering does not hold the milestone back', async () => {
    const fake = setup({ prescriptions: { '7': unavailable() } });
    expect(await fake.env.run(() => fake.activities.reportHoneybeeOrderMilestone(report))).toEqual({
      delivered: ['honeybee-rx-104'],
      ended: [],
    });
    expect(fake.rxStarts()).toEqual([]);
    expect(fake.logger.warn).toHaveBeenCalled();
  });

  it('a known prescription: no sweep, no registry signal', async () => {
    const fake = setup({ existing: ['honeybee-rx-104'], prescriptions: {} });
    await fake.env.run(() => fake.activities.reportHoneybeeOrderMilestone(report));
    expect(fake.listPatientPrescriptions).not.toHaveBeenCalled();
    expect(fake.signalWithStart.mock.calls.map(([type]) => type)).toEqual(['prescriptionWorkflow']);
  });

  it('a prescription that linked the order itself is not looked for: its workflow exists', async () => {
    const fake = setup({ existing: ['honeybee-rx-104'], prescriptions: {} });
    await fake.env.run(() => fake.activities.reportHoneybeeOrderMilestone({ ...report, linkedBy: ['104'] }));
    expect(fake.described).toEqual([]);
    expect(fake.signalWithStart.mock.calls.map(([type]) => type)).toEqual(['prescriptionWorkflow']);
    // One that did not link it still is.
    await fake.env.run(() =>
      fake.activities.reportHoneybeeOrderMilestone({ ...report, prescriptionIds: ['104', '108'], linkedBy: ['104'] }),
    );
    expect(fake.described).toEqual(['honeybee-rx-108']);
  });
});

describe("the sweep's patient registry notes", () => {
  it('go in one signal for the matches of a short window, each caller answered, each patient once', async () => {
    const fake = setup({ prescriptions: {} });
    const noted = ['11', '12', '11', '13'].map((id) => noteHoneybeePatients(fake.client, 'q', [id]));
    await Promise.all(noted);
    const notes = fake.signalWithStart.mock.calls.filter(([type]) => type === 'honeybeePatientRegistryWorkflow');
    expect(notes).toHaveLength(1);
    expect(notes[0]?.[1]).toMatchObject({ signalArgs: [{ patientIds: ['11', '12', '13'] }] });
  });

  it('a refused signal fails every caller of its batch (their activities retry); the next batch goes again', async () => {
    const fake = setup({ prescriptions: {} });
    fake.signalWithStart.mockRejectedValueOnce(new Error('Temporal unavailable'));
    const first = await Promise.allSettled(['21', '22'].map((id) => noteHoneybeePatients(fake.client, 'q', [id])));
    expect(first.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    await noteHoneybeePatients(fake.client, 'q', ['21']);
    expect(fake.signalWithStart.mock.calls.at(-1)?.[1]).toMatchObject({ signalArgs: [{ patientIds: ['21'] }] });
  });

  it('an id the registry would refuse is not sent', async () => {
    const fake = setup({ prescriptions: {} });
    await noteHoneybeePatients(fake.client, 'q', ['not a vendor id!']);
    expect(fake.signalWithStart).not.toHaveBeenCalled();
  });
});
