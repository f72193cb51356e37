import { describe, expect, it } from 'vitest';
import {
  classifyFulfillmentStatusChange,
  classifyKitStatusChange,
  normalizeOnegevityStatus,
} from '../../../src/domain/onegevity-status.js';
import {
  fulfillmentRequestIdentifier,
  isLabOrderIdentifier,
  labOrderIdentifier,
  orderIdentifierFromRequestorId,
  REQUEST_IDENTIFIER_PATTERN,
} from '../../../src/domain/lab-order-identifiers.js';

const HEX = '0123456789abcdef01234567';
const ORDER = `lab${HEX}`;

describe('Onegevity statuses', () => {
  it('normalises casing, separators and the British spelling, and keeps unknown values', () => {
    expect(normalizeOnegevityStatus('not activated')).toBe('NOT_ACTIVATED');
    expect(normalizeOnegevityStatus('At-Lab')).toBe('AT_LAB');
    expect(normalizeOnegevityStatus('Cancelled')).toBe('CANCELED');
    expect(normalizeOnegevityStatus(' lost_in_transit ')).toBe('LOST_IN_TRANSIT');
  });

  it.each([
    ['UNREGISTERED', 'ACTIVATED', 'forward'],
    ['NOT_ACTIVATED', 'ACTIVATED', 'forward'],
    ['activated', 'AT_LAB', 'forward'],
    ['AT_LAB', 'COMPLETED', 'forward'],
    ['AT_LAB', 'ACTIVATED', 'backward'],
    ['COMPLETED', 'AT_LAB', 'backward'],
    ['ACTIVATED', 'Activated', 'same'],
    ['ACTIVATED', 'RECALLED', 'unknown'],
  ] as const)('kit %s → %s is %s', (from, to, expected) => {
    expect(classifyKitStatusChange(from, to)).toBe(expected);
  });

  it.each([
    ['REQUESTED', 'ACCEPTED', 'forward'],
    ['ACCEPTED', 'SHIPPED', 'forward'],
    ['REQUESTED', 'REJECTED', 'forward'],
    ['ACCEPTED', 'Cancelled', 'forward'],
    ['SHIPPED', 'ACCEPTED', 'backward'],
    ['SHIPPED', 'CANCELED', 'backward'],
    ['REJECTED', 'ACCEPTED', 'backward'],
    ['CANCELED', 'SHIPPED', 'backward'],
    ['REQUESTED', 'ON_HOLD', 'unknown'],
  ] as const)('fulfillment %s → %s is %s', (from, to, expected) => {
    expect(classifyFulfillmentStatusChange(from, to)).toBe(expected);
  });
});

describe('lab order identifiers (WIRE-CONTRACT "Engine identifiers")', () => {
  it('builds "lab" + 24 lowercase hex, 27 characters, and refuses anything else', () => {
    expect(labOrderIdentifier(HEX)).toBe(ORDER);
    expect(ORDER).toHaveLength(27);
    expect(isLabOrderIdentifier(ORDER)).toBe(true);
    expect(() => labOrderIdentifier(HEX.toUpperCase())).toThrow(/24 lowercase hex/);
    expect(() => labOrderIdentifier(HEX.slice(1))).toThrow(/24 lowercase hex/);
  });

  it('reuses the order identifier for the first fulfillment request and appends R{n} for resubmissions', () => {
    expect(fulfillmentRequestIdentifier(ORDER, 1)).toBe(ORDER);
    expect(fulfillmentRequestIdentifier(ORDER, 2)).toBe(`${ORDER}R2`);
    expect(fulfillmentRequestIdentifier(ORDER, 12)).toBe(`${ORDER}R12`);
    expect(() => fulfillmentRequestIdentifier(ORDER, 0)).toThrow();
    expect(() => fulfillmentRequestIdentifier(ORDER, 1.5)).toThrow();
    for (const attempt of [1, 2, 99]) {
      expect(REQUEST_IDENTIFIER_PATTERN.test(fulfillmentRequestIdentifier(ORDER, attempt))).toBe(true);
    }
  });

  it('routes a requestorId to its order by the part before R{n}', () => {
    expect(orderIdentifierFromRequestorId(ORDER)).toBe(ORDER);
    expect(orderIdentifierFromRequestorId(`${ORDER}R2`)).toBe(ORDER);
    expect(orderIdentifierFromRequestorId(`${ORDER}R31`)).toBe(ORDER);
    // Not engine resubmissions: kept whole.
    expect(orderIdentifierFromRequestorId(`${ORDER}R1`)).toBe(`${ORDER}R1`);
    expect(orderIdentifierFromRequestorId(`${ORDER}R02`)).toBe(`${ORDER}R02`);
    expect(orderIdentifierFromRequestorId('F87101')).toBe('F87101');
    expect(orderIdentifierFromRequestorId('ORDER77R5')).toBe('ORDER77R5');
  });
});
