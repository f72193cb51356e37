// Failure messages and stack traces can quote PHI (a vendor's "invalid address 12 Main St"), so they are moved into
// an encoded payload, which the payload codec then encrypts. Loaded by path (DataConverter.failureConverterPath)
// because the workflow bundle needs it too; it imports only @temporalio/common so it runs in the workflow sandbox,
// and it is plain JavaScript (no type syntax): clients `require` this file as it is.
//
// Exceptions: an update validator's refusal (`InputRefused`, workflows/shared/handlers.ts) keeps its message in
// the clear and drops its stack trace, and so does the SDK's refusal of an unknown query or update name (below). Its words are the engine's own (field names, offered actions, a state), never
// a value sent, and it is never written to a history; encoded, the Web UI's "Send an Update" (which does not decode
// an update's failure) shows an operator only "Encoded failure".
import { ApplicationFailure, DefaultFailureConverter } from '@temporalio/common';

/** FailureType.InputRefused (src/domain/failure-types.ts; a unit test keeps the two equal). */
export const PLAIN_FAILURE_TYPE = 'InputRefused';

const plain = new DefaultFailureConverter({ encodeCommonAttributes: false });

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

/**
 * The SDK's own answers to a query or an update no handler takes (a mistyped name): its words and the names the
 * caller typed, never a value, and never written to a history. Encoded, the CLI showed a mistyped query only as
 * "Encoded failure".
 */
const UNKNOWN_HANDLER = /^(Workflow did not register a handler for |No registered handler for update: )/;

const encoded = failureConverter.errorToFailure.bind(failureConverter);
failureConverter.errorToFailure = (err, payloadConverter, context) => {
  // A query's unknown name reaches here wrapped (ensureTemporalFailure types it after the ReferenceError); an
  // update's is an ApplicationFailure.nonRetryable, typed `Error`.
  const inClear =
    err instanceof ApplicationFailure &&
    err.cause === undefined &&
    (err.type === PLAIN_FAILURE_TYPE ||
      ((err.type === 'ReferenceError' || err.type === 'Error') && UNKNOWN_HANDLER.test(err.message)));
  return inClear
    ? { ...plain.errorToFailure(err, payloadConverter, context), stackTrace: '' }
    : encoded(err, payloadConverter, context);
};
