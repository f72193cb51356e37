// Honeybee order exception reasons (seed: "Order Exception Reasons", ids 64–80) and the order actions that resolve
// them. The reasons are the vendor's; the action keys and their fields are ASSUMED (VENDOR-FACTS.md) until Honeybee
// confirms them, and live only here. The order_actions carried by an ORDER_EXCEPTION event are authoritative: this
// table is what the sandbox offers, and what the engine offers when an exception comes with no actions (so every
// hold can be resolved: an unknown reason still offers cancel_order). Pure: the order workflow imports it.
import type { OfferedAction } from './honeybee-events.js';

export interface OrderActionSpec {
  action: string;
  description: string;
  /** Fields the action requires in its request body. */
  fields: readonly string[];
}

export interface ExceptionReason {
  id: number;
  name: string;
  description: string;
  actions: readonly OrderActionSpec[];
}

const cancelOrder: OrderActionSpec = {
  action: 'cancel_order',
  description: 'Cancel the order',
  fields: ['reason'],
};

const updateAddress: OrderActionSpec = {
  action: 'update_shipping_address',
  description: 'Provide a corrected shipping address',
  fields: ['address'],
};

function reason(id: number, name: string, description: string, actions: OrderActionSpec[]): ExceptionReason {
  return { id, name, description, actions: [...actions, cancelOrder] };
}

export const EXCEPTION_REASONS: readonly ExceptionReason[] = [
  reason(64, 'Partner Hold', 'Partner placed this order on hold', [
    { action: 'release_hold', description: 'Release the partner hold', fields: [] },
  ]),
  reason(65, 'Missing Email', 'Email needs to be updated for the patient', [
    { action: 'update_patient_email', description: "Provide the patient's email", fields: ['email'] },
  ]),
  reason(66, 'Missing Shipping Address', 'Shipping address needs to be added to the order', [updateAddress]),
  reason(67, 'State Invalid', 'State needs to be updated on the order', [updateAddress]),
  reason(68, 'Duplicate Order', 'Order is suspected of being duplicated', [
    { action: 'confirm_not_duplicate', description: 'Confirm this order is not a duplicate', fields: [] },
  ]),
  reason(69, 'Sig Requires Clarification', 'Sig needs to be updated and a new script needs to be sent', [
    { action: 'new_rx_sent', description: 'Confirm a corrected prescription was sent', fields: [] },
  ]),
  reason(70, 'DAW Confirmation Required', 'DAW confirmation is required', [
    { action: 'confirm_daw', description: 'Confirm dispense as written', fields: [] },
  ]),
  reason(71, 'DOB Verification Required', 'DOB must be re-verified', [
    { action: 'confirm_dob', description: "Confirm the patient's date of birth", fields: ['dob'] },
  ]),
  reason(72, 'Qty Verification Required', 'Quantity must be verified', [
    { action: 'confirm_quantity', description: 'Confirm the quantity', fields: ['quantity'] },
  ]),
  reason(73, 'Missing Rx', 'The Rx is missing for some items in the order', [
    { action: 'new_rx_sent', description: 'Confirm the missing prescription was sent', fields: [] },
  ]),
  reason(74, 'Allergy Detected', 'Allergies to a drug in the order are detected', [
    { action: 'override_allergy', description: 'Prescriber overrides the allergy alert', fields: ['prescriber_note'] },
  ]),
  reason(75, 'Drug Interaction Found', 'A drug interaction was found', [
    {
      action: 'acknowledge_interaction',
      description: 'Prescriber acknowledges the interaction',
      fields: ['prescriber_note'],
    },
  ]),
  reason(76, 'Inventory Delayed', 'Some items in your order have delays with their inventory', [
    { action: 'accept_delay', description: 'Accept the inventory delay', fields: [] },
  ]),
  reason(77, 'Address Invalid', 'The address on the order is not valid', [
    updateAddress,
    { action: 'accept_suggested_address', description: "Accept the pharmacy's suggested address", fields: [] },
  ]),
  reason(78, 'Missing Address Unit Number', 'The address on the order requires an apartment number', [updateAddress]),
  reason(79, '"Ship to" Name Truncated', '"Ship to" name exceeds max character limit', [
    { action: 'update_ship_to_name', description: 'Provide a shorter ship-to name', fields: ['name'] },
  ]),
  reason(80, 'Payment Declined', 'Payment was declined (Only applies to orders paid by patient)', [
    { action: 'retry_payment', description: 'Retry the payment', fields: [] },
  ]),
];

const BY_ID = new Map(EXCEPTION_REASONS.map((entry) => [entry.id, entry]));

/** The known reason for an id, or undefined: reasons are an open set and unknown ids must be handled, not crash. */
export function exceptionReasonById(id: number): ExceptionReason | undefined {
  return BY_ID.get(id);
}

/**
 * The actions the engine offers for an exception Honeybee raised without `order_actions`: the reason's own (the
 * table above), else only `cancel_order`. `code` is the exception id as the engine keeps it (text: "74").
 */
export function fallbackOrderActions(code: string): OfferedAction[] {
  const id = /^\d+$/.test(code.trim()) ? Number(code.trim()) : NaN;
  const actions = exceptionReasonById(id)?.actions ?? [cancelOrder];
  return actions.map((spec) => ({ action: spec.action, description: spec.description, fields: [...spec.fields] }));
}
