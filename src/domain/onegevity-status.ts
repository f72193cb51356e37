// Onegevity statuses (kit, fulfillment request, order): reading them leniently and ordering them so a late webhook or
// poll never moves a lab order backwards. Pure module: workflows import it.
//
// The vendor writes upper snake case (`NOT_ACTIVATED`); we accept any casing, spaces or hyphens, `CANCELLED` for
// `CANCELED`, and keep unknown values as they came. Kit statuses are the seed's; the order status set is ASSUMED
// (docs/WIRE-CONTRACT.md).

export const KitStatus = {
  Unregistered: 'UNREGISTERED',
  NotActivated: 'NOT_ACTIVATED',
  Activated: 'ACTIVATED',
  AtLab: 'AT_LAB',
  Completed: 'COMPLETED',
} as const;
export type KnownKitStatus = (typeof KitStatus)[keyof typeof KitStatus];

export const FulfillmentStatus = {
  Requested: 'REQUESTED',
  Accepted: 'ACCEPTED',
  Rejected: 'REJECTED',
  Canceled: 'CANCELED',
  Shipped: 'SHIPPED',
} as const;
export type KnownFulfillmentStatus = (typeof FulfillmentStatus)[keyof typeof FulfillmentStatus];

/** ASSUMED (docs/WIRE-CONTRACT.md): the lab order's overall status. */
export const LabOrderStatus = {
  Created: 'CREATED',
  FulfillmentRequested: 'FULFILLMENT_REQUESTED',
  Accepted: 'ACCEPTED',
  Rejected: 'REJECTED',
  Canceled: 'CANCELED',
  Shipped: 'SHIPPED',
  Activated: 'ACTIVATED',
  ResultsReleased: 'RESULTS_RELEASED',
} as const;
export type KnownLabOrderStatus = (typeof LabOrderStatus)[keyof typeof LabOrderStatus];

/** `not activated`, `Not-Activated` → `NOT_ACTIVATED`; `Cancelled` → `CANCELED`; anything else upper snake case. */
export function normalizeOnegevityStatus(value: string): string {
  const upper = value
    .trim()
    .replace(/[\s-]+/g, '_')
    .toUpperCase();
  return upper === 'CANCELLED' ? 'CANCELED' : upper;
}

const KIT_STAGE: Readonly<Record<string, number>> = {
  UNREGISTERED: 1,
  NOT_ACTIVATED: 2,
  ACTIVATED: 3,
  AT_LAB: 4,
  COMPLETED: 5,
};

// Rejected and canceled end a fulfillment request (a resubmission is a new request identifier).
const FULFILLMENT_STAGE: Readonly<Record<string, number>> = {
  REQUESTED: 1,
  ACCEPTED: 2,
  SHIPPED: 3,
  REJECTED: 4,
  CANCELED: 4,
};
const FULFILLMENT_TERMINAL = new Set(['SHIPPED', 'REJECTED', 'CANCELED']);

/** `forward`: apply; `same`: duplicate; `backward`: a late event, keep the current one; `unknown`: record only. */
export type StatusChange = 'forward' | 'same' | 'backward' | 'unknown';

function classify(
  stages: Readonly<Record<string, number>>,
  terminal: ReadonlySet<string>,
  current: string,
  incoming: string,
): StatusChange {
  const from = normalizeOnegevityStatus(current);
  const to = normalizeOnegevityStatus(incoming);
  if (from === to) return 'same';
  const fromStage = stages[from];
  const toStage = stages[to];
  if (fromStage === undefined || toStage === undefined) return 'unknown';
  if (terminal.has(from)) return 'backward';
  return toStage > fromStage ? 'forward' : 'backward';
}

export function classifyKitStatusChange(current: string, incoming: string): StatusChange {
  return classify(KIT_STAGE, new Set(['COMPLETED']), current, incoming);
}

export function classifyFulfillmentStatusChange(current: string, incoming: string): StatusChange {
  return classify(FULFILLMENT_STAGE, FULFILLMENT_TERMINAL, current, incoming);
}
