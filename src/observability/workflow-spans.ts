// Workflow spans as they leave the workflow sandbox, and the trace context they travel with. Pure (no Node built-ins,
// no I/O): the workflow interceptors build these records, the worker turns them into OpenTelemetry spans.
//
// The trace context rides in the header the Temporal OpenTelemetry interceptors use (`_tracer-data`: a JSON payload
// of the W3C carrier, `{"traceparent": "00-<trace id>-<span id>-<flags>"}`), so clients and activities traced by
// @temporalio/interceptors-opentelemetry and workflows traced here read each other's headers.
import type { Sink, Sinks } from '@temporalio/workflow';

export const TRACE_HEADER = '_tracer-data';

export interface SpanContextIds {
  traceId: string;
  spanId: string;
  /** The W3C `sampled` flag: unsampled work still carries its context on, but exports nothing. */
  sampled: boolean;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A W3C traceparent's ids, or undefined for anything else (all-zero ids are invalid). */
export function parseTraceparent(value: unknown): SpanContextIds | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(ids: SpanContextIds): string {
  return `00-${ids.traceId}-${ids.spanId}-${ids.sampled ? '01' : '00'}`;
}

export type SpanAttributeValue = string | number | boolean;

/** A finished workflow span. Times are workflow time (milliseconds since the epoch). */
export interface WorkflowSpanRecord {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, SpanAttributeValue>;
  /** The error's type or class name when the span's operation failed (never its message). */
  errorType?: string;
}

export interface WorkflowSpanSink extends Sink {
  export(spans: WorkflowSpanRecord[]): void;
}

export interface WorkflowSpanSinks extends Sinks {
  workflowSpans: WorkflowSpanSink;
}
