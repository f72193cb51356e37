// Every vendor HTTP call, observed once where it leaves the engine (src/vendors/shared/transport.ts): a CLIENT span
// that carries the trace to the vendor, its latency by status class, 429s, and the Retry-After waits vendors ask for.
// The worker records into its metrics (recordVendorCallsIn); other processes (the CLI, tests) record nothing.
import type { IncomingHttpHeaders } from 'node:http';
import { parseRetryAfter } from '../vendors/shared/retry-after.js';
import { statusClass, type EngineMetrics } from './engine-metrics.js';
import { traceHttpCall } from './http-tracing.js';

let metrics: EngineMetrics | undefined;

/** Vendor calls of this process are counted in `target` from now on (undefined stops counting). */
export function recordVendorCallsIn(target: EngineMetrics | undefined): void {
  metrics = target;
}

export interface ObservedVendorCall {
  vendor: string;
  /** Endpoint template, e.g. `POST /orders`. */
  operation: string;
  method: string;
  url: string;
}

interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
}

/** Runs `send` (given the trace headers to add) and records what happened; errors pass through unchanged. */
export async function observeVendorCall<T extends HttpAnswer>(
  call: ObservedVendorCall,
  send: (traceHeaders: Record<string, string>) => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  const target = metrics;
  const started = performance.now();
  let status: number | undefined;
  try {
    const answer = await traceHttpCall({ ...call, peer: call.vendor }, send, (result) => result.status);
    status = answer.status;
    if (target && (status === 429 || status === 503)) {
      const labels = { vendor: call.vendor, operation: call.operation };
      if (status === 429) target.vendorRateLimited.inc(labels);
      const waitMs = parseRetryAfter(answer.headers['retry-after'], now());
      if (waitMs !== undefined)
        target.vendorRetryAfterSeconds.observe({ ...labels, status: String(status) }, waitMs / 1000);
    }
    return answer;
  } finally {
    target?.vendorRequestSeconds.observe(
      { vendor: call.vendor, operation: call.operation, status_class: statusClass(status) },
      (performance.now() - started) / 1000,
    );
  }
}
