// Determinism guard: every history committed in test/fixtures/histories/ (recorded from real runs of the integration
// and time-skipping tests) replays against today's workflow bundle. A workflow change that would break running
// executions (different commands for the same history) fails here, in CI, before it reaches a worker.
import { inject, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { committedHistories } from '../harness/histories.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';

describe('committed workflow histories', () => {
  const histories = committedHistories();

  it('include both Honeybee workflows', () => {
    const types = new Set(
      histories.map(
        (entry) => entry.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '?',
      ),
    );
    expect([...types]).toEqual(expect.arrayContaining(['prescriptionWorkflow', 'honeybeeOrderWorkflow']));
  });

  it('replay without a non-determinism error', async () => {
    const results: { name: string; error?: string }[] = [];
    const replay = Worker.runReplayHistories(
      {
        workflowBundle: { codePath: inject('workflowBundlePath') },
        // Histories carry payloads encrypted with the test key, as every test run writes them.
        dataConverter: createDataConverter(testPayloadKeyConfig),
      },
      histories.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    for await (const result of replay) {
      const name = histories.find((entry) => entry.workflowId === result.workflowId)?.name ?? result.workflowId;
      results.push({ name, ...(result.error ? { error: String(result.error) } : {}) });
    }
    expect(results).toHaveLength(histories.length);
    expect(results.filter((result) => result.error)).toEqual([]);
  });
});
