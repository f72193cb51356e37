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
    // lab-*.json fixtures of labOrderWorkflow (others, e.g. the report access workflow's, replay in the replay project).
    const histories = readdirSync(HISTORIES)
      .filter((name) => /^lab-.+\.json$/.test(name))
      .map((name) => ({
        workflowId: name,
        history: historyFromFixtureJson(readFileSync(join(HISTORIES, name), 'utf8')),
      }))
      .filter(
        ({ history }) =>
          history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name === 'labOrderWorkflow',
      );
    const files = histories.map(({ workflowId }) => workflowId);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const { workflowId, history } of histories) {
      // Each ends with its completion, or at a completed workflow task: an order recorded mid-life, as a running
      // order is when a new version of the code is deployed.
      const last = history.events.at(-1);
      expect(
        last?.workflowExecutionCompletedEventAttributes ?? last?.workflowTaskCompletedEventAttributes,
        workflowId,
      ).toBeTruthy();
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
