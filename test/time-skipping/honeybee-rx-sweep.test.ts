// The reconciliation sweep's two workflows: the patient registry keeps each valid id once, in order, and refuses
// anything else without failing a workflow task; past what one run may carry it continues as new and hands the rest to
// the next segment, and the sweep (its real activity) still reads every id; the sweep pages through the known patients
// segment after segment and adds up what the pages did, whatever input a hand-started run got.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { DEFAULT_HONEYBEE_SETTINGS } from '../../workflows/honeybee/settings.js';
import {
  createHoneybeeReconcileActivities,
  type SweepPageRequest,
  type SweepPageResult,
} from '../../activities/honeybee-reconcile.js';
import { honeybeePatientRegistryWorkflowId } from '../../src/domain/workflow-ids.js';
import type { Logger } from '../../src/observability/logger.js';
import type { HoneybeeClient } from '../../src/vendors/honeybee/client.js';
import {
  knownPatientsPageLookup,
  knownPatientsQuery,
  notePatientsSignal,
} from '../../workflows/honeybee/patient-registry-messages.js';
import { recordHistory } from '../harness/histories.js';
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

/** Every run of a workflow, oldest first (the time-skipping server lists no executions: the runs are followed back). */
async function runsOf(client: Client, workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    runs.unshift(runId);
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}

describe('honeybeePatientRegistryWorkflow past what a run may carry', () => {
  it('continues as new, hands the rest on segment after segment, and the sweep reads every id', async () => {
    const seen: string[] = [];
    const honeybee = {
      listPatientPrescriptions: async (patientId: string | number) => {
        seen.push(String(patientId));
        return { data: [], requestId: 'r', status: 200, fromCache: false };
      },
    } as unknown as HoneybeeClient;
    const logger = { info: () => {}, warn: () => {}, error: () => {} } as unknown as Logger;
    const activities = createHoneybeeReconcileActivities({ honeybee, temporal: harness.env.client, logger });
    const worker = await harness.createWorker({ activities });
    const taskQueue = worker.options.taskQueue;
    const client = harness.env.client;
    const segmentId = (segment: number) => honeybeePatientRegistryWorkflowId(taskQueue, segment);
    // 1 KiB a run (the smallest budget an input may ask): 44 ids of 20 characters; 300 ids make several segments.
    const ids = Array.from({ length: 300 }, (_, i) => `patient-${String(i).padStart(12, '0')}`);
    /** Every id the segments hold, read a page at a time as the sweep does, and the most one segment holds. */
    const held = async () => {
      const all: string[] = [];
      let most = 0;
      for (let segment = 0; segment < 50; segment += 1) {
        // Within a deadline: a query that reaches a segment's run as it continues as new is never answered by the
        // time-skipping server. Unanswered counts as not settled yet: the next look asks again.
        const page = await client
          .withDeadline(Date.now() + 10_000, () =>
            client.workflow.getHandle(segmentId(segment)).query(knownPatientsPageLookup, { offset: 0, limit: 1_000 }),
          )
          .catch(() => undefined);
        if (!page) break;
        all.push(...page.patientIds);
        most = Math.max(most, page.total);
      }
      return { all, most };
    };
    await worker.runUntil(async () => {
      const first = await client.workflow.start('honeybeePatientRegistryWorkflow', {
        taskQueue,
        workflowId: segmentId(0),
        args: [{ budgetBytes: 1024 }],
      });
      for (let from = 0; from < ids.length; from += 50) {
        await first.signal(notePatientsSignal, { patientIds: ids.slice(from, from + 50) });
      }
      // Noted again once handed on: kept once along the chain.
      await first.signal(notePatientsSignal, { patientIds: ids.slice(0, 100) });
      // Settled: each id in one segment, no segment holding more than a run carries (44 ids).
      for (let tries = 0; ; tries += 1) {
        const { all, most } = await held();
        if (new Set(all).size === ids.length && all.length === ids.length && most <= 44) break;
        if (tries > 120)
          throw new Error(`not settled: ${all.length} ids held, ${new Set(all).size} distinct, ${most} in one`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }

      const runs = await runsOf(client, segmentId(0));
      expect(runs.length).toBeGreaterThan(1);
      const segments: string[] = [];
      for (let segment = 0; segment < 50; segment += 1) {
        const described = await client.workflow
          .getHandle(segmentId(segment))
          .describe()
          .catch(() => undefined);
        if (!described) break;
        segments.push(segmentId(segment));
      }
      expect(segments.length).toBeGreaterThan(2);
      for (const workflowId of segments) {
        for (const runId of await runsOf(client, workflowId)) {
          expect(await workflowTaskFailures(client.workflow.getHandle(workflowId, runId)), workflowId).toBe(0);
        }
      }
      // What the older whole-list query answers is bounded by what a run carries.
      expect((await first.query(knownPatientsQuery)).patientIds.length).toBeLessThanOrEqual(44);

      const sweep: unknown = await client.workflow.execute('honeybeeRxSweepWorkflow', {
        taskQueue,
        workflowId: `honeybee-rx-sweep-${taskQueue}`,
        args: [{ settings: DEFAULT_HONEYBEE_SETTINGS }],
      });
      expect(sweep).toMatchObject({ patientsChecked: ids.length, patientsFailed: 0 });
      expect([...seen].sort()).toEqual([...ids].sort());

      await recordHistory(client, segmentId(0), 'honeybee-patients-handed-to-next-segment', runs[0]);
      await recordHistory(
        client,
        segmentId(1),
        'honeybee-patients-next-segment-first-run',
        (await runsOf(client, segmentId(1)))[0],
      );
      // Cleanup only: the time-skipping server at times names a run that continued as new as the latest.
      for (const workflowId of segments) {
        await client.workflow
          .getHandle(workflowId)
          .terminate('test over')
          .catch(() => undefined);
      }
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
    // As a worker from before segments answers (no `next`): pages by offset to the total.
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

  it("follows where each page says the next starts, across the registry's segments, to the end", async () => {
    const requests: SweepPageRequest[] = [];
    // Segment 0 holds 30 patients, segment 1 holds 10.
    const sizes = [30, 10];
    const activities = {
      async sweepKnownHoneybeePatients(request: SweepPageRequest): Promise<SweepPageResult> {
        requests.push(request);
        const segment = request.segment ?? 0;
        const total = sizes[segment] ?? 0;
        const checked = Math.max(0, Math.min(request.limit, total - request.offset));
        const end = request.offset + checked;
        const next =
          end < total
            ? { segment, offset: end }
            : segment + 1 < sizes.length
              ? { segment: segment + 1, offset: 0 }
              : null;
        return { checked, total, started: [], tooOld: 0, failed: 0, next };
      },
    };
    const worker = await harness.createWorker({ activities });
    const result: unknown = await worker.runUntil(
      harness.env.client.workflow.execute('honeybeeRxSweepWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: 'honeybee-rx-sweep-segments-ts',
        args: [{ settings: DEFAULT_HONEYBEE_SETTINGS }],
      }),
    );
    expect(requests.map(({ segment, offset }) => [segment, offset])).toEqual([
      [0, 0],
      [0, 25],
      [1, 0],
    ]);
    expect(result).toMatchObject({ patientsChecked: 40 });
  });
});
