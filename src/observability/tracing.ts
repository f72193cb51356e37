// OpenTelemetry tracing for every process, configured by the standard OTEL_* variables and off unless they ask for
// it: without an OTLP endpoint (or with OTEL_SDK_DISABLED=true, or OTEL_TRACES_EXPORTER=none) nothing is registered,
// the OpenTelemetry API stays a no-op, and no Temporal tracing interceptor is installed. The exporter speaks OTLP over
// HTTP (protobuf by default, JSON with OTEL_EXPORTER_OTLP_PROTOCOL=http/json); endpoint, headers, timeout, sampler and
// batching are read from the environment by the OpenTelemetry SDK itself.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource, envDetectorSync } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ConfigError } from '../config/env.js';

export interface Tracing {
  readonly enabled: boolean;
  /** Where finished spans go; the worker hands it to the workflow span sink. Undefined when tracing is off. */
  readonly spanProcessor: SpanProcessor | undefined;
  readonly resource: Resource;
  /** Flushes pending spans; call before the process exits. */
  shutdown(): Promise<void>;
}

type Protocol = 'http/protobuf' | 'http/json';

interface TracingSettings {
  enabled: boolean;
  protocol: Protocol;
}

function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Reads the OTEL_* variables that decide whether and how to export; a value we cannot honour is a ConfigError. */
export function tracingSettings(env: NodeJS.ProcessEnv = process.env): TracingSettings {
  const problems: { variable: string; message: string }[] = [];
  const disabled = setting(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true';
  const exporters = (setting(env, 'OTEL_TRACES_EXPORTER') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = exporters.filter((name) => name !== 'otlp' && name !== 'none');
  if (unknown.length > 0) {
    problems.push({ variable: 'OTEL_TRACES_EXPORTER', message: `unsupported ${unknown.join(', ')}: use otlp or none` });
  }
  const endpoint = setting(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? setting(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const protocolVariable = setting(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = setting(env, protocolVariable) ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    problems.push({
      variable: protocolVariable,
      message: `unsupported ${protocol}: use http/protobuf or http/json (the collector's port 4318)`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // The spec's default exporter is otlp, but tracing here is opt-in: an endpoint or an explicit exporter turns it on.
  const wanted = exporters.length > 0 ? exporters.includes('otlp') : endpoint !== undefined;
  return { enabled: !disabled && wanted, protocol: protocol as Protocol };
}

function resourceFor(component: string): Resource {
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) win over the component's default name.
  return Resource.default()
    .merge(new Resource({ 'service.name': `fulfill-${component}` }))
    .merge(envDetectorSync.detect());
}

let started: Tracing | undefined;

/** True once this process started tracing with an exporter (the Temporal interceptors are installed only then). */
export function isTracingEnabled(): boolean {
  return started?.enabled ?? false;
}

/**
 * Starts tracing for this process (once; later calls return the first result): a tracer provider with a batching
 * OTLP exporter, W3C trace context propagation, and async-context tracking so a span started by a request stays
 * current through its awaits.
 */
export function startTracing(
  component: string,
  env: NodeJS.ProcessEnv = process.env,
  /** Where spans go instead of OTLP, one at a time (tests pass an in-memory exporter); turns tracing on. */
  exporterOverride?: SpanExporter,
): Tracing {
  if (started) return started;
  const settings = exporterOverride ? { enabled: true, protocol: 'http/json' as const } : tracingSettings(env);
  const resource = resourceFor(component);
  if (!settings.enabled) {
    started = {
      enabled: false,
      spanProcessor: undefined,
      resource,
      shutdown: async () => {
        started = undefined;
      },
    };
    return started;
  }
  const spanProcessor = exporterOverride
    ? new SimpleSpanProcessor(exporterOverride)
    : new BatchSpanProcessor(settings.protocol === 'http/json' ? new OtlpJsonExporter() : new OtlpProtobufExporter());
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager().enable(),
    propagator: new W3CTraceContextPropagator(),
  });
  started = {
    enabled: true,
    spanProcessor,
    resource,
    shutdown: async () => {
      started = undefined;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  return started;
}
