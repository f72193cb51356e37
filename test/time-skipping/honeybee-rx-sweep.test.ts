// The reconciliation sweep's two workflows on their own (fake activities): the patient registry keeps each valid id
// once, in order, and refuses anything else without failing a workflow task; the sweep pages through the known
// patients and adds up what the pages did, whatever input a hand-started run got.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { DEFAULT_HONEYBEE_SETTINGS } from '../../workflows/honeybee/settings.js';
import type { SweepPageRequest, SweepPageResult } from '../../activities/honeybee-reconcile.js';
import { knownPatientsQuery, notePatientsSignal } from '../../workflows/honeybee/patient-registry-messages.js';
import { startTimeSkipping, waitFor, type TimeSkippingHarness } from '../harness/time-skipping.js';

let harness: TimeSkippingHarness;

beforeAll(async () => {
  harness = await startTimeSkipping();
});
afterAll(async () => {
  await harness?.teardown();
});

async function workflowTaskFailures(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((event) => event.workflowTaskFailedEventAttributes).length;
}

describe('honeybeePatientRegistryWorkflow', () => {
  it('keeps each valid id once, in the order noted; refuses anything else and says so', async () => {
    const worker = await harness.createWorker();
    await worker.runUntil(async () => {
      const handle = await harness.env.client.workflow.start('honeybeePatientRegistryWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: 'honeybee-patients-ts',
        // What a continue-as-new carries, with what a hand-typed input might add.
        args: [{ patientIds: ['1', 'not an id!', 5, null] }],
      });
      const garbage: unknown[] = [null, 42, 'x', [], {}, { patientIds: [] }, { patientIds: ['Jane Roe 1984'] }];
      for (const input of garbage) await handle.signal('notePatients', input);
      await handle.signal(notePatientsSignal, { patientIds: ['7', '8', '1'] });
      await handle.signal(notePatientsSignal, { patientIds: ['7', 'A-9_x'] });
      const known = await waitFor(
        () => handle.query(knownPatientsQuery),
        (state) => state.patientIds.length === 4,
        'the valid ids noted',
      );
      expect(known).toMatchObject({ patientIds: ['1', '7', '8', 'A-9_x'], rejected: garbage.length });
      // The problem names the field, never the value sent.
      expect(known.lastRejection).toMatch(/patientIds/);
      expect(known.lastRejection).not.toMatch(/Jane/);
      expect(await workflowTaskFailures(handle)).toBe(0);
      await handle.terminate('test over');
    });
  });
});

describe('honeybeeRxSweepWorkflow', () => {
  it('pages through the known patients and adds up the pages; a hand-started run with no input takes the defaults', async () => {
    const requests: SweepPageRequest[] = [];
    const total = 60;
    const activities = {
      async sweepKnownHoneybeePatients(request: SweepPageRequest): Promise<SweepPageResult> {
        requests.push(request);
        const checked = Math.max(0, Math.min(request.limit, total - request.offset));
        return {
          checked,
          total,
          started: request.offset === 25 ? ['555'] : [],
          tooOld: request.offset === 0 ? 1 : 0,
          failed: request.offset === 50 ? 2 : 0,
        };
      },
    };
    const worker = await harness.createWorker({ activities });
    const result: unknown = await worker.runUntil(
      harness.env.client.workflow.execute('honeybeeRxSweepWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: 'honeybee-rx-sweep-ts',
        args: [null],
      }),
    );
    expect(requests.map((request) => request.offset)).toEqual([0, 25, 50]);
    expect(requests[0]?.settings).toEqual(DEFAULT_HONEYBEE_SETTINGS);
    expect(result).toEqual({
      patientsChecked: 60,
      patientsFailed: 2,
      prescriptionsStarted: 1,
      startedPrescriptionIds: ['555'],
      prescriptionsTooOld: 1,
    });
  });
});
