// Tracing across Temporal (@temporalio/interceptors-opentelemetry): clients put the current trace context in the
// headers of what they start or signal; workflows continue it (workflow-interceptors.ts, in the bundle) and hand it to
// their activities; activities run in it, so a vendor call inside one is a child span. Workflow spans are built in the
// sandbox and leave through the `exporter` sink.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
  type SerializableSpan,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import { isTracingEnabled, type Tracing } from './tracing.js';

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

/**
 * The sink workflow spans leave through. Registered whether tracing is on or off (a workflow started by a traced
 * client still calls it); with tracing off its spans are dropped. Only ids of the workflow go on its spans: the SDK's
 * exporter would copy the whole WorkflowInfo (memo, last failure, …) into span attributes.
 */
export function workflowSpanSinks(tracing: Tracing): InjectedSinks<OpenTelemetrySinks> {
  const processor = tracing.spanProcessor;
  if (!processor) return { exporter: { export: { fn: () => undefined } } };
  const exporter = makeWorkflowExporter(processor, tracing.resource).export;
  return {
    exporter: {
      export: {
        fn: (info: WorkflowInfo, spans: SerializableSpan[]) => {
          const ids = {
            workflowId: info.workflowId,
            runId: info.runId,
            workflowType: info.workflowType,
            namespace: info.namespace,
            taskQueue: info.taskQueue,
          };
          void exporter.fn(ids as unknown as WorkflowInfo, spans);
        },
      },
    },
  };
}
