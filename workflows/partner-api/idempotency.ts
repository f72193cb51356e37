// partnerApiIdempotencyWorkflow (id partner-api-idempotency-{hash of key name and Idempotency-Key}): the durable
// record of one partner API POST sent with an Idempotency-Key. The bridge claims the key before acting (update
// `claim`), then records the answer it gave (signal `recordResponse`); a retry with the same key and the same request
// gets that answer back for the record's lifetime (PARTNER_API_IDEMPOTENCY_TTL), from any bridge, across restarts.
// A claim holds a lease, so a retry that arrives while the first call is still running is told to wait, and a bridge
// that died mid-call does not block the key for ever. Ids carry a hash, never the key itself.
import { allHandlersFinished, condition, defineSignal, defineUpdate, setHandler, sleep } from '@temporalio/workflow';

export interface IdempotencyClaim {
  /** A hash of the method, path and body: the same key with another request is refused. */
  fingerprint: string;
  /** How long the caller may take to act and record its answer before a retry may act instead. */
  leaseMs: number;
}

export interface StoredResponse {
  status: number;
  /** The JSON body exactly as it was sent. */
  body: string;
}

export type ClaimAnswer =
  | { outcome: 'proceed' }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'in_progress'; retryAfterMs: number }
  | { outcome: 'mismatch' };

export interface RecordedResponse {
  fingerprint: string;
  response: StoredResponse;
}

export interface PartnerApiIdempotencyInput {
  ttlMs: number;
}

export const claimIdempotencyKeyUpdate = defineUpdate<ClaimAnswer, [IdempotencyClaim]>('claim');
export const recordResponseSignal = defineSignal<[RecordedResponse]>('recordResponse');
/** The call failed transiently (5xx): nothing to replay, the next retry may act at once. */
export const releaseClaimSignal = defineSignal<[{ fingerprint: string }]>('releaseClaim');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkClaim(claim: unknown): void {
  if (!isRecord(claim) || typeof claim.fingerprint !== 'string' || claim.fingerprint.length === 0) {
    throw new Error('claim needs {"fingerprint": string, "leaseMs": number}');
  }
  if (typeof claim.leaseMs !== 'number' || !Number.isFinite(claim.leaseMs) || claim.leaseMs <= 0) {
    throw new Error('leaseMs must be a positive number of milliseconds');
  }
}

function isRecordedResponse(value: unknown): value is RecordedResponse {
  return (
    isRecord(value) &&
    typeof value.fingerprint === 'string' &&
    isRecord(value.response) &&
    Number.isInteger(value.response.status) &&
    typeof value.response.body === 'string'
  );
}

/** When a start names no lifetime (someone started it by hand): the documented default. */
const DEFAULT_TTL_MS = 24 * 3_600_000;

export async function partnerApiIdempotencyWorkflow(input: PartnerApiIdempotencyInput): Promise<void> {
  const ttlMs = isRecord(input) && typeof input.ttlMs === 'number' && input.ttlMs > 0 ? input.ttlMs : DEFAULT_TTL_MS;
  let fingerprint: string | undefined;
  let response: StoredResponse | undefined;
  let leaseUntil = 0;

  setHandler(
    claimIdempotencyKeyUpdate,
    (claim): ClaimAnswer => {
      if (fingerprint !== undefined && fingerprint !== claim.fingerprint) return { outcome: 'mismatch' };
      fingerprint = claim.fingerprint;
      if (response) return { outcome: 'replay', response };
      const now = new Date().getTime();
      if (leaseUntil > now) return { outcome: 'in_progress', retryAfterMs: leaseUntil - now };
      leaseUntil = now + claim.leaseMs;
      return { outcome: 'proceed' };
    },
    { validator: checkClaim, description: 'Claims the key for one call, or answers what to do instead.' },
  );
  setHandler(
    recordResponseSignal,
    (recorded) => {
      // Anything else (another request's fingerprint, a malformed input) is ignored: the first answer stands.
      if (isRecordedResponse(recorded) && recorded.fingerprint === fingerprint && !response) {
        response = recorded.response;
      }
    },
    { description: 'The answer the bridge gave, replayed to retries.' },
  );
  setHandler(
    releaseClaimSignal,
    (released) => {
      if (isRecord(released) && released.fingerprint === fingerprint && !response) leaseUntil = 0;
    },
    { description: 'The call failed transiently; a retry may act at once.' },
  );

  await sleep(ttlMs);
  await condition(allHandlersFinished);
}
