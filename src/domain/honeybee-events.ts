// A Honeybee webhook as the workflows take it: a typed, normalized event (ids, statuses, shipments, the exception and
// its offered actions, a prescription's facts), read once from the payload. The bridge reads it after the vendor
// module's zod schemas accepted the payload (src/vendors/honeybee/webhook-events.ts); workflows read it themselves
// from signals recorded before the bridge sent typed events (raw payloads), with this same function, which is why it
// is pure and lenient: a missing or mistyped part is left out, never a crash. Honeybee webhooks carry ids, no PHI.

/** One order action an exception offers, with the fields it requires (the vendor's `order_actions`, or ours). */
export interface OfferedAction {
  action: string;
  description?: string;
  fields: string[];
}

export interface ShipmentInfo {
  trackingNo?: string;
  trackingUrl?: string;
  carrier?: string;
  shippedAt?: string;
}

export interface HoneybeeEventDispense {
  /** The dispense's order status as Honeybee wrote it. */
  status?: string;
  shipment?: ShipmentInfo;
}

/** A medication request the event names: its prescription, facts (RX_RECEIVED) and dispenses (order events). */
export interface HoneybeeEventPrescription {
  prescriptionId?: string;
  refillsLeft?: number;
  expireDate?: string;
  writtenQty?: number;
  daysSupply?: number;
  dispenses: HoneybeeEventDispense[];
}

export interface HoneybeeEvent {
  /** Honeybee's `event_id`: the de-duplication key. */
  eventId: string;
  /** Honeybee's `event_type` (normalized by the bridge: RX_RECEIVED, RX_UPDATED, SHIPMENT_UPDATED, ORDER_EXCEPTION, …). */
  eventType: string;
  /** When the bridge received it (ISO 8601). */
  receivedAt: string;
  /** The bridge's request id, for the audit trail. */
  requestId: string;
  /** The vendor's time for it (`timestamp`), when given. */
  occurredAt?: string;
  patientId?: string;
  orderNumber?: string;
  prescriptions: HoneybeeEventPrescription[];
  /** ORDER_EXCEPTION: the exception and the actions it offers (authoritative). */
  exception?: { code: string; name: string; message?: string };
  actions?: OfferedAction[];
}

/** How an event arrived: what the bridge adds to the payload. */
export interface HoneybeeEventArrival {
  eventId: string;
  eventType: string;
  receivedAt: string;
  requestId: string;
}

type Loose = Record<string, unknown>;

/**
 * Other names Honeybee may give a documented event type: the seed's event list calls the exception event "Order
 * Exception Raised" where its payloads say ORDER_EXCEPTION (docs/VENDOR-FACTS.md, "Where the engine is tolerant").
 */
const EVENT_TYPE_ALIASES: Readonly<Record<string, string>> = { ORDER_EXCEPTION_RAISED: 'ORDER_EXCEPTION' };

/** `rx_received`, `Rx-Received`, ` RX RECEIVED ` → `RX_RECEIVED`; `Order Exception Raised` → `ORDER_EXCEPTION`. */
export function normalizeHoneybeeEventType(value: string): string {
  const type = value
    .trim()
    .replace(/[\s-]+/g, '_')
    .toUpperCase();
  return EVENT_TYPE_ALIASES[type] ?? type;
}

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A vendor id: a finite number as its decimal text, or non-blank text trimmed. */
export function idString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function readShipment(value: unknown): ShipmentInfo | undefined {
  if (!isRecord(value)) return undefined;
  const shipment: ShipmentInfo = {};
  const trackingNo = text(value.tracking_no);
  const trackingUrl = text(value.tracking_url);
  const carrier = text(value.carrier);
  const shippedAt = text(value.shipped_at);
  if (trackingNo) shipment.trackingNo = trackingNo;
  if (trackingUrl) shipment.trackingUrl = trackingUrl;
  if (carrier) shipment.carrier = carrier;
  if (shippedAt) shipment.shippedAt = shippedAt;
  return Object.keys(shipment).length > 0 ? shipment : undefined;
}

export function readOfferedActions(value: unknown): OfferedAction[] {
  return list(value).flatMap((entry) => {
    if (!isRecord(entry)) return [];
    const action = text(entry.action);
    if (!action) return [];
    const fields = list(entry.fields).filter((field): field is string => typeof field === 'string' && field !== '');
    const description = text(entry.description);
    return [{ action, fields, ...(description ? { description } : {}) }];
  });
}

/** The exception of an ORDER_EXCEPTION (or of a polled order): its id, name and the vendor's free text. */
export function readException(value: unknown): HoneybeeEvent['exception'] {
  if (!isRecord(value)) return undefined;
  const code = idString(value.id) ?? 'unknown';
  const name = text(value.name) ?? `Exception ${code}`;
  const message = text(value.message);
  return { code, name, ...(message ? { message } : {}) };
}

function readPrescription(value: Loose): HoneybeeEventPrescription {
  const prescriptionId = idString(value.prescription_id) ?? idString(value.id);
  const refillsLeft = numberOf(value.refills_left);
  const expireDate = text(value.expire_date);
  const writtenQty = numberOf(value.written_qty);
  const daysSupply = numberOf(value.days_supply);
  const dispenses = list(value.medication_dispenses).flatMap((dispense): HoneybeeEventDispense[] => {
    if (!isRecord(dispense)) return [];
    const status = text(dispense.order_status);
    const shipment = readShipment(dispense.shipment);
    return [{ ...(status ? { status } : {}), ...(shipment ? { shipment } : {}) }];
  });
  return {
    ...(prescriptionId ? { prescriptionId } : {}),
    ...(refillsLeft !== undefined ? { refillsLeft } : {}),
    ...(expireDate ? { expireDate } : {}),
    ...(writtenQty !== undefined ? { writtenQty } : {}),
    ...(daysSupply !== undefined ? { daysSupply } : {}),
    dispenses,
  };
}

/** What a payload says, without how it arrived. */
export type HoneybeePayloadFacts = Omit<HoneybeeEvent, keyof HoneybeeEventArrival>;

/** Reads a Honeybee webhook payload of `eventType` (an unknown type keeps only what every event has). */
export function readHoneybeePayload(payload: Loose, eventType: string): HoneybeePayloadFacts {
  const occurredAt = text(payload.timestamp);
  const patientId = idString(payload.patient_id);
  const orderNumber = idString(payload.order_number);
  const isException = normalizeHoneybeeEventType(eventType) === 'ORDER_EXCEPTION';
  const exception = isException ? readException(payload.exception) : undefined;
  return {
    ...(occurredAt ? { occurredAt } : {}),
    ...(patientId ? { patientId } : {}),
    ...(orderNumber ? { orderNumber } : {}),
    prescriptions: list(payload.medication_requests).filter(isRecord).map(readPrescription),
    ...(exception ? { exception } : {}),
    ...(isException ? { actions: readOfferedActions(payload.order_actions) } : {}),
  };
}

/** Reads a Honeybee webhook payload as the event the workflows take. */
export function honeybeeEventFromPayload(payload: Loose, arrival: HoneybeeEventArrival): HoneybeeEvent {
  return {
    eventId: arrival.eventId,
    eventType: arrival.eventType,
    receivedAt: arrival.receivedAt,
    requestId: arrival.requestId,
    ...readHoneybeePayload(payload, arrival.eventType),
  };
}

/** The prescriptions an event names, each once, in order. */
export function honeybeeEventPrescriptionIds(event: Pick<HoneybeeEvent, 'prescriptions'>): string[] {
  const ids = event.prescriptions.map((request) => request.prescriptionId).filter((id): id is string => !!id);
  return [...new Set(ids)];
}
