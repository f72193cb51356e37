// The actions count bench:end-to-end prints (what a Temporal Cloud bill counts), on hand-made histories and on a
// committed one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countActions, historyWork, totalActions, versioningEvents } from '../../../bench/lib/actions.js';
import { sidesInRound } from '../../../bench/lib/stats.js';

type Event = Record<string, unknown>;
const started = (extra: Record<string, unknown> = {}): Event => ({
  eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
  workflowExecutionStartedEventAttributes: extra,
});
const signaled = (): Event => ({ eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED' });
const taskCompleted: Event = { eventType: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED' };
const upsert = (...fields: string[]): Event => ({
  eventType: 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  upsertWorkflowSearchAttributesEventAttributes: {
    searchAttributes: { indexedFields: Object.fromEntries(fields.map((field) => [field, {}])) },
  },
});
const patchMarker: Event = {
  eventType: 'EVENT_TYPE_MARKER_RECORDED',
  markerRecordedEventAttributes: { markerName: 'core_patch' },
};
const activityStarted = (attempt: number): Event => ({
  eventType: 'EVENT_TYPE_ACTIVITY_TASK_STARTED',
  activityTaskStartedEventAttributes: { attempt },
});

/** A history committed under test/fixtures/histories/, as JSON (event types by name). */
function committedHistory(name: string): { events: Event[] } {
  const file = join(import.meta.dirname, '..', '..', 'fixtures', 'histories', `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as { events: Event[] };
}

describe('countActions', () => {
  it('a signal-with-start is one action; later signals, activities, retries, timers and upserts one each', () => {
    const counts = countActions({
      events: [
        started(),
        signaled(),
        taskCompleted,
        upsert('FulfillmentStage', 'NeedsOperator'),
        { eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' },
        activityStarted(3),
        { eventType: 'EVENT_TYPE_TIMER_STARTED' },
        signaled(),
      ],
    });
    expect(counts).toMatchObject({
      'signal-with-start': 1,
      'workflow started': 0,
      signal: 1,
      activity: 1,
      'activity retry': 2,
      timer: 1,
      'search attributes': 1,
    });
    expect(totalActions(counts)).toBe(7);
  });

  it('a patch adds a marker and a TemporalChangeVersion upsert, neither billed', () => {
    const history = { events: [started(), taskCompleted, patchMarker, upsert('TemporalChangeVersion')] };
    expect(countActions(history)['search attributes']).toBe(0);
    expect(totalActions(countActions(history))).toBe(1);
    expect(versioningEvents(history)).toEqual({ patchMarkers: 1, changeVersionUpserts: 1 });
  });

  it('a continued run is billed as continue-as-new, not as a start', () => {
    const counts = countActions({ events: [started({ continuedExecutionRunId: 'run-1' }), signaled()] });
    expect(counts).toMatchObject({ 'continue-as-new': 1, 'signal-with-start': 0, signal: 1 });
  });

  it('reads a committed history: the prescription started with its attributes records the patch', () => {
    const history = committedHistory('prescription-partner-happy-path-start-attributes');
    expect(versioningEvents(history)).toEqual({ patchMarkers: 1, changeVersionUpserts: 1 });
    const counts = countActions(history);
    expect(counts['signal-with-start']).toBe(1);
    expect(counts.activity).toBeGreaterThan(0);
  });
});

describe('historyWork', () => {
  it('counts events, completed workflow tasks and encoded bytes, from a committed history', () => {
    const history = committedHistory('prescription-partner-happy-path-start-attributes');
    const work = historyWork(history);
    expect(work.events).toBe(history.events.length);
    expect(work.workflowTasks).toBe(
      history.events.filter((event) => event.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED').length,
    );
    expect(work.workflowTasks).toBeGreaterThan(0);
    // The payloads are in the bytes: the encoded history is larger than a history without them.
    const withoutPayloads = historyWork({
      events: history.events.map((event): Event => ({ eventType: event.eventType })),
    });
    expect(work.bytes).toBeGreaterThan(withoutPayloads.bytes + 1_000);
    // By event type: every type present, and the parts add up to the whole (each event's field tag and length aside).
    const types = new Set(history.events.map((event) => String(event.eventType).replace(/^EVENT_TYPE_/, '')));
    expect(new Set(Object.keys(work.bytesByType))).toEqual(types);
    const parts = Object.values(work.bytesByType).reduce((sum, bytes) => sum + bytes, 0);
    expect(parts).toBeGreaterThanOrEqual(work.bytes - 3 * history.events.length);
    expect(parts).toBeLessThanOrEqual(work.bytes);
  });
});

describe('sidesInRound', () => {
  it('alternates which side runs first, so neither always runs on the fuller server', () => {
    expect([1, 2, 3, 4].map((round) => sidesInRound(round, 'baseline', 'engine'))).toEqual([
      ['baseline', 'engine'],
      ['engine', 'baseline'],
      ['baseline', 'engine'],
      ['engine', 'baseline'],
    ]);
  });
});
