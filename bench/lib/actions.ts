// Temporal Cloud actions counted from workflow histories, by kind. The rule follows Temporal Cloud's published
// definition ("Temporal Cloud Actions", docs.temporal.io/cloud/actions), restricted to what a history shows:
//
//   workflow started     WORKFLOW_EXECUTION_STARTED by a client start or a child start: 1
//   continue-as-new      the STARTED event of a run that continues another: 1 (billed as continue_as_new_workflow)
//   signal-with-start    a run whose STARTED event is followed at once by its SIGNALED event (how a signal-with-start
//                        that starts the workflow appears): 1 for the pair, "one total action for any
//                        Signal-With-Start, regardless of whether the Workflow starts"
//   signal               every other WORKFLOW_EXECUTION_SIGNALED (client signal, signal-with-start to a running
//                        workflow, signal from another workflow): 1
//   activity             ACTIVITY_TASK_SCHEDULED: 1, plus (attempt - 1) retries from its ACTIVITY_TASK_STARTED
//   timer                TIMER_STARTED (sleep, condition with a timeout): 1
//   search attributes    UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: 1 per command, however many attributes it sets
//                        (attributes given at start are free; an upsert of TemporalChangeVersion alone, which the
//                        SDK makes with a patch marker, is exempt)
//   update               WORKFLOW_EXECUTION_UPDATE_ACCEPTED: 1 (rejected updates are billed but never recorded)
//   child workflow       START_CHILD_WORKFLOW_EXECUTION_INITIATED: 2
//   local activities     MARKER_RECORDED of local activities: 1 per workflow task that recorded any
//   workflow options     WORKFLOW_EXECUTION_OPTIONS_UPDATED: 1
//
// Patch markers (MARKER_RECORDED "core_patch", from patched()) are not billed; versioningEvents() counts them and their
// TemporalChangeVersion upserts so the tables can show what a patch adds to a history.
//
// Not in histories, so not counted here: queries (billed per query received by a worker; the engine sends none, the
// benchmarks wait with long polls instead), heartbeats, and rejected updates.
import proto from '@temporalio/proto';

const EventType = proto.temporal.api.enums.v1.EventType;
type EventType = proto.temporal.api.enums.v1.EventType;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const History = proto.temporal.api.history.v1.History;

export const ACTION_KINDS = [
  'workflow started',
  'signal-with-start',
  'continue-as-new',
  'signal',
  'activity',
  'activity retry',
  'timer',
  'search attributes',
  'update',
  'child workflow',
  'local activities',
  'workflow options',
] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];
export type ActionCounts = Record<ActionKind, number>;

export function emptyCounts(): ActionCounts {
  return Object.fromEntries(ACTION_KINDS.map((kind) => [kind, 0])) as ActionCounts;
}

export function totalActions(counts: ActionCounts): number {
  return ACTION_KINDS.reduce((sum, kind) => sum + counts[kind], 0);
}

export function addCounts(into: ActionCounts, from: ActionCounts): ActionCounts {
  for (const kind of ACTION_KINDS) into[kind] += from[kind];
  return into;
}

/** Event types as numbers whether the history came from the server (numbers) or from JSON (names). */
function typeOf(event: HistoryEvent): EventType {
  const raw = event.eventType as unknown;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw in EventType) return EventType[raw as keyof typeof EventType];
  return EventType.EVENT_TYPE_UNSPECIFIED;
}

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
const PATCH_MARKER = 'core_patch';
const CHANGE_VERSION_ATTRIBUTE = 'TemporalChangeVersion';

/** An upsert the SDK made for a patch: it sets TemporalChangeVersion and nothing else (exempt from billing). */
function isChangeVersionUpsert(event: HistoryEvent): boolean {
  const fields = Object.keys(
    event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {},
  );
  return fields.length > 0 && fields.every((field) => field === CHANGE_VERSION_ATTRIBUTE);
}

/** What patched() added to one run's history: patch markers and their TemporalChangeVersion upserts (not billed). */
export function versioningEvents(history: { events?: HistoryEvent[] | null }): {
  patchMarkers: number;
  changeVersionUpserts: number;
} {
  let patchMarkers = 0;
  let changeVersionUpserts = 0;
  for (const event of history.events ?? []) {
    const type = typeOf(event);
    if (
      type === EventType.EVENT_TYPE_MARKER_RECORDED &&
      event.markerRecordedEventAttributes?.markerName === PATCH_MARKER
    ) {
      patchMarkers += 1;
    }
    if (type === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES && isChangeVersionUpsert(event)) {
      changeVersionUpserts += 1;
    }
  }
  return { patchMarkers, changeVersionUpserts };
}

/** The billable actions one run's history shows, by kind. */
export function countActions(history: { events?: HistoryEvent[] | null }): ActionCounts {
  const counts = emptyCounts();
  const events = history.events ?? [];
  let pairedSignal: HistoryEvent | undefined;
  let localActivityTask: number | undefined;
  let lastCompletedTask = 0;
  for (const [index, event] of events.entries()) {
    switch (typeOf(event)) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const next = events[index + 1];
        if (event.workflowExecutionStartedEventAttributes?.continuedExecutionRunId) counts['continue-as-new'] += 1;
        else if (next && typeOf(next) === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
          counts['signal-with-start'] += 1;
          pairedSignal = next;
        } else counts['workflow started'] += 1;
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        if (event !== pairedSignal) counts.signal += 1;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        counts.activity += 1;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        counts['activity retry'] += Math.max(0, (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        counts.timer += 1;
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        if (!isChangeVersionUpsert(event)) counts['search attributes'] += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        counts.update += 1;
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        counts['child workflow'] += 2;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED:
        counts['workflow options'] += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        lastCompletedTask = index;
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        if (event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) {
          if (localActivityTask !== lastCompletedTask) counts['local activities'] += 1;
          localActivityTask = lastCompletedTask;
        }
        break;
      default:
        break;
    }
  }
  return counts;
}

/** Activities scheduled, by activity type (for the breakdown of what a workflow spends its actions on). */
export function activitiesByType(history: { events?: HistoryEvent[] | null }): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const event of history.events ?? []) {
    if (typeOf(event) !== EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) continue;
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
    byType[name] = (byType[name] ?? 0) + 1;
  }
  return byType;
}

/** Signals received, by signal name. */
export function signalsByName(history: { events?: HistoryEvent[] | null }): Record<string, number> {
  const byName: Record<string, number> = {};
  for (const event of history.events ?? []) {
    if (typeOf(event) !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) continue;
    const name = event.workflowExecutionSignaledEventAttributes?.signalName ?? '?';
    byName[name] = (byName[name] ?? 0) + 1;
  }
  return byName;
}

/**
 * What a history costs the server beyond its billed actions: events stored, workflow tasks handed to a worker, and
 * bytes (the encoded history, payloads included). These, not actions, drive the dev server's CPU.
 */
export interface HistoryWork {
  events: number;
  workflowTasks: number;
  bytes: number;
  /** The bytes by event type (each event encoded alone), to see what makes a history large. */
  bytesByType: Record<string, number>;
}

export function historyWork(history: { events?: HistoryEvent[] | null }): HistoryWork {
  const events = history.events ?? [];
  return {
    events: events.length,
    workflowTasks: events.filter((event) => typeOf(event) === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length,
    // fromObject accepts both a fetched history and one read from JSON (enum names, base64 payloads).
    bytes: History.encode(History.fromObject({ events })).finish().length,
    bytesByType: bytesByEventType(events),
  };
}

function bytesByEventType(events: HistoryEvent[]): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const event of events) {
    const type = EventType[typeOf(event)].replace(/^EVENT_TYPE_/, '');
    const bytes = History.encode(History.fromObject({ events: [event] })).finish().length;
    byType[type] = (byType[type] ?? 0) + bytes;
  }
  return byType;
}
