// Recorded labOrderWorkflow histories (test/fixtures/histories/lab-*.json) replay without a determinism error against
// today's workflow code: a change that would break running lab orders fails here. Re-record after an intended change
// with `RECORD_LAB_HISTORIES=1 npx vitest run --project time-skipping test/time-skipping/lab-order.test.ts` (and keep
// the old files when running orders must stay compatible). In this project because it provides the workflow bundle;
// replay itself needs no server. Payloads are encrypted with the public test key.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { historyFromFixtureJson } from '../harness/history-json.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';

const HISTORIES = join(import.meta.dirname, '..', 'fixtures', 'histories');

describe('labOrderWorkflow replay', () => {
  it('replays every recorded lab order history', async () => {
    const files = readdirSync(HISTORIES).filter((name) => /^lab-.+\.json$/.test(name));
    expect(files.length).toBeGreaterThanOrEqual(4);
    const histories = files.map((name) => ({
      workflowId: name,
      history: historyFromFixtureJson(readFileSync(join(HISTORIES, name), 'utf8')),
    }));
    for (const { workflowId, history } of histories) {
      const events = history.events;
      // Whole lives: each fixture starts a labOrderWorkflow and ends with its completion.
      expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name, workflowId).toBe(
        'labOrderWorkflow',
      );
      expect(events.at(-1)?.workflowExecutionCompletedEventAttributes, workflowId).toBeTruthy();
    }
    const replayed: string[] = [];
    for await (const result of Worker.runReplayHistories(
      {
        workflowBundle: { codePath: inject('workflowBundlePath') },
        dataConverter: createDataConverter(testPayloadKeyConfig),
      },
      histories,
    )) {
      expect(result.error, result.workflowId).toBeUndefined();
      replayed.push(result.workflowId);
    }
    expect(replayed.sort()).toEqual(files.sort());
  });
});
