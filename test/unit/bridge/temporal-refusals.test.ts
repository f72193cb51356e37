// How the bridge reads a failed hand-over to Temporal: errors shaped as the SDK throws them (a ServiceError whose cause
// carries the server's gRPC status), for every status class, and errors that carry none.
import { ServiceError } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { classifyTemporalFailure, GrpcStatus } from '../../../src/bridge/temporal-refusals.js';
import { TemporalConnectError } from '../../../src/temporal/lazy-native-connection.js';

/** What the native client throws for a server answer: a ServiceError around an error with `code` and `details`. */
function fromServer(code: number, details: string): Error {
  const grpc = Object.assign(new ServiceError(details), { code, details, metadata: {} });
  return new ServiceError('Failed to signalWithStart Workflow', { cause: grpc });
}

describe('classifyTemporalFailure', () => {
  it('refuses a body over the blob size limit with 413, whatever status carries it', () => {
    expect(classifyTemporalFailure(fromServer(GrpcStatus.INVALID_ARGUMENT, 'Blob data size exceeds limit.'))).toEqual({
      kind: 'refused',
      status: 413,
      code: 'payload_too_large',
      grpcCode: 3,
      message: 'INVALID_ARGUMENT: Blob data size exceeds limit.',
    });
    const grpcLimit = fromServer(
      GrpcStatus.RESOURCE_EXHAUSTED,
      'Received message larger than max (5000000 vs. 4194304)',
    );
    expect(classifyTemporalFailure(grpcLimit)).toMatchObject({ kind: 'refused', status: 413, grpcCode: 8 });
  });

  it('refuses another invalid argument with 422 and Temporal’s reason', () => {
    const failure = classifyTemporalFailure(
      fromServer(GrpcStatus.INVALID_ARGUMENT, 'WorkflowId length exceeds limit.'),
    );
    expect(failure).toEqual({
      kind: 'refused',
      status: 422,
      code: 'invalid_argument',
      grpcCode: 3,
      message: 'INVALID_ARGUMENT: WorkflowId length exceeds limit.',
    });
    expect(classifyTemporalFailure(fromServer(GrpcStatus.OUT_OF_RANGE, 'x'))).toMatchObject({ status: 422 });
  });

  it('asks for a retry only when Temporal is away, overloaded, slow or aborted the call', () => {
    for (const code of [
      GrpcStatus.UNAVAILABLE,
      GrpcStatus.DEADLINE_EXCEEDED,
      GrpcStatus.RESOURCE_EXHAUSTED,
      GrpcStatus.ABORTED,
      GrpcStatus.CANCELLED,
      GrpcStatus.INTERNAL,
      GrpcStatus.UNKNOWN,
    ]) {
      expect(classifyTemporalFailure(fromServer(code, 'namespace rate limit exceeded')), String(code)).toMatchObject({
        kind: 'transient',
        grpcCode: code,
      });
    }
    // The bridge's lazy connection reports a refused connection as UNAVAILABLE.
    expect(
      classifyTemporalFailure(new TemporalConnectError('could not connect to Temporal at 127.0.0.1:1: refused')),
    ).toMatchObject({ kind: 'transient', grpcCode: GrpcStatus.UNAVAILABLE });
  });

  it('blames the engine (500) for credentials, permissions, a missing namespace or an unknown error', () => {
    for (const code of [
      GrpcStatus.UNAUTHENTICATED,
      GrpcStatus.PERMISSION_DENIED,
      GrpcStatus.NOT_FOUND,
      GrpcStatus.FAILED_PRECONDITION,
      GrpcStatus.UNIMPLEMENTED,
      GrpcStatus.DATA_LOSS,
    ]) {
      expect(classifyTemporalFailure(fromServer(code, 'no')), String(code)).toMatchObject({
        kind: 'refused',
        status: 500,
        code: 'engine_misconfigured',
      });
    }
    expect(classifyTemporalFailure(new NamespaceNotFoundError('nowhere'))).toMatchObject({
      status: 500,
      code: 'engine_misconfigured',
    });
    expect(classifyTemporalFailure(new TypeError('payload codec exploded'))).toEqual({
      kind: 'refused',
      status: 500,
      code: 'bridge_error',
      message: 'TypeError: payload codec exploded',
    });
  });

  it('keeps the reason to one short line', () => {
    const failure = classifyTemporalFailure(fromServer(GrpcStatus.INVALID_ARGUMENT, `bad\n${'x'.repeat(500)}`));
    expect(failure.message).not.toContain('\n');
    expect(failure.message.length).toBeLessThanOrEqual(200);
  });
});
