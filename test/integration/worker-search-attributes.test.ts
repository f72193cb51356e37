// The worker checks its namespace before polling: on a namespace without the engine's search attributes it refuses to
// start and names every missing one (otherwise each workflow task would fail with BAD_SEARCH_ATTRIBUTES, retried
// forever, and prescriptions would stall with nothing said).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { startWorkerProcess, engineEnv } from '../harness/engine.js';
import { pollUntil } from '../harness/honeybee.js';
import { temporalAddress } from '../harness/temporal.js';
import { ENGINE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

describe('worker start-up', () => {
  it('refuses a namespace that lacks the search attributes, naming them', async () => {
    const namespace = `bare-${randomUUID().slice(0, 8)}`;
    const connection = await Connection.connect({ address: temporalAddress() });
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
      await pollUntil(
        `${namespace} registered`,
        () => connection.workflowService.describeNamespace({ namespace }),
        () => true,
        30_000,
      );
    } finally {
      await connection.close();
    }
    const failure = await startWorkerProcess(engineEnv({ TEMPORAL_NAMESPACE: namespace })).then(
      async (worker) => {
        await worker.stop();
        return 'started';
      },
      (error: unknown) => String(error),
    );
    expect(failure).toMatch(/worker exited with code 1 before it was ready/);
    expect(failure).toContain(`Namespace ${namespace} lacks search attributes the workflows set:`);
    for (const key of ENGINE_SEARCH_ATTRIBUTES) expect(failure).toContain(`${key.name} (${key.type}: missing)`);
    expect(failure).toContain('deploy/temporal/register-namespace.sh');
  });
});
