// How `fulfill repair` reads a stuck run's history (src/operators/repair-plan.ts) and records itself
// (repair-reason.ts), on histories shaped like the ones the dev server writes (test/integration/stuck-workflow.test.ts
// repairs a real one).
import { describe, expect, it } from 'vitest';
import proto from '@temporalio/proto';
import { planRepair, RepairRefused } from '../../../src/operators/repair-plan.js';
import {
  AmbiguousRepairRecord,
  formatRepairReason,
  leftOutEventIds,
  parseRepairReason,
} from '../../../src/operators/repair-reason.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

/** A history from a compact script: `S` started, `T` a completed task, `F` a failed task, `s:name` a signal, … */
function history(...steps: string[]): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  // fromObject: int64 fields (event ids, times) become Long, as in a fetched history.
  const add = (event: Record<string, unknown>) =>
    events.push(
      proto.temporal.api.history.v1.HistoryEvent.fromObject({
        ...event,
        eventId: events.length + 1,
        eventTime: { seconds: 1_800_000_000 + events.length },
      }),
    );
  for (const step of steps) {
    const [kind, name] = step.split(':');
    if (kind === 'S') add({ eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED });
    if (kind === 's' || kind === 'r') {
      add({
        eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        workflowExecutionSignaledEventAttributes: {
          signalName: name,
          // `r:`: a signal an earlier repair sent again.
          identity: kind === 'r' ? 'ops@host (sent again by fulfill repair)' : 'ops@host',
        },
      });
    }
    if (kind === 'timer') add({ eventType: EventType.EVENT_TYPE_TIMER_FIRED });
    if (kind === 'T' || kind === 'F' || kind === 'U' || kind === 'R') {
      add({ eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED });
      add({ eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED });
      const startedEventId = events.length;
      if (kind === 'T') add({ eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED });
      else {
        add({
          eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
          workflowTaskFailedEventAttributes: {
            startedEventId,
            cause:
              kind === 'F'
                ? WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE
                : kind === 'R'
                  ? WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW
                  : WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
          },
        });
      }
    }
  }
  return events;
}

const ids = (signals: { eventId: number }[]) => signals.map((signal) => signal.eventId);

describe('planRepair', () => {
  it('resets to the last completed task, leaves out the failing task’s signals and sends the later ones again', () => {
    // 1 S, 2-4 T, 5 s:a, 6-8 T, 9 s:poison, 10 s:other, 11 timer, 12-14 F, 15 s:b, 16-18 F, 19 s:c, 20-22 F
    const events = history('S', 'T', 's:a', 'T', 's:poison', 's:other', 'timer', 'F', 's:b', 'F', 's:c', 'F');
    const plan = planRepair(events);
    expect(plan.resetEventId).toBe(8);
    expect(plan.failedEventId).toBe(14);
    expect(ids(plan.leftOut)).toEqual([9, 10]);
    expect(ids(plan.resent)).toEqual([15, 19]);
    expect(plan.resent.map((signal) => signal.name)).toEqual(['b', 'c']);
    expect(plan.redone).toEqual({ TIMER_FIRED: 1 });
  });

  it('keeps a signal of the failing task the operator vouches for, in event order', () => {
    const events = history('S', 'T', 's:poison', 's:other', 'F', 's:b', 'F');
    const plan = planRepair(events, new Set([6]));
    expect(ids(plan.leftOut)).toEqual([5]);
    expect(ids(plan.resent)).toEqual([6, 10]);
  });

  it('refuses to keep an event that is not a signal of the failing task', () => {
    const events = history('S', 'T', 's:poison', 'F', 's:b', 'F');
    expect(() => planRepair(events, new Set([9]))).toThrow(
      'event 9 is not a signal delivered in the failing workflow task (those are: 5)',
    );
  });

  it('ignores routine task failures (a signal racing a completion) before and after', () => {
    const events = history('S', 'T', 's:a', 'U', 'T', 's:poison', 'F');
    expect(planRepair(events)).toMatchObject({ resetEventId: 11, failedEventId: 15 });
    expect(() => planRepair(history('S', 'T', 's:a', 'U'))).toThrow(RepairRefused);
  });

  it('repairs a run a first repair started no further back than that repair, keeping what it kept', () => {
    // A run a first repair started: 1-4 copied, 5 a vendor event the old run had applied, 6-8 the reset (its task
    // failed with cause RESET_WORKFLOW), 9 the operator's resolution that repair sent again, 10-12 a new failure.
    const events = history('S', 'T', 's:honeybeeEvent', 'R', 'r:resolveException', 'F', 's:later', 'F');
    const plan = planRepair(events);
    expect(plan).toMatchObject({ resetEventId: 8, resetToEarlierReset: true, failedEventId: 12 });
    expect(ids(plan.leftOut)).toEqual([]);
    expect(ids(plan.resent)).toEqual([9, 13]);
    expect(plan.sentAgainEarlier).toEqual([9]);
    // If the signal sent again is the bad input after all, the operator says so.
    const leaving = planRepair(events, new Set(), new Set([9]));
    expect(ids(leaving.leftOut)).toEqual([9]);
    expect(ids(leaving.resent)).toEqual([13]);
    expect(() => planRepair(events, new Set(), new Set([5]))).toThrow('event 5 is not a signal an earlier repair sent');
  });

  it('repairs again a run a first repair reset to its very first task', () => {
    // The reset event takes the place of the task it reset to, so no completed task is left in the copy:
    // 1 S, 2-4 R, 5 r:again, 6-8 F
    const plan = planRepair(history('S', 'R', 'r:again', 'F'));
    expect(plan).toMatchObject({ resetEventId: 4, resetToEarlierReset: true, sentAgainEarlier: [5] });
    expect(ids(plan.leftOut)).toEqual([]);
  });

  it('after a first repair, still leaves out a new signal of the failing task', () => {
    // 1 S, 2-4 T, 5 s:a, 6-8 R, 9 r:ok, 10 s:poison, 11-13 F
    const plan = planRepair(history('S', 'T', 's:a', 'R', 'r:ok', 's:poison', 'F'));
    expect(plan.resetEventId).toBe(8);
    expect(ids(plan.leftOut)).toEqual([10]);
    expect(ids(plan.resent)).toEqual([9]);
  });

  it('resets to the last completed task when one completed after the earlier reset', () => {
    // 1 S, 2-4 T, 5-7 R, 8 r:ok, 9-11 T, 12 r:late, 13 s:poison, 14-16 F: what arrives in the failing task is its
    // input, whoever sent it.
    const plan = planRepair(history('S', 'T', 'R', 'r:ok', 'T', 'r:late', 's:poison', 'F'));
    expect(plan).toMatchObject({ resetEventId: 11, resetToEarlierReset: false, sentAgainEarlier: [] });
    expect(ids(plan.leftOut)).toEqual([12, 13]);
  });

  it('refuses when nothing has failed since the last completed task', () => {
    expect(() => planRepair(history('S', 'T', 's:a', 'F', 'T'))).toThrow('nothing to repair');
  });

  it('refuses when the very first task failed: nothing good to reset to', () => {
    expect(() => planRepair(history('S', 's:poison', 'F'))).toThrow('no good workflow task to reset to');
  });
});

describe('the recorded reason', () => {
  const plan = planRepair(history('S', 'T', 's:poison', 'F', 's:b', 'F'));

  it('says who, why, where to and what was left out, and reads back', () => {
    const text = formatRepairReason({ operator: 'alice', reason: 'sent by mistake: ticket 42' }, plan);
    expect(text).toBe(
      'fulfill repair by alice: sent by mistake: ticket 42 [reset to event 4; left out: poison #5; every later signal sent again]',
    );
    const parsed = parseRepairReason(text);
    expect(parsed).toEqual({
      operator: 'alice',
      reason: 'sent by mistake: ticket 42',
      details: 'reset to event 4; left out: poison #5; every later signal sent again',
    });
    expect(leftOutEventIds(parsed!, [...plan.leftOut, ...plan.resent])).toEqual([5]);
  });

  it('reads back exactly the signals left out whatever they are named', () => {
    // Names as anyone with the Web UI can send them: one forging an event id, one the list's separators.
    // 1 S, 2-4 T, 5 "honeybeeEvent #9", 6 "x; y, z #10]", 7 poison, 8-10 F, 11 good, 12-14 F
    const events = history('S', 'T', 's:honeybeeEvent #9', 's:x; y, z #11]', 's:poison', 'F', 's:good', 'F');
    const plan = planRepair(events, new Set([5]));
    expect(ids(plan.leftOut)).toEqual([6, 7]);
    const text = formatRepairReason({ operator: 'alice', reason: 'bad input' }, plan);
    expect(text).toContain('left out: x_ y_ z _11_ #6, poison #7;');
    const signals = [...plan.leftOut, ...plan.resent];
    expect(leftOutEventIds(parseRepairReason(text)!, signals)).toEqual([6, 7]);
  });

  it('reads a reason written before names were cleaned when only one reading fits, and refuses one that fits none', () => {
    const signals = [
      { eventId: 5, name: 'honeybeeEvent #9' },
      { eventId: 6, name: 'a' },
      { eventId: 9, name: 'honeybeeEvent' },
      { eventId: 11, name: 'b, honeybeeEvent #9' },
    ];
    const old = (list: string) => ({
      operator: 'alice',
      reason: 'r',
      details: `reset to event 4; left out: ${list}; every later signal sent again`,
    });
    expect(leftOutEventIds(old('honeybeeEvent #9 #5'), signals)).toEqual([5]);
    expect(leftOutEventIds(old('honeybeeEvent #9 #5, a #6'), signals)).toEqual([5, 6]);
    expect(leftOutEventIds(old('none'), signals)).toEqual([]);
    // "b, honeybeeEvent #9 #11" is signal 11 alone, or "b" (no such signal) then 9 and 11: only the first fits.
    expect(leftOutEventIds(old('b, honeybeeEvent #9 #11'), signals)).toEqual([11]);
    // A name cannot pose as other signals: each entry ends with its own event id, which fixes its name.
    const forged = [
      { eventId: 3, name: 'x' },
      { eventId: 4, name: 'y' },
      { eventId: 5, name: 'x #3, y' },
    ];
    expect(leftOutEventIds(old('x #3, y #5'), forged)).toEqual([5]);
    expect(leftOutEventIds(old('x #3, y #4'), forged)).toEqual([3, 4]);
    expect(() => leftOutEventIds(old('nobody #77'), forged)).toThrow(AmbiguousRepairRecord);
  });

  it('is not found in other reasons', () => {
    expect(parseRepairReason('reset by the temporal CLI')).toBeUndefined();
    expect(parseRepairReason('fulfill repair by alice: no details')).toBeUndefined();
    expect(parseRepairReason(undefined)).toBeUndefined();
  });
});
