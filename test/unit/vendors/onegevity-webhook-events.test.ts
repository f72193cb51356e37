// Onegevity webhook payloads (the seed's examples, verbatim) read into typed events, routed to their workflow, and
// keyed for de-duplication.
import { describe, expect, it } from 'vitest';
import {
  ONEGEVITY_TOPICS,
  onegevityDeliveryKey,
  onegevityRouteKey,
  parseOnegevityWebhookEvent,
  readOnegevityWebhookEvent,
} from '../../../src/vendors/onegevity/webhook-events.js';

const ORDER_ID = 'lab0123456789abcdef01234567';

// docs/seeds/004_33b9e8f9f30aee87.txt, "List of webhook topics and payloads".
const SEED_PAYLOADS: Record<string, unknown> = {
  'patient.created': { id: 1519348, patientIdentifier: 'PO37011' },
  'patient.updated': { id: 1519348, patientIdentifier: 'PO37011' },
  'order.created': { id: 1519348, orderIdentifier: 'O13988', patientIdentifier: 'PO37011' },
  'order.updated': { id: 1519348, orderIdentifier: 'O13988', patientIdentifier: 'PO37011' },
  'kit.activated': { id: 1519348, orderIdentifier: 'O13988', patientIdentifier: 'PO37011', activationCode: 'TH-YYYY' },
  'results.released': { id: 1519348, orderIdentifier: 'O13988', patientIdentifier: 'PO37011' },
  'fulfillment.requested': { id: 1519348, requestorId: 'F87101' },
  'fulfillment.accepted': { id: 1519348, requestorId: 'F87101' },
  'fulfillment.rejected': { id: 1519348, requestorId: 'F87101' },
  'fulfillment.canceled': { id: 1519348, requestorId: 'F87101' },
  'fulfillment.shipped': {
    id: 1519348,
    requestorId: 'F87101',
    trackingNumber: '99999999999',
    trackingUrl: 'http://tracking-url.com?99999999999',
  },
};

describe('parseOnegevityWebhookEvent', () => {
  it('knows every seed topic', () => {
    expect([...ONEGEVITY_TOPICS].sort()).toEqual(Object.keys(SEED_PAYLOADS).sort());
  });

  it.each(Object.entries(SEED_PAYLOADS))('reads the seed payload of %s', (topic, payload) => {
    const result = parseOnegevityWebhookEvent(topic, Buffer.from(JSON.stringify(payload)));
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.event.kind).toBe(topic);
    expect(result.event.payload).toMatchObject({ ...(payload as object), id: '1519348' });
  });

  it('gives typed access per topic', () => {
    const shipped = readOnegevityWebhookEvent('fulfillment.shipped', SEED_PAYLOADS['fulfillment.shipped']);
    if (!shipped.ok || shipped.event.kind !== 'fulfillment.shipped') throw new Error('not shipped');
    expect(shipped.event.payload.trackingNumber).toBe('99999999999');
    const kit = readOnegevityWebhookEvent('kit.activated', SEED_PAYLOADS['kit.activated']);
    if (!kit.ok || kit.event.kind !== 'kit.activated') throw new Error('not kit.activated');
    expect(kit.event.payload.activationCode).toBe('TH-YYYY');
    const rejected = readOnegevityWebhookEvent('fulfillment.rejected', { id: 1, requestorId: 'F1', reason: 'PO box' });
    expect(rejected.ok && rejected.event.kind === 'fulfillment.rejected' && rejected.event.payload.reason).toBe(
      'PO box',
    );
  });

  it('normalises the topic and accepts "cancelled"', () => {
    const result = readOnegevityWebhookEvent(' Fulfillment.Cancelled ', SEED_PAYLOADS['fulfillment.canceled']);
    expect(result.ok && result.event.kind).toBe('fulfillment.canceled');
  });

  it('keeps an unknown topic with its payload', () => {
    const result = readOnegevityWebhookEvent('survey.completed', { id: 5, patientIdentifier: 'P-1', score: 9 });
    expect(result).toEqual({
      ok: true,
      event: { kind: 'unknown', topic: 'survey.completed', payload: { id: 5, patientIdentifier: 'P-1', score: 9 } },
    });
  });

  it('refuses a missing topic, malformed JSON and a payload without its identifier', () => {
    expect(parseOnegevityWebhookEvent(undefined, '{}')).toMatchObject({ ok: false, problem: 'missing_topic' });
    expect(parseOnegevityWebhookEvent('  ', '{}')).toMatchObject({ ok: false, problem: 'missing_topic' });
    expect(parseOnegevityWebhookEvent('order.created', '{')).toMatchObject({ ok: false, problem: 'malformed_json' });
    expect(readOnegevityWebhookEvent('kit.activated', { id: 1, activationCode: 'TH-1' })).toEqual({
      ok: false,
      problem: 'invalid_event',
      issues: ['orderIdentifier'],
    });
    expect(readOnegevityWebhookEvent('survey.completed', 'text').ok).toBe(false);
  });

  it('reads vendor texts sent as numbers, drops a tracking link that is not http(s), bounds what people read', () => {
    const shipped = readOnegevityWebhookEvent('fulfillment.shipped', {
      requestorId: ORDER_ID,
      trackingNumber: 123456789012,
      trackingUrl: 'javascript:alert(document.cookie)',
    });
    expect(shipped).toMatchObject({
      ok: true,
      event: { payload: { trackingNumber: '123456789012', trackingUrl: null } },
    });
    expect(
      readOnegevityWebhookEvent('fulfillment.shipped', { requestorId: ORDER_ID, trackingNumber: '' }),
    ).toMatchObject({ ok: true, event: { payload: { trackingNumber: '' } } });
    expect(readOnegevityWebhookEvent('fulfillment.rejected', { requestorId: ORDER_ID, reason: 42 })).toMatchObject({
      ok: true,
      event: { payload: { reason: '42' } },
    });
    expect(
      readOnegevityWebhookEvent('kit.activated', { orderIdentifier: ORDER_ID, activationCode: 1234 }),
    ).toMatchObject({ ok: true, event: { payload: { activationCode: '1234' } } });
    // Too long for anyone to read, or to read the order under: kept in the dead letter instead (invalid_event).
    expect(
      readOnegevityWebhookEvent('fulfillment.shipped', { requestorId: ORDER_ID, trackingNumber: 'Z'.repeat(101) }),
    ).toEqual({ ok: false, problem: 'invalid_event', issues: ['trackingNumber'] });
    expect(
      readOnegevityWebhookEvent('order.created', { orderIdentifier: 'ZQ2003', patientIdentifier: 'P'.repeat(129) }),
    ).toEqual({ ok: false, problem: 'invalid_event', issues: ['patientIdentifier'] });
  });
});

describe('onegevityRouteKey', () => {
  function route(topic: string, payload: unknown) {
    const result = readOnegevityWebhookEvent(topic, payload);
    if (!result.ok) throw new Error('unreadable');
    return onegevityRouteKey(result.event);
  }

  it('routes order, kit and results events by orderIdentifier', () => {
    expect(route('kit.activated', { id: 1, orderIdentifier: ORDER_ID, patientIdentifier: 'P' })).toEqual({
      kind: 'order',
      orderIdentifier: ORDER_ID,
    });
  });

  it('routes fulfillment events by requestorId, resubmissions (R2) to their order, naming the request', () => {
    expect(route('fulfillment.accepted', { id: 1, requestorId: ORDER_ID })).toEqual({
      kind: 'order',
      orderIdentifier: ORDER_ID,
      requestorId: ORDER_ID,
    });
    expect(route('fulfillment.shipped', { id: 1, requestorId: `${ORDER_ID}R2` })).toEqual({
      kind: 'order',
      orderIdentifier: ORDER_ID,
      requestorId: `${ORDER_ID}R2`,
    });
  });

  it('routes patient events by patientIdentifier, and unknown topics by what they carry', () => {
    expect(route('patient.updated', { id: 1, patientIdentifier: 'PO37011' })).toEqual({
      kind: 'patient',
      patientIdentifier: 'PO37011',
    });
    expect(route('kit.lost', { requestorId: `${ORDER_ID}R3` })).toEqual({
      kind: 'order',
      orderIdentifier: ORDER_ID,
      requestorId: `${ORDER_ID}R3`,
    });
    expect(route('mystery.topic', { id: 3 })).toEqual({ kind: 'none' });
  });
});

describe('onegevityDeliveryKey', () => {
  it('is stable for the same topic and bytes, and differs when either differs', () => {
    const body = Buffer.from('{"id":1519348,"patientIdentifier":"PO37011"}');
    const key = onegevityDeliveryKey('patient.created', body);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(onegevityDeliveryKey('Patient.Created', body.toString())).toBe(key);
    expect(onegevityDeliveryKey('patient.updated', body)).not.toBe(key);
    expect(onegevityDeliveryKey('patient.created', Buffer.from(`${body.toString()} `))).not.toBe(key);
  });
});
