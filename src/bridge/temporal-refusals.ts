// What a failed hand-over to Temporal means for the vendor that sent the webhook. Only a transient failure (Temporal
// unreachable, overloaded, too slow) is answered 503 + Retry-After: the vendor's retry will succeed once Temporal is
// back. Anything else would fail the same way on every retry, so retrying for ever helps nobody: the event is kept in
// the bridge's spool and the vendor gets a 4xx naming the problem (413 for a body over Temporal's blob size limit,
// 422 for an argument Temporal calls invalid), or a 500 when the fault is the engine's own (credentials, namespace,
// a bug), which an operator fixes and re-drives from the spool.

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const GrpcStatus = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const NAMES = Object.fromEntries(Object.entries(GrpcStatus).map(([name, code]) => [code, name])) as Record<
  number,
  string
>;

/** Retrying the same request later can succeed: the server was away, overloaded, slow, or aborted it. */
const TRANSIENT: ReadonlySet<number> = new Set([
  GrpcStatus.CANCELLED,
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
]);

/** Temporal's words for a payload over `limit.blobSize.error`, and gRPC's for a message over its size limit. */
const TOO_LARGE = /blob data size exceeds limit|size exceeds|larger than max|message too large|too large/i;

/** Bounded codes: the answer's `error.code`, a metrics label, the spool's `code`. */
export type RefusalCode = 'payload_too_large' | 'invalid_argument' | 'engine_misconfigured' | 'bridge_error';

export type TemporalFailure =
  | { kind: 'transient'; grpcCode?: number; message: string }
  | { kind: 'refused'; status: 413 | 422 | 500; code: RefusalCode; grpcCode?: number; message: string };

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  details?: unknown;
  cause?: unknown;
}

/** The first numeric gRPC status in the error's cause chain (the SDK wraps the server's error in a ServiceError). */
function grpcStatusOf(error: unknown): { code: number; message: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth += 1) {
    const candidate = current as ErrorLike;
    if (typeof candidate.code === 'number' && NAMES[candidate.code] !== undefined) {
      const details = typeof candidate.details === 'string' && candidate.details ? candidate.details : undefined;
      const message = typeof candidate.message === 'string' ? candidate.message : '';
      return { code: candidate.code, message: details ?? message };
    }
    current = candidate.cause;
  }
  return undefined;
}

function short(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine;
}

/** Classifies an error from a signal-with-start (or a dead-letter park) for the answer to the vendor. */
export function classifyTemporalFailure(error: unknown): TemporalFailure {
  const grpc = grpcStatusOf(error);
  if (!grpc) {
    const name = error instanceof Error ? error.name : typeof error;
    const message = error instanceof Error ? error.message : String(error);
    // The SDK turns the server's NamespaceNotFoundFailure into its own error, without the gRPC status.
    if (name === 'NamespaceNotFoundError') {
      return { kind: 'refused', status: 500, code: 'engine_misconfigured', message: short(message) };
    }
    return { kind: 'refused', status: 500, code: 'bridge_error', message: short(`${name}: ${message}`) };
  }
  const message = short(`${NAMES[grpc.code]}: ${grpc.message}`);
  const tooLarge = TOO_LARGE.test(grpc.message);
  if (grpc.code === GrpcStatus.INVALID_ARGUMENT || grpc.code === GrpcStatus.OUT_OF_RANGE) {
    return tooLarge
      ? { kind: 'refused', status: 413, code: 'payload_too_large', grpcCode: grpc.code, message }
      : { kind: 'refused', status: 422, code: 'invalid_argument', grpcCode: grpc.code, message };
  }
  // RESOURCE_EXHAUSTED is a rate limit, except when it says the message itself is too big to ever pass.
  if (grpc.code === GrpcStatus.RESOURCE_EXHAUSTED && tooLarge) {
    return { kind: 'refused', status: 413, code: 'payload_too_large', grpcCode: grpc.code, message };
  }
  if (TRANSIENT.has(grpc.code)) return { kind: 'transient', grpcCode: grpc.code, message };
  // UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, FAILED_PRECONDITION, UNIMPLEMENTED, DATA_LOSS: the engine's setup.
  return { kind: 'refused', status: 500, code: 'engine_misconfigured', grpcCode: grpc.code, message };
}
