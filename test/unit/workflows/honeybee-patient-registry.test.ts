// The patient registry's arithmetic (workflows/honeybee/patient-registry.ts): what a run carries into continue-as-new
// stays within its budget whatever the ids, the surplus is handed on in bounded chunks with nothing left out, and a
// hand-started input cannot raise the budget or name a segment out of range.
import { describe, expect, it } from 'vitest';
import { honeybeePatientRegistryWorkflowId } from '../../../src/domain/workflow-ids.js';
import {
  CARRIED_BYTES,
  MIN_CARRIED_BYTES,
  budgetFrom,
  bytesOf,
  carriedCount,
  forwardChunk,
  segmentFrom,
} from '../../../workflows/honeybee/patient-registry.js';

const longest = (i: number) => i.toString(36).padStart(64, 'x');

describe('the patient registry', () => {
  it('carries at most its budget, as JSON writes the ids, and never past the 2 MiB payload limit', () => {
    const ids = Array.from({ length: 40_000 }, (_, i) => longest(i));
    const kept = carriedCount(ids, CARRIED_BYTES);
    expect(kept).toBeLessThan(ids.length);
    expect(bytesOf(ids.slice(0, kept))).toBeLessThanOrEqual(CARRIED_BYTES);
    expect(bytesOf(ids.slice(0, kept + 1))).toBeGreaterThan(CARRIED_BYTES);
    expect(Buffer.byteLength(JSON.stringify({ patientIds: ids.slice(0, kept) }))).toBeLessThan(2 * 1024 * 1024);
    expect(carriedCount(['1', '2'], CARRIED_BYTES)).toBe(2);
  });

  it('hands the surplus on in chunks of a bounded size, each id once, none left out', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => longest(i));
    const chunks: string[][] = [];
    for (let from = 0; from < ids.length; from += chunks.at(-1)!.length) chunks.push(forwardChunk(ids, from, 10_000));
    expect(chunks.flat()).toEqual(ids);
    expect(chunks.every((chunk) => bytesOf(chunk) <= 10_000 && chunk.length > 0)).toBe(true);
    // An id larger than the chunk still goes (alone), so forwarding always moves on.
    expect(forwardChunk(['a'.repeat(64)], 0, 10)).toEqual(['a'.repeat(64)]);
  });

  it('reads a budget and a segment from an untrusted input within bounds', () => {
    expect([undefined, 'x', 1.5, 10 * CARRIED_BYTES, 0].map(budgetFrom)).toEqual([
      CARRIED_BYTES,
      CARRIED_BYTES,
      CARRIED_BYTES,
      CARRIED_BYTES,
      MIN_CARRIED_BYTES,
    ]);
    expect([undefined, -1, 2.5, 3, 10_001, '4'].map(segmentFrom)).toEqual([0, 0, 0, 3, 0, 0]);
  });

  it("keeps the first segment's id; the others cannot collide with another task queue's", () => {
    expect(honeybeePatientRegistryWorkflowId('fulfillment')).toBe('honeybee-patients-fulfillment');
    expect(honeybeePatientRegistryWorkflowId('fulfillment', 2)).toBe('honeybee-patients+2-fulfillment');
    expect(honeybeePatientRegistryWorkflowId('2-fulfillment')).not.toBe(
      honeybeePatientRegistryWorkflowId('fulfillment', 2),
    );
  });
});
