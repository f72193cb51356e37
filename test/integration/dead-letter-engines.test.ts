// Two engines on one namespace keep their own dead-letter days. Before the engine key was in the day's workflow id,
// the second engine's parked webhook went into the first engine's day (same id, the first engine's task queue), and
// once the first engine stopped, the second one's `fulfill parked` waited out its deadline on that run and reported
// it unanswered, its own event missing. Engine B's task queue holds a quote (the listing's visibility query must quote
// it), engine A's a backslash (no visibility literal matches it: its listing filters the runs itself).
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterWorkflowId } from '../../src/domain/workflow-ids.js';
import type { ParkedEvent } from '../../src/operators/parked-events.js';
import { engineKey } from '../../src/temporal/engine-key.js';
import { startEngine, type EngineProcesses } from '../harness/engine.js';
import { jsonOf, runFulfill } from '../harness/fulfill-cli.js';
import { pollUntil } from '../harness/honeybee.js';
import { createTestNamespace, type TestNamespace } from '../harness/namespaces.js';
import { postOnegevityWebhook } from '../harness/vendor-webhooks.js';

const SECRET = 'dead-letter-engines-onegevity-secret';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('dead letters of two engines on one namespace', () => {
  let namespace: TestNamespace;
  let engineA: EngineProcesses;
  let engineB: EngineProcesses;
  const dataDirs: string[] = [];

  async function startOne(taskQueue: string): Promise<EngineProcesses> {
    const dataDir = await mkdtemp(join(tmpdir(), 'dead-letter-engines-'));
    dataDirs.push(dataDir);
    return startEngine({
      TEMPORAL_NAMESPACE: namespace.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ONEGEVITY_WEBHOOK_SECRETS: SECRET,
      ONEGEVITY_FOLLOW_UNKNOWN_ORDERS: 'false',
      DATA_DIR: dataDir,
    });
  }

  beforeAll(async () => {
    namespace = await createTestNamespace('dead-letter-engines');
    engineA = await startOne(`engine-a\\${randomUUID()}`);
    engineB = await startOne(`engine-b-it's-${randomUUID()}`);
  });
  afterAll(async () => {
    await engineA?.stop();
    await engineB?.stop();
    await namespace?.close();
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function park(engine: EngineProcesses, orderIdentifier: string): Promise<string> {
    const body = JSON.stringify({ id: 1, orderIdentifier });
    expect(await postOnegevityWebhook(engine.bridgeUrl, SECRET, 'order.updated', body)).toBe(202);
    return sha256(body);
  }

  it("parks each engine's webhook in its own day, and lists one engine's while the other is down", async () => {
    const hashA = await park(engineA, 'O71000001');
    const hashB = await park(engineB, 'O71000002');
    const taskQueueA = engineA.env.TEMPORAL_TASK_QUEUE as string;
    const taskQueueB = engineB.env.TEMPORAL_TASK_QUEUE as string;
    // `fulfill parked list` finds the days through visibility, which follows a workflow's start a moment later.
    await pollUntil(
      'both days listed by visibility',
      async () => {
        const queues: string[] = [];
        for await (const run of namespace.client.workflow.list({ query: "WorkflowType = 'deadLetterWorkflow'" })) {
          queues.push(run.taskQueue);
        }
        return queues;
      },
      (queues) => queues.includes(taskQueueA) && queues.includes(taskQueueB),
      30_000,
    );
    await engineA.stop();

    const listed = jsonOf<{ events: ParkedEvent[]; problems: string[] }>(
      await runFulfill(['parked', 'list', '--all', '--json'], { ...engineB.env, LOG_LEVEL: 'warn' }),
    );
    expect(listed.problems).toEqual([]);
    expect(listed.events.map((event) => event.bodyHash)).toEqual([hashB]);
    const [event] = listed.events;
    expect(event?.where).toBe(
      deadLetterWorkflowId('onegevity', engineKey(taskQueueB), event?.receivedAt.slice(0, 10) ?? ''),
    );

    // Engine A, back on its task queue, lists its own.
    engineA = await startOne(taskQueueA);
    const listedA = jsonOf<{ events: ParkedEvent[]; problems: string[] }>(
      await runFulfill(['parked', 'list', '--all', '--json'], { ...engineA.env, LOG_LEVEL: 'warn' }),
    );
    expect(listedA.problems).toEqual([]);
    expect(listedA.events.map((event) => event.bodyHash)).toEqual([hashA]);

    // One day per engine, each on its engine's task queue.
    const days: [string, string][] = [];
    for await (const run of namespace.client.workflow.list({ query: "WorkflowType = 'deadLetterWorkflow'" })) {
      days.push([run.workflowId.slice(0, 'dead-letter-onegevity-'.length + 8), run.taskQueue]);
    }
    expect(days.sort()).toEqual(
      [
        [`dead-letter-onegevity-${engineKey(taskQueueA)}`, taskQueueA],
        [`dead-letter-onegevity-${engineKey(taskQueueB)}`, taskQueueB],
      ].sort(),
    );
  });
});
