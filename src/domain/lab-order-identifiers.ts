// The engine's Onegevity identifiers (docs/WIRE-CONTRACT.md "Engine identifiers", ASSUMED). They carry no PHI:
//   orderIdentifier    = "lab" + 24 lowercase hex                       (27 characters)
//   requestIdentifier  = orderIdentifier for the first fulfillment request,
//                        "{orderIdentifier}R{n}" (n ≥ 2) for a resubmission after a rejection
// A webhook's requestorId (the fulfillment requestIdentifier) therefore routes to its order. Pure module: workflows
// import it.

const ORDER_IDENTIFIER = /^lab[0-9a-f]{24}$/;
const RESUBMISSION = /^(lab[0-9a-f]{24})R([2-9]|[1-9]\d+)$/;
/** Onegevity's limit on a fulfillment requestIdentifier. */
export const REQUEST_IDENTIFIER_PATTERN = /^[a-zA-Z0-9]{1,35}$/;

export function isLabOrderIdentifier(value: string): boolean {
  return ORDER_IDENTIFIER.test(value);
}

/**
 * An order identifier someone else chose (Onegevity's UI-Kit, the seed's `O13988`) that can name a followed order's
 * workflow: letters, digits, `_` and `-`, at most 64. Anything else is parked rather than put in a workflow id.
 */
export const FOLLOWABLE_ORDER_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function isFollowableOrderIdentifier(value: string): boolean {
  return FOLLOWABLE_ORDER_IDENTIFIER.test(value);
}

/** Whether a fulfillment requestorId is one the engine issued (`lab…` or a resubmission `lab…R{n}`). */
export function isEngineRequestIdentifier(value: string): boolean {
  return ORDER_IDENTIFIER.test(value) || RESUBMISSION.test(value);
}

/** The orderIdentifier for 24 lowercase hex characters (e.g. from a workflow's uuid4 with the dashes removed). */
export function labOrderIdentifier(hex24: string): string {
  const identifier = `lab${hex24}`;
  if (!isLabOrderIdentifier(identifier)) throw new Error('a lab order identifier needs 24 lowercase hex characters');
  return identifier;
}

/** The requestIdentifier of fulfillment attempt `attempt` (1 = the first request) of an order. */
export function fulfillmentRequestIdentifier(orderIdentifier: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error('a fulfillment attempt is an integer ≥ 1');
  return attempt === 1 ? orderIdentifier : `${orderIdentifier}R${attempt}`;
}

/**
 * The orderIdentifier a requestorId belongs to. An engine resubmission (`lab…R2`) routes to `lab…`; anything else
 * (the first request, or an identifier the engine did not make) routes to itself.
 */
export function orderIdentifierFromRequestorId(requestorId: string): string {
  const match = RESUBMISSION.exec(requestorId);
  return match?.[1] ?? requestorId;
}
