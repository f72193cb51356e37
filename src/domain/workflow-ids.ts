// Workflow ids are derived from vendor ids only (no PHI), so an early or late event always finds its workflow by
// signal-with-start. Pure module: workflows import it.
import type { Vendor } from './vendors.js';

/**
 * A vendor id the engine names a workflow after (and the partner API addresses): letters, digits, `_` and `-`, 1 to 64.
 * Anything else (spaces, slashes, control or non-ASCII characters) would reach workflow ids, URLs and the partner's
 * `webhook-id` header: an event naming one is parked for an operator instead.
 */
export const VENDOR_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isVendorIdFitForWorkflowId(id: string): boolean {
  return VENDOR_ID_PATTERN.test(id);
}

export function prescriptionWorkflowId(prescriptionId: string | number): string {
  return `honeybee-rx-${prescriptionId}`;
}

export function honeybeeOrderWorkflowId(orderNumber: string): string {
  return `honeybee-order-${orderNumber}`;
}

export function labOrderWorkflowId(orderIdentifier: string): string {
  return `onegevity-order-${orderIdentifier}`;
}

/**
 * Dead-letter workflows are sharded by vendor and UTC day so none of them grows without bound, and kept per engine
 * (`engine`: the engine key of its task queue, src/temporal/engine-key.ts) so engines sharing a namespace neither
 * park in nor wait on each other's days.
 */
export function deadLetterWorkflowId(vendor: Vendor, engine: string, isoDay: string): string {
  return `dead-letter-${vendor}-${engine}-${isoDay}`;
}

/**
 * The Honeybee patients this engine knows (their ids live only in the workflows' encrypted state) and the schedule that
 * sweeps them for prescriptions whose RX_RECEIVED never arrived. One of each per task queue: engines sharing a
 * namespace keep their own. The registry is a chain of segments, each carrying a bounded share of the ids
 * (workflows/honeybee-patients.ts).
 */
export function honeybeePatientRegistryWorkflowId(taskQueue: string, segment = 0): string {
  // Segment 0 keeps the id it always had; the others' prefix differs from it, so no task queue name can make a
  // segment's id collide with another queue's registry.
  return segment === 0 ? `honeybee-patients-${taskQueue}` : `honeybee-patients+${segment}-${taskQueue}`;
}

export function honeybeeRxSweepScheduleId(taskQueue: string): string {
  return `honeybee-rx-sweep-${taskQueue}`;
}
