// Honeybee 422 error codes (VENDOR-FACTS.md). 42250 is ASSUMED: the code for an order action that the exception did
// not offer. Codes are an open set: an unknown code is kept and shown, never a crash.
export const HONEYBEE_ERROR_CODES: Readonly<Record<number, string>> = {
  42201: 'Invalid email',
  42202: 'Invalid first name',
  42203: 'Invalid last name',
  42204: 'Invalid phone',
  42205: 'Invalid gender (M, F or N)',
  42206: 'Invalid patient id',
  42208: 'Invalid identity documents',
  42216: 'Invalid document type',
  42221: 'Invalid address',
  42222: 'Invalid address: street',
  42223: 'Invalid address: street line 2',
  42224: 'Invalid address: city',
  42225: 'Invalid address: state',
  42226: 'Invalid address: country',
  42227: 'Invalid address: zip',
  42228: 'Order already shipped: address cannot change',
  42229: 'Controlled-substance address change needs approval',
  42230: 'Address not found',
  42231: 'State not shippable for this drug',
  42241: 'Invalid item NDC',
  42250: 'Order action not offered for this exception (ASSUMED)',
  42293: 'Shipping method not allowed for a PO box',
};

/** Address problems an operator can fix by supplying a corrected address. */
export function isAddressErrorCode(code: number): boolean {
  return code >= 42221 && code <= 42231;
}
