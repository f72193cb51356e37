// The one copy of which Honeybee codes concern the address: what the prescription workflow offers a corrected address
// for, and what it calls an address refusal.
import { describe, expect, it } from 'vitest';
import { correctedAddressMaySettle, isHoneybeeAddressCode } from '../../../src/domain/honeybee-address-codes.js';
import { HONEYBEE_ERROR_CODES } from '../../../src/vendors/honeybee/error-codes.js';

describe('Honeybee address codes', () => {
  it('are the documented address codes 42221–42231, as numbers or strings', () => {
    const address = Object.keys(HONEYBEE_ERROR_CODES).filter((code) => isHoneybeeAddressCode(code));
    expect(address).toEqual([
      '42221',
      '42222',
      '42223',
      '42224',
      '42225',
      '42226',
      '42227',
      '42228',
      '42229',
      '42230',
      '42231',
    ]);
    expect(address.every((code) => /address|shippable/i.test(HONEYBEE_ERROR_CODES[Number(code)] ?? ''))).toBe(true);
    expect(isHoneybeeAddressCode(42230)).toBe(true);
    expect(isHoneybeeAddressCode('42201')).toBe(false);
    expect(isHoneybeeAddressCode('4223x')).toBe(false);
  });

  it('a corrected address may also settle a PO box refusal, not an email one', () => {
    expect(correctedAddressMaySettle('42293')).toBe(true);
    expect(correctedAddressMaySettle(42231)).toBe(true);
    expect(correctedAddressMaySettle(42201)).toBe(false);
  });
});
