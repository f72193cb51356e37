// The detail page of one workflow: what it is and where it stands (with a link to the Temporal Web UI), what is wrong,
// the offered actions as forms generated from their fields (each explained, problems shown beside them), the
// decisions taken so far, and what happened, from the audit timeline.
import type { TimelineEntry } from '../../cli/audit/timeline.js';
import { kindName } from '../../cli/workflow-targets.js';
import { workflowTaskFailingLine } from '../../operators/workflow-health.js';
import type { OperatorAction } from '../../../workflows/shared/operator-messages.js';
import type { OperatorDecision } from '../../../workflows/shared/decision-log.js';
import {
  FIELD_PREFIX,
  fieldProblems,
  formFields,
  type FormField,
  type FormInput,
  type SubmittedForm,
} from '../action-form.js';
import { attribute, html, type Html } from '../html.js';
import { vendorName } from '../queue.js';
import type { ConsoleStatus, WorkflowDetail } from '../workflow-detail.js';
import { controlId, timeAgo, timeAt, utc, columnHeads } from './format.js';
import { csrfField } from './layout.js';

/** A form sent back after a refusal: which action, what was typed, what was wrong. */
export interface FormState {
  action: string;
  submitted: SubmittedForm;
  refusal: string;
}

export interface DetailView {
  detail: WorkflowDetail;
  webUiUrl: string;
  operator: string;
  csrfToken?: string;
  form?: FormState;
  now: number;
}

const CANCEL_ACTIONS = /^cancel/;

export function detailTitle(detail: WorkflowDetail): string {
  return detail.subject ? `${kindName(detail.subject.kind)} ${detail.subject.id}` : detail.workflowId;
}

/** What is wrong, in the operator contract's words: why it waits, what the vendor or engine said, the last refusal. */
function problemLines(status: ConsoleStatus): Html[] {
  const lines: Html[] = [];
  if (status.holdReason) lines.push(html`<p>Why: <strong>${status.holdReason}</strong></p>`);
  if (status.holdDetail) lines.push(html`<blockquote>${status.holdDetail}</blockquote>`);
  if (status.lastRejection) {
    const last = status.lastRejection;
    lines.push(html`<p class="muted">Last input rejected: ${last.action} by ${last.operator}: ${last.detail}</p>`);
  }
  return lines;
}

/** A labelled input; `hint` (a plain field's explanation) goes between the label and the input. */
function inputMarkup(action: string, input: FormInput, hintId: string, hint?: Html): Html {
  const id = controlId('f', action, input.name);
  const problemId = `${id}-problem`;
  const describedBy = [hintId, input.problem ? problemId : undefined].filter(Boolean).join(' ');
  const common = html`id="${id}"
  name="${input.name}"${attribute('aria-describedby', describedBy !== '', describedBy)}${attribute(
    'aria-invalid',
    Boolean(input.problem),
    'true',
  )}${attribute('required', input.required)}`;
  const control =
    input.kind === 'checkbox'
      ? html`<input type="checkbox" ${common}${attribute('checked', input.value !== '')} />`
      : input.kind === 'json'
        ? html`<textarea rows="3" ${common}>${input.value}</textarea>`
        : html`<input
            type="text"
            ${input.kind === 'number' ? html` inputmode="decimal"` : ''}
            ${common}
            value="${input.value}"
            ${attribute('placeholder', input.example !== undefined, input.example)}
          />`;
  return html`<div class="field">
    <label for="${id}"
      >${input.label}${input.required ? html` <span class="req">required</span>` : html` <span class="opt">optional</span>`}</label
    >
    ${hint ?? ''} ${control} ${input.problem ? html`<p class="problem" id="${problemId}">${input.problem}</p>` : ''}
  </div>`;
}

function fieldMarkup(action: string, form: FormField): Html {
  const { field } = form;
  const hintId = controlId('f', action, field.name, 'hint');
  const example =
    field.example !== undefined && !form.group
      ? html` Example:
          <code>${typeof field.example === 'string' ? field.example : JSON.stringify(field.example)}</code>`
      : '';
  const hint = html`<p class="hint" id="${hintId}">${field.description}${example}</p>`;
  if (!form.group) {
    const [input] = form.inputs;
    return input ? inputMarkup(action, input, hintId, hint) : html``;
  }
  return html`<fieldset${attribute('aria-invalid', Boolean(form.problem), 'true')}>
  <legend>${field.name} ${field.required ? html`<span class="req">required</span>` : html`<span class="opt">optional</span>`}</legend>
  ${hint}
  ${form.problem ? html`<p class="problem">${form.problem}</p>` : ''}
  <div class="grid">${form.inputs.map((input) => inputMarkup(action, input, hintId))}</div>
</fieldset>`;
}

function actionForm(view: DetailView, action: OperatorAction): Html {
  const state = view.form?.action === action.action ? view.form : undefined;
  const titleId = controlId('action', action.action);
  const errorId = `${titleId}-error`;
  const fields = formFields(action, state?.submitted, state?.refusal);
  const problems = state ? fieldProblems(state.refusal) : new Map<string, string>();
  const operatorProblem = problems.get(':operator');
  const reasonProblem = problems.get(':reason');
  const operatorId = controlId('f', action.action, 'operator');
  const reasonId = controlId('f', action.action, 'reason');
  const danger = CANCEL_ACTIONS.test(action.action);
  return html`<form
    method="post"
    action="/console/workflows/${encodeURIComponent(view.detail.workflowId)}/resolve"
    class="action-form${danger ? ' danger' : ''}"
    aria-labelledby="${titleId}"
    novalidate
  >
    <h3 id="${titleId}"><code>${action.action}</code></h3>
    <p>${action.description}</p>
    ${state ? html`<p class="flash error" role="alert" id="${errorId}">Not accepted: ${state.refusal}</p>` : ''}
    <input type="hidden" name="action" value="${action.action}" />
    ${csrfField(view.csrfToken)} ${fields.map((field) => fieldMarkup(action.action, field))}
    <div class="field">
      <label for="${operatorId}">Operator <span class="req">required</span></label>
      <input
        id="${operatorId}"
        name="operator"
        type="text"
        required
        value="${state?.submitted.operator ?? view.operator}"
        ${attribute('aria-invalid', Boolean(operatorProblem), 'true')}
      />
      ${operatorProblem ? html`<p class="problem">${operatorProblem}</p>` : ''}
    </div>
    <div class="field">
      <label for="${reasonId}">Reason <span class="req">required</span></label>
      <p class="hint" id="${reasonId}-hint">Why: kept in the audit with your name.</p>
      <textarea
        id="${reasonId}"
        name="reason"
        rows="2"
        required
        aria-describedby="${reasonId}-hint"
        ${attribute('aria-invalid', Boolean(reasonProblem), 'true')}
      >
${state?.submitted.reason ?? ''}</textarea>
      ${reasonProblem ? html`<p class="problem">${reasonProblem}</p>` : ''}
    </div>
    <button type="submit" ${danger ? html` class="danger"` : ''}>
      ${danger ? 'Cancel' : 'Resolve'}: ${action.action}
    </button>
  </form>`;
}

/** A read-only copy of one thing the user typed, labelled, to copy from. */
function keptValue(label: string, value: string, multiline = false): Html {
  const id = controlId('refused', label);
  return html`<div class="field">
    <label for="${id}">${label}</label>
    ${
      multiline
        ? html`<textarea id="${id}" rows="2" readonly>${value}</textarea>`
        : html`<input id="${id}" type="text" readonly value="${value}" />`
    }
  </div>`;
}

/**
 * A refusal whose action has no form on this page (another operator resolved it first, or the workflow did not answer
 * its status query): said here, with what was typed kept read-only, since no form can carry it back.
 */
function refusedElsewhere(form: FormState): Html {
  const fields = Object.entries(form.submitted).filter(
    ([name, value]) => name.startsWith(FIELD_PREFIX) && value.trim() !== '',
  );
  return html`<div class="action-form" role="group" aria-labelledby="refused-title">
    <h3 id="refused-title"><code>${form.action || '(no action)'}</code> was not accepted</h3>
    <p class="flash error" role="alert">Not accepted: ${form.refusal}</p>
    <p>It is not offered on this page now. What you sent, to copy:</p>
    ${keptValue('Operator', form.submitted.operator ?? '')} ${keptValue('Reason', form.submitted.reason ?? '', true)}
    ${fields.map(([name, value]) => keptValue(name.slice(FIELD_PREFIX.length), value, value.includes('\n')))}
  </div>`;
}

function actionsSection(view: DetailView): Html {
  const { detail } = view;
  const offered = detail.status && detail.execution === 'RUNNING' ? (detail.status.offeredActions ?? []) : [];
  const withForm = !detail.failing && offered.some((action) => action.action === view.form?.action);
  const refused = view.form && !withForm ? refusedElsewhere(view.form) : '';
  if (detail.failing) {
    return refused
      ? html`<section aria-labelledby="actions-title">
          <h2 id="actions-title">Actions</h2>
          ${refused}
        </section>`
      : html``;
  }
  if (!detail.status) {
    return html`<section aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      ${refused}
      <p class="notice warn">
        ${detail.statusError ?? 'The workflow did not answer.'} Nothing can be sent until it answers.
      </p>
    </section>`;
  }
  if (offered.length === 0) {
    return html`<section aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      ${refused}
      <p>
        Nothing to resolve
        now${detail.execution !== 'RUNNING' ? ` (the workflow has ${detail.execution.toLowerCase()})` : ''}.
      </p>
    </section>`;
  }
  const resolving = offered.filter((action) => !CANCEL_ACTIONS.test(action.action));
  const canceling = offered.filter((action) => CANCEL_ACTIONS.test(action.action));
  return html`<section aria-labelledby="actions-title">
    <h2 id="actions-title">Resolve</h2>
    ${refused}
    ${resolving.length > 0 ? resolving.map((action) => actionForm(view, action)) : html`<p>No resolution is offered, only cancelling.</p>`}
    ${
      canceling.length > 0
        ? html`<h2>Cancel</h2>
            ${canceling.map((action) => actionForm(view, action))}`
        : ''
    }
  </section>`;
}

function decisionsSection(decisions: readonly OperatorDecision[], now: number): Html {
  if (decisions.length === 0) return html``;
  return html`<section aria-labelledby="decisions-title">
    <h2 id="decisions-title">Decisions</h2>
    <div class="table-wrap">
      <table>
        ${columnHeads('When', 'Operator', 'Action', 'Outcome', 'Reason')}
        <tbody>
          ${[...decisions].reverse().map(
            (decision) =>
              html`<tr>
                <td data-label="When">${timeAgo(decision.at, now)}</td>
                <td data-label="Operator">${decision.operator}</td>
                <td data-label="Action">
                  <code>${decision.action}</code> <span class="muted">(${decision.via})</span>
                </td>
                <td data-label="Outcome">
                  <span class="badge ${decision.outcome === 'accepted' ? 'ok' : 'danger'}">${decision.outcome}</span>
                  ${decision.detail}
                </td>
                <td data-label="Reason">${decision.reason}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function workflowLabel(workflowId: string, own: string): string {
  if (workflowId === own) return 'this';
  return workflowId
    .replace(/^honeybee-rx-/, 'rx ')
    .replace(/^honeybee-order-/, 'order ')
    .replace(/^onegevity-order-/, 'lab ');
}

function who(entry: TimelineEntry): Html {
  if (!entry.operator && !entry.reason && !entry.identity) return html``;
  return html`${entry.operator ? html`<strong>${entry.operator}</strong>` : ''}${entry.reason ? html`: ${entry.reason}` : ''}${
    entry.identity
      ? html` <span class="identity">sent by ${entry.identity}</span>`
      : entry.operator
        ? html` <span class="muted">sender not recorded</span>`
        : ''
  }`;
}

function timelineSection(detail: WorkflowDetail): Html {
  return html`<section aria-labelledby="timeline-title">
    <h2 id="timeline-title">What happened</h2>
    ${detail.timelineError ? html`<p class="notice warn">The audit could not be read: ${detail.timelineError}</p>` : ''}
    <div class="table-wrap">
      <table class="timeline">
        <caption class="visually-hidden">
          The audit timeline of this workflow and the workflows around it, oldest first
        </caption>
        ${columnHeads('When (UTC)', 'Workflow', 'What', 'Who')}
        <tbody>
          ${detail.timeline.map(
            (entry) =>
              html`<tr class="kind-${entry.kind.replace(/\./g, '-')}">
                <td data-label="When"><time datetime="${entry.at}">${utc(entry.at)}</time></td>
                <td data-label="Workflow">${workflowLabel(entry.workflowId, detail.workflowId)}</td>
                <td data-label="What">
                  ${entry.summary}${entry.requestIds ? html` <span class="muted">X-Request-Id ${entry.requestIds.join(', ')}</span>` : ''}
                </td>
                <td data-label="Who">${who(entry)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

export function detailBody(view: DetailView): Html {
  const { detail, now } = view;
  const status = detail.status;
  const nextEscalation = status?.nextEscalationAt;
  return html`<p><a href="/console">← Queue</a></p>
    <h1>${detailTitle(detail)} <span class="badge">${detail.execution.toLowerCase()}</span></h1>
    <p class="muted">
      <code>${detail.workflowId}</code> · ${detail.workflowType} · ${vendorName(detail.vendor)} ·
      <a href="${view.webUiUrl}" target="_blank" rel="noopener noreferrer">Open in the Temporal Web UI</a>
    </p>
    ${
      detail.failing
        ? html`<div class="flash error" role="alert">
            <p><strong>${workflowTaskFailingLine(detail.failing)}</strong></p>
            <p>
              It answers nothing until it is repaired (attempt ${detail.failing.attempt}, ${detail.failing.cause}): run
              <code>fulfill repair ${detail.workflowId} --operator &lt;you&gt; --reason &lt;why&gt; --dry-run</code>,
              then without <code>--dry-run</code> (docs/OPERATIONS.md, "A stuck workflow").
            </p>
          </div>`
        : ''
    }
    <dl class="facts">
      <div>
        <dt>Stage</dt>
        <dd>${detail.stage ?? '—'}</dd>
      </div>
      <div>
        <dt>Needs an operator</dt>
        <dd>${detail.needsOperator ? 'yes' : 'no'}</dd>
      </div>
      <div>
        <dt>Escalation level</dt>
        <dd>${detail.escalationLevel}</dd>
      </div>
      <div>
        <dt>Next escalation</dt>
        <dd>${nextEscalation ? timeAt(nextEscalation, now) : html`<span class="muted">none scheduled</span>`}</dd>
      </div>
      ${
        detail.onHoldSince
          ? html`<div>
              <dt>On hold since</dt>
              <dd>${timeAt(detail.onHoldSince, now)}</dd>
            </div>`
          : ''
      }
      <div>
        <dt>Started</dt>
        <dd>${timeAt(detail.startTime, now)}</dd>
      </div>
    </dl>
    ${
      status
        ? html`<section aria-labelledby="problem-title">
            <h2 id="problem-title">What is wrong</h2>
            ${
              problemLines(status).length > 0
                ? problemLines(status)
                : html`<p>Nothing: it does not wait for an operator.</p>`
            }
          </section>`
        : ''
    }
    ${actionsSection(view)} ${status ? decisionsSection(status.decisions ?? [], now) : ''} ${timelineSection(detail)}`;
}
