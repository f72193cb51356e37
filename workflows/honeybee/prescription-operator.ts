// The operator's side of a prescription: what `resolveException` accepts now (a patient match, a correction of an
// order Honeybee refused to create, a fill approval on the partner's behalf, a cancellation), whether an input can be
// carried out, and carrying it out: recording the decision and leaving the flow what it waits for (`pending`). The
// dedicated signals (matchPatient, approveFill, cancel) go through the same steps, so both paths decide alike.
import { z } from 'zod';
import { recordDecision, type OperatorDecision } from '../shared/decision-log.js';
import { parseActionFields, type InputRefusal } from '../shared/handlers.js';
import { jsonValueProblem } from '../shared/json-value.js';
import {
  operatorText,
  type OperatorAction,
  type ResolutionResult,
  type ResolveExceptionInput,
} from '../shared/operator-messages.js';
import {
  APPROVE_FILL_ACTION,
  CANCEL_PRESCRIPTION_ACTION,
  MATCH_PATIENT_ACTION,
  operatorActionOf,
} from './operator-actions.js';
import { honeybeeShippingAddressInput, patientSafetyInput, type PatientSafetyInput } from './messages.js';
import { fillsRemaining, PrescriptionStage } from './prescription-state.js';
import { checkResolution, fieldValueProblem, offeredActionNames } from './resolution.js';
import type { FillIntake, OperatorException, PrescriptionState } from './types.js';
import { sharedSchema } from '../shared/shared-schemas.js';

/** What accepted inputs leave for the prescription's flow to act on. */
export interface PendingOperatorInputs {
  match?: { partnerPatientId: string; operator: string };
  /** Who sent it and why, as accepted: the flow acts on it later, when other inputs may have been recorded. */
  correction?: { action: string; fields: Record<string, unknown>; operator: string; reason: string; at: string };
  cancel?: { operator: string; reason: string; at: string };
}

type Via = OperatorDecision['via'];

const matchFields = sharedSchema('honeybee/prescription-operator:matchFields', () =>
  z.object({ partnerPatientId: operatorText(200) }),
);
const approveFields = sharedSchema('honeybee/prescription-operator:approveFields', () =>
  z.object({
    fillNumber: z.number().int().positive().nullish(),
    paymentReference: z.string().max(200).nullish(),
    patientSafety: patientSafetyInput.nullish(),
  }),
);
const patientSafetyFields = sharedSchema('honeybee/prescription-operator:patientSafetyFields', () =>
  z.object({ patientSafety: patientSafetyInput }),
);
const addressFields = sharedSchema('honeybee/prescription-operator:addressFields', () =>
  z.object({ address: honeybeeShippingAddressInput }),
);

/**
 * A corrected address is checked before it is accepted (street1, city, state, ZIP), as the partner API checks an
 * order's new address. Runs from before took any address object, and a partial one failed only at the next attempt
 * (InvalidInput): an accepted correction in their histories must still be carried out when they replay.
 */
export const ADDRESS_CORRECTION_CHECKED_PATCH = 'prescription-address-correction-checked';

/**
 * An operator's patient match is looked up in the partner directory before it is taken: a mistyped id would put the
 * prescription in another patient's chart. Runs from before took any id; their accepted matches replay as they ran.
 */
export const OPERATOR_MATCH_CHECKED_PATCH = 'prescription-operator-match-checked';

/** What the partner directory said of a partner patient id; unchecked when it did not answer in time. */
export type PartnerPatientLookup = 'known' | 'unknown' | 'unchecked';

/**
 * Approvals are bounded: a fill number within the fills the prescription can still have and at most
 * MAX_FILLS_AHEAD past the current one, and an intake of bounded size. Each kept approval's intake is carried into
 * every next run, so runs from before it that accepted fills far ahead with large intakes could not continue as new
 * (PayloadLimitViolation): such approvals are refused, and those already kept are dropped when the run continues.
 */
export const APPROVALS_BOUNDED_PATCH = 'prescription-approvals-bounded';

/** Fills past the current one that can be approved ahead (each may keep an intake for the next runs). */
export const MAX_FILLS_AHEAD = 3;
/** One patient-safety entry, as JSON: a name or a small object of the partner's. */
export const MAX_INTAKE_ITEM_CHARS = 2_000;
/** A whole intake, as JSON. */
export const MAX_INTAKE_CHARS = 32_000;

const INTAKE_LISTS = ['medications', 'healthConditions', 'allergies'] as const;
/** One entry's shape, walked before JSON.stringify measures it: nested and numerous enough for any intake, no more. */
const INTAKE_ITEM_BOUNDS = { maxDepth: 8, maxValues: 500, maxText: MAX_INTAKE_CHARS };

/** What makes an intake too large to keep and send; undefined when it is not. */
export function intakeSizeProblem(intake: PatientSafetyInput): string | undefined {
  for (const list of INTAKE_LISTS) {
    // Measured by walking first: JSON.stringify of an entry nested thousands deep (anyone can send one from the Web
    // UI) would overflow the stack and fail the workflow task.
    const unbounded = intake[list].findIndex((item) => jsonValueProblem(item, INTAKE_ITEM_BOUNDS) !== undefined);
    if (unbounded >= 0) {
      const problem = jsonValueProblem(intake[list][unbounded], INTAKE_ITEM_BOUNDS) ?? '';
      return `patientSafety.${list}[${unbounded}] must be plain JSON, not ${problem}`;
    }
    const at = intake[list].findIndex((item) => JSON.stringify(item).length > MAX_INTAKE_ITEM_CHARS);
    if (at >= 0) {
      const size = JSON.stringify(intake[list][at]).length;
      return `patientSafety.${list}[${at}] is too large (${size} characters as JSON; at most ${MAX_INTAKE_ITEM_CHARS})`;
    }
  }
  const size = JSON.stringify(intake).length;
  return size > MAX_INTAKE_CHARS
    ? `patientSafety is too large (${size} characters as JSON; at most ${MAX_INTAKE_CHARS})`
    : undefined;
}

export function createPrescriptionOperator(
  state: PrescriptionState,
  options: {
    now: () => string;
    publish: () => void;
    intakes?: FillIntake[];
    /** Whether this run checks a handled address correction: `patched(ADDRESS_CORRECTION_CHECKED_PATCH)`. */
    checksAddressCorrection?: () => boolean;
    /** Whether this run bounds approvals and intakes: `patched(APPROVALS_BOUNDED_PATCH)`, asked when one is out. */
    boundsApprovals?: () => boolean;
    /**
     * Looks up an operator's match in the partner directory; undefined when this run does not
     * (`patched(OPERATOR_MATCH_CHECKED_PATCH)`, asked only for a match about to be taken). Never rejects.
     */
    lookUpPartnerPatient?: (partnerPatientId: string) => Promise<PartnerPatientLookup> | undefined;
  },
) {
  const { now, publish } = options;
  const boundsApprovals = options.boundsApprovals ?? (() => true);
  const pending: PendingOperatorInputs = {};
  /** The partner patient id of a match being looked up in the directory: no other match is taken meanwhile. */
  let matchLookingUp: string | undefined;
  const intakes: FillIntake[] = [...(options.intakes ?? [])];

  function keepIntake(fillNumber: number, patientSafety: PatientSafetyInput): void {
    const kept = intakes.findIndex((intake) => intake.fillNumber === fillNumber);
    if (kept >= 0) intakes.splice(kept, 1);
    intakes.push({ fillNumber, patientSafety });
  }

  /** The intake given with the approval of `fillNumber`, if one was. */
  function intakeFor(fillNumber: number): PatientSafetyInput | undefined {
    return intakes.find((intake) => intake.fillNumber === fillNumber)?.patientSafety;
  }

  /** The last fill the prescription can have, when Honeybee said how many refills it has. */
  function lastFill(): number | undefined {
    return state.facts.refillsLeft === undefined ? undefined : state.fillsDelivered + fillsRemaining(state);
  }

  /** Why `fill` is out of the fills that can be approved now (beyond the prescription's, or too far ahead). */
  function fillRangeProblem(fill: number): string | undefined {
    const last = lastFill();
    if (last !== undefined && fill > last) {
      return `fill ${fill} is beyond this prescription's fills (its last possible fill is ${last})`;
    }
    const furthest = state.fillNumber + MAX_FILLS_AHEAD;
    return fill > furthest
      ? `fill ${fill} is too far ahead: fills ${state.fillNumber} to ${furthest} can be approved now`
      : undefined;
  }

  function boundsProblem(fill: number, intake: PatientSafetyInput | null | undefined): string | undefined {
    return fillRangeProblem(fill) ?? (intake ? intakeSizeProblem(intake) : undefined);
  }

  /**
   * Intakes for `fillNumber` and later, for the next run; under APPROVALS_BOUNDED_PATCH without those (and the
   * approvals) a run from before it kept out of bounds.
   */
  function intakesFrom(fillNumber: number): FillIntake[] {
    const later = intakes.filter((intake) => intake.fillNumber >= fillNumber);
    const kept = later.filter((intake) => !boundsProblem(intake.fillNumber, intake.patientSafety));
    const approved = state.approvedFills.filter((fill) => !fillRangeProblem(fill));
    if (kept.length === later.length && approved.length === state.approvedFills.length) return later;
    if (!boundsApprovals()) return later;
    state.approvedFills = approved;
    return kept;
  }

  function creationException(): OperatorException | undefined {
    return state.exception?.source === 'order_creation' ? state.exception : undefined;
  }

  function creationBlocked(): string | undefined {
    if (creationException()) return pending.correction ? 'a correction is already being applied' : undefined;
    if (state.currentOrder) {
      const orderNumber = state.currentOrder.orderNumber;
      return `there is no open exception on this prescription; order ${orderNumber}'s holds are resolved on workflow honeybee-order-${orderNumber}`;
    }
    if (state.exception?.source === 'patient_match') return 'the patient is not matched yet: send matchPatient';
    return 'there is no open exception on this prescription';
  }

  function matchProblem(): string | undefined {
    if (state.stage === PrescriptionStage.AwaitingPatientMatch) return undefined;
    return state.match
      ? `the patient is already matched (${state.match.partnerPatientId}, by ${state.match.matchedBy})`
      : `the prescription is not waiting for a patient match (stage ${state.stage})`;
  }

  function approvalProblem(fill: number): string | undefined {
    if (state.mode !== 'partner_requested' || state.fillApproval !== 'partner') {
      return `fills need no approval here (mode ${state.mode}, fill approval ${state.fillApproval})`;
    }
    return fill < state.fillNumber
      ? `fill ${fill} is not pending (the current fill is ${state.fillNumber})`
      : undefined;
  }

  function cancelProblem(): string | undefined {
    if (state.endReason) return `the prescription has already ended (${state.endReason})`;
    return pending.cancel ? 'a cancellation is already under way' : undefined;
  }

  /** What resolveException accepts now. */
  function offeredActions(): OperatorAction[] {
    if (state.endReason) return [];
    const actions: OperatorAction[] = [];
    if (!matchProblem() && !pending.match && !matchLookingUp) actions.push(MATCH_PATIENT_ACTION);
    const creation = creationException();
    if (creation && !creationBlocked()) actions.push(...creation.actions.map(operatorActionOf));
    if (state.stage === PrescriptionStage.AwaitingFillApproval) actions.push(APPROVE_FILL_ACTION);
    if (!cancelProblem()) actions.push(CANCEL_PRESCRIPTION_ACTION);
    return actions;
  }

  function decide(
    decision: Omit<OperatorDecision, 'at' | 'outcome' | 'detail'>,
    problem: string | undefined,
    done: string,
  ): ResolutionResult {
    recordDecision(state, {
      at: now(),
      ...decision,
      outcome: problem ? 'rejected' : 'accepted',
      detail: problem ?? done,
    });
    publish();
    return problem
      ? { accepted: false, reason: problem, offeredActions: offeredActions().map((action) => action.action) }
      : { accepted: true, action: decision.action, message: done };
  }

  /** Why no second match can be taken now: one is already taken, or being looked up. */
  function matchUnderWay(): string | undefined {
    if (pending.match) return 'a match is already being applied';
    return matchLookingUp ? `a match (${matchLookingUp}) is being looked up in the partner directory` : undefined;
  }

  function match(
    input: { partnerPatientId: string; operator: string; reason: string },
    via: Via,
  ): ResolutionResult | Promise<ResolutionResult> {
    const decision = { via, operator: input.operator, reason: input.reason, action: 'matchPatient' };
    const partnerPatientId = input.partnerPatientId.trim();
    const problem = matchProblem() ?? (matchLookingUp ? matchUnderWay() : undefined);
    const lookup = problem ? undefined : options.lookUpPartnerPatient?.(partnerPatientId);
    if (!lookup) {
      if (!problem) pending.match = { partnerPatientId, operator: input.operator };
      return decide(decision, problem, `matched to partner patient ${input.partnerPatientId}`);
    }
    matchLookingUp = partnerPatientId;
    return lookup.then((found) => {
      matchLookingUp = undefined;
      // The wait may have seen a cancellation or another path's match.
      const late = matchProblem() ?? matchUnderWay();
      const unknown =
        found === 'unknown'
          ? `the partner directory has no patient ${partnerPatientId}: check the id with the partner (the directory must know the patient first)`
          : undefined;
      if (!late && !unknown) pending.match = { partnerPatientId, operator: input.operator };
      const unchecked = found === 'unchecked' ? ' (not looked up: the partner directory did not answer)' : '';
      return decide(decision, late ?? unknown, `matched to partner patient ${partnerPatientId}${unchecked}`);
    });
  }

  function approve(
    input: {
      approvedBy: string;
      reason: string;
      fillNumber?: number | null;
      patientSafety?: PatientSafetyInput | null;
    },
    via: Via,
  ): ResolutionResult {
    const fill = input.fillNumber ?? state.fillNumber;
    const outOfBounds = boundsProblem(fill, input.patientSafety);
    // Runs from before the bounds accepted such approvals, and must replay so.
    const problem = approvalProblem(fill) ?? (outOfBounds && boundsApprovals() ? outOfBounds : undefined);
    if (!problem && !state.approvedFills.includes(fill)) state.approvedFills.push(fill);
    if (!problem && input.patientSafety) keepIntake(fill, input.patientSafety);
    return decide(
      { via, operator: input.approvedBy, reason: input.reason, action: 'approveFill' },
      problem,
      `fill ${fill} approved`,
    );
  }

  function cancel(input: { operator: string; reason: string }, via: Via): ResolutionResult {
    const problem = cancelProblem();
    if (!problem) pending.cancel = { operator: input.operator, reason: input.reason, at: now() };
    return decide(
      { via, operator: input.operator, reason: input.reason, action: 'cancel' },
      problem,
      'the prescription will be canceled',
    );
  }

  /** A creation action's fields as the flow takes them, or what is wrong with them (beyond their presence). */
  function correctionFields(
    action: string,
    fields: Record<string, unknown>,
    checksAddress: () => boolean,
    boundsIntake: () => boolean,
  ): { ok: true; value: Record<string, unknown> } | { ok: false; problem: string } {
    if (action === 'provide_patient_safety') {
      const parsed = parseActionFields(patientSafetyFields, fields);
      const tooLarge = parsed.ok ? intakeSizeProblem(parsed.value.patientSafety) : undefined;
      return tooLarge && boundsIntake() ? { ok: false, problem: `fields.${tooLarge}` } : parsed;
    }
    if (action === 'update_shipping_address' && checksAddress()) return parseActionFields(addressFields, fields);
    return { ok: true, value: fields };
  }

  function correct(input: ResolveExceptionInput, via: Via): ResolutionResult {
    const check = checkResolution(creationException(), input, creationBlocked());
    if (!check.ok) return refuse(input, via, check.reason);
    const action = check.action.action;
    const fields = correctionFields(
      action,
      check.fields,
      options.checksAddressCorrection ?? (() => true),
      boundsApprovals,
    );
    if (!fields.ok) return refuse(input, via, fields.problem);
    pending.correction = { action, fields: fields.value, operator: input.operator, reason: input.reason, at: now() };
    const message =
      action === 'cancel_prescription'
        ? 'the prescription will be canceled'
        : action === 'update_shipping_address'
          ? 'the order will be created again with the corrected address'
          : action === 'provide_patient_safety'
            ? 'the order will be created again with the patient-safety intake given'
            : state.mode === 'automatic'
              ? "Honeybee's order will be looked for again"
              : 'the order will be created again';
    return decide({ via, operator: input.operator, reason: input.reason, action }, undefined, message);
  }

  function refuse(input: ResolveExceptionInput, via: Via, reason: string): ResolutionResult {
    return decide({ via, operator: input.operator, reason: input.reason, action: input.action }, reason, '');
  }

  /** Carries out a resolveException input (signal or update): any action offered now. */
  function resolve(
    input: ResolveExceptionInput,
    via: 'signal' | 'update',
  ): ResolutionResult | Promise<ResolutionResult> {
    switch (input.action) {
      case 'matchPatient': {
        const fields = parseActionFields(matchFields, input.fields);
        if (!fields.ok) return refuse(input, via, fields.problem);
        return match({ ...fields.value, operator: input.operator, reason: input.reason }, via);
      }
      case 'approveFill': {
        const fields = parseActionFields(approveFields, input.fields);
        if (!fields.ok) return refuse(input, via, fields.problem);
        const payment = fields.value.paymentReference;
        return approve(
          {
            approvedBy: input.operator,
            reason: payment ? `${input.reason} (payment ${payment})` : input.reason,
            ...(fields.value.fillNumber ? { fillNumber: fields.value.fillNumber } : {}),
            ...(fields.value.patientSafety ? { patientSafety: fields.value.patientSafety } : {}),
          },
          via,
        );
      }
      case 'cancel':
        return cancel(input, via);
      default:
        return correct(input, via);
    }
  }

  /** Why resolveException cannot carry `input` out now (the update's validator); undefined when it can. */
  function check(input: ResolveExceptionInput): InputRefusal | undefined {
    const offered = offeredActions().map((action) => action.action);
    const refusal = (reason: string | undefined): InputRefusal | undefined =>
      reason ? { reason, offeredActions: offered } : undefined;
    const invalid = (problem: string): InputRefusal => ({ reason: problem, offeredActions: offered, kind: 'invalid' });
    switch (input.action) {
      case 'matchPatient': {
        const fields = parseActionFields(matchFields, input.fields);
        if (!fields.ok) return invalid(fields.problem);
        return refusal(matchProblem() ?? matchUnderWay());
      }
      case 'approveFill': {
        const fields = parseActionFields(approveFields, input.fields);
        if (!fields.ok) return invalid(fields.problem);
        const fill = fields.value.fillNumber ?? state.fillNumber;
        const tooLarge = fields.value.patientSafety ? intakeSizeProblem(fields.value.patientSafety) : undefined;
        if (tooLarge) return invalid(`fields.${tooLarge}`);
        return refusal(approvalProblem(fill) ?? fillRangeProblem(fill));
      }
      case 'cancel':
        return refusal(cancelProblem());
      default: {
        const result = checkResolution(creationException(), input, creationBlocked());
        if (!result.ok) {
          return { reason: result.reason, offeredActions: offeredActionNames(creationException()), kind: result.kind };
        }
        const valueProblem = fieldValueProblem(result.fields);
        if (valueProblem) return invalid(valueProblem);
        // A validator is never replayed: it checks an address in every run.
        const fields = correctionFields(
          result.action.action,
          result.fields,
          () => true,
          () => true,
        );
        return fields.ok ? undefined : invalid(fields.problem);
      }
    }
  }

  return { pending, offeredActions, resolve, check, match, approve, cancel, intakeFor, intakesFrom };
}
