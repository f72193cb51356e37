// Idempotency-Key on the partner API's POSTs (draft-ietf-httpapi-idempotency-key-header): a retried POST with the same
// key and the same request gets the first answer again, status and body, for PARTNER_API_IDEMPOTENCY_TTL, from any
// bridge and across restarts, because the record is a small workflow in Temporal (workflows/partner-api/idempotency.ts).
// The same key with another request is refused (422); a retry while the first call still runs is told to wait (409).
// Below the record, what the call does is idempotent too: an update carries an id derived from the key, so Temporal
// applies it once even if two bridges raced past an expired lease; a lab order gets a requestKey derived from it.
import { createHash } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import type { PartnerApiKey } from '../../config/env.js';
import { partnerApiIdempotencyWorkflow } from '../../../workflows/partner-api/idempotency.js';
import {
  claimIdempotencyKeyUpdate,
  recordResponseSignal,
  releaseClaimSignal,
  type ClaimAnswer,
  type StoredResponse,
} from '../../../workflows/partner-api/messages.js';
import { PartnerApiError } from './errors.js';

/** Printable ASCII, as the draft's examples; long enough for a UUID or a client's own scheme. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentCall {
  /** The workflow holding the record. */
  workflowId: string;
  fingerprint: string;
  /** The update id Temporal de-duplicates a resolution by. */
  updateId: string;
  /** The lab order requestKey to use when the body brings none. */
  requestKey: string;
}

export interface IdempotencySettings {
  taskQueue: string;
  ttlMs: number;
  /** How long a claim holds before a retry may act instead (longer than any call's deadline). */
  leaseMs: number;
}

/** The request's Idempotency-Key header, checked; undefined when absent. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
    throw new PartnerApiError(
      400,
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 printable ASCII characters',
    );
  }
  return value;
}

function sha256(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\n');
  return hash.digest('hex');
}

export function idempotentCall(caller: PartnerApiKey, key: string, request: FastifyRequest): IdempotentCall {
  const scoped = sha256(caller.name, key);
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  return {
    workflowId: `partner-api-idempotency-${scoped.slice(0, 40)}`,
    fingerprint: sha256(request.method, request.url.split('?')[0] ?? '', body),
    updateId: `partner-api-${scoped.slice(0, 40)}`,
    requestKey: `idempotency:${scoped.slice(0, 40)}`,
  };
}

/** Claims the key for this call: proceed, or the stored answer to replay; a conflict is a PartnerApiError. */
export async function claim(
  client: Client,
  call: IdempotentCall,
  settings: IdempotencySettings,
): Promise<StoredResponse | undefined> {
  const answer: ClaimAnswer = await client.workflow.executeUpdateWithStart(claimIdempotencyKeyUpdate, {
    args: [{ fingerprint: call.fingerprint, leaseMs: settings.leaseMs }],
    startWorkflowOperation: new WithStartWorkflowOperation(partnerApiIdempotencyWorkflow, {
      workflowId: call.workflowId,
      taskQueue: settings.taskQueue,
      args: [{ ttlMs: settings.ttlMs }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
  switch (answer.outcome) {
    case 'proceed':
      return undefined;
    case 'replay':
      return answer.response;
    case 'in_progress':
      throw new PartnerApiError(
        409,
        'idempotency_in_progress',
        'a request with this Idempotency-Key is still being processed; retry after Retry-After seconds',
        undefined,
        Math.max(1, Math.ceil(answer.retryAfterMs / 1000)),
      );
    case 'mismatch':
      throw new PartnerApiError(
        422,
        'idempotency_key_reused',
        'this Idempotency-Key was used with a different request; use a new key for a new request',
      );
  }
}

/**
 * Records the answer the bridge gave. A transient failure (5xx, 429) is not recorded but releases the claim, so the
 * client's retry acts again (and Temporal de-duplicates what it does by the ids derived from the key).
 */
export async function record(client: Client, call: IdempotentCall, response: StoredResponse): Promise<void> {
  const handle = client.workflow.getHandle(call.workflowId);
  if (response.status >= 500 || response.status === 429) {
    await handle.signal(releaseClaimSignal, { fingerprint: call.fingerprint });
  } else {
    await handle.signal(recordResponseSignal, { fingerprint: call.fingerprint, response });
  }
}
