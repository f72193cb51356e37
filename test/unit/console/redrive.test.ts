// A console re-drive (src/console/redrive.ts) refuses a kept body that does not match the hash it was parked with,
// in the same words as `fulfill parked redrive` and /api/parked: nothing reaches the webhook pipeline.
import { describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { VendorWebhookSpec, WebhookPipelineDependencies } from '../../../src/bridge/webhook-pipeline.js';
import { redriveHeadline, redriveParkedEvent } from '../../../src/console/redrive.js';
import type { ParkedEventBody } from '../../../src/operators/parked-events.js';

const UNVERIFIED: ParkedEventBody = {
  event: {
    id: `dl.${'a'.repeat(40)}`,
    source: 'dead-letter',
    vendor: 'honeybee',
    topic: 'RX_UPDATED',
    reason: 'no route for event type RX_UPDATED',
    receivedAt: '2026-12-07T10:00:00.000Z',
    where: 'dead-letter-honeybee-0123abcd-2026-12-07',
    bodyHash: 'b'.repeat(64),
    informational: false,
  },
  body: Buffer.from('{"event_type":"RX_UPDATED","order_number":"HB1"}'),
  verified: false,
};

/** Any use of the pipeline or Temporal fails the test. */
const untouchable = new Proxy(
  {},
  {
    get(_target, name) {
      throw new Error(`the re-drive used ${String(name)}`);
    },
  },
);

describe('a console re-drive', () => {
  it('refuses a body that does not match its hash, without handing it to the pipeline', async () => {
    const spec = { vendor: 'honeybee', describe: () => 'RX_UPDATED' } as unknown as VendorWebhookSpec;
    const outcome = await redriveParkedEvent(
      UNVERIFIED,
      untouchable as Client,
      { specs: [spec], pipeline: untouchable as WebhookPipelineDependencies, taskQueue: 'engine' },
      { id: 'request-1', log: untouchable as FastifyBaseLogger },
    );
    expect(outcome).toEqual({
      sent: false,
      status: 409,
      delivered: false,
      workflowIds: [],
      summary: 'its body does not match the hash it was parked with',
    });
    expect(redriveHeadline(outcome)).toBe('Not re-driven: its body does not match the hash it was parked with');
  });
});
