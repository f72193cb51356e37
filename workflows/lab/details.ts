// The lab order's "current details" (markdown in the Web UI): where the order stands, what is wrong, what an operator
// can do and an input to copy. Ids, statuses and field names only: no PHI (the example address is made up), and not
// the vendor's free-text rejection reason (it may echo the address; the `status` query has it).
import type { LabWorkflowSettings } from '../../src/domain/workflow-settings.js';
import { EXAMPLE_LAB_ADDRESS, offeredLabActions, RESUBMIT_ELSEWHERE, type LabAction } from './resolution.js';
import { isTracked, labStage, type LabOrderState } from './state.js';

function hours(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000} day(s)` : `${Math.round(ms / 60_000) / 60} hour(s)`;
}

function exampleInput(state: LabOrderState, actions: readonly LabAction[]): string {
  const resubmit = actions.includes('resubmit');
  const example = resubmit
    ? {
        action: 'resubmit',
        fields: { address: EXAMPLE_LAB_ADDRESS },
        operator: 'ops@example.com',
        reason: 'patient confirmed a corrected shipping address',
      }
    : {
        action: 'cancel',
        operator: 'ops@example.com',
        reason: isTracked(state) ? 'the partner withdrew the order' : 'not an order of this engine',
      };
  return ['```json', JSON.stringify(example, null, 2), '```'].join('\n');
}

function whatIsWrong(state: LabOrderState, settings: LabWorkflowSettings): string | undefined {
  const attention = state.attention;
  if (!attention) return undefined;
  switch (attention.kind) {
    case 'fulfillment_rejected':
      return (
        `${attention.detail}. Onegevity's reason is in the \`status\` query (\`fulfillment.rejectionReason\`). ` +
        (state.startedByEngine
          ? 'Resubmit (usually with a corrected shipping address; a new fulfillment request ' +
            `\`${state.orderIdentifier}R${state.requestsMade + 1}\` is created) or cancel.`
          : `The order was placed outside the engine, which has no placement to resubmit it with: ${RESUBMIT_ELSEWHERE}. ` +
            'Cancel stops following it.')
      );
    case 'order_failed':
      return (
        `${attention.detail}. Resubmit to try again (optionally with a corrected shipping address), or cancel ` +
        '(nothing exists at Onegevity yet).'
      );
    case 'kit_not_activated':
      return (
        `The kit shipped at ${state.shippedAt ?? '?'} and has not been activated after ` +
        `${hours(settings.kitActivationOperatorAfterMs)} (${state.activationRemindersSent} reminder(s) sent). ` +
        'Contact the patient through the partner; this clears when the kit is activated. Or cancel.'
      );
    case 'reports_unavailable':
      return `${attention.detail}. The engine retries on its reconcile interval; cancel stops following the order.`;
    case 'order_unreadable':
      return (
        `${attention.detail}. The engine keeps reading on its reconcile interval and this clears when a read works; ` +
        'check the order (and its patient identifier) at Onegevity, or cancel to stop following it.'
      );
    case 'unknown_order':
      return (
        `${attention.detail}. Its events are kept here and nothing is sent to Onegevity or the partner. ` +
        'Find out who placed it; `cancel` closes this record (it does not cancel anything at Onegevity).'
      );
  }
}

export function labOrderDetails(state: LabOrderState, settings: LabWorkflowSettings): string {
  const stage = labStage(state);
  const lines = [`## Lab order ${state.orderIdentifier}: ${stage}`, ''];
  const f = state.fulfillment;
  lines.push(
    `- Onegevity order: ${state.orderCreated ? (state.orderStatus ?? 'created') : 'not created'}` +
      (state.createOutcome === 'adopted' ? ' (adopted after a conflict or a lost answer)' : '') +
      (state.followed ? ' (placed outside the engine: followed)' : ''),
    `- Fulfillment request \`${f.requestIdentifier}\` (attempt ${f.attempt}): ${f.status}` +
      (f.trackingNumber ? `, tracking ${f.trackingNumber}` : ''),
    `- Kit: ${state.kitStatus}` + (state.kitActivatedAt ? ` (activated ${state.kitActivatedAt})` : ''),
    `- Events: ${state.events.received} received, ${state.events.duplicates} duplicate(s), ${state.events.late} late; ` +
      `reconcile reads: ${state.reconcile.reads}` +
      (state.reconcile.coalesced ? ` (${state.reconcile.coalesced} read request(s) coalesced)` : ''),
  );
  if (state.reportIdentifiers) lines.push(`- Reports: ${state.reportIdentifiers.join(', ') || 'none listed'}`);
  if (state.canceled) {
    lines.push(
      `- Canceled by ${state.canceled.by}${state.canceled.operator ? ` (${state.canceled.operator})` : ''} at ` +
        state.canceled.at,
    );
  }
  const problem = whatIsWrong(state, settings);
  const actions = offeredLabActions(state);
  if (problem) {
    lines.push('', `**Needs an operator** (escalation level ${state.escalationLevel}): ${problem}`);
  }
  if (state.lastProblem) lines.push('', `Last problem: ${state.lastProblem}`);
  const rejection = state.lastRejection;
  if (rejection) {
    lines.push(
      '',
      `**Last input rejected** (${rejection.at}, ${rejection.via} by ${rejection.operator}, action ` +
        `\`${rejection.action}\`): ${rejection.detail}`,
    );
  }
  if (actions.length > 0 && (problem || stage !== 'CREATING_ORDER')) {
    lines.push(
      '',
      '### Actions',
      ...actions.map((action) =>
        action === 'resubmit'
          ? '- `resolveException` (signal) or `resolveExceptionUpdate` (update) with `action: "resubmit"` and ' +
            'an optional corrected `fields.address` {streetAddress1, streetAddress2?, city, region, country, postalCode}'
          : '- `resolveException` with `action: "cancel"`, or the `cancel` signal {operator, reason}',
      ),
      '',
      'Example input:',
      '',
      exampleInput(state, actions),
    );
  }
  return lines.join('\n');
}
