// The audit timeline: decoded history events of every run of the workflows behind one business object, turned into
// what happened, in order: vendor events received, vendor calls made (with their X-Request-Id), operator and partner
// inputs with who and why, the workflow's answers, timers fired, stage changes, holds and escalations (from the
// search attributes the workflows upsert), partner notifications, and run boundaries (continue-as-new). Summaries
// name ids, statuses, actions and decoded failure messages; decoded inputs and results go only into `data` (the JSON
// format), since they may hold PHI.
// Pure: no Temporal, so it is tested on recorded histories.
import { honeybeeEventPrescriptionIds, type HoneybeeEvent } from '../../domain/honeybee-events.js';
import type { OnegevityEvent } from '../../domain/onegevity-events.js';
import { honeybeeEventInput } from '../../../workflows/honeybee/messages.js';
import { onegevityEventInput } from '../../../workflows/lab/messages.js';
import { nested, summarizeActivity, text } from '../../../activities/summaries.js';
import { formatAge } from '../output.js';
import { isPlainId, isPlainWorkflowId } from '../workflow-targets.js';
import { durationMs, isUndecodable, type DecodedEvent, type DecodedFailure } from './decode.js';
import { repairTermination, resetEntry, withoutCopiedEvents } from './resets.js';

export interface AuditRunEvents {
  workflowId: string;
  runId: string;
  workflowType: string;
  events: DecodedEvent[];
}

export type EntryKind =
  | 'run.started'
  | 'run.continued_as_new'
  | 'run.completed'
  | 'run.failed'
  | 'run.terminated'
  | 'run.canceled'
  | 'run.timed_out'
  | 'vendor.event'
  | 'vendor.call'
  | 'vendor.call_failed'
  | 'vendor.call_canceled'
  | 'vendor.call_pending'
  | 'run.cancel_requested'
  | 'operator.input'
  | 'operator.outcome'
  | 'partner.input'
  | 'internal.signal'
  | 'notification'
  | 'link'
  | 'timer'
  | 'stage'
  | 'hold'
  | 'escalation'
  | 'run.reset'
  | 'workflow_task.failed'
  | 'child.started';

export interface TimelineEntry {
  at: string;
  workflowId: string;
  runId: string;
  eventId: number;
  kind: EntryKind;
  summary: string;
  /** Who, for operator and partner inputs (and terminations): the name the input claims, free text. */
  operator?: string;
  /** Why, as the operator wrote it. */
  reason?: string;
  /**
   * Who sent it, as Temporal recorded it: the sending client's identity (`partner-api:<key name>` from the bridge,
   * `fulfill-cli:<user>@<host>` from the CLI, the Web UI's), not something the input itself can claim.
   */
  identity?: string;
  /** How it arrived: `signal` or `update`. */
  via?: string;
  /** The vendor's X-Request-Id(s) of the call(s) behind this step. */
  requestIds?: string[];
  /** The bridge's request id of a received webhook. */
  bridgeRequestId?: string;
  /** Decoded payloads (JSON format only): may hold PHI. */
  data?: unknown;
}

const OPERATOR_SIGNALS = new Set(['resolveException', 'resolveLabException', 'matchPatient', 'cancel']);
const OPERATOR_UPDATES = new Set(['resolveExceptionUpdate', 'resolveLabExceptionUpdate']);
const PARTNER_SIGNALS = new Set(['approveFill', 'requestRefill']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An event id referenced by another event (a protobuf int64: a Long, a string or a number). */
function eventRef(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (isRecord(value) && typeof value.low === 'number') return Number((value as { toString(): string }).toString());
  return 0;
}

function nameOf(attributes: Record<string, unknown>, key: string): string {
  return text(nested(attributes, key, 'name')) ?? '?';
}

function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '?';
  if (ms < 1000) return `${ms}ms`;
  // Timers set to a deadline are rarely round: the two largest units say enough.
  return formatAge(ms);
}

function describeFailure(failure: DecodedFailure | undefined): string {
  if (!failure) return 'unknown failure';
  const inner = failure.cause && !failure.type ? failure.cause : failure;
  return `${inner.type ? `${inner.type}: ` : ''}${inner.message}`;
}

/** The vendor request ids an activity result names (`requestId`, `requestIds`, `vendorRequestId`). */
export function requestIdsOf(result: unknown): string[] {
  if (!isRecord(result)) return [];
  const ids = [
    result.requestId,
    result.vendorRequestId,
    ...(Array.isArray(result.requestIds) ? (result.requestIds as unknown[]) : []),
  ].filter((id): id is string => typeof id === 'string' && id !== '');
  return [...new Set(ids)];
}

// -------------------------------------------------------------------------------------------- vendor events

/** A recorded event signal as the workflow read it: typed, or (older histories) the raw payload, read the same way. */
function honeybeeEventOf(input: unknown): HoneybeeEvent | undefined {
  const parsed = honeybeeEventInput.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}

function onegevityEventOf(input: unknown): OnegevityEvent | undefined {
  const parsed = onegevityEventInput.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}

function onegevitySummary(event: OnegevityEvent): string {
  const identifiers = [event.orderIdentifier, event.requestorId].filter(Boolean);
  return (
    `Onegevity ${event.topic} received` +
    (identifiers.length > 0 ? ` (${[...new Set(identifiers)].join(', ')})` : '') +
    (event.trackingNumber ? `, tracking ${event.trackingNumber}` : '')
  );
}

function honeybeeSummary(event: HoneybeeEvent): string {
  const parts = [`event ${event.eventId}`];
  if (event.orderNumber) parts.push(`order ${event.orderNumber}`);
  const dispenses = event.prescriptions.flatMap((request) => request.dispenses);
  const statuses = [...new Set(dispenses.flatMap((dispense) => (dispense.status ? [dispense.status] : [])))];
  if (statuses.length > 0) parts.push(`status ${statuses.join('/')}`);
  if (event.exception) parts.push(`exception ${event.exception.code} ${event.exception.name}`.trim());
  const tracking = [
    ...new Set(
      dispenses.flatMap(({ shipment }) =>
        shipment?.trackingNo ? [`${shipment.carrier ?? ''} ${shipment.trackingNo}`.trim()] : [],
      ),
    ),
  ];
  if (tracking.length > 0) parts.push(`shipped ${tracking.join(', ')}`);
  if (event.eventType === 'RX_RECEIVED') {
    const ids = honeybeeEventPrescriptionIds(event);
    if (ids.length > 0) parts.push(`prescriptions ${ids.join(', ')}`);
  }
  return `Honeybee ${event.eventType} received (${parts.join(', ')})`;
}

function vendorEventSummary(signalName: string, input: unknown): { summary: string; bridgeRequestId?: string } {
  const event = signalName === 'onegevityEvent' ? onegevityEventOf(input) : honeybeeEventOf(input);
  if (!event) return { summary: `${signalName} received (unreadable: the workflow refused it)` };
  const summary = 'topic' in event ? onegevitySummary(event) : honeybeeSummary(event);
  return { summary, ...(event.requestId ? { bridgeRequestId: event.requestId } : {}) };
}

// -------------------------------------------------------------------------------------------- operator inputs

function fieldNames(input: unknown): string {
  const fields = nested(input, 'fields');
  const names = isRecord(fields) ? Object.keys(fields) : [];
  const address = isRecord(nested(input, 'address')) ? ['address'] : [];
  const all = [...names, ...address];
  return all.length > 0 ? ` with ${all.join(', ')}` : '';
}

function operatorSummary(name: string, input: unknown): string {
  switch (name) {
    case 'matchPatient':
      return `operator matches the patient to partner patient ${text(nested(input, 'partnerPatientId')) ?? '?'}`;
    case 'cancel':
      return 'operator cancels';
    default:
      return `operator resolves: ${text(nested(input, 'action')) ?? '?'}${fieldNames(input)}`;
  }
}

function outcomeSummary(result: unknown): string {
  if (nested(result, 'accepted') === true) {
    return `resolution accepted: ${text(nested(result, 'message')) ?? text(nested(result, 'action')) ?? ''}`.trim();
  }
  if (nested(result, 'accepted') === false) {
    return `resolution refused: ${text(nested(result, 'reason')) ?? '?'}`;
  }
  return 'update completed';
}

// -------------------------------------------------------------------------------------------- activities

interface ActivityCall {
  type: string;
  input: unknown;
  scheduled: DecodedEvent;
  attempt: number;
  lastFailure?: DecodedFailure;
}

function attempts(call: ActivityCall): string {
  if (call.attempt <= 1) return '';
  return ` after ${call.attempt} attempts (last failure ${describeFailure(call.lastFailure)})`;
}

// -------------------------------------------------------------------------------------------- the timeline

function searchAttributeEntries(
  values: Record<string, unknown>,
  previous: Map<string, unknown>,
): { kind: EntryKind; summary: string }[] {
  const entries: { kind: EntryKind; summary: string }[] = [];
  const changed = (key: string): boolean => key in values && previous.get(key) !== values[key];
  if (changed('FulfillmentStage') && text(values.FulfillmentStage)) {
    entries.push({ kind: 'stage', summary: `stage ${text(values.FulfillmentStage)}` });
  }
  if (changed('ExceptionReason') && text(values.ExceptionReason)) {
    entries.push({ kind: 'hold', summary: `exception: ${text(values.ExceptionReason)}` });
  }
  if (changed('NeedsOperator') && values.NeedsOperator === true) {
    entries.push({ kind: 'hold', summary: 'needs an operator' });
  }
  if (changed('NeedsOperator') && values.NeedsOperator === false && previous.get('NeedsOperator') === true) {
    entries.push({ kind: 'hold', summary: 'no longer needs an operator' });
  }
  if (changed('EscalationLevel') && typeof values.EscalationLevel === 'number') {
    const level = values.EscalationLevel;
    if (level > 0) entries.push({ kind: 'escalation', summary: `escalation level ${level}` });
    else if (Number(previous.get('EscalationLevel') ?? 0) > 0) {
      entries.push({ kind: 'escalation', summary: 'escalation cleared' });
    }
  }
  for (const [key, value] of Object.entries(values)) previous.set(key, value);
  return entries;
}

function resultSummary(workflowType: string, result: unknown): string {
  const stage = text(nested(result, 'stage'));
  const status = text(nested(result, 'status'));
  const parts = [
    stage ? `stage ${stage}` : undefined,
    status && workflowType === 'honeybeeOrderWorkflow' ? `status ${status}` : undefined,
  ];
  const endReason = text(nested(result, 'endReason'));
  if (endReason) parts.push(endReason);
  return parts.filter(Boolean).join(', ');
}

/** The search attributes `events` leave set, in order. */
function finalSearchAttributes(events: readonly DecodedEvent[]): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const event of events) {
    for (const [key, value] of Object.entries(event.searchAttributes ?? {})) values.set(key, value);
  }
  return values;
}

/**
 * The timeline of one run. `inherited`: the search attributes the run starts from (a continued run's predecessor's
 * final ones, which continue-as-new carries into its start event), so that a hold that goes on is not told again.
 */
export function runTimeline(run: AuditRunEvents, inherited?: ReadonlyMap<string, unknown>): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const calls = new Map<number, ActivityCall>();
  const timers = new Map<string, { at: string; ms: number | undefined }>();
  const updates = new Map<string, { name: string; operator?: string; reason?: string; identity?: string }>();
  const searchAttributes = new Map<string, unknown>(inherited);
  const add = (event: DecodedEvent, entry: Omit<TimelineEntry, 'at' | 'workflowId' | 'runId' | 'eventId'>) => {
    // A value the converter could not read is told, not skipped: otherwise "operator (missing)" would look like a
    // well-formed input that lacked a name.
    const unreadable = [...(event.input ?? []), event.result].filter(isUndecodable).map((value) => value.undecodable);
    const summary = unreadable.length > 0 ? `${entry.summary} [undecodable: ${unreadable.join('; ')}]` : entry.summary;
    entries.push({
      at: event.at,
      workflowId: run.workflowId,
      runId: run.runId,
      eventId: event.eventId,
      ...entry,
      summary,
    });
  };

  for (const event of run.events) {
    const a = event.attributes;
    switch (event.type) {
      case 'WORKFLOW_EXECUTION_STARTED': {
        const previous = text(a.continuedExecutionRunId);
        const identity = text(a.identity);
        add(event, {
          kind: 'run.started',
          summary:
            `${run.workflowType} started (run ${run.runId})` +
            (previous ? `, continuing run ${previous}` : identity ? ` by ${identity}` : ''),
          data: { input: event.input },
        });
        for (const entry of searchAttributeEntries(event.searchAttributes ?? {}, searchAttributes)) add(event, entry);
        break;
      }
      case 'WORKFLOW_EXECUTION_SIGNALED': {
        const name = text(a.signalName) ?? '?';
        const input = event.input?.[0];
        const identity = text(a.identity);
        if (name === 'honeybeeEvent' || name === 'onegevityEvent') {
          const { summary, bridgeRequestId } = vendorEventSummary(name, input);
          add(event, { kind: 'vendor.event', summary, ...(bridgeRequestId ? { bridgeRequestId } : {}), data: input });
        } else if (OPERATOR_SIGNALS.has(name)) {
          add(event, {
            kind: 'operator.input',
            summary: `${operatorSummary(name, input)} (signal ${name})`,
            operator: text(nested(input, 'operator')) ?? '(missing)',
            reason: text(nested(input, 'reason')) ?? '(missing)',
            ...(identity ? { identity } : {}),
            via: 'signal',
            data: input,
          });
        } else if (PARTNER_SIGNALS.has(name)) {
          const who = text(nested(input, 'approvedBy')) ?? text(nested(input, 'requestedBy')) ?? '?';
          add(event, {
            kind: 'partner.input',
            summary:
              name === 'approveFill'
                ? `partner approves fill ${text(nested(input, 'fillNumber')) ?? '(current)'}`
                : 'partner requests the next refill',
            operator: who,
            ...(text(nested(input, 'paymentReference'))
              ? { reason: `payment ${text(nested(input, 'paymentReference'))}` }
              : {}),
            ...(identity ? { identity } : {}),
            via: 'signal',
            data: input,
          });
        } else {
          let summary = `signal ${name}`;
          if (name === 'orderMilestone') {
            summary = `order ${text(nested(input, 'orderNumber')) ?? '?'} reports ${text(nested(input, 'milestone')) ?? '?'}${text(nested(input, 'status')) ? ` (${text(nested(input, 'status'))})` : ''}`;
          } else if (name === 'orderLinked') {
            summary = `prescription ${text(nested(input, 'prescriptionId')) ?? '?'} links this order as fill ${text(nested(input, 'fillNumber')) ?? '?'}`;
          } else if (name === 'parkWebhook') {
            summary = `webhook parked: ${text(nested(input, 'reason')) ?? '?'}`;
          }
          add(event, { kind: 'internal.signal', summary, data: input });
        }
        break;
      }
      case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED': {
        const request = nested(a, 'acceptedRequest');
        const name = text(nested(request, 'input', 'name')) ?? '?';
        const updateId = text(nested(request, 'meta', 'updateId')) ?? text(a.protocolInstanceId) ?? '';
        const identity = text(nested(request, 'meta', 'identity'));
        const input = event.input?.[0];
        const operator = text(nested(input, 'operator'));
        const reason = text(nested(input, 'reason'));
        updates.set(updateId, {
          name,
          ...(operator ? { operator } : {}),
          ...(reason ? { reason } : {}),
          ...(identity ? { identity } : {}),
        });
        add(event, {
          kind: OPERATOR_UPDATES.has(name) ? 'operator.input' : 'internal.signal',
          summary: `${OPERATOR_UPDATES.has(name) ? operatorSummary(name, input) : `update ${name}`} (update ${name})`,
          ...(operator ? { operator } : {}),
          ...(reason ? { reason } : {}),
          ...(identity ? { identity } : {}),
          via: 'update',
          data: input,
        });
        break;
      }
      case 'WORKFLOW_EXECUTION_UPDATE_COMPLETED': {
        const update = updates.get(text(nested(a, 'meta', 'updateId')) ?? '');
        add(event, {
          kind: 'operator.outcome',
          summary: event.failure ? `update failed: ${describeFailure(event.failure)}` : outcomeSummary(event.result),
          ...(update?.operator ? { operator: update.operator } : {}),
          ...(update?.reason ? { reason: update.reason } : {}),
          ...(update?.identity ? { identity: update.identity } : {}),
          via: `update ${update?.name ?? '?'}`,
          data: event.failure ?? event.result,
        });
        break;
      }
      case 'ACTIVITY_TASK_SCHEDULED':
        calls.set(event.eventId, {
          type: nameOf(a, 'activityType'),
          input: event.input?.[0],
          scheduled: event,
          attempt: 1,
        });
        break;
      case 'ACTIVITY_TASK_STARTED': {
        const call = calls.get(eventRef(a.scheduledEventId));
        if (call) {
          call.attempt = Number(a.attempt ?? 1);
          if (event.failure) call.lastFailure = event.failure;
        }
        break;
      }
      case 'ACTIVITY_TASK_COMPLETED': {
        const call = calls.get(eventRef(a.scheduledEventId));
        if (!call) break;
        calls.delete(eventRef(a.scheduledEventId));
        const { kind, summary } = summarizeActivity(call.type, call.input, event.result);
        const requestIds = requestIdsOf(event.result);
        add(event, {
          kind,
          summary: `${summary}${attempts(call)}`,
          ...(requestIds.length > 0 ? { requestIds } : {}),
          data: { activity: call.type, input: call.input, result: event.result },
        });
        break;
      }
      case 'ACTIVITY_TASK_FAILED':
      case 'ACTIVITY_TASK_TIMED_OUT': {
        const call = calls.get(eventRef(a.scheduledEventId));
        if (!call) break;
        calls.delete(eventRef(a.scheduledEventId));
        add(event, {
          kind: call.type === 'notifyPartner' ? 'notification' : 'vendor.call_failed',
          summary: `${call.type} failed after ${call.attempt} attempt(s): ${describeFailure(event.failure)}`,
          data: { activity: call.type, input: call.input, failure: event.failure },
        });
        break;
      }
      case 'ACTIVITY_TASK_CANCELED': {
        const call = calls.get(eventRef(a.scheduledEventId));
        if (!call) break;
        calls.delete(eventRef(a.scheduledEventId));
        add(event, {
          kind: 'vendor.call_canceled',
          summary: `${call.type} canceled by the workflow after ${call.attempt} attempt(s)`,
          data: { activity: call.type, input: call.input },
        });
        break;
      }
      case 'WORKFLOW_EXECUTION_CANCEL_REQUESTED': {
        const identity = text(a.identity);
        const cause = text(a.cause);
        add(event, {
          kind: 'run.cancel_requested',
          summary: 'cancellation requested',
          ...(identity ? { identity } : {}),
          ...(cause ? { reason: cause } : {}),
        });
        break;
      }
      case 'TIMER_STARTED':
        timers.set(text(a.timerId) ?? '', { at: event.at, ms: durationMs(a.startToFireTimeout) });
        break;
      case 'TIMER_FIRED': {
        const timer = timers.get(text(a.timerId) ?? '');
        add(event, {
          kind: 'timer',
          summary: `timer fired (${formatDuration(timer?.ms)}, set at ${timer?.at ?? '?'})`,
        });
        break;
      }
      case 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES':
        for (const entry of searchAttributeEntries(event.searchAttributes ?? {}, searchAttributes)) add(event, entry);
        break;
      case 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW':
        add(event, {
          kind: 'run.continued_as_new',
          summary: `continued as new (next run ${text(a.newExecutionRunId) ?? '?'})`,
          data: { input: event.input },
        });
        break;
      case 'WORKFLOW_EXECUTION_COMPLETED': {
        const outcome = resultSummary(run.workflowType, event.result);
        add(event, { kind: 'run.completed', summary: `completed${outcome ? `: ${outcome}` : ''}`, data: event.result });
        break;
      }
      case 'WORKFLOW_EXECUTION_FAILED':
        add(event, { kind: 'run.failed', summary: `failed: ${describeFailure(event.failure)}`, data: event.failure });
        break;
      case 'WORKFLOW_EXECUTION_TERMINATED': {
        const repair = repairTermination(a);
        if (repair) {
          add(event, repair);
          break;
        }
        const identity = text(a.identity);
        add(event, {
          kind: 'run.terminated',
          summary: 'terminated',
          ...(identity ? { identity } : {}),
          reason: text(a.reason) ?? '(no reason given)',
          data: event.input,
        });
        break;
      }
      case 'WORKFLOW_EXECUTION_CANCELED':
        add(event, { kind: 'run.canceled', summary: 'canceled' });
        break;
      case 'WORKFLOW_EXECUTION_TIMED_OUT':
        add(event, { kind: 'run.timed_out', summary: 'timed out' });
        break;
      case 'WORKFLOW_TASK_FAILED':
        add(
          event,
          resetEntry(event) ?? {
            kind: 'workflow_task.failed',
            summary: `workflow task failed (${text(a.cause) ?? '?'}): ${describeFailure(event.failure)}`,
          },
        );
        break;
      case 'START_CHILD_WORKFLOW_EXECUTION_INITIATED':
        add(event, {
          kind: 'child.started',
          summary: `child workflow ${text(a.workflowId) ?? '?'} (${nameOf(a, 'workflowType')}) started`,
        });
        break;
      default:
        break;
    }
  }
  // Calls with no outcome: retrying or running now, or, in a run that has ended, abandoned with it. Told where they
  // were scheduled, so an audit of a live workflow shows what it waits on.
  const ended = entries.some((entry) => RUN_ENDS.has(entry.kind));
  for (const call of calls.values()) {
    add(call.scheduled, {
      kind: 'vendor.call_pending',
      summary:
        `${call.type}: no outcome recorded` +
        (ended ? ' before the run ended' : ', still in flight') +
        (call.attempt > 1 ? ` (attempt ${call.attempt}, last failure ${describeFailure(call.lastFailure)})` : ''),
      data: { activity: call.type, input: call.input },
    });
  }
  return entries;
}

const RUN_ENDS: ReadonlySet<EntryKind> = new Set([
  'run.continued_as_new',
  'run.completed',
  'run.failed',
  'run.terminated',
  'run.canceled',
  'run.timed_out',
]);

/** Every run's entries merged in time order (ties keep the workflows' and events' own order). */
export function buildTimeline(runs: readonly AuditRunEvents[]): TimelineEntry[] {
  const byRunId = new Map(runs.map((run) => [run.runId, run]));
  const indexed = withoutCopiedEvents(runs).flatMap((run, runIndex) => {
    const original = runs[runIndex]!;
    const previous = text(run.events[0]?.attributes.continuedExecutionRunId);
    const previousRun =
      run.events[0]?.type === 'WORKFLOW_EXECUTION_STARTED' && previous ? byRunId.get(previous) : undefined;
    // A reset run's cut events were told by its base run: what they set is where this run starts from.
    const inherited = previousRun
      ? finalSearchAttributes(previousRun.events)
      : finalSearchAttributes(original.events.slice(0, original.events.length - run.events.length));
    return runTimeline(run, inherited).map((entry, position) => ({ entry, runIndex, position }));
  });
  indexed.sort((a, b) => a.entry.at.localeCompare(b.entry.at) || a.runIndex - b.runIndex || a.position - b.position);
  return indexed.map(({ entry }) => entry);
}

/**
 * Business ids a run's events name: the order numbers of a prescription, the prescriptions of an order. Ids the
 * workflow itself recorded (its activities' results, its start input, the search attributes it upserted, its child
 * workflows) are taken as they are; those only a signal claims (`orderMilestone`, `orderLinked`: anyone with the Web UI
 * can send one) are apart, for the caller to check that the workflow they name names this one back. Anything not shaped
 * like an id is dropped: these ids go into visibility queries.
 */
export function relatedIds(events: readonly DecodedEvent[]): {
  orderNumbers: string[];
  prescriptionIds: string[];
  claimedOrderNumbers: string[];
  claimedPrescriptionIds: string[];
  childWorkflowIds: string[];
} {
  const orders = new Set<string>();
  const prescriptions = new Set<string>();
  const claimedOrders = new Set<string>();
  const claimedPrescriptions = new Set<string>();
  const children = new Set<string>();
  const addIds = (into: Set<string>, value: unknown) => {
    for (const id of Array.isArray(value) ? (value as unknown[]) : [value]) {
      const plain = typeof id === 'number' ? String(id) : id;
      if (isPlainId(plain)) into.add(plain);
    }
  };
  for (const event of events) {
    const input = event.input?.[0];
    if (event.type === 'WORKFLOW_EXECUTION_STARTED') addIds(prescriptions, nested(input, 'prescriptionIds'));
    if (event.searchAttributes) {
      addIds(orders, event.searchAttributes.HoneybeeOrderNumber);
      addIds(prescriptions, event.searchAttributes.HoneybeePrescriptionId);
    }
    if (event.type === 'WORKFLOW_EXECUTION_SIGNALED') {
      const name = text(event.attributes.signalName);
      if (name === 'orderMilestone') addIds(claimedOrders, nested(input, 'orderNumber'));
      if (name === 'orderLinked') addIds(claimedPrescriptions, nested(input, 'prescriptionId'));
    }
    if (event.type === 'ACTIVITY_TASK_COMPLETED') {
      addIds(orders, nested(event.result, 'orderNumber'));
      addIds(prescriptions, nested(event.result, 'prescriptionIds'));
    }
    if (event.type === 'START_CHILD_WORKFLOW_EXECUTION_INITIATED' && isPlainWorkflowId(event.attributes.workflowId)) {
      children.add(event.attributes.workflowId);
    }
  }
  return {
    orderNumbers: [...orders],
    prescriptionIds: [...prescriptions],
    claimedOrderNumbers: [...claimedOrders].filter((id) => !orders.has(id)),
    claimedPrescriptionIds: [...claimedPrescriptions].filter((id) => !prescriptions.has(id)),
    childWorkflowIds: [...children],
  };
}
