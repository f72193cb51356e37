// Which of Honeybee's 422 codes are about the shipping address (docs/VENDOR-FACTS.md; every code's name is in
// src/vendors/honeybee/error-codes.ts): the one copy of this fact, for the prescription workflow (which offers a
// corrected address when Honeybee refuses an order) and anything else that asks. Codes arrive as numbers or strings.

/** 42221 Invalid address … 42231 State not shippable for this drug. */
const FIRST_ADDRESS_CODE = 42221;
const LAST_ADDRESS_CODE = 42231;
/** Shipping method not allowed for a PO box: another address (or method) settles it. */
const PO_BOX_CODE = 42293;

function numeric(code: number | string): number {
  return typeof code === 'number' ? code : /^\d+$/.test(code.trim()) ? Number(code) : NaN;
}

/** A code about the address itself (invalid, not found, not shippable). */
export function isHoneybeeAddressCode(code: number | string): boolean {
  const value = numeric(code);
  return value >= FIRST_ADDRESS_CODE && value <= LAST_ADDRESS_CODE;
}

/** A refusal an operator may settle by giving a corrected address: an address code, or a PO box. */
export function correctedAddressMaySettle(code: number | string): boolean {
  return isHoneybeeAddressCode(code) || numeric(code) === PO_BOX_CODE;
}
