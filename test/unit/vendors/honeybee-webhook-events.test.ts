// Honeybee webhook payloads read into typed events: the documented types, lenient reading, unknown types kept.
import { describe, expect, it } from 'vitest';
import {
  honeybeeEventOrderNumber,
  honeybeeEventPrescriptionIds,
  parseHoneybeeWebhookEvent,
  readHoneybeeWebhookEvent,
} from '../../../src/vendors/honeybee/webhook-events.js';

const RX_RECEIVED = {
  event_id: '7d1f6a3e-2c4b-4f8e-9a51-0c2d7e9b1a11',
  event_type: 'RX_RECEIVED',
  patient_id: 4242,
  timestamp: '2026-11-01T10:00:00Z',
  medication_requests: [
    {
      id: 1111111,
      prescription_id: 1111111,
      active: true,
      prescriber_name: 'Dr. A',
      receive_date: '2026-11-01',
      drug_name: 'Drug',
      ndc: '00000000000',
      sig_text: 'take 1',
      written_qty: 30,
      refills_left: 2,
      expire_date: '2027-11-01',
      drug_schedule: '0',
      days_supply: null,
    },
    { id: 2222222, drug_schedule: 2, days_supply: 30 },
  ],
};

const SHIPMENT_UPDATED = {
  event_id: 'e-ship',
  event_type: 'SHIPMENT_UPDATED',
  patient_id: 4242,
  order_number: 'HB7K2M9Q',
  timestamp: '2026-11-03T10:00:00Z',
  medication_requests: [
    {
      id: 1111111,
      prescription_id: 1111111,
      medication_dispenses: [
        {
          dispense_id: 9001,
          order_status: 'SHIPPED',
          shipment: { tracking_no: '9400', tracking_url: 'https://t/9400', carrier: 'USPS', shipped_at: 'x' },
        },
      ],
    },
  ],
};

const ORDER_EXCEPTION = {
  event_id: 'e-hold',
  event_type: 'ORDER_EXCEPTION',
  patient_id: 4242,
  order_number: 'HB7K2M9Q',
  timestamp: '2026-11-02T10:00:00Z',
  exception: { id: 74, name: 'Allergy Detected', message: 'penicillin' },
  order_actions: [
    { action: 'override_allergy', description: 'Override', fields: ['prescriber_note'] },
    { action: 'cancel_order', description: 'Cancel' },
  ],
};

describe('parseHoneybeeWebhookEvent', () => {
  it('reads RX_RECEIVED with drug_schedule as string or number and a null days_supply', () => {
    const result = parseHoneybeeWebhookEvent(Buffer.from(JSON.stringify(RX_RECEIVED)));
    if (!result.ok || result.event.kind !== 'RX_RECEIVED') throw new Error(`unexpected ${JSON.stringify(result)}`);
    const [first, second] = result.event.event.medication_requests;
    expect(first).toMatchObject({ drug_schedule: '0', days_supply: null, refills_left: 2 });
    expect(second).toMatchObject({ id: 2222222, drug_schedule: 2, days_supply: 30 });
    expect(honeybeeEventPrescriptionIds(result.event)).toEqual(['1111111', '2222222']);
    expect(honeybeeEventOrderNumber(result.event)).toBeUndefined();
  });

  it('reads SHIPMENT_UPDATED with its order number, dispenses and shipment; statuses normalised', () => {
    const result = readHoneybeeWebhookEvent(SHIPMENT_UPDATED);
    if (!result.ok || result.event.kind !== 'SHIPMENT_UPDATED') throw new Error('not a shipment event');
    const dispense = result.event.event.medication_requests[0]?.medication_dispenses[0];
    expect(dispense?.order_status).toBe('Shipped');
    expect(dispense?.shipment?.tracking_no).toBe('9400');
    expect(honeybeeEventOrderNumber(result.event)).toBe('HB7K2M9Q');
    expect(honeybeeEventPrescriptionIds(result.event)).toEqual(['1111111']);
  });

  it('reads RX_UPDATED with "Cancelled" as Canceled and an unknown status kept', () => {
    const result = readHoneybeeWebhookEvent({
      ...SHIPMENT_UPDATED,
      event_type: 'RX_UPDATED',
      medication_requests: [
        {
          id: 1,
          medication_dispenses: [
            { dispense_id: 1, order_status: 'Cancelled', shipment: null },
            { dispense_id: 2, order_status: 'Awaiting Courier' },
          ],
        },
      ],
    });
    if (!result.ok || result.event.kind !== 'RX_UPDATED') throw new Error('not an update');
    const statuses = result.event.event.medication_requests[0]?.medication_dispenses.map((d) => d.order_status);
    expect(statuses).toEqual(['Canceled', 'Awaiting Courier']);
  });

  it('reads ORDER_EXCEPTION with its exception and offered actions', () => {
    const result = readHoneybeeWebhookEvent(ORDER_EXCEPTION);
    if (!result.ok || result.event.kind !== 'ORDER_EXCEPTION') throw new Error('not an exception');
    expect(result.event.event.exception).toMatchObject({ id: 74, name: 'Allergy Detected' });
    expect(result.event.event.order_actions).toEqual([
      { action: 'override_allergy', description: 'Override', fields: ['prescriber_note'] },
      { action: 'cancel_order', description: 'Cancel', fields: [] },
    ]);
    expect(honeybeeEventOrderNumber(result.event)).toBe('HB7K2M9Q');
    expect(honeybeeEventPrescriptionIds(result.event)).toEqual([]);
  });

  it('keeps an exception reason the docs do not list', () => {
    const result = readHoneybeeWebhookEvent({
      ...ORDER_EXCEPTION,
      exception: { id: 91, name: 'Refill Too Soon', message: 'x' },
      order_actions: [],
    });
    expect(result.ok && result.event.kind === 'ORDER_EXCEPTION' && result.event.event.exception?.id).toBe(91);
  });

  it('normalises the event_type casing and passes unknown fields through', () => {
    const result = readHoneybeeWebhookEvent({ ...RX_RECEIVED, event_type: 'rx_received', partner_flag: { a: 1 } });
    if (!result.ok || result.event.kind !== 'RX_RECEIVED') throw new Error('not RX_RECEIVED');
    expect(result.event.event.event_type).toBe('RX_RECEIVED');
    expect((result.event.event as Record<string, unknown>).partner_flag).toEqual({ a: 1 });
  });

  it('keeps an unknown event type with its whole payload', () => {
    const payload = {
      event_id: 'e-9',
      event_type: 'PATIENT_MERGED',
      patient_id: 1,
      order_number: 'HB1',
      merged_into: 2,
    };
    const result = readHoneybeeWebhookEvent(payload);
    if (!result.ok || result.event.kind !== 'UNKNOWN') throw new Error('not unknown');
    expect(result.event.event).toMatchObject(payload);
    expect(honeybeeEventOrderNumber(result.event)).toBe('HB1');
    expect(honeybeeEventPrescriptionIds(result.event)).toEqual([]);
  });

  it('refuses malformed JSON and events without an id, naming locations but never values', () => {
    expect(parseHoneybeeWebhookEvent('{"event_id":')).toEqual({ ok: false, problem: 'malformed_json', issues: [] });
    const missing = readHoneybeeWebhookEvent({ event_type: 'RX_RECEIVED', medication_requests: [{ id: 1 }] });
    expect(missing).toEqual({ ok: false, problem: 'invalid_event', issues: ['event_id'] });
    const badRequest = readHoneybeeWebhookEvent({
      event_id: 'e',
      event_type: 'RX_RECEIVED',
      medication_requests: [{ drug_name: 'Secret Drug for José' }],
    });
    expect(badRequest).toEqual({ ok: false, problem: 'invalid_event', issues: ['medication_requests.0.id'] });
    const longId = readHoneybeeWebhookEvent({ event_id: 'e'.repeat(201), event_type: 'RX_UPDATED' });
    expect(longId).toEqual({ ok: false, problem: 'invalid_event', issues: ['event_id'] });
    expect(readHoneybeeWebhookEvent({ event_id: 'e'.repeat(200), event_type: 'RX_UPDATED' }).ok).toBe(true);
    expect(readHoneybeeWebhookEvent([1, 2]).ok).toBe(false);
    expect(readHoneybeeWebhookEvent(null).ok).toBe(false);
  });

  it('reads the exact bytes with 1.0 numbers and unicode', () => {
    const body = Buffer.from(
      '{"event_id":"e-u","event_type":"RX_RECEIVED","patient_id":1,"medication_requests":[{"id":5,"written_qty":1.0,"sig_text":"José Ñandú 東京 !\'()*"}]}',
    );
    const result = parseHoneybeeWebhookEvent(body);
    if (!result.ok || result.event.kind !== 'RX_RECEIVED') throw new Error('not RX_RECEIVED');
    expect(result.event.event.medication_requests[0]).toMatchObject({
      written_qty: 1,
      sig_text: "José Ñandú 東京 !'()*",
    });
  });
});
