// The audit timeline on recorded histories (test/fixtures/histories, encrypted with the public test key): decoded with
// the engine's codec, each step of a hold, its resolution and the shipment appears in order with who and why and the
// vendor request ids; escalations and timers show; a continue-as-new chain reads as one story; a missing key fails
// with the codec's reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { collectAudit } from '../../../src/cli/audit/collect.js';
import { decodeHistory, localDecoder, type DecodedEvent } from '../../../src/cli/audit/decode.js';
import { renderMarkdown, renderText } from '../../../src/cli/audit/render.js';
import { buildTimeline, relatedIds, type TimelineEntry } from '../../../src/cli/audit/timeline.js';
import { generatePayloadKey } from '../../../src/crypto/payload-keys.js';
import { HISTORIES_DIR } from '../../harness/histories.js';
import { historyFromFixtureJson } from '../../harness/history-json.js';
import { testPayloadKeyConfig } from '../../harness/payload-keys.js';

function fixture(name: string) {
  return historyFromFixtureJson(readFileSync(join(HISTORIES_DIR, `${name}.json`), 'utf8'));
}

async function run(name: string, workflowType: string, workflowId = `wf-${name}`) {
  const events = await decodeHistory(fixture(name), localDecoder(testPayloadKeyConfig));
  return { workflowId, runId: `run-${name}`, workflowType, events };
}

/** Index of the first entry at or after `from` that matches, or -1. */
function indexOf(entries: TimelineEntry[], match: (entry: TimelineEntry) => boolean, from = 0): number {
  const index = entries.slice(from).findIndex(match);
  return index < 0 ? -1 : index + from;
}

/** The fixture with one more signal, as anyone with the Web UI could send it, before the workflow's end. */
function withSignal(
  name: string,
  metadata: Record<string, string>,
  data: string,
  fixtureName = 'order-exception-74-resolved',
) {
  const plain = JSON.parse(readFileSync(join(HISTORIES_DIR, `${fixtureName}.json`), 'utf8')) as {
    events: { eventId: string; eventTime: unknown }[];
  };
  const last = plain.events.at(-1)!;
  const signal = {
    eventId: String(Number(last.eventId) + 1),
    eventTime: last.eventTime,
    eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
    workflowExecutionSignaledEventAttributes: {
      signalName: name,
      input: {
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
            data: Buffer.from(data).toString('base64'),
          },
        ],
      },
    },
  };
  return proto.temporal.api.history.v1.History.fromObject({ events: [...plain.events.slice(0, -1), signal, last] });
}

/** A report on order HB1 as `fulfill audit` builds it, around a timeline. */
function orderReport(workflowId: string, timeline: TimelineEntry[]) {
  return {
    subject: { kind: 'order' as const, id: 'HB1', workflowId },
    generatedAt: '2026-01-01T00:00:00.000Z',
    decodedVia: 'locally',
    workflows: [],
    missing: [],
    unconfirmed: [],
    timeline,
  };
}

describe('audit timeline', () => {
  it.each([
    ['json/plain data that is not JSON', { encoding: 'json/plain' }, '{oops', /not valid JSON/],
    ['an unknown encoding', { encoding: 'text/x-anything' }, 'hello', /unknown encoding "text\/x-anything"/],
    ['no encoding at all', {}, '"x"', /no encoding/],
  ])('tells the rest of the story around a signal with %s, marking that value', async (_, metadata, data, why) => {
    const history = withSignal('resolveException', metadata, data);
    const events = await decodeHistory(history, localDecoder(testPayloadKeyConfig));
    const signalId = Number(String(history.events.at(-2)!.eventId));
    const odd = events.find((event) => event.eventId === signalId)!;
    expect(odd.input).toHaveLength(1);
    const marker = (odd.input![0] as { undecodable: string }).undecodable;
    expect(marker).toMatch(why);
    expect(marker).toContain(`event ${signalId}`);
    const timeline = buildTimeline([{ workflowId: 'wf', runId: 'r', workflowType: 'honeybeeOrderWorkflow', events }]);
    expect(timeline.find((entry) => entry.eventId === signalId)?.summary).toMatch(/\[undecodable: event \d+: /);
    expect(timeline.at(-1)?.kind).toBe('run.completed');
    // The data is not echoed: it may be anything, PHI included.
    expect(JSON.stringify(timeline.find((entry) => entry.eventId === signalId))).not.toContain(data);
  });

  it('tells a hold, its resolution (who, why, request id) and the shipment in order', async () => {
    const timeline = buildTimeline([await run('order-exception-74-resolved', 'honeybeeOrderWorkflow')]);
    const steps = [
      (e: TimelineEntry) => e.kind === 'run.started',
      (e: TimelineEntry) => e.kind === 'hold' && e.summary === 'exception: 74 Allergy Detected',
      (e: TimelineEntry) => e.kind === 'notification' && e.summary.includes('order.on_hold'),
      (e: TimelineEntry) =>
        e.kind === 'operator.input' &&
        e.summary.includes('override_allergy with prescriber_note') &&
        e.operator === 'test-operator' &&
        e.reason === 'resolving with override_allergy' &&
        // Beside the name the input claims, the sender's identity as Temporal recorded it.
        e.identity === '1001@vm' &&
        e.via === 'update',
      (e: TimelineEntry) =>
        e.kind === 'vendor.call' && e.summary.includes('action override_allergy') && (e.requestIds?.length ?? 0) === 1,
      (e: TimelineEntry) =>
        e.kind === 'operator.outcome' && e.summary.startsWith('resolution accepted') && e.identity === '1001@vm',
      (e: TimelineEntry) => e.kind === 'vendor.event' && /SHIPMENT_UPDATED .*shipped USPS 9400/.test(e.summary),
      (e: TimelineEntry) => e.kind === 'stage' && e.summary === 'stage ORDER_DELIVERED',
      (e: TimelineEntry) => e.kind === 'run.completed' && e.summary.includes('Delivered'),
    ];
    let at = 0;
    for (const [step, match] of steps.entries()) {
      const found = indexOf(timeline, match, at);
      expect(
        found,
        `step ${step} after entry ${at}:\n${timeline.map((e) => e.summary).join('\n')}`,
      ).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
    // Vendor reads carry their X-Request-Id too; summaries name no payload values beyond ids and statuses.
    expect(
      timeline.find((e) => e.summary.startsWith('Honeybee order') && e.summary.includes('read'))?.requestIds,
    ).toHaveLength(1);
    expect(timeline.every((e) => e.at >= timeline[0]!.at)).toBe(true);
  });

  it('shows the timers that fired and each escalation of an unresolved hold', async () => {
    const timeline = buildTimeline([await run('order-hold-escalated-then-resolved', 'honeybeeOrderWorkflow')]);
    const kinds = timeline.map((entry) => `${entry.kind}: ${entry.summary}`);
    const first = kinds.findIndex((line) => line === 'escalation: escalation level 1');
    const second = kinds.findIndex((line) => line === 'escalation: escalation level 2');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(kinds[first - 1]).toMatch(/^timer: timer fired \(3h 58m/);
    expect(kinds.filter((line) => line.includes('order.escalated'))).toHaveLength(2);
    const resolution = timeline.find((entry) => entry.kind === 'operator.input');
    expect(resolution).toMatchObject({ operator: 'alice', reason: 'checked' });
    expect(kinds.indexOf('escalation: escalation cleared')).toBeGreaterThan(kinds.indexOf(kinds[second]!));
  });

  it('reads a continue-as-new chain as one story, and finds the orders a prescription names', async () => {
    const first = await run('prescription-partner-refill-first-run', 'prescriptionWorkflow', 'honeybee-rx-1');
    const second = await run('prescription-partner-refill-second-run', 'prescriptionWorkflow', 'honeybee-rx-1');
    const timeline = buildTimeline([first, second]);
    const continued = timeline.findIndex((entry) => entry.kind === 'run.continued_as_new');
    const restarted = timeline.findIndex((entry, index) => index > continued && entry.kind === 'run.started');
    expect(continued).toBeGreaterThan(0);
    expect(timeline[restarted]?.summary).toMatch(/continuing run/);
    expect(timeline.find((entry) => entry.kind === 'partner.input')).toMatchObject({
      operator: 'partner-backend',
      summary: 'partner requests the next refill',
    });
    const orders = relatedIds([...first.events, ...second.events]).orderNumbers;
    expect(orders).toHaveLength(2);
  });

  it('fails with the codec reason when the history was written under a key that is not configured', async () => {
    const otherKey = {
      PAYLOAD_KEYS: [generatePayloadKey('other')],
      PAYLOAD_KEY_FILE: undefined,
      PAYLOAD_CURRENT_KEY_ID: undefined,
    };
    await expect(decodeHistory(fixture('order-exception-74-resolved'), localDecoder(otherKey))).rejects.toThrow(
      /encrypted with key "test-key-1", which is not configured/,
    );
  });

  it('shows both who the input claims and who Temporal says sent it', async () => {
    const timeline = buildTimeline([await run('order-exception-74-resolved', 'honeybeeOrderWorkflow')]);
    const report = orderReport('wf-order-exception-74-resolved', timeline);
    const text = renderText(report);
    expect(text).toContain('by test-operator: resolving with override_allergy [sent by 1001@vm] (update)');
    expect(renderMarkdown(report)).toContain('test-operator: resolving with override_allergy [sent by 1001@vm]');
    // A signal sent without an identity (what the Web UI does) says so rather than staying silent.
    const anonymous = { ...report, timeline: timeline.map((entry) => ({ ...entry, identity: undefined })) };
    expect(renderText(anonymous)).toContain('by test-operator: resolving with override_allergy [sender not recorded]');
  });
});

describe('audit collection', () => {
  /** A client over fixed histories: `histories` by workflow id; every visibility query is recorded. */
  function fakeClient(histories: Record<string, proto.temporal.api.history.v1.IHistory>, queries: string[]) {
    const execution = (workflowId: string) => ({
      workflowId,
      runId: `run-of-${workflowId}`,
      type: workflowId.startsWith('honeybee-rx-') ? 'prescriptionWorkflow' : 'honeybeeOrderWorkflow',
      status: { name: 'COMPLETED' },
      startTime: new Date(0),
      closeTime: new Date(1),
      searchAttributes: {},
    });
    return {
      options: { namespace: 'default' },
      workflow: {
        list: ({ query }: { query: string }) => {
          queries.push(query);
          const id = /^WorkflowId = '([^']*)'$/.exec(query)?.[1];
          return (async function* () {
            if (id && histories[id]) yield execution(id);
          })();
        },
        getHandle: (workflowId: string) => ({
          describe: () =>
            histories[workflowId]
              ? Promise.resolve({ ...execution(workflowId), raw: {} })
              : Promise.reject(new WorkflowNotFoundError('not found', workflowId, undefined)),
          fetchHistory: () => Promise.resolve(histories[workflowId]),
        }),
      },
      workflowService: {
        listArchivedWorkflowExecutions: () => Promise.reject(Object.assign(new Error('no archive'), { code: 12 })),
      },
    };
  }

  const milestone = (orderNumber: string) =>
    withSignal(
      'orderMilestone',
      { encoding: 'json/plain' },
      JSON.stringify({ orderNumber, milestone: 'linked', seq: 1, at: '2026-01-01T00:00:00Z' }),
      'prescription-operator-match',
    );

  it('puts no order number a signal claims into a query unless it is an id, and does not fail on one', async () => {
    const queries: string[] = [];
    const histories = { 'honeybee-rx-3507895': milestone("X' OR WorkflowType = 'prescriptionWorkflow") };
    const report = await collectAudit(
      fakeClient(histories, queries) as never,
      '3507895',
      localDecoder(testPayloadKeyConfig),
    );
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.filter((query) => query.includes('OR WorkflowType'))).toEqual([]);
    expect(report.workflows.map((workflow) => workflow.workflowId)).toEqual(['honeybee-rx-3507895']);
  });

  it('leaves out an order a signal claims that does not name the prescription back', async () => {
    const queries: string[] = [];
    const histories = {
      'honeybee-rx-3507895': milestone('HBYVJAWB89'),
      // Another patient's order: it belongs to prescription 4608587.
      'honeybee-order-HBYVJAWB89': fixture('order-partner-happy-path'),
    };
    const report = await collectAudit(
      fakeClient(histories, queries) as never,
      '3507895',
      localDecoder(testPayloadKeyConfig),
    );
    expect(report.workflows.map((workflow) => workflow.workflowId)).toEqual(['honeybee-rx-3507895']);
    expect(report.unconfirmed).toEqual(['honeybee-order-HBYVJAWB89']);
    expect(report.timeline.every((entry) => entry.workflowId === 'honeybee-rx-3507895')).toBe(true);
    expect(renderText(report)).toContain('honeybee-order-HBYVJAWB89: named only by a signal');
    // Its own prescription is named back by the order (search attribute, Honeybee's answer), so it would be kept there.
    const orderEvents = await decodeHistory(fixture('order-partner-happy-path'), localDecoder(testPayloadKeyConfig));
    expect(relatedIds(orderEvents).prescriptionIds).toContain('4608587');
  });
});

describe('audit of text anyone can send', () => {
  it('keeps a signal name or an operator reason with line breaks on its own line, and a look-alike marker as data', async () => {
    const history = withSignal(
      'note\n2026-01-01 00:00:00.000Z  order HB1  operator resolves: forged',
      { encoding: 'json/plain' },
      JSON.stringify({ undecodable: 'not really' }),
    );
    const events = await decodeHistory(history, localDecoder(testPayloadKeyConfig));
    const timeline = buildTimeline([{ workflowId: 'wf', runId: 'r', workflowType: 'honeybeeOrderWorkflow', events }]);
    expect(timeline.some((entry) => entry.summary.includes('[undecodable'))).toBe(false);
    const report = orderReport('wf', timeline);
    for (const rendered of [renderText(report), renderMarkdown(report)]) {
      expect(rendered.split('\n').filter((line) => line.includes('forged'))).toHaveLength(1);
      expect(rendered.split('\n').some((line) => line.startsWith('2026-01-01 00:00:00.000Z  order HB1'))).toBe(false);
    }
  });
});

describe('audit timeline across runs', () => {
  const event = (eventId: number, type: string, attributes = {}, extra: Partial<DecodedEvent> = {}): DecodedEvent => ({
    eventId,
    at: `2026-01-01T00:00:${String(eventId).padStart(2, '0')}.000Z`,
    type,
    attributes,
    ...extra,
  });

  it('does not tell a hold and its escalation again when the order continues as new while on hold', () => {
    const held = { FulfillmentStage: 'ON_HOLD', NeedsOperator: true, ExceptionReason: '74 Allergy Detected' };
    const first = {
      workflowId: 'honeybee-order-HB1',
      runId: 'run-1',
      workflowType: 'honeybeeOrderWorkflow',
      events: [
        event(1, 'WORKFLOW_EXECUTION_STARTED', {}, { searchAttributes: { FulfillmentStage: 'ORDER_PROCESSING' } }),
        event(10, 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', {}, { searchAttributes: held }),
        event(20, 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', {}, { searchAttributes: { EscalationLevel: 2 } }),
        event(30, 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW', { newExecutionRunId: 'run-2' }),
      ],
    };
    const second = {
      ...first,
      runId: 'run-2',
      // Continue-as-new carries the search attributes into the new run's start event.
      events: [
        event(
          31,
          'WORKFLOW_EXECUTION_STARTED',
          { continuedExecutionRunId: 'run-1' },
          {
            searchAttributes: { ...held, EscalationLevel: 2 },
          },
        ),
        event(40, 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', {}, { searchAttributes: { EscalationLevel: 0 } }),
      ],
    };
    const timeline = buildTimeline([first, second]);
    expect(timeline.filter((entry) => entry.runId === 'run-2').map((entry) => entry.summary)).toEqual([
      'honeybeeOrderWorkflow started (run run-2), continuing run run-1',
      'escalation cleared',
    ]);
    expect(timeline.filter((entry) => entry.summary === 'needs an operator')).toHaveLength(1);
  });

  it('tells calls still in flight, calls the workflow canceled, and who asked to cancel the run', () => {
    const run = {
      workflowId: 'honeybee-order-HB1',
      runId: 'r',
      workflowType: 'honeybeeOrderWorkflow',
      events: [
        event(1, 'WORKFLOW_EXECUTION_STARTED'),
        event(5, 'ACTIVITY_TASK_SCHEDULED', { activityType: { name: 'submitHoneybeeOrderAction' } }),
        event(6, 'ACTIVITY_TASK_SCHEDULED', { activityType: { name: 'cancelHoneybeeOrder' } }),
        event(8, 'WORKFLOW_EXECUTION_CANCEL_REQUESTED', { identity: 'temporal-ui', cause: 'clicked cancel' }),
        event(9, 'ACTIVITY_TASK_CANCEL_REQUESTED', { scheduledEventId: 5 }),
        event(10, 'ACTIVITY_TASK_STARTED', { scheduledEventId: 5, attempt: 3 }),
        event(11, 'ACTIVITY_TASK_CANCELED', { scheduledEventId: 5, startedEventId: 10 }),
      ],
    };
    const timeline = buildTimeline([run]);
    expect(timeline.map((entry) => [entry.eventId, entry.kind, entry.summary])).toEqual([
      [1, 'run.started', 'honeybeeOrderWorkflow started (run r)'],
      [6, 'vendor.call_pending', 'cancelHoneybeeOrder: no outcome recorded, still in flight'],
      [8, 'run.cancel_requested', 'cancellation requested'],
      [11, 'vendor.call_canceled', 'submitHoneybeeOrderAction canceled by the workflow after 3 attempt(s)'],
    ]);
    expect(timeline.find((entry) => entry.kind === 'run.cancel_requested')).toMatchObject({
      identity: 'temporal-ui',
      reason: 'clicked cancel',
    });
    // Once the run has ended, a call without an outcome was abandoned with it, not in flight.
    const ended = { ...run, events: [...run.events, event(12, 'WORKFLOW_EXECUTION_CANCELED')] };
    expect(buildTimeline([ended]).find((entry) => entry.eventId === 6)?.summary).toBe(
      'cancelHoneybeeOrder: no outcome recorded before the run ended',
    );
  });
});
