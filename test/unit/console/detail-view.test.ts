// A workflow's detail page (src/console/views/detail.ts) after a refused resolution: the refusal and what the user
// typed stay on the page, inside the action's form while it is offered, and on their own (read-only, escaped) when it
// is not (another operator resolved it first, the workflow ended, or its status query did not answer).
import { describe, expect, it } from 'vitest';
import { detailBody, type FormState } from '../../../src/console/views/detail.js';
import type { WorkflowDetail } from '../../../src/console/workflow-detail.js';
import type { OperatorAction } from '../../../workflows/shared/operator-messages.js';
import { honeybeeField } from '../../../workflows/honeybee/operator-actions.js';

const OVERRIDE: OperatorAction = {
  action: 'override_allergy',
  description: 'Override the allergy',
  fields: [honeybeeField('prescriber_note')],
};
const CANCEL: OperatorAction = { action: 'cancel_order', description: 'Cancel the order', fields: [] };

const DETAIL: WorkflowDetail = {
  workflowId: 'honeybee-order-HB1',
  runId: 'run-1',
  workflowType: 'honeybeeOrderWorkflow',
  execution: 'RUNNING',
  startTime: '2026-12-07T09:00:00.000Z',
  closeTime: null,
  escalationLevel: 0,
  needsOperator: true,
  status: { offeredActions: [OVERRIDE, CANCEL], holdReason: '74 Allergy Detected', decisions: [] },
  timeline: [],
};

const REFUSED: FormState = {
  action: 'override_allergy',
  refusal: 'action "override_allergy" is not offered now (offered: cancel_order)',
  submitted: {
    action: 'override_allergy',
    operator: 'Casey <b>',
    reason: 'prescriber confirmed\nby phone',
    'field.prescriber_note': '<script>alert(1)</script>',
    'field.empty': ' ',
    _csrf: 'token',
  },
};

function render(detail: WorkflowDetail, form: FormState = REFUSED): string {
  return detailBody({ detail, webUiUrl: 'http://ui', operator: 'Casey', form, now: Date.parse(DETAIL.startTime) })
    .markup;
}

describe('a refused resolution on the detail page', () => {
  it('is shown in the form of its action while the action is offered, and nowhere else', () => {
    const markup = render(DETAIL);
    expect(markup).toContain('role="alert" id="action--override_allergy-error">Not accepted: action');
    expect(markup).not.toContain('refused-title');
  });

  for (const [situation, detail] of [
    [
      'another operator resolved it first (only cancelling is offered)',
      { ...DETAIL, status: { ...DETAIL.status!, offeredActions: [CANCEL] } },
    ],
    ['nothing is offered any more', { ...DETAIL, status: { ...DETAIL.status!, offeredActions: [] } }],
    ['the workflow has ended', { ...DETAIL, execution: 'COMPLETED' }],
    ['the status query did not answer', { ...DETAIL, status: null, statusError: 'no answer to the status query' }],
    [
      'its workflow task is failing',
      {
        ...DETAIL,
        failing: {
          workflowId: DETAIL.workflowId,
          runId: DETAIL.runId,
          attempt: 3,
          message: 'poisoned input',
          cause: 'WORKFLOW_WORKER_UNHANDLED_FAILURE',
          failedAt: null,
        },
      },
    ],
  ] satisfies [string, WorkflowDetail][]) {
    it(`keeps the refusal and what was typed when ${situation}`, () => {
      const markup = render(detail);
      expect(markup).toContain('<p class="flash error" role="alert">Not accepted: action &quot;override_allergy&quot;');
      expect(markup).toContain('<code>override_allergy</code> was not accepted');
      expect(markup).toMatch(
        /<label for="refused--Operator">Operator<\/label>\s*<input[^>]*readonly value="Casey &lt;b&gt;"/,
      );
      expect(markup).toMatch(
        /<textarea id="refused--Reason" rows="2" readonly>prescriber confirmed\nby phone<\/textarea>/,
      );
      expect(markup).toMatch(
        /<label for="refused--prescriber_note">prescriber_note<\/label>\s*<input[^>]*readonly value="&lt;script&gt;alert\(1\)&lt;\/script&gt;"/,
      );
      // Nothing unescaped, nothing that would be sent again, no token, no empty field.
      expect(markup).not.toContain('<script>');
      expect(markup).not.toContain('refused--empty');
      expect(markup).not.toContain('token');
      expect(markup).not.toMatch(/<(input|textarea) id="refused--[^>]* name=/);
    });
  }
});
