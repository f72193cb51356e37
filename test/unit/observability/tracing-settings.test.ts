import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/env.js';
import { startTracing, tracingSettings, isTracingEnabled } from '../../../src/observability/tracing.js';
import { tracingClientInterceptors } from '../../../src/observability/temporal-tracing.js';

describe('tracing settings (OTEL_*)', () => {
  it('is off without an endpoint or an exporter, and off when the SDK is disabled', () => {
    expect(tracingSettings({}).enabled).toBe(false);
    expect(tracingSettings({ OTEL_SERVICE_NAME: 'x' }).enabled).toBe(false);
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }).enabled,
    ).toBe(false);
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }),
    ).toMatchObject({ enabled: false });
  });

  it('is on with an OTLP endpoint (general or for traces) or OTEL_TRACES_EXPORTER=otlp', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual({
      enabled: true,
      protocol: 'http/protobuf',
    });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }).enabled).toBe(true);
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp' }).enabled).toBe(true);
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
    ).toEqual({ enabled: true, protocol: 'http/json' });
    // The traces-specific protocol wins.
    expect(
      tracingSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      }).protocol,
    ).toBe('http/json');
  });

  it('refuses what it cannot export, naming the variable', () => {
    expect(() =>
      tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    ).toThrow(ConfigError);
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
    expect(() => tracingSettings({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      /OTEL_TRACES_EXPORTER: unsupported zipkin/,
    );
  });

  it('with tracing off nothing is registered and clients get no interceptors', async () => {
    const tracing = startTracing('test', {});
    expect(tracing.enabled).toBe(false);
    expect(tracing.spanProcessor).toBeUndefined();
    expect(isTracingEnabled()).toBe(false);
    expect(tracingClientInterceptors()).toEqual({});
    await tracing.shutdown();
  });

  it('names the service after the process unless OTEL_SERVICE_NAME says otherwise', async () => {
    const tracing = startTracing('bridge', {});
    expect(tracing.resource.attributes['service.name']).toBe('fulfill-bridge');
    await tracing.shutdown();
  });
});
