// Resets in the audit timeline (src/cli/audit/resets.ts): the reset and the old run's end are told once, with who and
// why when `fulfill repair` recorded them, and the events a reset run copied from its base run are not told twice.
// (test/integration/stuck-workflow.test.ts audits a real repair.)
import { describe, expect, it } from 'vitest';
import type { DecodedEvent } from '../../../src/cli/audit/decode.js';
import { buildTimeline } from '../../../src/cli/audit/timeline.js';

const REASON =
  'fulfill repair by alice: sent by mistake [reset to event 4; left out: note #5; every later signal sent again]';
const RESET_CAUSE = 20; // WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW, as a fetched history holds it

function event(eventId: number, type: string, attributes: Record<string, unknown> = {}, extra = {}): DecodedEvent {
  return { eventId, at: `2026-01-01T00:00:${String(eventId).padStart(2, '0')}.000Z`, type, attributes, ...extra };
}

const started = event(1, 'WORKFLOW_EXECUTION_STARTED', { identity: 'bridge' });
const base = {
  workflowId: 'wf',
  runId: 'run-old',
  workflowType: 'poisonSignalWorkflow',
  events: [
    started,
    event(5, 'WORKFLOW_EXECUTION_SIGNALED', { signalName: 'note' }),
    event(9, 'WORKFLOW_EXECUTION_TERMINATED', { reason: REASON, identity: 'history-service' }),
  ],
};
const reset = {
  workflowId: 'wf',
  runId: 'run-new',
  workflowType: 'poisonSignalWorkflow',
  events: [
    started,
    event(4, 'WORKFLOW_TASK_FAILED', { cause: RESET_CAUSE, baseRunId: 'run-old' }, { failure: { message: REASON } }),
  ],
};

describe('audit of a repaired workflow', () => {
  it('tells the reset and the old run’s end with who and why, and the copied start once', () => {
    const timeline = buildTimeline([base, reset]);
    expect(timeline.filter((entry) => entry.kind === 'run.started')).toHaveLength(1);
    expect(timeline.find((entry) => entry.kind === 'run.reset')).toMatchObject({
      runId: 'run-new',
      summary:
        'reset from run run-old by fulfill repair (reset to event 4; left out: note #5; every later signal sent again)',
      operator: 'alice',
      reason: 'sent by mistake',
      via: 'fulfill repair',
    });
    expect(timeline.find((entry) => entry.kind === 'run.terminated')).toMatchObject({
      operator: 'alice',
      reason: 'sent by mistake',
      summary: 'terminated by fulfill repair: the workflow goes on in a new run',
    });
  });

  it('keeps a reset run’s copied events when its base run is not in the audit', () => {
    const timeline = buildTimeline([reset]);
    expect(timeline.filter((entry) => entry.kind === 'run.started')).toHaveLength(1);
  });

  it('tells a reset by another client with its reason', () => {
    const other = {
      ...reset,
      events: [
        event(4, 'WORKFLOW_TASK_FAILED', { cause: RESET_CAUSE, baseRunId: 'x' }, { failure: { message: 'cli' } }),
      ],
    };
    expect(buildTimeline([other])).toMatchObject([{ kind: 'run.reset', summary: 'reset from run x', reason: 'cli' }]);
  });

  it('tells each reset and each copied event once when a workflow was repaired twice', () => {
    const second =
      'fulfill repair by bob: again [reset to event 12; left out: note #13; every later signal sent again]';
    const resetOnce = reset.events[1]!;
    const cancel = event(
      7,
      'WORKFLOW_EXECUTION_SIGNALED',
      { signalName: 'cancel', identity: 'ops' },
      {
        input: [{ operator: 'carol', reason: 'good signal sent again' }],
      },
    );
    const middle = {
      ...reset,
      events: [
        started,
        resetOnce,
        cancel,
        event(13, 'WORKFLOW_EXECUTION_SIGNALED', { signalName: 'note' }),
        event(20, 'WORKFLOW_EXECUTION_TERMINATED', { reason: second }),
      ],
    };
    // The third run copies the middle run up to its event 12, its first reset event included, then its own reset.
    const third = {
      ...reset,
      runId: 'run-third',
      events: [
        started,
        resetOnce,
        cancel,
        event(
          12,
          'WORKFLOW_TASK_FAILED',
          { cause: RESET_CAUSE, baseRunId: 'run-new' },
          { failure: { message: second } },
        ),
      ],
    };
    const timeline = buildTimeline([base, middle, third]);
    expect(timeline.filter((entry) => entry.kind === 'run.reset').map((entry) => entry.runId)).toEqual([
      'run-new',
      'run-third',
    ]);
    expect(timeline.filter((entry) => entry.kind === 'operator.input')).toHaveLength(1);
    expect(timeline.filter((entry) => entry.kind === 'run.started')).toHaveLength(1);
  });
});
