// The markdown each Honeybee workflow shows in the Web UI's "current details": what is wrong, what an operator can
// do, and an input to paste into "Send a Signal". Ids, statuses, reasons and actions only: never patient data, and
// never the vendor's free-text message (it may quote the patient).
import { honeybeeFieldHelp, isDefaultedHoneybeeField } from '../../src/domain/honeybee-action-fields.js';
import { FailureType } from '../../src/domain/failure-types.js';
import type { HoneybeeOrderState, OperatorDecision, OperatorException, PrescriptionState } from './types.js';
import { exceptionLabel } from './exception-label.js';
import { ORDER_NOT_CREATED } from './prescription-exceptions.js';

/** The example JSON for `resolveException` with the first offered action that is not a cancellation. */
export function exampleResolution(exception: OperatorException): string {
  const action =
    exception.actions.find((candidate) => !/cancel/.test(candidate.action)) ?? exception.actions[0] ?? undefined;
  const fields = Object.fromEntries(
    (action?.fields ?? [])
      .filter((field) => field !== 'reason')
      .map((field) => [field, honeybeeFieldHelp(field).example]),
  );
  return JSON.stringify({
    action: action?.action ?? '<action>',
    fields,
    operator: '<your name>',
    reason: '<why>',
  });
}

function escapeCell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * A field the engine fills in when it is missing (cancel_order's `reason`: the operator's reason) is optional, as the
 * offered actions and the validation (resolution.ts) have it: listed apart, not among the required ones.
 */
function fieldsCell(fields: readonly string[]): string {
  const code = (names: readonly string[]) => names.map((field) => `\`${field}\``).join(', ');
  const required = fields.filter((field) => !isDefaultedHoneybeeField(field));
  const optional = fields.filter(isDefaultedHoneybeeField);
  if (optional.length === 0) return code(required) || '(none)';
  return `${code(required) || '(none)'}; optional: ${code(optional)}`;
}

function exceptionSection(exception: OperatorException, signalTarget: string): string[] {
  const lines = [`### ${exceptionLabel(exception)}`, ''];
  if (exception.fallbackActions) {
    lines.push(
      "Honeybee listed no actions for this exception: these are the engine's for its reason (Honeybee may still " +
        'refuse one; its refusal shows here).',
      '',
    );
  }
  lines.push('| action | required fields | what it does |', '|---|---|---|');
  for (const action of exception.actions) {
    lines.push(`| \`${action.action}\` | ${fieldsCell(action.fields)} | ${escapeCell(action.description ?? '')} |`);
  }
  lines.push(
    '',
    `Resolve it on ${signalTarget} with **Send an Update** → \`resolveExceptionUpdate\` (it answers: accepted, or ` +
      'refused with the reason), or else **Send a Signal** → `resolveException` (no answer: a refused input shows ' +
      'below as "Last input rejected"). Input (one JSON object):',
    '',
    '```json',
    exampleResolution(exception),
    '```',
    '',
    'Only the actions above are accepted; a `reason` field defaults to your reason. `cancel` (`{"operator", ' +
      '"reason"}`) cancels.',
  );
  return lines;
}

function rejectionLines(rejection: OperatorDecision | undefined): string[] {
  if (!rejection) return [];
  return [
    '',
    `**Last input rejected** (${rejection.at}, ${rejection.via} by ${rejection.operator}, action \`${rejection.action}\`): ${rejection.detail}`,
  ];
}

export function orderDetails(state: HoneybeeOrderState): string {
  const lines = [`## Honeybee order ${state.orderNumber}: ${state.status ?? 'status not known yet'}`, ''];
  const facts = [
    `stage \`${state.stage}\``,
    state.prescriptionIds.length > 0
      ? `prescription ${state.prescriptionIds.join(', ')}`
      : 'prescription not known yet',
    state.fillNumber !== undefined ? `fill ${state.fillNumber}` : undefined,
    `events ${state.eventsReceived}`,
    state.lastEventAt ? `last event ${state.lastEventAt}` : undefined,
  ].filter((fact): fact is string => fact !== undefined);
  lines.push(facts.join(' · '));
  if (state.status === 'On Hold') {
    lines.push(
      '',
      state.awaitingVendor
        ? `**On Hold: the action \`${state.awaitingVendor.action}\` was accepted by Honeybee (${state.awaitingVendor.since}); waiting for the order's next status.**`
        : `**On Hold since ${state.onHoldSince ?? '?'}: needs an operator.** Escalation level ${state.escalationLevel}.`,
    );
    if (state.exception && !state.awaitingVendor) {
      lines.push('', ...exceptionSection(state.exception, `workflow \`honeybee-order-${state.orderNumber}\``));
    } else if (!state.exception) {
      lines.push('', 'The exception and its actions are not known yet: the order is being reconciled with Honeybee.');
    }
  }
  if (state.shipments.length > 0) {
    lines.push('', 'Shipments:');
    for (const shipment of state.shipments) {
      lines.push(
        `- ${shipment.carrier ?? 'carrier ?'} ${shipment.trackingNo ?? ''} ${shipment.trackingUrl ?? ''}`.trim(),
      );
    }
  }
  lines.push(...rejectionLines(state.lastRejection));
  return lines.join('\n');
}

export function prescriptionDetails(state: PrescriptionState): string {
  const lines = [`## Honeybee prescription ${state.prescriptionId}: ${state.stage}`, ''];
  const facts = [
    `mode \`${state.mode}\``,
    `fill ${state.fillNumber}`,
    `fills delivered ${state.fillsDelivered}`,
    state.facts.refillsLeft !== undefined ? `refills at receipt ${state.facts.refillsLeft}` : undefined,
    state.match ? `partner patient ${state.match.partnerPatientId} (by ${state.match.matchedBy})` : undefined,
    state.currentOrder
      ? `order ${state.currentOrder.orderNumber} (${state.currentOrder.status ?? '?'}) → workflow \`honeybee-order-${state.currentOrder.orderNumber}\``
      : undefined,
  ].filter((fact): fact is string => fact !== undefined);
  lines.push(facts.join(' · '));
  const exception = state.exception;
  if (exception?.source === 'patient_match') {
    lines.push(
      '',
      `**Needs an operator: ${exception.name}.** The engine never guesses a patient.`,
      '',
      'Match the patient with **Send a Signal** → `matchPatient`, input:',
      '',
      '```json',
      JSON.stringify({ partnerPatientId: '<partner patient id>', operator: '<your name>', reason: '<why>' }),
      '```',
      '',
      "The id is looked up in the partner's directory first: one it does not know is refused.",
      '`cancel` (`{"operator", "reason"}`) ends the prescription.',
    );
  } else if (exception) {
    lines.push(
      '',
      exception.code === FailureType.PatientSafetyUnknown
        ? "**Needs an operator: the order was not sent: the partner's patient-safety intake is missing** (the " +
            'pharmacy would read empty lists as "none known").'
        : exception.code === ORDER_NOT_CREATED
          ? `**Needs an operator: Honeybee has not created this fill's order** (Automatic Processing; looked for ` +
            'every reconcile interval).'
          : `**Needs an operator: Honeybee refused to create the order.**`,
      '',
      ...exceptionSection(exception, `workflow \`honeybee-rx-${state.prescriptionId}\``),
    );
  }
  if (state.stage === 'AWAITING_FILL_APPROVAL') {
    lines.push(
      '',
      `Waiting for the partner's \`approveFill\` for fill ${state.fillNumber} (escalation level ${state.escalationLevel}).`,
    );
  }
  if (state.currentOrder?.status === 'On Hold') {
    lines.push(
      '',
      `The order is **On Hold** (${state.currentOrder.exceptionReason ?? 'exception'}): resolve it on workflow \`honeybee-order-${state.currentOrder.orderNumber}\`.`,
    );
  }
  if (state.stage === 'AWAITING_REFILL') {
    lines.push('', `Waiting for a refill request (\`requestRefill\`) for fill ${state.fillNumber}.`);
  }
  if (state.endReason) lines.push('', `Ended: ${state.endReason}`);
  lines.push(...rejectionLines(state.lastRejection));
  return lines.join('\n');
}
