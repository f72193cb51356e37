// Tracing across Temporal: clients put the current trace context in the headers of what they start or signal, and
// activities run in the context their headers carry, so a vendor call inside one is a child span (both with
// @temporalio/interceptors-opentelemetry); workflows continue it (workflow-interceptors.ts, in the bundle) and send
// their spans out through the `workflowSpans` sink, which this process exports with its own.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClientInterceptors } from '@temporalio/client';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import { isTracingEnabled, type Tracing } from './tracing.js';
import type { WorkflowSpanRecord, WorkflowSpanSinks } from './workflow-spans.js';

const WORKFLOW_SCOPE = 'fulfillment-engine/workflow';

/** The workflow interceptor module the bundle includes (a .ts file from source, .js when compiled). */
export function workflowInterceptorsPath(): string {
  const ts = fileURLToPath(new URL('./workflow-interceptors.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('./workflow-interceptors.js', import.meta.url));
}

/** Client interceptors that start traced calls (signal-with-start, updates, …); none when tracing is off. */
export function tracingClientInterceptors(): ClientInterceptors {
  return isTracingEnabled() ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : {};
}

/** Activity interceptors: each activity runs in a span that continues its workflow's trace. */
export function tracingActivityInterceptors(): ActivityInterceptorsFactory[] {
  if (!isTracingEnabled()) return [];
  return [
    (ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }),
  ];
}

/** A workflow span as an OpenTelemetry span of this process (with the workflow's ids as attributes). */
export function readableWorkflowSpan(span: WorkflowSpanRecord, info: WorkflowInfo, resource: Resource): ReadableSpan {
  const spanContext = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
  const startTime = millisToHrTime(span.startMs);
  const endTime = millisToHrTime(span.endMs);
  return {
    name: span.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => spanContext,
    parentSpanId: span.parentSpanId,
    startTime,
    endTime,
    duration: millisToHrTime(span.endMs - span.startMs),
    status: span.errorType ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.UNSET },
    attributes: {
      ...span.attributes,
      ...(span.errorType ? { 'error.type': span.errorType } : {}),
      temporalWorkflowId: info.workflowId,
      run_id: info.runId,
      workflowType: info.workflowType,
      taskQueue: info.taskQueue,
    },
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationLibrary: { name: WORKFLOW_SCOPE },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/**
 * The sink workflow spans leave through (workflow-interceptors.ts). Registered whether tracing is on or off: a
 * workflow started by a traced client still sends spans, which a worker with tracing off drops.
 */
export function workflowSpanSinks(tracing: Tracing): InjectedSinks<WorkflowSpanSinks> {
  const processor = tracing.spanProcessor;
  return {
    workflowSpans: {
      export: {
        fn: (info: WorkflowInfo, spans: WorkflowSpanRecord[]) => {
          if (!processor) return;
          for (const span of spans) processor.onEnd(readableWorkflowSpan(span, info, tracing.resource));
        },
      },
    },
  };
}
