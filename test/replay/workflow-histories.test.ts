// Determinism guard: every history committed in test/fixtures/histories/ (recorded from real runs of the integration
// and time-skipping tests, with tracing off and on) replays against today's workflow bundle (which always has the
// tracing interceptors: src/observability/workflow-interceptors.ts). A workflow change that would break running
// executions (different commands for the same history) fails here, in CI, before it reaches a worker.
import { inject, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { TRACE_HEADER } from '../../src/observability/workflow-spans.js';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { committedHistories } from '../harness/histories.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';

describe('committed workflow histories', () => {
  const histories = committedHistories();

  it('include both Honeybee workflows', () => {
    const types = new Set(
      histories.map(
        (entry) => entry.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '?',
      ),
    );
    expect([...types]).toEqual(expect.arrayContaining(['prescriptionWorkflow', 'honeybeeOrderWorkflow']));
  });

  it("include the partner API's workflows and the order, lab and feed updates it sends", () => {
    const byType = new Map<string, string[]>();
    for (const { history } of histories) {
      const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '?';
      const updates = (history.events ?? []).flatMap((event) => {
        const name = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
        return name ? [name] : [];
      });
      byType.set(type, [...(byType.get(type) ?? []), ...updates]);
    }
    for (const type of [
      'honeybeePartnerActionWorkflow',
      'labReportAccessWorkflow',
      'partnerEventBucketWorkflow',
      'partnerNotificationResendWorkflow',
      'partnerPatientIndexWorkflow',
    ]) {
      expect(byType.has(type), type).toBe(true);
    }
    expect(byType.get('honeybeeOrderWorkflow')).toEqual(
      expect.arrayContaining(['placePartnerHold', 'changeShippingAddress']),
    );
    expect(byType.get('labOrderWorkflow')).toContain('activateKit');
    expect(byType.get('partnerEventBucketWorkflow')).toEqual(
      expect.arrayContaining(['appendPartnerEvent', 'appendPartnerEvents']),
    );
  });

  it('include histories recorded with tracing on (their starts, signals and activities carry a trace context)', () => {
    const traced = histories.filter((entry) => entry.name.startsWith('traced-'));
    expect(traced.map((entry) => entry.name).sort()).toEqual([
      'traced-order-partner-happy-path',
      'traced-prescription-partner-happy-path',
    ]);
    for (const { history } of traced) {
      const start = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(Object.keys(start?.header?.fields ?? {})).toContain(TRACE_HEADER);
      const scheduled = history.events?.filter((event) => event.activityTaskScheduledEventAttributes) ?? [];
      expect(scheduled.length).toBeGreaterThan(0);
      for (const event of scheduled) {
        expect(Object.keys(event.activityTaskScheduledEventAttributes?.header?.fields ?? {})).toContain(TRACE_HEADER);
      }
    }
  });

  it('replay without a non-determinism error', async () => {
    const results: { name: string; error?: string }[] = [];
    const replay = Worker.runReplayHistories(
      {
        workflowBundle: { codePath: inject('workflowBundlePath') },
        // Histories carry payloads encrypted with the test key, as every test run writes them.
        dataConverter: createDataConverter(testPayloadKeyConfig),
      },
      histories.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    for await (const result of replay) {
      const name = histories.find((entry) => entry.workflowId === result.workflowId)?.name ?? result.workflowId;
      results.push({ name, ...(result.error ? { error: String(result.error) } : {}) });
    }
    expect(results).toHaveLength(histories.length);
    expect(results.filter((result) => result.error)).toEqual([]);
  });
});
