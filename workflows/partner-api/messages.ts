// The messages of partnerApiIdempotencyWorkflow (idempotency.ts): the bridge claims an Idempotency-Key before acting,
// then records the answer it gave, or releases the claim after a transient failure.
import { z } from 'zod';
import { queryMessage, signalMessage, updateMessage } from '../shared/messages.js';
import { sharedSchema } from '../shared/shared-schemas.js';

export const idempotencyClaimInput = sharedSchema('partner-api/messages:idempotencyClaimInput', () =>
  z.object({
    /** A hash of the method, path and body: the same key with another request is refused. */
    fingerprint: z.string().min(1).max(200),
    /** How long the caller may take to act and record its answer before a retry may act instead. */
    leaseMs: z.number().positive().finite(),
  }),
);
export type IdempotencyClaim = z.output<typeof idempotencyClaimInput>;

export const storedResponseInput = sharedSchema('partner-api/messages:storedResponseInput', () =>
  z.object({
    status: z.number().int(),
    /** The JSON body exactly as it was sent. */
    body: z.string(),
  }),
);
export type StoredResponse = z.output<typeof storedResponseInput>;

export const recordedResponseInput = sharedSchema('partner-api/messages:recordedResponseInput', () =>
  z.object({
    fingerprint: z.string().min(1).max(200),
    response: storedResponseInput,
  }),
);
export type RecordedResponse = z.output<typeof recordedResponseInput>;

export type ClaimAnswer =
  | { outcome: 'proceed' }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'in_progress'; retryAfterMs: number }
  | { outcome: 'mismatch' };

export const claimIdempotencyKeyUpdate = updateMessage<ClaimAnswer, typeof idempotencyClaimInput>(
  'claim',
  idempotencyClaimInput,
);
export const recordResponseSignal = signalMessage('recordResponse', recordedResponseInput);
/** The call failed transiently (5xx): nothing to replay, the next retry may act at once. */
export const releaseClaimInput = sharedSchema('partner-api/messages:releaseClaimInput', () =>
  z.object({ fingerprint: z.string().min(1).max(200) }),
);
export const releaseClaimSignal = signalMessage('releaseClaim', releaseClaimInput);

/** What the record holds, for operators (no request body: only its fingerprint and the answer's status). */
export const idempotencyRecordQuery = queryMessage<{ claimed: boolean; answered: boolean; rejected: number }>(
  'idempotencyRecord',
);
