import { describe, expect, it } from 'vitest';
import {
  classifyOrderStatusChange,
  isKnownOrderStatus,
  isTerminalOrderStatus,
  normalizeOrderStatus,
} from '../../../src/domain/honeybee-order-status.js';

describe('normalizeOrderStatus', () => {
  it.each([
    ['Processing', 'Processing'],
    ['FILLING', 'Filling'],
    ['on hold', 'On Hold'],
    ['ON_HOLD', 'On Hold'],
    ['On-Hold', 'On Hold'],
    ['OnHold', 'On Hold'],
    [' shipped ', 'Shipped'],
    ['delivered', 'Delivered'],
    ['Cancelled', 'Canceled'],
    ['CANCELED', 'Canceled'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeOrderStatus(raw)).toBe(expected);
    expect(isKnownOrderStatus(normalizeOrderStatus(raw))).toBe(true);
  });

  it('keeps an unknown status as it came (trimmed)', () => {
    expect(normalizeOrderStatus('  Awaiting Pickup ')).toBe('Awaiting Pickup');
    expect(isKnownOrderStatus('Awaiting Pickup')).toBe(false);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'keeps %j as an unknown status (not a member of Object.prototype)',
    (raw) => {
      expect(normalizeOrderStatus(raw)).toBe(raw);
      expect(classifyOrderStatusChange('Filling', raw)).toBe('unknown');
    },
  );
});

describe('classifyOrderStatusChange', () => {
  it.each([
    ['Processing', 'Filling', 'forward'],
    ['Processing', 'On Hold', 'forward'],
    ['Filling', 'Shipped', 'forward'],
    ['On Hold', 'Canceled', 'forward'],
    ['Shipped', 'Delivered', 'forward'],
    ['Filling', 'On Hold', 'lateral'],
    ['On Hold', 'Filling', 'lateral'],
    ['Shipped', 'Shipped', 'same'],
    ['Cancelled', 'canceled', 'same'],
    ['Shipped', 'Filling', 'backward'],
    ['Filling', 'Processing', 'backward'],
    ['Delivered', 'Shipped', 'backward'],
    ['Delivered', 'Canceled', 'backward'],
    ['Canceled', 'Filling', 'backward'],
    ['Canceled', 'Delivered', 'backward'],
    ['Filling', 'Returned', 'unknown'],
    ['Mystery', 'Filling', 'unknown'],
    ['Mystery', 'mystery', 'unknown'],
    ['Mystery', 'Mystery', 'same'],
  ] as const)('%s → %s is %s', (from, to, expected) => {
    expect(classifyOrderStatusChange(from, to)).toBe(expected);
  });

  it('treats Delivered and Canceled (any spelling) as terminal', () => {
    expect(isTerminalOrderStatus('DELIVERED')).toBe(true);
    expect(isTerminalOrderStatus('Cancelled')).toBe(true);
    expect(isTerminalOrderStatus('Shipped')).toBe(false);
    expect(isTerminalOrderStatus('Unknown Thing')).toBe(false);
  });
});
