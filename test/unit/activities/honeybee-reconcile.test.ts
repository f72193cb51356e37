// The reconciliation of prescriptions whose RX_RECEIVED was lost (issue 15.4), against fake clients: which
// prescriptions a patient's sweep starts (active, no workflow, not too old), that each start is the bridge's own
// RX_RECEIVED delivery, that an order event for an unknown prescription sweeps its patient first, and that Honeybee
// failing for one patient neither stops the page nor the order's milestone.
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { QueryNotRegisteredError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import { createActivities, type ActivityDependencies } from '../../../activities/index.js';
import {
  noteHoneybeePatients,
  type SweepCursor,
  type SweepPageResult,
} from '../../../activities/honeybee-reconcile.js';
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
  /** The first registry segment's ids (task queue q). */
  known?: string[];
  /** The registry's segments by workflow id, each with its ids and the segment after it. */
  segments?: Record<string, { ids: string[]; next?: number }>;
  /** The registry runs on a worker from before pages: it answers only the whole-list query. */
  olderRegistry?: boolean;
}

function setup(options: FakeOptions) {
  const existing = new Set(options.existing ?? []);
  const signalWithStart = vi.fn(async (_type: string, start: { workflowId: string; signal?: unknown }) => {
    existing.add(start.workflowId);
  });
  const segments = options.segments ?? (options.known ? { 'honeybee-patients-q': { ids: options.known } } : {});
  /** Each registry query: the workflow, the query's name, and how many ids it answered. */
  const queries: { workflowId: string; name: string; ids: number }[] = [];
  const queryOf =
    (workflowId: string) => async (definition: { name: string }, input?: { offset: number; limit: number }) => {
      const held = segments[workflowId];
      if (!held) throw new WorkflowNotFoundError('none', workflowId, undefined);
      if (definition.name === 'knownPatientsPage') {
        if (options.olderRegistry) {
          throw new QueryNotRegisteredError('Workflow did not register a handler for knownPatientsPage', 3);
        }
        const page = held.ids.slice(input!.offset, input!.offset + input!.limit);
        queries.push({ workflowId, name: definition.name, ids: page.length });
        return {
          patientIds: page,
          total: held.ids.length,
          segment: 0,
          rejected: 0,
          ...(held.next !== undefined ? { nextSegment: held.next } : {}),
        };
      }
      queries.push({ workflowId, name: definition.name, ids: held.ids.length });
      return { patientIds: held.ids, rejected: 0 };
    };
  const described: string[] = [];
  const getHandle = (workflowId: string) => ({
    describe: async () => {
      described.push(workflowId);
      if (!existing.has(workflowId)) throw new WorkflowNotFoundError('not found', workflowId, undefined);
      return {};
    },
    query: queryOf(workflowId),
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
  return { activities, env, signalWithStart, listPatientPrescriptions, logger, rxStarts, described, client, queries };
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

describe("the sweep's pages across the registry's segments", () => {
  const segments = {
    'honeybee-patients-q': { ids: ['1', '2', '3'], next: 1 },
    'honeybee-patients+1-q': { ids: ['4', '5'], next: 2 },
    'honeybee-patients+2-q': { ids: ['6'] },
  };

  /** Pages as honeybeeRxSweepWorkflow does: from the first segment, where each page says the next one starts. */
  async function sweepAll(fake: ReturnType<typeof setup>, limit: number) {
    const pages: SweepPageResult[] = [];
    let cursor: SweepCursor | null = { segment: 0, offset: 0 };
    while (cursor && pages.length < 20) {
      const { segment, offset }: SweepCursor = cursor;
      const page: SweepPageResult = await fake.env.run(() =>
        fake.activities.sweepKnownHoneybeePatients({ offset, limit, settings: DEFAULT_HONEYBEE_SETTINGS, segment }),
      );
      pages.push(page);
      cursor = page.next ?? null;
    }
    return pages;
  }

  it('reads every id once, segment after segment, each page one query of at most a page', async () => {
    const fake = setup({ segments, prescriptions: {} });
    const pages = await sweepAll(fake, 2);
    expect(pages.map((page) => page.next)).toEqual([
      { segment: 0, offset: 2 },
      { segment: 1, offset: 0 },
      { segment: 2, offset: 0 },
      null,
    ]);
    expect(fake.listPatientPrescriptions.mock.calls.map(([id]) => id)).toEqual([1, 2, 3, 4, 5, 6]);
    // Never the whole list: one page per query.
    expect(fake.queries.every((query) => query.name === 'knownPatientsPage' && query.ids <= 2)).toBe(true);
  });

  it('a cursor past the end of a segment (its tail moved on) reads on in the next', async () => {
    const fake = setup({ segments, prescriptions: {} });
    const page = await fake.env.run(() =>
      fake.activities.sweepKnownHoneybeePatients({
        offset: 7,
        limit: 25,
        settings: DEFAULT_HONEYBEE_SETTINGS,
        segment: 0,
      }),
    );
    expect(page).toMatchObject({ checked: 2, total: 2, next: { segment: 2, offset: 0 } });
    expect(fake.listPatientPrescriptions.mock.calls.map(([id]) => id)).toEqual([4, 5]);
  });

  it('a sweep from before segments (no segment asked) reads the first segment by offset, as before', async () => {
    const fake = setup({ segments, prescriptions: {} });
    const page = await fake.env.run(() =>
      fake.activities.sweepKnownHoneybeePatients({ offset: 2, limit: 25, settings: DEFAULT_HONEYBEE_SETTINGS }),
    );
    expect(page).toEqual({ checked: 1, total: 3, started: [], tooOld: 0, failed: 0 });
  });

  it('a registry on a worker from before pages: the page is cut from its whole-list answer', async () => {
    const fake = setup({ known: ['1', '2', '3'], olderRegistry: true, prescriptions: {} });
    const pages = await sweepAll(fake, 2);
    expect(pages.map((page) => page.checked)).toEqual([2, 1]);
    expect(pages.at(-1)?.next).toBeNull();
  });

  it('no registry yet: done at once', async () => {
    const fake = setup({ prescriptions: {} });
    expect(await sweepAll(fake, 25)).toEqual([{ checked: 0, total: 0, started: [], tooOld: 0, failed: 0, next: null }]);
  });
});

describe("the registry's surplus handed to the next segment", () => {
  it('goes in signals of at most 500 ids to that segment, started with its number if it does not run', async () => {
    const fake = setup({ prescriptions: {} });
    const ids = Array.from({ length: 1_200 }, (_, i) => String(i));
    await fake.env.run(() =>
      fake.activities.forwardHoneybeePatients({
        segment: 2,
        patientIds: [...ids, 'not an id!'],
        budgetBytes: 4096,
      }),
    );
    const sent = fake.signalWithStart.mock.calls.map(
      ([, start]) =>
        start as unknown as { workflowId: string; args: unknown[]; signalArgs: [{ patientIds: string[] }] },
    );
    expect(sent.map((start) => start.workflowId)).toEqual(Array(3).fill('honeybee-patients+2-q'));
    expect(sent[0]?.args).toEqual([{ segment: 2, budgetBytes: 4096 }]);
    expect(sent.map((start) => start.signalArgs[0].patientIds.length)).toEqual([500, 500, 200]);
    expect(sent.flatMap((start) => start.signalArgs[0].patientIds)).toEqual(ids);
  });

  it('never to the first segment or one past the last', async () => {
    const fake = setup({ prescriptions: {} });
    for (const segment of [0, -1, 10_001, Number.NaN]) {
      await fake.env.run(() => fake.activities.forwardHoneybeePatients({ segment, patientIds: ['1'] }));
    }
    expect(fake.signalWithStart).not.toHaveBeenCalled();
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
