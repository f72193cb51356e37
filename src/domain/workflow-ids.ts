// Workflow ids are derived from vendor ids only (no PHI), so an early or late event always finds its workflow by
// signal-with-start. Pure module: workflows import it.
import type { Vendor } from './vendors.js';

export function prescriptionWorkflowId(prescriptionId: string | number): string {
  return `honeybee-rx-${prescriptionId}`;
}

export function honeybeeOrderWorkflowId(orderNumber: string): string {
  return `honeybee-order-${orderNumber}`;
}

export function labOrderWorkflowId(orderIdentifier: string): string {
  return `onegevity-order-${orderIdentifier}`;
}

/** Dead-letter workflows are sharded by vendor and UTC day so none of them grows without bound. */
export function deadLetterWorkflowId(vendor: Vendor, isoDay: string): string {
  return `dead-letter-${vendor}-${isoDay}`;
}
