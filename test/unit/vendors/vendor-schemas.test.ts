// Lenient reading (docs/WIRE-CONTRACT.md): unknown fields pass, unknown enum values are kept, statuses normalised,
// resources wrapped or bare, missing lists read as empty; what the engine routes by stays required.
import { describe, expect, it } from 'vitest';
import {
  honeybeeOrderResponseSchema,
  honeybeeOrdersResponseSchema,
  honeybeePrescriptionsResponseSchema,
} from '../../../src/vendors/honeybee/schemas.js';
import { readHoneybeeErrorBody } from '../../../src/vendors/honeybee/error-body.js';
import { onegevityOrderResponseSchema, onegevityReportPageSchema } from '../../../src/vendors/onegevity/schemas.js';
import { readOnegevityErrorBody } from '../../../src/vendors/onegevity/error-body.js';

describe('Honeybee schemas', () => {
  it('reads an On Hold order with its exception and actions, keeping unknown fields', () => {
    const order = honeybeeOrderResponseSchema.parse({
      order: {
        order_number: 12345,
        status: 'on hold',
        items: null,
        medication_dispenses: [{ dispense_id: 1, order_status: 'ON_HOLD', shipment: null, pharmacist: 'x' }],
        exception: { id: '74', name: 'Allergy Detected', message: null },
        order_actions: [{ action: 'override_allergy', fields: ['prescriber_note'] }],
        brand_new_field: [1, 2],
      },
    });
    expect(order).toMatchObject({
      order_number: '12345',
      status: 'On Hold',
      items: [],
      exception: { id: 74, name: 'Allergy Detected' },
      order_actions: [{ action: 'override_allergy', fields: ['prescriber_note'] }],
      brand_new_field: [1, 2],
    });
    expect(order.medication_dispenses[0]).toMatchObject({ order_status: 'On Hold', pharmacist: 'x' });
  });

  it('reads lists wrapped or bare, and refuses a list where an object belongs', () => {
    const order = { order_number: 'A' };
    expect(honeybeeOrdersResponseSchema.parse({ orders: [order] })).toHaveLength(1);
    expect(honeybeeOrdersResponseSchema.parse([order, order])).toHaveLength(2);
    expect(honeybeePrescriptionsResponseSchema.parse({ medication_requests: [] })).toEqual([]);
    expect(honeybeeOrderResponseSchema.safeParse([order]).success).toBe(false);
  });

  it('reads GET /patients/{id}/rx under medication_request or medication_requests, one object or a list', () => {
    const rx = { id: 1111111, prescription_id: 1111111, refills_left: 2 };
    const other = { id: 2222222 };
    const forms = {
      'the seed: medication_request object': { medication_request: rx },
      'medication_request list': { medication_request: [rx, other] },
      'medication_requests list': { medication_requests: [rx, other] },
      'medication_requests object': { medication_requests: rx },
      'a bare list': [rx, other],
      'a bare object': rx,
    };
    for (const [form, body] of Object.entries(forms)) {
      const parsed = honeybeePrescriptionsResponseSchema.safeParse(body);
      expect(parsed.success, form).toBe(true);
      expect(parsed.data?.[0], form).toMatchObject({ id: 1111111, refills_left: 2 });
      expect(parsed.data, form).toHaveLength(Array.isArray(body) || Object.values(body).some(Array.isArray) ? 2 : 1);
    }
    expect(honeybeePrescriptionsResponseSchema.parse({ medication_request: [] })).toEqual([]);
    for (const bad of [
      { prescriptions: [rx] },
      { medication_request: 'x' },
      { medication_request: [{ ndc: '1' }] },
      7,
    ]) {
      expect(honeybeePrescriptionsResponseSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('requires the order number', () => {
    expect(honeybeeOrderResponseSchema.safeParse({ order: { status: 'Filling' } }).success).toBe(false);
  });

  it('reads error bodies into codes and field names only', () => {
    expect(
      readHoneybeeErrorBody({
        errors: [
          { code: 42227, message: 'zip', error_detail: [{ field: 'zip', message: 'bad' }, { field: 'zip' }] },
          { code: '42201', message: 'a@b.c is bad' },
          { message: 'no code' },
        ],
      }),
    ).toEqual({ codes: [42227, '42201'], fields: ['zip'] });
    expect(readHoneybeeErrorBody({ error: { error_code: 409, message: 'conflict' } })).toEqual({
      codes: [409],
      fields: [],
    });
    expect(readHoneybeeErrorBody({ error: 'invalid_token' })).toEqual({ codes: ['invalid_token'], fields: [] });
    expect(readHoneybeeErrorBody({ errors: 'not a list', error: 5 })).toEqual({ codes: [], fields: [] });
    expect(readHoneybeeErrorBody('plain text')).toEqual({ codes: [], fields: [] });
  });
});

describe('Onegevity schemas', () => {
  it('keeps unknown kit and order statuses, normalising the known ones', () => {
    const order = onegevityOrderResponseSchema.parse({
      orderIdentifier: 'lab1',
      status: 'Awaiting Lab Review',
      elements: [{ packageElementIdentifier: 'EL-1', kitStatus: 'at lab' }, { kitStatus: 'LOST' }],
      fulfillment: null,
    });
    expect(order.status).toBe('AWAITING_LAB_REVIEW');
    expect(order.elements.map((element) => element.kitStatus)).toEqual(['AT_LAB', 'LOST']);
    expect(order.fulfillment).toBeNull();
  });

  it('reads an empty reports page and a page without counts', () => {
    expect(onegevityReportPageSchema.parse({ pageNumber: 1, content: null })).toMatchObject({ content: [] });
    expect(onegevityReportPageSchema.parse({ content: [{ reportIdentifier: 7 }] }).content[0]?.reportIdentifier).toBe(
      '7',
    );
  });

  it('reads error bodies into field names, OAuth codes and the request id', () => {
    expect(
      readOnegevityErrorBody({
        id: 'abc',
        globalErrors: ['x'],
        fieldErrors: [{ fieldName: 'email', message: 'ana@example.com is taken' }, { message: 'nameless' }],
      }),
    ).toEqual({ codes: [], fields: ['email'], requestId: 'abc' });
    expect(readOnegevityErrorBody({ error: 'invalid_scope' })).toEqual({ codes: ['invalid_scope'], fields: [] });
    expect(readOnegevityErrorBody([1])).toEqual({ codes: [], fields: [] });
  });
});
