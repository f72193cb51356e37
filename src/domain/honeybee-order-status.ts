// Honeybee order statuses (per dispense, and the order's overall status): reading them leniently and ordering them,
// so a late or repeated webhook never moves an order backwards. Pure module: workflows import it.
//
// The vendor writes title case (`Processing`, `On Hold`, …); we compare case-insensitively, accept `Cancelled` for
// `Canceled`, and keep any value we do not know as it came (statuses are an open set).

import { ownEntry } from './own-entry.js';

export const HoneybeeOrderStatus = {
  Processing: 'Processing',
  Filling: 'Filling',
  OnHold: 'On Hold',
  Shipped: 'Shipped',
  Delivered: 'Delivered',
  Canceled: 'Canceled',
} as const;

export type KnownHoneybeeOrderStatus = (typeof HoneybeeOrderStatus)[keyof typeof HoneybeeOrderStatus];

const CANONICAL: Readonly<Record<string, KnownHoneybeeOrderStatus>> = {
  processing: 'Processing',
  filling: 'Filling',
  onhold: 'On Hold',
  hold: 'On Hold',
  shipped: 'Shipped',
  delivered: 'Delivered',
  canceled: 'Canceled',
  cancelled: 'Canceled',
};

/**
 * The canonical spelling of a known status (`ON_HOLD`, `on hold`, `On-Hold` → `On Hold`; `Cancelled` → `Canceled`),
 * or the trimmed input when the status is unknown.
 */
export function normalizeOrderStatus(value: string): string {
  const trimmed = value.trim();
  const key = trimmed.toLowerCase().replace(/[\s_-]+/g, '');
  // A vendor's "constructor" is an unknown status, not Object's.
  return ownEntry(CANONICAL, key) ?? trimmed;
}

export function isKnownOrderStatus(value: string): value is KnownHoneybeeOrderStatus {
  return Object.values<string>(HoneybeeOrderStatus).includes(value);
}

/**
 * How far along an order is. `Filling` and `On Hold` share a stage: a pharmacist may put a filling order on hold and
 * an order action sends it back to filling. `Delivered` and `Canceled` are terminal.
 */
const STAGE: Readonly<Record<KnownHoneybeeOrderStatus, number>> = {
  Processing: 1,
  Filling: 2,
  'On Hold': 2,
  Shipped: 3,
  Delivered: 4,
  Canceled: 4,
};

export function isTerminalOrderStatus(status: string): boolean {
  const normalized = normalizeOrderStatus(status);
  return normalized === 'Delivered' || normalized === 'Canceled';
}

/**
 * - `forward`: the new status is further along; apply it.
 * - `lateral`: same stage, different status (`Filling` ⇄ `On Hold`); apply it only when the event is newer than the
 *   one that set the current status (compare the events' timestamps).
 * - `same`: nothing changes (a duplicate).
 * - `backward`: a late event; keep the current status. Leaving a terminal status is always backward.
 * - `unknown`: one of the two is not a status we know; keep the raw value for the record, change no state.
 */
export type OrderStatusChange = 'forward' | 'lateral' | 'same' | 'backward' | 'unknown';

export function classifyOrderStatusChange(current: string, incoming: string): OrderStatusChange {
  const from = normalizeOrderStatus(current);
  const to = normalizeOrderStatus(incoming);
  if (!isKnownOrderStatus(from) || !isKnownOrderStatus(to)) return from === to ? 'same' : 'unknown';
  if (from === to) return 'same';
  if (isTerminalOrderStatus(from)) return 'backward';
  const difference = STAGE[to] - STAGE[from];
  if (difference > 0) return 'forward';
  return difference === 0 ? 'lateral' : 'backward';
}
