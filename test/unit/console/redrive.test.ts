// A console re-drive (src/console/redrive.ts) is the engine's one re-drive (src/operators/parked-events.ts, tested
// against the dev server in test/integration/dead-letter-bounded.test.ts and operator-console.test.ts): here, how
// each of its outcomes, and Temporal's answers, read on the page.
import { describe, expect, it } from 'vitest';
import { TemporalRefusedError, TemporalUnavailableError } from '../../../src/bridge/temporal-delivery.js';
import { redriveFromConsole, redriveHeadline } from '../../../src/console/redrive.js';
import type { ParkedEvent, ParkedEvents } from '../../../src/operators/parked-events.js';

const EVENT = { id: `dl.${'a'.repeat(40)}` } as ParkedEvent;

function parkedAnswering(redrive: ParkedEvents['redrive']): ParkedEvents {
  return { redrive } as ParkedEvents;
}

describe('a console re-drive', () => {
  it('says where a delivered event went, and why a refused one was not sent', async () => {
    const delivered = await redriveFromConsole(
      parkedAnswering(async () => ({ kind: 'delivered', event: EVENT, workflowIds: ['honeybee-order-HB1'] })),
      EVENT.id,
      'key:supervisor',
    );
    expect(delivered && redriveHeadline(delivered)).toBe('Re-driven: delivered to honeybee-order-HB1');
    const refused = await redriveFromConsole(
      parkedAnswering(async () => ({
        kind: 'refused',
        event: EVENT,
        reason: 'its body does not match the hash it was parked with',
      })),
      EVENT.id,
      'key:supervisor',
    );
    expect(refused).toMatchObject({ delivered: false, workflowIds: [] });
    expect(refused && redriveHeadline(refused)).toBe(
      'Not re-driven: its body does not match the hash it was parked with',
    );
    expect(
      await redriveFromConsole(
        parkedAnswering(async () => undefined),
        EVENT.id,
        'x',
      ),
    ).toBeUndefined();
  });

  it('says when Temporal cannot take it now or refuses it for good; anything else is the page’s error', async () => {
    const later = await redriveFromConsole(
      parkedAnswering(() => Promise.reject(new TemporalUnavailableError('deadline exceeded'))),
      EVENT.id,
      'x',
    );
    expect(later && redriveHeadline(later)).toBe('Not re-driven: Temporal could not take it now: try again later');
    const refused = await redriveFromConsole(
      parkedAnswering(() =>
        Promise.reject(new TemporalRefusedError('Blob data size exceeds limit', 413, 'payload_too_large')),
      ),
      EVENT.id,
      'x',
    );
    expect(refused?.summary).toBe('Temporal refused it (payload_too_large): Blob data size exceeds limit');
    await expect(
      redriveFromConsole(
        parkedAnswering(() => Promise.reject(new Error('boom'))),
        EVENT.id,
        'x',
      ),
    ).rejects.toThrow('boom');
  });
});
