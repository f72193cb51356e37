// The audit beyond retention: the cluster's namespaces archive closed workflows (history and visibility, filestore
// provider, set by deploy/temporal/register-namespace.sh). A finished prescription and its order are archived, then
// deleted from Temporal's primary store (what retention does to them), and `fulfill audit` still tells the same story
// from the archive.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError } from '@temporalio/common';
import { archivedExecutions } from '../../src/cli/audit/archive.js';
import type { AuditReport } from '../../src/cli/audit/collect.js';
import { honeybeeOrderWorkflowId, prescriptionWorkflowId } from '../../src/domain/workflow-ids.js';
import { jsonOf, runFulfill } from '../harness/fulfill-cli.js';
import { firstPrescriptionId, orderOf, pollUntil, waitForClose } from '../harness/honeybee.js';
import { TEST_PAYLOAD_KEYS } from '../harness/payload-keys.js';
import { startClusterStack, type ClusterStack } from './cluster.js';

describe('the audit of a workflow past retention, from the archive', () => {
  let run: ClusterStack;
  const fulfill = (...args: string[]) => runFulfill(args, { ...run.clientEnv, PAYLOAD_KEYS: TEST_PAYLOAD_KEYS });

  beforeAll(async () => {
    run = await startClusterStack('archive', {
      engine: { HONEYBEE_WORKFLOW_MODE: 'partner_requested' },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
    });
  });
  afterAll(async () => {
    await run?.stack.stop();
  });

  it('a prescription and its order deleted from the primary store are still audited', async () => {
    const { stack, cluster } = run;
    const client = stack.client;
    const rx = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
    const orderNumber = await orderOf(client, rx, 120_000);
    const workflowIds = [prescriptionWorkflowId(rx), honeybeeOrderWorkflowId(orderNumber)];
    for (const workflowId of workflowIds) expect(await waitForClose(client, workflowId, 120_000)).toBe('COMPLETED');

    // Archived within the archive delay of the shared dynamic config (up to 10 s), history and visibility.
    for (const workflowId of workflowIds) {
      await pollUntil(
        `${workflowId} archived`,
        () => archivedExecutions(client, workflowId),
        (l) => l.length > 0,
        90_000,
      );
    }
    const historyArchive = join(cluster.archivalDir, 'history');
    expect(existsSync(historyArchive) && readdirSync(historyArchive, { recursive: true }).length).toBeTruthy();
    const live = await fulfill('audit', rx, '--format', 'json');
    expect(live.code, live.stderr).toBe(0);
    const before = jsonOf<AuditReport>(live);
    expect(before.workflows.map((w) => [w.workflowId, w.archived])).toEqual(workflowIds.map((id) => [id, false]));

    // What retention does: the executions leave the primary store (mutable state, history, visibility).
    for (const workflowId of workflowIds) {
      const { runId } = await client.workflow.getHandle(workflowId).describe();
      await client.workflowService.deleteWorkflowExecution({
        namespace: run.namespace,
        workflowExecution: { workflowId, runId },
      });
    }
    for (const workflowId of workflowIds) {
      await pollUntil(
        `${workflowId} gone from the primary store`,
        async () => {
          const listed = await client.workflow.count(`WorkflowId = '${workflowId}'`);
          const described = await client.workflow
            .getHandle(workflowId)
            .describe()
            .then(
              () => 'found',
              (error: unknown) => (error instanceof WorkflowNotFoundError ? 'not found' : String(error)),
            );
          return { listed: listed.count, described };
        },
        (state) => state.listed === 0 && state.described === 'not found',
        60_000,
      );
    }

    const archived = await fulfill('audit', rx, '--format', 'json');
    expect(archived.code, archived.stderr).toBe(0);
    const after = jsonOf<AuditReport>(archived);
    expect(after.workflows.map((w) => [w.workflowId, w.archived])).toEqual(workflowIds.map((id) => [id, true]));
    expect(after.workflows.map((w) => w.runs)).toEqual(before.workflows.map((w) => w.runs));
    expect(after.timeline).toEqual(before.timeline);
    expect(after.timeline.some((entry) => entry.summary.includes('Delivered'))).toBe(true);

    const text = await fulfill('audit', orderNumber);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `${honeybeeOrderWorkflowId(orderNumber)} (honeybeeOrderWorkflow), 1 run(s), from the archive`,
    );
  });
});
