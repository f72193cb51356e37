// The console's queue (src/console/queue.ts) lists the parked events an operator must act on, as `fulfill parked`,
// `fulfill holds` and the partner API's /api/operator-queue count them: not those kept for the record only
// (informational), nor those an operator has re-driven already.
import { describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { readQueue } from '../../../src/console/queue.js';
import { awaitingOperator, type ParkedEvent, type ParkedEvents } from '../../../src/operators/parked-events.js';

/** A Temporal client with nothing on hold and nothing running: the queue's rows are the parked events alone. */
const idleClient = {
  workflow: {
    list: () => ({
      async *[Symbol.asyncIterator]() {},
    }),
  },
} as unknown as Client;

function parkedEvent(id: string, overrides: Partial<ParkedEvent>): ParkedEvent {
  return {
    id,
    source: 'dead-letter',
    vendor: 'onegevity',
    topic: 'lab_order.updated',
    reason: 'no workflow for lab order LAB1',
    receivedAt: '2026-12-07T10:00:00.000Z',
    where: 'dead-letter-onegevity-x-2026-12-07',
    informational: false,
    ...overrides,
  };
}

const waiting = parkedEvent(`dl.${'1'.repeat(40)}`, { receivedAt: '2026-12-07T10:00:03.000Z' });
const events: ParkedEvent[] = [
  parkedEvent(`dl.${'2'.repeat(40)}`, {
    topic: 'patient.created',
    reason: 'informational: patient.created is not needed by any workflow',
    receivedAt: '2026-12-07T10:00:01.000Z',
    informational: true,
  }),
  parkedEvent(`dl.${'3'.repeat(40)}`, {
    topic: 'patient.created',
    reason: 'informational: patient.created is not needed by any workflow',
    receivedAt: '2026-12-07T10:00:02.000Z',
    informational: true,
  }),
  waiting,
  parkedEvent(`dl.${'4'.repeat(40)}`, {
    receivedAt: '2026-12-07T10:00:04.000Z',
    redriven: { workflowIds: ['onegevity-order-LAB1'], operator: 'key:supervisor', at: '2026-12-07T11:00:00.000Z' },
  }),
];

const parked: ParkedEvents = {
  list: async () => ({ events, problems: [] }),
  read: () => Promise.reject(new Error('not used')),
  redrive: () => Promise.reject(new Error('not used')),
  recordRedrive: () => Promise.reject(new Error('not used')),
};

describe('the console queue', () => {
  it('lists only the parked events waiting for an operator, as the CLI and the partner API count them', async () => {
    expect(awaitingOperator(events)).toEqual([waiting]);
    for (const kind of ['all', 'parked'] as const) {
      const reading = await readQueue(idleClient, parked, { kind });
      expect(reading.problems, kind).toEqual([]);
      expect(
        reading.rows.map((row) => row.id),
        kind,
      ).toEqual([waiting.id]);
      expect(reading.rows[0], kind).toMatchObject({ kind: 'parked', href: `/console/parked/${waiting.id}` });
      expect(reading.totals, kind).toEqual({ holds: 0, stuck: 0, parked: 1 });
    }
  });
});
