// The patient registry against Temporal's real payload limit (a dev server on a free port, in memory): 120,000 random
// ids of 64 characters (8 MB, about 4 MB once compressed and encrypted: past where the server suggests continuing as
// new, twice what a continue-as-new input may hold) noted in signals of 500. Every segment continues as new without a
// failed workflow task, and the sweep's activity, a page at a time, reads every id.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  createHoneybeeReconcileActivities,
  type SweepCursor,
  type SweepPageResult,
} from '../../activities/honeybee-reconcile.js';
import { honeybeePatientRegistryWorkflowId } from '../../src/domain/workflow-ids.js';
import type { Logger } from '../../src/observability/logger.js';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { startDevServer, type StartedDevServer } from '../../src/temporal/dev-server.js';
import type { HoneybeeClient } from '../../src/vendors/honeybee/client.js';
import { knownPatientsPageLookup, notePatientsSignal } from '../../workflows/honeybee/patient-registry-messages.js';
import { CARRIED_BYTES, RUN_BYTES_FACTOR, bytesOf } from '../../workflows/honeybee/patient-registry.js';
import { DEFAULT_HONEYBEE_SETTINGS } from '../../workflows/honeybee/settings.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';

let server: StartedDevServer;
let client: Client;
const dataConverter = createDataConverter(testPayloadKeyConfig);

beforeAll(async () => {
  server = await startDevServer();
  client = new Client({ connection: server.env.connection, dataConverter });
});
afterAll(async () => {
  await server?.teardown();
});

async function workflowTaskFailures(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .filter((event) => event.workflowTaskFailedEventAttributes)
    .map((event) => String(event.workflowTaskFailedEventAttributes?.failure?.message).slice(0, 200));
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('honeybeePatientRegistryWorkflow at the payload limit', () => {
  it('more ids than a continue-as-new may carry: every run continues as new, the sweep reads every id', async () => {
    const taskQueue = `registry-${randomUUID()}`;
    const seen = new Set<string>();
    const honeybee = {
      listPatientPrescriptions: async (patientId: string | number) => {
        seen.add(String(patientId));
        return { data: [], requestId: 'r', status: 200, fromCache: false };
      },
    } as unknown as HoneybeeClient;
    const logger = { info: () => {}, warn: () => {}, error: () => {} } as unknown as Logger;
    const activities = createHoneybeeReconcileActivities({ honeybee, temporal: client, logger });
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      taskQueue,
      activities,
      dataConverter,
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    const segmentId = (segment: number) => honeybeePatientRegistryWorkflowId(taskQueue, segment);
    // Random, as the reviewer's probe sent them: the codec compresses payloads, and random ids barely compress.
    const ids = Array.from({ length: 120_000 }, () => (randomUUID() + randomUUID()).replace(/-/g, ''));
    expect(bytesOf(ids)).toBeGreaterThan(3 * 2 * 1024 * 1024);

    await worker.runUntil(async () => {
      const first = await client.workflow.start('honeybeePatientRegistryWorkflow', {
        taskQueue,
        workflowId: segmentId(0),
        args: [{}],
      });
      for (let from = 0; from < ids.length; from += 500) {
        await first.signal(notePatientsSignal, { patientIds: ids.slice(from, from + 500) });
      }
      // Settled: every id is somewhere, and every segment but the last holds at most what a run carries.
      const carriedIds = Math.floor(CARRIED_BYTES / 67);
      const segments = await until(
        async () => {
          // A continue-as-new past the limit fails its workflow task, again and again: say so at once.
          const failures = await workflowTaskFailures(client.workflow.getHandle(segmentId(0)));
          if (failures.length > 0) throw new Error(`the registry's workflow task failed: ${failures[0]}`);
          const totals: number[] = [];
          for (let segment = 0; segment < 20; segment += 1) {
            const page = await client.workflow
              .getHandle(segmentId(segment))
              .query(knownPatientsPageLookup, { offset: 0, limit: 1 })
              .catch(() => undefined);
            if (!page) break;
            totals.push(page.total);
          }
          return totals;
        },
        // The last segment may hold up to half as much again before it continues as new and hands the rest on.
        (totals) =>
          totals.reduce((sum, total) => sum + total, 0) === ids.length &&
          totals.slice(0, -1).every((total) => total <= carriedIds) &&
          totals.at(-1)! <= carriedIds * RUN_BYTES_FACTOR,
        'every id held within the budget',
        120_000,
      );
      expect(segments.length).toBeGreaterThanOrEqual(4);
      for (let segment = 0; segment < segments.length; segment += 1) {
        const handle = client.workflow.getHandle(segmentId(segment));
        expect(await workflowTaskFailures(handle), segmentId(segment)).toEqual([]);
        expect((await handle.describe()).status.name).toBe('RUNNING');
      }
      // The first segment continued as new (its latest run is not the one started).
      expect((await client.workflow.getHandle(segmentId(0)).describe()).runId).not.toBe(first.firstExecutionRunId);

      // The sweep's activity, a page at a time, segment after segment.
      const env = new MockActivityEnvironment({ taskQueue });
      let cursor: SweepCursor | null = { segment: 0, offset: 0 };
      let pages = 0;
      while (cursor && pages < 200) {
        const { segment, offset }: SweepCursor = cursor;
        const page: SweepPageResult = await env.run(() =>
          activities.sweepKnownHoneybeePatients({ offset, limit: 1_000, settings: DEFAULT_HONEYBEE_SETTINGS, segment }),
        );
        cursor = page.next ?? null;
        pages += 1;
      }
      expect(seen.size).toBe(ids.length);
      for (let segment = 0; segment < segments.length; segment += 1) {
        await client.workflow.getHandle(segmentId(segment)).terminate('test over');
      }
    });
  }, 300_000);
});
