// What waits for an operator (src/operators/needs-operator.ts, read by `fulfill holds` and the console's queue): a
// workflow whose workflow task keeps failing is listed though it never set NeedsOperator (it cannot: its task fails),
// found by a bounded scan of the running workflows that says when it did not reach them all.
// (test/integration/needs-operator.test.ts lists real holds.)
import { TypedSearchAttributes } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/index.js';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { listHolds, readHolds } from '../../../src/cli/operators/holds.js';
import { MAX_STUCK_SCAN, NEEDS_OPERATOR_QUERY, STUCK_SCAN_QUERY } from '../../../src/operators/needs-operator.js';
import { NeedsOperator, OnHoldSince } from '../../../workflows/search-attributes.js';

const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

interface Fake {
  workflowId: string;
  held?: boolean;
  /** The pending workflow task's attempt (none: no task pending). */
  attempt?: number;
}

function fakeClient(workflows: Fake[]) {
  const execution = (workflow: Fake) => ({
    workflowId: workflow.workflowId,
    runId: `run-${workflow.workflowId}`,
    type: 'honeybeeOrderWorkflow',
    status: { name: 'RUNNING' },
    startTime: new Date('2026-01-01T00:00:00Z'),
    typedSearchAttributes: new TypedSearchAttributes(
      workflow.held
        ? [
            { key: NeedsOperator, value: true },
            { key: OnHoldSince, value: new Date('2026-01-02T00:00:00Z') },
          ]
        : [],
    ),
  });
  const byId = new Map(workflows.map((workflow) => [workflow.workflowId, workflow]));
  return {
    options: { namespace: 'default', loadedDataConverter: loadDataConverter() },
    withDeadline: <T>(_: number, fn: () => Promise<T>) => fn(),
    workflow: {
      list: ({ query }: { query: string }) =>
        (async function* () {
          if (query === NEEDS_OPERATOR_QUERY) yield* workflows.filter((w) => w.held).map(execution);
          else if (query === STUCK_SCAN_QUERY) yield* workflows.map(execution);
          else throw new Error(`unexpected query ${query}`);
        })(),
      getHandle: (workflowId: string) => ({
        describe: () => {
          const workflow = byId.get(workflowId)!;
          return Promise.resolve({
            ...execution(workflow),
            raw: workflow.attempt ? { pendingWorkflowTask: { attempt: workflow.attempt } } : {},
          });
        },
        query: () => Promise.resolve({ offeredActions: [] }),
      }),
    },
    workflowService: {
      getWorkflowExecutionHistoryReverse: () =>
        Promise.resolve({
          history: {
            events: [
              // fromObject: the event time becomes a Long, as in a fetched history.
              proto.temporal.api.history.v1.HistoryEvent.fromObject({
                eventId: 9,
                eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
                eventTime: { seconds: 1_767_400_000 },
                workflowTaskFailedEventAttributes: {
                  cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                  failure: { message: 'handler threw' },
                },
              }),
            ],
          },
        }),
    },
  };
}

describe('what waits for an operator', () => {
  it('lists a stuck workflow that is not on hold, beside the holds', async () => {
    const client = fakeClient([
      { workflowId: 'honeybee-order-HELD', held: true },
      { workflowId: 'honeybee-order-STUCK', attempt: 5 },
      { workflowId: 'honeybee-order-FINE', attempt: 1 },
      { workflowId: 'honeybee-order-IDLE' },
    ]);
    const holds = await listHolds(client as never, 50);
    expect(holds.map((hold) => hold.workflowId).sort()).toEqual(['honeybee-order-HELD', 'honeybee-order-STUCK']);
    expect(holds.find((hold) => hold.workflowId === 'honeybee-order-STUCK')).toMatchObject({
      reason: 'workflow task failing: handler threw',
      workflowTaskFailing: 'workflow task failing: handler threw',
      actions: null,
    });
    expect((await readHolds(client as never, 50)).stuckScan).toEqual({ checked: 3, truncated: false });
  });

  it('says when there were more running workflows than it checks', async () => {
    const many = Array.from({ length: MAX_STUCK_SCAN + 1 }, (_, index) => ({ workflowId: `honeybee-order-${index}` }));
    const { stuckScan } = await readHolds(fakeClient(many) as never, 50);
    expect(stuckScan).toEqual({ checked: MAX_STUCK_SCAN, truncated: true });
  });
});
