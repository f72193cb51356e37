// Every signal and update of the engine's workflows carries one zod schema (shared with clients), and what a schema
// refuses is explained by field name, never by value: an operator can type anything into the Web UI, including a
// patient's details in the wrong field.
import { describe, expect, it } from 'vitest';
import * as messages from '../../../workflows/definitions.js';
import { parseMessageInput } from '../../../workflows/shared/handlers.js';
import type { SignalMessage, UpdateMessage } from '../../../workflows/shared/messages.js';

type InputMessage = SignalMessage | UpdateMessage;

function isInputMessage(value: unknown): value is InputMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    'input' in value &&
    'type' in value &&
    (value.type === 'signal' || value.type === 'update')
  );
}

const ALL: InputMessage[] = Object.values(messages as Record<string, unknown>).filter(isInputMessage);

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
        'approveFill',
        'cancel',
        'honeybeeEvent',
        'matchPatient',
        'onegevityEvent',
        'orderLinked',
        'orderMilestone',
        'parkWebhook',
        'requestRefill',
        'resolveException',
        'resolveExceptionUpdate',
        'resolveLabException',
        'resolveLabExceptionUpdate',
      ].sort(),
    );
  });

  it.each(ALL.map((message) => [message.name, message] as const))(
    '%s refuses garbage naming fields, never values',
    (name, message) => {
      for (const input of GARBAGE) {
        const parsed = parseMessageInput(name, message.input, input);
        expect(parsed.ok, JSON.stringify(input)).toBe(false);
        if (parsed.ok) continue;
        expect(parsed.rejection.problem).toMatch(/the input must be one JSON object|"[A-Za-z.]+"/);
        expect(parsed.rejection.problem).not.toContain('Jane');
        expect(parsed.rejection.problem).not.toContain('1984');
      }
    },
  );

  it('says what a missing, blank or mistyped operator field is, and keeps what the input said for the log', () => {
    const parse = (input: unknown) => parseMessageInput('resolveException', messages.resolveExceptionInput, input);
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

  it('accepts the inputs clients send', () => {
    const accept = (message: InputMessage, input: unknown) =>
      expect(parseMessageInput(message.name, message.input, input).ok, message.name).toBe(true);
    accept(messages.resolveExceptionSignal, {
      action: 'override_allergy',
      fields: { prescriber_note: 'ok' },
      operator: 'alice',
      reason: 'checked',
    });
    accept(messages.resolveExceptionUpdate, { action: 'cancel_order', operator: 'a', reason: 'r', fields: null });
    accept(messages.cancelSignal, { operator: 'a', reason: 'r' });
    accept(messages.matchPatientSignal, { partnerPatientId: 'P-1', operator: 'a', reason: 'r' });
    accept(messages.approveFillSignal, { approvedBy: 'billing', paymentReference: 'pay_42' });
    accept(messages.requestRefillSignal, { requestedBy: 'partner-backend' });
    accept(messages.orderLinkedSignal, { prescriptionId: '1', fillNumber: 1, patientId: '2' });
    accept(messages.orderMilestoneSignal, { orderNumber: 'HB1', milestone: 'delivered', seq: 2, at: 'x' });
    accept(messages.resolveLabExceptionSignal, { action: 'cancel', operator: 'a', reason: 'r' });
    accept(messages.parkWebhookSignal, {
      vendor: 'onegevity',
      reason: 'r',
      receivedAt: 'x',
      requestId: 'y',
      body: '{}',
    });
  });
});
