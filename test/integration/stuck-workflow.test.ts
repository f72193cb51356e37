// A stuck workflow, for real: a test-only workflow (test/fixtures/workflows/poison-signal.ts) whose signal handler
// throws on a poison value fails its workflow task on the run's dev server, over and over. `fulfill show`,
// `fulfill holds` and the partner API say "workflow task failing: <error>" (not a worker hint, a "?" or a 500);
// `fulfill repair --dry-run` says what it would do and changes nothing; `fulfill repair` resets the workflow to its last
// good workflow task without the poison, keeps the good signal that arrived after the failure, records who and why
// (shown by `fulfill audit`), and the workflow goes on to finish. Repeating the repair on the old run changes nothing.
// A run a first repair started whose first task fails again is repaired from that repair's own reset event.
// The workflow id has the order prefix so the commands and the partner API find it as they find an order.
// In a namespace of its own: the operator queue's stuck scan reads the newest 200 running workflows and says when there
// were more, and on the run's shared namespace that count is whatever the test files before this one left running.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { workflowTaskFailing } from '../../src/operators/workflow-health.js';
import type { RepairOutcome } from '../../src/operators/repair.js';
import type { EngineProcess } from '../../src/runtime/child-process.js';
import { createDataConverter, failureConverterPath } from '../../src/temporal/data-converter.js';
import type { TimelineEntry } from '../../src/cli/audit/timeline.js';
import { engineEnv, startBridgeProcess } from '../harness/engine.js';
import { jsonOf, runFulfill } from '../harness/fulfill-cli.js';
import { pollUntil } from '../harness/honeybee.js';
import { createTestNamespace, type TestNamespace } from '../harness/namespaces.js';
import { TEST_PAYLOAD_KEYS, testPayloadKeyConfig } from '../harness/payload-keys.js';
import { temporalAddress, uniqueTaskQueue } from '../harness/temporal.js';
import { noteSignal, noteStatusQuery, POISON } from '../fixtures/workflows/poison-signal.js';

const PARTNER_KEY = 'stuck-workflow-test-key';
const orderNumber = `stuck-${randomUUID().slice(0, 8)}`;
const workflowId = `honeybee-order-${orderNumber}`;

describe('a stuck workflow is visible and repairable', () => {
  let namespace: TestNamespace;
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let bridge: EngineProcess;
  let bridgeUrl: string;
  let handle: WorkflowHandle;
  let taskQueue: string;
  let workflowCode: string;
  const cliEnv = () => ({
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: namespace.namespace,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  });
  const fulfill = (...args: string[]) => runFulfill(args, cliEnv());
  const repairByAlice = (reason: string, ...args: string[]) =>
    fulfill('repair', workflowId, '--operator', 'alice', '--reason', reason, ...args);
  const received = async () => (await handle.query(noteStatusQuery)).received;

  beforeAll(async () => {
    namespace = await createTestNamespace('stuck');
    client = namespace.client;
    taskQueue = uniqueTaskQueue('stuck');
    const { code } = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../fixtures/workflows/poison-signal.ts', import.meta.url)),
      failureConverterPath: failureConverterPath(),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
    });
    workflowCode = code;
    connection = await NativeConnection.connect({ address: temporalAddress() });
    worker = await Worker.create({
      connection,
      namespace: namespace.namespace,
      taskQueue,
      workflowBundle: { code },
      dataConverter: createDataConverter(testPayloadKeyConfig),
    });
    running = worker.run();
    const started = await startBridgeProcess(
      engineEnv({ TEMPORAL_NAMESPACE: namespace.namespace, PARTNER_API_KEYS: PARTNER_KEY, LOG_LEVEL: 'warn' }),
    );
    bridge = started.process;
    bridgeUrl = started.url;
    handle = await client.workflow.start('poisonSignalWorkflow', { taskQueue, workflowId });
  });
  afterAll(async () => {
    await bridge?.stop();
    worker?.shutdown();
    await running;
    await connection?.close();
    await namespace?.close();
  });

  it('poison fails the workflow task, for real and for good', async () => {
    await handle.signal(noteSignal, 'before');
    await pollUntil('the first note', received, (notes) => notes.includes('before'), 30_000);
    await handle.signal(noteSignal, POISON);
    const failing = await pollUntil(
      'a failing workflow task',
      () => workflowTaskFailing(client, workflowId),
      (found) => found !== undefined,
      60_000,
    );
    expect(failing).toMatchObject({
      workflowId,
      message: 'poisoned input',
      cause: 'WORKFLOW_WORKER_UNHANDLED_FAILURE',
    });
    // A good note after the failure: the repair must keep it. Temporal holds a signal back while a workflow task
    // attempt runs; wait until the history has it, so the dry run below can name it.
    await handle.signal(noteSignal, 'after');
    await pollUntil(
      'the good note in the history',
      async () => (await handle.fetchHistory()).events ?? [],
      (events) => events.filter((event) => event.workflowExecutionSignaledEventAttributes).length === 3,
      60_000,
    );
  });

  it('fulfill show says the workflow task is failing, not that no worker polls', async () => {
    const text = await fulfill('show', orderNumber);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('workflow task failing: poisoned input');
    expect(text.stdout).toContain(`fulfill repair ${workflowId} --operator <you> --reason <why> --dry-run`);
    expect(`${text.stdout}${text.stderr}`).not.toMatch(/worker polling|Channel has been shut down/);
    const json = jsonOf<{ workflowTaskFailing: { message: string; attempt: number }; status: unknown }>(
      await fulfill('show', workflowId, '--json'),
    );
    expect(json.workflowTaskFailing.message).toBe('poisoned input');
    expect(json.workflowTaskFailing.attempt).toBeGreaterThan(1);
    expect(json.status).toBeNull();
  });

  it('fulfill holds lists it as failing, not "?"', async () => {
    const { holds } = jsonOf<{ holds: { workflowId: string; reason: string; actions: unknown }[] }>(
      await fulfill('holds', '--json', '--limit', '10000'),
    );
    expect(holds.find((hold) => hold.workflowId === workflowId)).toMatchObject({
      reason: 'workflow task failing: poisoned input',
      workflowTaskFailing: 'workflow task failing: poisoned input',
      actions: null,
    });
    const table = await fulfill('holds', '--limit', '10000');
    const row = table.stdout.split('\n').find((line) => line.includes(workflowId));
    expect(row).toContain('workflow task failing: poisoned input');
    expect(row).toContain('none until repaired: fulfill repair');
    expect(row).not.toContain('?');
  });

  it('the partner API answers 409 workflow_task_failing, for a read and for a resolution', async () => {
    const headers = { authorization: `Bearer ${PARTNER_KEY}`, 'content-type': 'application/json' };
    const read = await fetch(`${bridgeUrl}/api/orders/${orderNumber}`, { headers });
    expect(read.status).toBe(409);
    expect(await read.json()).toEqual({
      error: {
        code: 'workflow_task_failing',
        message: 'workflow task failing: poisoned input (an operator must repair it)',
      },
    });
    const resolution = await fetch(`${bridgeUrl}/api/orders/${orderNumber}/resolution`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action: 'override_allergy', operator: 'p', reason: 'r' }),
    });
    expect(resolution.status).toBe(409);
    const queue = await fetch(`${bridgeUrl}/api/operator-queue?limit=100`, { headers });
    expect(queue.status).toBe(200);
    const listed = (await queue.json()) as {
      items: { workflowId: string; workflowTaskFailing?: unknown }[];
      stuckScan: { checked: number; truncated: boolean };
    };
    expect(listed.stuckScan).toMatchObject({ truncated: false });
    expect(listed.items.some((item) => item.workflowId === workflowId)).toBe(true);
  });

  it('fulfill repair --dry-run names the poison and the good note, and changes nothing', async () => {
    const before = await handle.describe();
    const result = await repairByAlice('bad note', '--dry-run', '--json');
    const outcome = jsonOf<RepairOutcome>(result);
    expect(result.code).toBe(0);
    expect(outcome.dryRun).toBe(true);
    expect(outcome.plan.leftOut.map((signal) => signal.name)).toEqual(['note']);
    expect(outcome.plan.resent.map((signal) => signal.name)).toEqual(['note']);
    expect(outcome.plan.resent[0]!.eventId).toBeGreaterThan(outcome.plan.failedEventId);
    expect(outcome.plan.leftOut[0]!.eventId).toBeLessThan(outcome.plan.failedEventId);
    expect(outcome.plan.resetEventId).toBeLessThan(outcome.plan.leftOut[0]!.eventId);
    const after = await handle.describe();
    expect(after.runId).toBe(before.runId);
    expect(await workflowTaskFailing(client, workflowId)).toBeDefined();
  });

  it('fulfill repair resets without the poison, keeps the good note, and the workflow finishes', async () => {
    const oldRun = (await handle.describe()).runId;
    const result = await repairByAlice('note sent by mistake (ticket 42)');
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/Repaired: new run [0-9a-f-]{36}/);
    const current = client.workflow.getHandle(workflowId);
    const newRun = (await current.describe()).runId;
    expect(newRun).not.toBe(oldRun);
    expect(await workflowTaskFailing(client, workflowId)).toBeUndefined();
    const state = await pollUntil(
      'the good note sent again',
      () => current.query(noteStatusQuery),
      (notes) => notes.received.includes('after'),
      30_000,
    );
    expect(state).toEqual({ received: ['before', 'after'] });

    // The old run is finished as repaired; doing it again (as after an interruption) sends nothing twice.
    const again = await repairByAlice('again', '--run-id', oldRun);
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(again.stdout).toContain(`Finished an interrupted repair: the signals above were sent to run ${newRun}.`);
    expect((await current.query(noteStatusQuery)).received).toEqual(['before', 'after']);

    // Nothing left to repair now.
    const nothing = await repairByAlice('again');
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('its workflow task is not failing: nothing to repair');

    // The show works again, and the workflow goes on to its end.
    const show = await fulfill('show', orderNumber);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).not.toContain('workflow task failing');
    await current.signal(noteSignal, 'finish');
    expect(await current.result()).toEqual(['before', 'after', 'finish']);
  });

  it('fulfill audit shows who repaired it and why, once', async () => {
    const audit = await fulfill('audit', workflowId, '--format', 'json');
    expect(audit.code, audit.stderr).toBe(0);
    const { timeline } = jsonOf<{ timeline: TimelineEntry[] }>(audit);
    const resets = timeline.filter((entry) => entry.kind === 'run.reset');
    expect(resets).toHaveLength(1);
    expect(resets[0]).toMatchObject({
      operator: 'alice',
      reason: 'note sent by mistake (ticket 42)',
      via: 'fulfill repair',
    });
    expect(resets[0]!.summary).toMatch(
      /^reset from run [0-9a-f-]{36} by fulfill repair \(reset to event \d+; left out: note #\d+; every later signal sent again\)$/,
    );
    expect(timeline.filter((entry) => entry.kind === 'run.terminated')).toMatchObject([
      { operator: 'alice', reason: 'note sent by mistake (ticket 42)' },
    ]);
    // The events the new run copied from the old one appear once.
    expect(timeline.filter((entry) => entry.kind === 'run.started')).toHaveLength(1);
  });

  it('keeps a good signal that Temporal was still holding back when the repair began', async () => {
    const late = await client.workflow.start('poisonSignalWorkflow', {
      taskQueue,
      workflowId: `honeybee-order-stuck-late-${randomUUID().slice(0, 8)}`,
    });
    await late.signal(noteSignal, 'before');
    await pollUntil(
      'the first note',
      async () => (await late.query(noteStatusQuery)).received,
      (n) => n.length === 1,
      30_000,
    );
    await late.signal(noteSignal, POISON);
    await pollUntil('a failing workflow task', () => workflowTaskFailing(client, late.workflowId), Boolean, 60_000);
    await late.signal(noteSignal, 'late');
    // While a failing attempt runs, the signal is not in the history yet; the repair must still send it again.
    const notes = (await late.fetchHistory()).events?.filter((e) => e.workflowExecutionSignaledEventAttributes);
    console.log(`[stuck-workflow] signals in the history when the repair began: ${notes?.length ?? 0} of 3`);
    const result = await fulfill('repair', late.workflowId, '--operator', 'bob', '--reason', 'poison', '--json');
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(jsonOf<RepairOutcome>(result).plan.resent.map((signal) => signal.name)).toEqual(['note']);
    const current = client.workflow.getHandle(late.workflowId);
    const state = await pollUntil(
      'the late note sent again',
      () => current.query(noteStatusQuery),
      (notes) => notes.received.length >= 2,
      30_000,
    );
    expect(state.received).toEqual(['before', 'late']);
    await current.signal(noteSignal, 'finish');
    expect(await current.result()).toEqual(['before', 'late', 'finish']);
  });

  it("repairs again a run the first repair started, from that repair's reset, leaving out a poison it sent again", async () => {
    const queue = uniqueTaskQueue('stuck-twice');
    const twiceId = `honeybee-order-stuck-twice-${randomUUID().slice(0, 8)}`;
    const startWorker = async () => {
      const queueWorker = await Worker.create({
        connection,
        namespace: namespace.namespace,
        taskQueue: queue,
        workflowBundle: { code: workflowCode },
        dataConverter: createDataConverter(testPayloadKeyConfig),
      });
      return { queueWorker, done: queueWorker.run() };
    };
    let { queueWorker, done } = await startWorker();
    const twice = await client.workflow.start('poisonSignalWorkflow', { taskQueue: queue, workflowId: twiceId });
    await twice.signal(noteSignal, 'before');
    await pollUntil(
      'the first note',
      async () => (await twice.query(noteStatusQuery)).received,
      (n) => n.length === 1,
      30_000,
    );
    await twice.signal(noteSignal, POISON);
    await pollUntil('a failing workflow task', () => workflowTaskFailing(client, twiceId), Boolean, 60_000);
    // A second poison after the failure: the first repair takes it for good and sends it again. With no worker, the
    // new run's first task cannot complete before it arrives, so that task is the one that fails.
    await twice.signal(noteSignal, POISON);
    queueWorker.shutdown();
    await done;
    const first = await fulfill('repair', twiceId, '--operator', 'bob', '--reason', 'first', '--wait', '0', '--json');
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    expect(jsonOf<RepairOutcome>(first).plan.resent).toHaveLength(1);
    ({ queueWorker, done } = await startWorker());
    try {
      await pollUntil('the new run failing', () => workflowTaskFailing(client, twiceId), Boolean, 60_000);
      const dry = await fulfill('repair', twiceId, '--operator', 'bob', '--reason', 'again', '--dry-run', '--json');
      expect(dry.code, `${dry.stdout}\n${dry.stderr}`).toBe(0);
      const { plan } = jsonOf<RepairOutcome>(dry);
      expect(plan).toMatchObject({ resetToEarlierReset: true, leftOut: [] });
      expect(plan.sentAgainEarlier).toHaveLength(1);
      const again = await fulfill(
        'repair',
        twiceId,
        '--operator',
        'bob',
        '--reason',
        'the second poison',
        '--leave-out',
        String(plan.sentAgainEarlier[0]),
      );
      expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
      const current = client.workflow.getHandle(twiceId);
      // The note the first run applied before the reset point is still applied: the reset went no further back.
      expect((await current.query(noteStatusQuery)).received).toEqual(['before']);
      await current.signal(noteSignal, 'finish');
      expect(await current.result()).toEqual(['before', 'finish']);
    } finally {
      queueWorker.shutdown();
      await done;
    }
  });
});
