// Workflow interceptors of the workflow bundle (deterministic code: it runs in the workflow sandbox). They continue the
// trace a workflow's start or signal carries (the `_tracer-data` header), make spans for the run, its traced handlers
// and what it starts (activities, child workflows, signals, continue-as-new), hand the context on in those commands'
// headers, and send finished spans to the worker through the `workflowSpans` sink. Work that arrives without a trace
// costs a header lookup, so one bundle serves workers with tracing on or off; headers are recorded in history, so
// the decision replays the same.
//
// Why not @temporalio/interceptors-opentelemetry's workflow interceptors: the sandbox evaluates a workflow's modules
// for every workflow, so the OpenTelemetry SDK they bring was loaded per workflow, traced or not; they keep context
// in one AsyncLocalStorage per workflow, which every promise of every cached workflow then pays for; and their async
// wrappers add several promises per call, each of which the SDK gives a stack trace. Here: no module beyond the
// SDK's, no AsyncLocalStorage (a handler's span is current while its synchronous part runs; otherwise the run's), and
// one promise per traced call. Neither adds commands or yields, so histories replay with either.
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import {
  ContinueAsNew,
  proxySinks,
  workflowInfo,
  type ActivityInput,
  type ContinueAsNewInput,
  type GetLogAttributesInput,
  type LocalActivityInput,
  type Next,
  type SignalInput,
  type SignalWorkflowInput,
  type StartChildWorkflowExecutionInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import {
  formatTraceparent,
  parseTraceparent,
  TRACE_HEADER,
  type SpanAttributeValue,
  type SpanContextIds,
  type WorkflowSpanSinks,
} from './workflow-spans.js';

interface OpenSpan extends SpanContextIds {
  name: string;
  parentSpanId: string;
  startMs: number;
  attributes: Record<string, SpanAttributeValue>;
}

const { workflowSpans } = proxySinks<WorkflowSpanSinks>();

/** The span of this run (set when its start carried a trace). Module state is per workflow in the sandbox. */
let runSpan: OpenSpan | undefined;
/** A traced handler's span, current while its synchronous part runs. */
let handlerSpan: OpenSpan | undefined;

function currentSpan(): OpenSpan | undefined {
  return handlerSpan ?? runSpan;
}

/** 16 hex digits from the workflow's deterministic random stream (the same on replay). */
function newSpanId(): string {
  const part = () =>
    Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  const id = part() + part();
  return /^0+$/.test(id) ? newSpanId() : id;
}

function incomingContext(headers: Headers): SpanContextIds | undefined {
  const payload = headers[TRACE_HEADER];
  if (!payload) return undefined;
  try {
    return parseTraceparent(defaultPayloadConverter.fromPayload<{ traceparent?: unknown }>(payload)?.traceparent);
  } catch {
    return undefined;
  }
}

function withContext(headers: Headers, span: SpanContextIds): Headers {
  return { ...headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent: formatTraceparent(span) }) };
}

function open(name: string, parent: SpanContextIds, attributes: Record<string, SpanAttributeValue> = {}): OpenSpan {
  return {
    name,
    traceId: parent.traceId,
    spanId: newSpanId(),
    parentSpanId: parent.spanId,
    sampled: parent.sampled,
    startMs: Date.now(),
    attributes,
  };
}

function errorType(error: unknown): string {
  if (error instanceof Error) {
    const type = (error as { type?: unknown }).type;
    return typeof type === 'string' && type ? type : error.name;
  }
  return 'unknown';
}

function close(span: OpenSpan, error?: unknown): void {
  if (!span.sampled) return;
  const { sampled: _sampled, ...ids } = span;
  workflowSpans.export([
    { ...ids, endMs: Date.now(), ...(error === undefined ? {} : { errorType: errorType(error) }) },
  ]);
}

/** Ends `span` when `operation` settles; a continue-as-new is how a run ends well, not an error. */
function settle<T>(span: OpenSpan, operation: Promise<T>): Promise<T> {
  return operation.then(
    (value) => {
      close(span);
      return value;
    },
    (error: unknown) => {
      close(span, error instanceof ContinueAsNew ? undefined : error);
      throw error;
    },
  );
}

/** Runs a handler with its span current for its synchronous part. */
function inHandler<T>(span: OpenSpan, run: () => T): T {
  const previous = handlerSpan;
  handlerSpan = span;
  try {
    return run();
  } finally {
    handlerSpan = previous;
  }
}

class TracingInbound implements WorkflowInboundCallsInterceptor {
  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const parent = incomingContext(input.headers);
    if (!parent) return next(input);
    const { workflowType, workflowId, runId } = workflowInfo();
    runSpan = open(`RunWorkflow:${workflowType}`, parent, { temporalWorkflowId: workflowId, run_id: runId });
    return settle(runSpan, next(input));
  }

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    const parent = incomingContext(input.headers);
    if (!parent) return next(input);
    const span = open(`HandleSignal:${input.signalName}`, parent);
    return inHandler(span, () => settle(span, next(input)));
  }

  handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    const parent = incomingContext(input.headers);
    if (!parent) return next(input);
    const span = open(`HandleUpdate:${input.name}`, parent, { temporalUpdateId: input.updateId });
    return inHandler(span, () => settle(span, next(input)));
  }
}

/** Starts what a workflow sends out (an activity, a child, a signal, its next run) in a span, its context in the headers. */
function sendTraced<I extends { headers: Headers }, R>(name: string, input: I, next: (input: I) => Promise<R>) {
  const parent = currentSpan();
  if (!parent) return next(input);
  const span = open(name, parent);
  return settle(span, next({ ...input, headers: withContext(input.headers, span) }));
}

class TracingOutbound implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    return sendTraced(`StartActivity:${input.activityType}`, input, next);
  }

  scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ) {
    return sendTraced(`StartActivity:${input.activityType}`, input, next);
  }

  startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ) {
    return sendTraced(`StartChildWorkflow:${input.workflowType}`, input, next);
  }

  signalWorkflow(input: SignalWorkflowInput, next: Next<WorkflowOutboundCallsInterceptor, 'signalWorkflow'>) {
    return sendTraced(`SignalWorkflow:${input.signalName}`, input, next);
  }

  continueAsNew(input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>) {
    return sendTraced(`ContinueAsNew:${input.options.workflowType ?? workflowInfo().workflowType}`, input, next);
  }

  getLogAttributes(input: GetLogAttributesInput, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>) {
    const span = currentSpan();
    return next(span ? { trace_id: span.traceId, span_id: span.spanId, ...input } : input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new TracingInbound()],
  outbound: [new TracingOutbound()],
});
