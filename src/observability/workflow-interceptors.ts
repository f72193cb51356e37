// Workflow interceptors of the workflow bundle (deterministic code: it runs in the workflow sandbox). They are the
// Temporal OpenTelemetry interceptors, gated by the trace context a workflow receives: work that arrives with a trace
// (the `_tracer-data` header the client interceptors add) is traced, with spans leaving through the worker's
// `exporter` sink; work that arrives without one costs a header lookup. So one bundle serves a worker with tracing on
// or off, and the decision is made from history (headers are recorded), which keeps replay deterministic.
//
// Replay: the OpenTelemetry interceptors add headers to commands and yield no extra microtasks for histories written
// by SDK ≥ 1.13.2 (its SdkFlags), so histories recorded with tracing on or off replay with this module either way
// (test/replay covers both).
import { trace, context as otelContext } from '@opentelemetry/api';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type {
  ActivityInput,
  ContinueAsNewInput,
  GetLogAttributesInput,
  Headers,
  LocalActivityInput,
  Next,
  QueryInput,
  SignalInput,
  SignalWorkflowInput,
  StartChildWorkflowExecutionInput,
  UpdateInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptorsFactory,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** The header the Temporal OpenTelemetry interceptors carry a trace context in. */
export const TRACE_HEADER = '_tracer-data';

function carriesTrace(headers: Headers): boolean {
  return headers[TRACE_HEADER] !== undefined;
}

function inTrace(): boolean {
  return trace.getSpan(otelContext.active()) !== undefined;
}

class GatedInbound extends OpenTelemetryInboundInterceptor {
  override execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
    return carriesTrace(input.headers) ? super.execute(input, next) : next(input);
  }

  override handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>) {
    return carriesTrace(input.headers) ? super.handleSignal(input, next) : next(input);
  }

  override handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>) {
    return carriesTrace(input.headers) ? super.handleUpdate(input, next) : next(input);
  }

  override validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>) {
    if (carriesTrace(input.headers)) super.validateUpdate(input, next);
    else next(input);
  }

  // Queries are not traced: the Web UI and the CLI query constantly, and a query changes nothing.
  override handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>) {
    return next(input);
  }
}

class GatedOutbound extends OpenTelemetryOutboundInterceptor {
  override scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    return inTrace() ? super.scheduleActivity(input, next) : next(input);
  }

  override scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ) {
    return inTrace() ? super.scheduleLocalActivity(input, next) : next(input);
  }

  override startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ) {
    return inTrace() ? super.startChildWorkflowExecution(input, next) : next(input);
  }

  override continueAsNew(input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>) {
    return inTrace() ? super.continueAsNew(input, next) : next(input);
  }

  override signalWorkflow(input: SignalWorkflowInput, next: Next<WorkflowOutboundCallsInterceptor, 'signalWorkflow'>) {
    return inTrace() ? super.signalWorkflow(input, next) : next(input);
  }

  override getLogAttributes(
    input: GetLogAttributesInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>,
  ) {
    return inTrace() ? super.getLogAttributes(input, next) : next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new GatedInbound()],
  outbound: [new GatedOutbound()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
