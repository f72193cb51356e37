// Request validation of the simulated Honeybee, answering with the vendor's documented 422 codes
// (src/vendors/honeybee/error-codes.ts). Deterministic rules stand in for the pharmacy's real checks, so scenarios
// can provoke each answer: a street containing "Nowhere" is not found (42230), territories are not shippable (42231),
// a PO box needs shipping method 1 (42293), and controlled substances cannot change address (42229).
import { codedError, type ErrorDetail, type HoneybeeError } from './errors.js';
import type { HoneybeeAddress } from './model.js';

export const US_STATES: ReadonlySet<string> = new Set(
  (
    'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK ' +
    'OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP'
  ).split(' '),
);

/** Valid states the pharmacy does not ship to (42231). */
export const UNSHIPPABLE_STATES: ReadonlySet<string> = new Set(['PR', 'GU', 'VI', 'AS', 'MP']);

/** Shipping methods: 1 USPS (PO boxes allowed), 2 UPS Ground, 3 UPS Next Day Air. */
export const SHIPPING_METHOD_IDS: ReadonlySet<number> = new Set([1, 2, 3]);

const UNDELIVERABLE_STREET = /\bnowhere\b/i;
const PO_BOX = /^\s*p\.?\s*o\.?\s*box\b/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAME = /^[\p{L}][\p{L} .'-]{0,34}$/u;
const ZIP = /^\d{5}(-\d{4})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= max;
}

export function isValidEmail(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && EMAIL.test(value);
}

export function isValidName(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value.trim());
}

/** Ten digits (an optional leading US country code 1), any punctuation. */
export function isValidPhone(value: unknown): value is string {
  if (typeof value !== 'string' || !/^[\d\s()+.-]+$/.test(value)) return false;
  const digits = value.replace(/\D/g, '');
  return digits.length === 10 || (digits.length === 11 && digits.startsWith('1'));
}

export function isValidDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export type AddressCheck = { ok: true; address: HoneybeeAddress } | { ok: false; errors: HoneybeeError[] };

/**
 * Validates an address: its shape field by field (42221–42227), then whether the pharmacy can ship there (42230,
 * 42231, and 42293 for a PO box with a method other than USPS).
 */
export function checkAddress(input: unknown, shippingMethodId?: number): AddressCheck {
  if (!isRecord(input)) {
    return { ok: false, errors: [codedError(42221, [{ field: 'address', message: 'must be an object' }])] };
  }
  const errors: HoneybeeError[] = [];
  const fail = (code: number, field: string, message: string) => errors.push(codedError(code, [{ field, message }]));
  if (!nonEmptyString(input.street1, 100)) fail(42222, 'street1', 'is required (at most 100 characters)');
  if (input.street2 !== undefined && input.street2 !== null && typeof input.street2 !== 'string') {
    fail(42223, 'street2', 'must be a string or null');
  } else if (typeof input.street2 === 'string' && input.street2.length > 100) {
    fail(42223, 'street2', 'must be at most 100 characters');
  }
  if (!nonEmptyString(input.city, 60)) fail(42224, 'city', 'is required (at most 60 characters)');
  if (typeof input.state !== 'string' || !US_STATES.has(input.state.toUpperCase())) {
    fail(42225, 'state', 'must be a two-letter US state code');
  }
  if (input.country !== undefined && input.country !== 'US') fail(42226, 'country', 'must be US');
  if (typeof input.zip !== 'string' || !ZIP.test(input.zip)) fail(42227, 'zip', 'must be 5 digits or ZIP+4');
  if (input.first_name !== undefined && !isValidName(input.first_name)) {
    fail(42202, 'first_name', 'must be a name of at most 35 characters');
  }
  if (input.last_name !== undefined && !isValidName(input.last_name)) {
    fail(42203, 'last_name', 'must be a name of at most 35 characters');
  }
  if (input.phone !== undefined && input.phone !== null && !isValidPhone(input.phone)) {
    fail(42204, 'phone', 'must be a 10-digit US phone number');
  }
  if (errors.length > 0) return { ok: false, errors };

  const address: HoneybeeAddress = {
    street1: (input.street1 as string).trim(),
    street2: typeof input.street2 === 'string' && input.street2.trim() ? input.street2.trim() : null,
    city: (input.city as string).trim(),
    state: (input.state as string).toUpperCase(),
    zip: input.zip as string,
  };
  return checkDeliverable(address, shippingMethodId);
}

/** The shipping checks alone, for an address already on file. */
export function checkDeliverable(address: HoneybeeAddress, shippingMethodId?: number): AddressCheck {
  const errors: HoneybeeError[] = [];
  if (UNDELIVERABLE_STREET.test(address.street1)) {
    errors.push(codedError(42230, [{ field: 'street1', message: 'the address could not be found' }]));
  }
  if (UNSHIPPABLE_STATES.has(address.state)) {
    errors.push(codedError(42231, [{ field: 'state', message: `${address.state} is not shippable for this drug` }]));
  }
  if (shippingMethodId !== undefined && shippingMethodId !== 1 && PO_BOX.test(address.street1)) {
    errors.push(codedError(42293, [{ field: 'street1', message: 'PO boxes need shipping method 1 (USPS)' }]));
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, address };
}

/** A controlled substance (DEA schedule II–V): its address cannot change without approval (42229). */
export function isControlled(schedule: string | number): boolean {
  const value = typeof schedule === 'number' ? schedule : Number(schedule.replace(/^C/i, ''));
  return Number.isInteger(value) && value >= 2 && value <= 5;
}

export function detail(field: string, message: string): ErrorDetail {
  return { field, message };
}
