// The Idempotency-Key record (partnerApiIdempotencyWorkflow) on the run's dev server, through the bridge's own claim
// and record functions: the first claim proceeds, a second while it runs is told to wait, another request under the
// key is refused, a released claim proceeds again, a recorded answer is replayed, and once the record's lifetime is
// over the key is free for a new request. Garbage sent to its handlers changes nothing and never fails a task.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import {
  claim,
  record,
  type IdempotencySettings,
  type IdempotentCall,
} from '../../src/bridge/partner-api/idempotency.js';
import { PartnerApiError } from '../../src/bridge/partner-api/errors.js';
import { claimIdempotencyKeyUpdate, recordResponseSignal } from '../../workflows/partner-api/messages.js';
import { recordHistory } from '../harness/histories.js';
import { pollUntil } from '../harness/honeybee.js';
import { connectTestClient, createTestWorker, type TestWorker } from '../harness/temporal.js';

// A record lives its TTL from its first claim. Only the expiry test waits for one to end; the others make several
// calls that must all reach a living record, so theirs outlives the test (a 4 s one ended mid-test under load).
const LASTING_TTL_MS = 600_000;
const EXPIRING_TTL_MS = 15_000;

const started: string[] = [];

function call(name: string, fingerprint: string): IdempotentCall {
  const workflowId = `partner-api-idempotency-test-${name}-${Date.now()}`;
  started.push(workflowId);
  return {
    workflowId,
    fingerprint,
    updateId: 'unused',
    requestKey: 'unused',
  };
}

async function refusal(promise: Promise<unknown>): Promise<PartnerApiError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PartnerApiError);
  return error as PartnerApiError;
}

describe('Idempotency-Key record', () => {
  let client: Client;
  let worker: TestWorker;
  let running: Promise<void>;
  let settings: IdempotencySettings;
  let expiringSettings: IdempotencySettings;

  beforeAll(async () => {
    client = await connectTestClient();
    worker = await createTestWorker();
    running = worker.worker.run();
    settings = { taskQueue: worker.taskQueue, ttlMs: LASTING_TTL_MS, leaseMs: 60_000 };
    expiringSettings = { ...settings, ttlMs: EXPIRING_TTL_MS };
  });

  afterAll(async () => {
    // The lasting records (ended ones refuse, which is fine).
    await Promise.all(
      started.map((workflowId) =>
        client?.workflow
          .getHandle(workflowId)
          .terminate('test done')
          .catch(() => undefined),
      ),
    );
    worker?.worker.shutdown();
    await running;
    await worker?.close();
    await client?.connection.close();
  });

  it('proceeds once, makes a concurrent retry wait, refuses another request, replays the recorded answer', async () => {
    const first = call('a', 'fingerprint-1');
    expect(await claim(client, first, settings)).toBeUndefined();

    const waiting = await refusal(claim(client, first, settings));
    expect(waiting.status).toBe(409);
    expect(waiting.code).toBe('idempotency_in_progress');
    expect(waiting.retryAfterSeconds).toBeGreaterThan(0);

    const other = await refusal(claim(client, { ...first, fingerprint: 'fingerprint-2' }, settings));
    expect(other.status).toBe(422);

    await record(client, first, { status: 202, body: '{"accepted":true}' });
    expect(await claim(client, first, settings)).toEqual({ status: 202, body: '{"accepted":true}' });
    // The first answer stands: a later record (a racing bridge) does not replace it.
    await record(client, first, { status: 400, body: '{"error":{}}' });
    expect(await claim(client, first, settings)).toEqual({ status: 202, body: '{"accepted":true}' });
  });

  it('lets a retry act again at once after a transient failure (5xx), and records nothing for it', async () => {
    const flaky = call('b', 'fingerprint-1');
    expect(await claim(client, flaky, settings)).toBeUndefined();
    await record(client, flaky, { status: 503, body: '{"error":{"code":"temporal_unavailable"}}' });
    expect(await claim(client, flaky, settings)).toBeUndefined();
  });

  it('frees the key for a new request once the record has lived its TTL', async () => {
    const expiring = call('c', 'fingerprint-1');
    expect(await claim(client, expiring, expiringSettings)).toBeUndefined();
    await record(client, expiring, { status: 200, body: '{}' });
    expect(await claim(client, expiring, expiringSettings)).toEqual({ status: 200, body: '{}' });
    const handle = client.workflow.getHandle(expiring.workflowId);
    await pollUntil(
      'the record closed',
      async () => (await handle.describe()).status.name,
      (s) => s === 'COMPLETED',
      60_000,
    );
    await recordHistory(client, expiring.workflowId, 'partner-api-idempotency-replayed-then-expired');
    expect(await claim(client, { ...expiring, fingerprint: 'fingerprint-2' }, expiringSettings)).toBeUndefined();
  });

  it('ignores garbage on its handlers: the validator refuses a bad claim, a bad record changes nothing', async () => {
    const target = call('d', 'fingerprint-1');
    expect(await claim(client, target, settings)).toBeUndefined();
    const handle = client.workflow.getHandle(target.workflowId);
    await expect(
      handle.executeUpdate(claimIdempotencyKeyUpdate, { args: [{ fingerprint: '', leaseMs: -1 }] }),
    ).rejects.toThrow();
    for (const garbage of [null, 42, 'text', { fingerprint: 'fingerprint-1', response: { status: 'x' } }]) {
      await handle.signal(recordResponseSignal, garbage as never);
    }
    const waiting = await refusal(claim(client, target, settings));
    expect(waiting.status).toBe(409);
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.raw.pendingWorkflowTask?.attempt ?? 1).toBeLessThanOrEqual(1);
  });
});
