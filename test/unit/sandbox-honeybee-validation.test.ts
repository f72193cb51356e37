import { describe, expect, it } from 'vitest';
import { parseCreateOrder } from '../../src/sandbox/honeybee/create-order.js';
import { checkAddress, isControlled, isValidPhone } from '../../src/sandbox/honeybee/validation.js';

const address = { street1: '1 Example Ave', city: 'Austin', state: 'tx', zip: '78701' };

describe('Honeybee simulator validation', () => {
  it('normalises a good address and reports every bad field with its own code', () => {
    expect(checkAddress(address)).toEqual({
      ok: true,
      address: { street1: '1 Example Ave', street2: null, city: 'Austin', state: 'TX', zip: '78701' },
    });
    const bad = checkAddress({ street1: '', city: '', state: 'QQ', zip: 'x', country: 'MX' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map((error) => error.code)).toEqual([42222, 42224, 42225, 42226, 42227]);
  });

  it('answers deliverability separately: not found, territory, PO box with a carrier', () => {
    const codes = (input: object, method?: number) => {
      const result = checkAddress({ ...address, ...input }, method);
      return result.ok ? [] : result.errors.map((error) => error.code);
    };
    expect(codes({ street1: '3 Nowhere Lane' })).toEqual([42230]);
    expect(codes({ state: 'GU' })).toEqual([42231]);
    expect(codes({ street1: 'P.O. Box 7' }, 1)).toEqual([]);
    expect(codes({ street1: 'P.O. Box 7' }, 3)).toEqual([42293]);
  });

  it('reads schedules as strings or numbers, and phones with punctuation', () => {
    expect([isControlled('0'), isControlled('C2'), isControlled(4), isControlled(6)]).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect([isValidPhone('(415) 555-0101'), isValidPhone('+1 415 555 0101'), isValidPhone('555')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('tells a malformed create (400) from a well-formed one with bad values (422)', () => {
    const malformed = parseCreateOrder({ items: [] });
    expect(!malformed.ok && malformed.reply.status).toBe(400);
    const unprocessable = parseCreateOrder({
      shipping: { method_id: 1 },
      patient: { patient_id: 7, gender: 'Q', patient_safety: {} },
      items: [{ prescription_id: 1, quantity: 1 }],
    });
    expect(!unprocessable.ok && unprocessable.reply).toMatchObject({
      status: 422,
      body: { errors: [{ code: 42205 }] },
    });
    const fine = parseCreateOrder({
      shipping: { method_id: 1 },
      patient: { patient_id: 7, patient_safety: { allergies: [] } },
      items: [{ prescription_id: 1, quantity: 2 }],
    });
    expect(fine).toEqual({
      ok: true,
      input: {
        shippingMethodId: 1,
        patientId: 7,
        items: [{ prescription_id: 1, quantity: 2 }],
        // Recorded exactly as sent (a list left out stays left out).
        patientSafety: { allergies: [] },
      },
    });
  });
});
