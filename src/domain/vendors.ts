// The vendors the engine works with. Vendor names belong to vendor-facing code (clients, webhooks, sandbox, ids that
// carry the vendor's own identifiers); workflows and activities are named for the business (prescription, order, lab
// order). Pure: workflows import it.
export const VENDORS = ['honeybee', 'onegevity'] as const;

export type Vendor = (typeof VENDORS)[number];

export function isVendor(value: unknown): value is Vendor {
  return (VENDORS as readonly unknown[]).includes(value);
}
