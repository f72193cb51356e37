// Every signal and update of the engine's workflows carries one zod schema (shared with clients), and what a schema
// refuses is explained by field name, never by value: an operator can type anything into the Web UI, including a
// patient's details in the wrong field.
import { describe, expect, it } from 'vitest';
import {
  approveFillSignal,
  matchPatientSignal,
  orderLinkedSignal,
  orderMilestoneSignal,
  requestRefillSignal,
} from '../../../workflows/honeybee/messages.js';
import { parkWebhookSignal } from '../../../workflows/dead-letter/messages.js';
import { resolveLabExceptionSignal } from '../../../workflows/lab/messages.js';
import {
  cancelSignal,
  resolveExceptionInput,
  resolveExceptionSignal,
  resolveExceptionUpdate,
} from '../../../workflows/shared/operator-messages.js';
import { honeybeeEventFromPayload } from '../../../src/domain/honeybee-events.js';
import { honeybeeEventInput } from '../../../workflows/honeybee/messages.js';
import { onegevityEventInput } from '../../../workflows/lab/messages.js';
import { parseMessageInput } from '../../../workflows/shared/handlers.js';
import { INPUT_MESSAGES as ALL, type InputMessage } from '../../harness/workflow-messages.js';

const PHI = 'Jane Roe 1984-03-09';
const GARBAGE: unknown[] = [
  undefined,
  null,
  42,
  PHI,
  [PHI],
  {},
  JSON.parse(`{"__proto__": {"operator": "x"}, "constructor": "${PHI}"}`),
  {
    operator: 5,
    reason: [PHI],
    action: { PHI },
    fields: PHI,
    partnerPatientId: 7,
    approvedBy: null,
    eventId: 1,
    payload: PHI,
    address: PHI,
    milestone: PHI,
    vendor: PHI,
  },
];

describe('workflow message inputs', () => {
  it('every operator and vendor message has a schema', () => {
    expect(ALL.map((message) => message.name).sort()).toEqual(
      [
        'activateKit',
        'appendPartnerEvent',
        'appendPartnerEvents',
        'approveFill',
        'batchRedelivered',
        'cancel',
        'changeShippingAddress',
        'claim',
        'deliveryReport',
        'honeybeeEvent',
        'linkPatient',
        'matchPatient',
        'notePatients',
        'onegevityEvent',
        'orderLinked',
        'orderMilestone',
        'parkNotification',
        'parkWebhook',
        'parkedRedriven',
        'placePartnerHold',
        'recordResponse',
        'redeliverBatch',
        'releaseClaim',
        'requestRefill',
        'requestRefillUpdate',
        'resolveException',
        'resolveExceptionUpdate',
        'resolveLabException',
        'resolveLabExceptionUpdate',
        'resumeDelivery',
      ].sort(),
    );
  });

  // redeliverBatch carries no input: whatever comes is ignored, so there is nothing to refuse.
  const TAKES_ANYTHING = new Set(['redeliverBatch']);

  it.each(
    ALL.filter((message) => !TAKES_ANYTHING.has(message.name)).map((message) => [message.name, message] as const),
  )('%s refuses garbage naming fields, never values', (name, message) => {
    for (const input of GARBAGE) {
      const parsed = parseMessageInput(name, message.input, input);
      expect(parsed.ok, JSON.stringify(input)).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.rejection.problem).toMatch(/the input must be one JSON object|"[A-Za-z.]+"/);
      expect(parsed.rejection.problem).not.toContain('Jane');
      expect(parsed.rejection.problem).not.toContain('1984');
    }
  });

  it('says what a missing, blank or mistyped operator field is, and keeps what the input said for the log', () => {
    const parse = (input: unknown) => parseMessageInput('resolveException', resolveExceptionInput, input);
    const missing = parse({ action: 'override_allergy', reason: 'r' });
    expect(missing).toEqual({
      ok: false,
      rejection: {
        message: 'resolveException',
        problem: '"operator" is required',
        reason: 'r',
        action: 'override_allergy',
      },
    });
    expect(parse({ action: 'a', operator: '  ', reason: 'r' })).toMatchObject({
      rejection: { problem: '"operator" must not be blank' },
    });
    expect(parse({ action: 'a', operator: 'o', reason: 'r', fields: ['x'] })).toMatchObject({
      rejection: { problem: '"fields" must be a JSON object' },
    });
    expect(parse(undefined)).toMatchObject({
      rejection: { problem: 'the input must be one JSON object {"action", "fields", "operator", "reason"}' },
    });
  });

  it('reads vendor events of the older raw-payload shape with the bridge’s own reader, typed ones as they are', () => {
    const payload = {
      event_type: 'SHIPMENT_UPDATED',
      order_number: 'HB1',
      timestamp: '2026-01-01T00:00:00Z',
      medication_requests: [
        {
          id: 111,
          medication_dispenses: [{ order_status: 'Shipped', shipment: { tracking_no: '9400', carrier: 'USPS' } }],
        },
      ],
    };
    const arrival = { eventId: 'e1', eventType: 'SHIPMENT_UPDATED', receivedAt: 'r', requestId: 'q' };
    const typed = honeybeeEventFromPayload(payload, arrival);
    expect(typed).toMatchObject({
      orderNumber: 'HB1',
      occurredAt: '2026-01-01T00:00:00Z',
      prescriptions: [{ prescriptionId: '111', dispenses: [{ status: 'Shipped', shipment: { trackingNo: '9400' } }] }],
    });
    expect(parseMessageInput('honeybeeEvent', honeybeeEventInput, { ...arrival, payload })).toEqual({
      ok: true,
      value: typed,
    });
    expect(parseMessageInput('honeybeeEvent', honeybeeEventInput, typed)).toEqual({ ok: true, value: typed });

    const lab = { dedupeKey: 'k', topic: 'fulfillment.shipped', receivedAt: 'r', requestId: 'q' };
    const labPayload = { id: 1, requestorId: 'lab1R2', trackingNumber: '1Z', trackingUrl: 'https://t' };
    expect(parseMessageInput('onegevityEvent', onegevityEventInput, { ...lab, payload: labPayload })).toEqual({
      ok: true,
      value: { ...lab, requestorId: 'lab1R2', trackingNumber: '1Z', trackingUrl: 'https://t' },
    });
  });

  it('accepts the inputs clients send', () => {
    const accept = (message: InputMessage, input: unknown) =>
      expect(parseMessageInput(message.name, message.input, input).ok, message.name).toBe(true);
    accept(resolveExceptionSignal, {
      action: 'override_allergy',
      fields: { prescriber_note: 'ok' },
      operator: 'alice',
      reason: 'checked',
    });
    accept(resolveExceptionUpdate, { action: 'cancel_order', operator: 'a', reason: 'r', fields: null });
    accept(cancelSignal, { operator: 'a', reason: 'r' });
    accept(matchPatientSignal, { partnerPatientId: 'P-1', operator: 'a', reason: 'r' });
    accept(approveFillSignal, { approvedBy: 'billing', paymentReference: 'pay_42' });
    accept(requestRefillSignal, { requestedBy: 'partner-backend' });
    accept(orderLinkedSignal, { prescriptionId: '1', fillNumber: 1, patientId: '2' });
    accept(orderMilestoneSignal, { orderNumber: 'HB1', milestone: 'delivered', seq: 2, at: 'x' });
    accept(resolveLabExceptionSignal, { action: 'cancel', operator: 'a', reason: 'r' });
    accept(parkWebhookSignal, {
      vendor: 'onegevity',
      reason: 'r',
      receivedAt: 'x',
      requestId: 'y',
      body: '{}',
    });
  });
});
