// Failure messages and stack traces can quote PHI (a vendor's "invalid address 12 Main St"), so they are moved into
// an encoded payload, which the payload codec then encrypts. Loaded by path (DataConverter.failureConverterPath)
// because the workflow bundle needs it too; it imports only @temporalio/common so it runs in the workflow sandbox,
// and it is plain JavaScript (no type syntax): clients `require` this file as it is.
//
// One exception: an update validator's refusal (`InputRefused`, workflows/shared/handlers.ts) keeps its message in
// the clear and drops its stack trace. Its words are the engine's own (field names, offered actions, a state), never
// a value sent, and it is never written to a history; encoded, the Web UI's "Send an Update" (which does not decode
// an update's failure) shows an operator only "Encoded failure".
import { ApplicationFailure, DefaultFailureConverter } from '@temporalio/common';

/** FailureType.InputRefused (src/domain/failure-types.ts; a unit test keeps the two equal). */
export const PLAIN_FAILURE_TYPE = 'InputRefused';

const plain = new DefaultFailureConverter({ encodeCommonAttributes: false });

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

const encoded = failureConverter.errorToFailure.bind(failureConverter);
failureConverter.errorToFailure = (err, payloadConverter, context) =>
  err instanceof ApplicationFailure && err.type === PLAIN_FAILURE_TYPE && err.cause === undefined
    ? { ...plain.errorToFailure(err, payloadConverter, context), stackTrace: '' }
    : encoded(err, payloadConverter, context);
