// partnerApiIdempotencyWorkflow (id partner-api-idempotency-{hash of key name and Idempotency-Key}): the durable
// record of one partner API POST sent with an Idempotency-Key. The bridge claims the key before acting (update
// `claim`), then records the answer it gave (signal `recordResponse`); a retry with the same key and the same request
// gets that answer back for the record's lifetime (PARTNER_API_IDEMPOTENCY_TTL), from any bridge, across restarts.
// A claim holds a lease, so a retry that arrives while the first call is still running is told to wait, and a bridge
// that died mid-call does not block the key for ever. Ids carry a hash, never the key itself.
import { allHandlersFinished, condition, sleep } from '@temporalio/workflow';
import { handleQuery, handleSignal, handleUpdate } from '../shared/handlers.js';
import {
  claimIdempotencyKeyUpdate,
  idempotencyRecordQuery,
  recordResponseSignal,
  releaseClaimSignal,
  type ClaimAnswer,
  type StoredResponse,
} from './messages.js';

export type { ClaimAnswer, IdempotencyClaim, RecordedResponse, StoredResponse } from './messages.js';

export interface PartnerApiIdempotencyInput {
  ttlMs: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** When a start names no lifetime (someone started it by hand): the documented default. */
const DEFAULT_TTL_MS = 24 * 3_600_000;

export async function partnerApiIdempotencyWorkflow(input: PartnerApiIdempotencyInput): Promise<void> {
  const ttlMs = isRecord(input) && typeof input.ttlMs === 'number' && input.ttlMs > 0 ? input.ttlMs : DEFAULT_TTL_MS;
  let fingerprint: string | undefined;
  let response: StoredResponse | undefined;
  let leaseUntil = 0;

  // Inputs the schemas refuse (garbage sent by hand) change nothing; they are counted for the record's query.
  let rejected = 0;
  const reject = () => {
    rejected += 1;
  };

  handleUpdate(
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
    {
      description: 'Claims the key for one call, or answers what to do instead: {"fingerprint", "leaseMs"}.',
      refused: () => ({ outcome: 'mismatch' }),
    },
  );
  handleSignal(
    recordResponseSignal,
    (recorded) => {
      // Another request's fingerprint is ignored: the first answer stands.
      if (recorded.fingerprint === fingerprint && !response) response = recorded.response;
    },
    { description: 'The answer the bridge gave, replayed to retries.', rejected: reject },
  );
  handleSignal(
    releaseClaimSignal,
    (released) => {
      if (released.fingerprint === fingerprint && !response) leaseUntil = 0;
    },
    { description: 'The call failed transiently; a retry may act at once.', rejected: reject },
  );
  handleQuery(
    idempotencyRecordQuery,
    () => ({ claimed: fingerprint !== undefined, answered: response !== undefined, rejected }),
    { description: 'Whether the key was claimed and answered (no request, no answer body), and inputs refused.' },
  );

  await sleep(ttlMs);
  await condition(allHandlersFinished);
}
