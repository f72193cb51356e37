// What a prescription offers an operator at each wait (the status's `offeredActions`, the same contract as every
// workflow), and that resolveException carries out those actions as the dedicated signals do.
import { describe, expect, it } from 'vitest';
import { prescriptionDetails } from '../../../workflows/honeybee/details.js';
import {
  orderRefusedException,
  vendorOrderMissingException,
} from '../../../workflows/honeybee/prescription-exceptions.js';
import {
  createPrescriptionOperator,
  MAX_INTAKE_CHARS,
  MAX_INTAKE_ITEM_CHARS,
  type PartnerPatientLookup,
} from '../../../workflows/honeybee/prescription-operator.js';
import { initialPrescriptionState, PrescriptionStage } from '../../../workflows/honeybee/prescription-state.js';
import { DEFAULT_HONEYBEE_SETTINGS } from '../../../workflows/honeybee/settings.js';
import type { PrescriptionState } from '../../../workflows/honeybee/types.js';
import type { PatientSafetyInput } from '../../../workflows/honeybee/messages.js';

const NOW = '2026-01-01T00:00:00.000Z';

function operatorFor(
  patch: Partial<PrescriptionState> = {},
  checksAddressCorrection?: () => boolean,
  boundsApprovals?: () => boolean,
  lookUpPartnerPatient?: (partnerPatientId: string) => Promise<PartnerPatientLookup> | undefined,
) {
  const state = {
    ...initialPrescriptionState({ prescriptionId: '1' }, { ...DEFAULT_HONEYBEE_SETTINGS, fillApproval: 'partner' }),
    ...patch,
  };
  let published = 0;
  const operator = createPrescriptionOperator(state, {
    now: () => NOW,
    publish: () => (published += 1),
    ...(checksAddressCorrection ? { checksAddressCorrection } : {}),
    ...(boundsApprovals ? { boundsApprovals } : {}),
    ...(lookUpPartnerPatient ? { lookUpPartnerPatient } : {}),
  });
  return { state, operator, published: () => published };
}

const names = (operator: ReturnType<typeof createPrescriptionOperator>) =>
  operator.offeredActions().map((action) => action.action);

describe('prescription operator actions', () => {
  it('offers what each wait needs, with fields explained, and cancel until the end', () => {
    expect(names(operatorFor({ stage: PrescriptionStage.AwaitingPatientMatch }).operator)).toEqual([
      'matchPatient',
      'cancel',
    ]);
    expect(names(operatorFor({ stage: PrescriptionStage.AwaitingFillApproval }).operator)).toEqual([
      'approveFill',
      'cancel',
    ]);
    const creation = operatorFor({
      stage: PrescriptionStage.AwaitingOrderCorrection,
      exception: {
        source: 'order_creation',
        code: '42230',
        name: 'Address rejected',
        actions: [{ action: 'update_shipping_address', fields: ['address'] }],
        raisedAt: NOW,
      },
    }).operator;
    expect(names(creation)).toEqual(['update_shipping_address', 'cancel']);
    expect(creation.offeredActions()[0]?.fields[0]).toMatchObject({ name: 'address', required: true });
    expect(names(operatorFor({ stage: PrescriptionStage.Completed, endReason: 'done' }).operator)).toEqual([]);
  });

  it('resolveException carries out a patient match, an approval and a cancellation like their signals', () => {
    const waiting = operatorFor({ stage: PrescriptionStage.AwaitingPatientMatch });
    expect(
      waiting.operator.resolve(
        { action: 'matchPatient', fields: { partnerPatientId: 'P-7' }, operator: 'dana', reason: 'called' },
        'update',
      ),
    ).toMatchObject({ accepted: true, action: 'matchPatient' });
    expect(waiting.operator.pending.match).toEqual({ partnerPatientId: 'P-7', operator: 'dana' });
    expect(waiting.state.decisions.at(-1)).toMatchObject({
      via: 'update',
      action: 'matchPatient',
      outcome: 'accepted',
    });
    expect(waiting.published()).toBe(1);

    const approval = operatorFor({ stage: PrescriptionStage.AwaitingFillApproval });
    expect(
      approval.operator.check({ action: 'approveFill', fields: { paymentReference: 7 }, operator: 'o', reason: 'r' }),
    ).toMatchObject({ reason: '"fields.paymentReference" must be text' });
    void approval.operator.resolve({ action: 'approveFill', operator: 'o', reason: 'paid by phone' }, 'signal');
    expect(approval.state.approvedFills).toEqual([1]);

    const cancel = operatorFor({ stage: PrescriptionStage.AwaitingFillApproval });
    void cancel.operator.resolve({ action: 'cancel', operator: 'o', reason: 'r' }, 'signal');
    expect(cancel.operator.pending.cancel).toMatchObject({ operator: 'o', reason: 'r' });
    expect(cancel.operator.check({ action: 'cancel', operator: 'o', reason: 'again' })).toMatchObject({
      reason: 'a cancellation is already under way',
    });
  });

  it('looks a match up in the partner directory before taking it: an unknown id is refused, naming it', async () => {
    const asked: string[] = [];
    let answer: (found: PartnerPatientLookup) => void = () => undefined;
    const { operator, state } = operatorFor(
      { stage: PrescriptionStage.AwaitingPatientMatch },
      undefined,
      undefined,
      (id) => {
        asked.push(id);
        return new Promise<PartnerPatientLookup>((resolve) => (answer = resolve));
      },
    );
    const matchTo = (partnerPatientId: string) => ({
      action: 'matchPatient',
      fields: { partnerPatientId },
      operator: 'dana',
      reason: 'called the clinic',
    });

    const typo = operator.resolve(matchTo(' P-TYPO '), 'update');
    expect(asked).toEqual(['P-TYPO']);
    // While the directory is asked, no other match is taken and none is offered.
    expect(names(operator)).toEqual(['cancel']);
    expect(operator.check(matchTo('P-OTHER'))).toMatchObject({
      reason: 'a match (P-TYPO) is being looked up in the partner directory',
    });
    expect(await operator.match({ partnerPatientId: 'P-OTHER', operator: 'erin', reason: 'r' }, 'match')).toMatchObject(
      { accepted: false, reason: 'a match (P-TYPO) is being looked up in the partner directory' },
    );
    answer('unknown');
    expect(await typo).toMatchObject({
      accepted: false,
      reason: expect.stringContaining('the partner directory has no patient P-TYPO') as unknown,
      offeredActions: ['matchPatient', 'cancel'],
    });
    expect(operator.pending.match).toBeUndefined();
    expect(state.decisions.at(-1)).toMatchObject({ action: 'matchPatient', outcome: 'rejected', operator: 'dana' });

    const known = operator.resolve(matchTo('P-7'), 'signal');
    answer('known');
    expect(await known).toMatchObject({ accepted: true, message: 'matched to partner patient P-7' });
    expect(operator.pending.match).toEqual({ partnerPatientId: 'P-7', operator: 'dana' });
    expect(asked).toEqual(['P-TYPO', 'P-7']);
  });

  it('takes a match the directory could not be asked about, saying so; a cancellation meanwhile wins', async () => {
    let answer: (found: PartnerPatientLookup) => void = () => undefined;
    const lookUp = () => new Promise<PartnerPatientLookup>((resolve) => (answer = resolve));
    const down = operatorFor({ stage: PrescriptionStage.AwaitingPatientMatch }, undefined, undefined, lookUp);
    const taken = down.operator.match({ partnerPatientId: 'P-9', operator: 'o', reason: 'r' }, 'match');
    answer('unchecked');
    expect(await taken).toMatchObject({
      accepted: true,
      message: 'matched to partner patient P-9 (not looked up: the partner directory did not answer)',
    });
    expect(down.operator.pending.match).toEqual({ partnerPatientId: 'P-9', operator: 'o' });

    const canceled = operatorFor({ stage: PrescriptionStage.AwaitingPatientMatch }, undefined, undefined, lookUp);
    const late = canceled.operator.match({ partnerPatientId: 'P-9', operator: 'o', reason: 'r' }, 'match');
    canceled.state.stage = PrescriptionStage.Canceled;
    answer('known');
    expect(await late).toMatchObject({
      accepted: false,
      reason: expect.stringContaining('not waiting for a patient match') as unknown,
    });
    expect(canceled.operator.pending.match).toBeUndefined();

    // A run from before the look-up (the patch not taken) takes the match at once, as it did.
    const before = operatorFor(
      { stage: PrescriptionStage.AwaitingPatientMatch },
      undefined,
      undefined,
      () => undefined,
    );
    expect(before.operator.match({ partnerPatientId: 'P-1', operator: 'o', reason: 'r' }, 'match')).toMatchObject({
      accepted: true,
    });
    expect(before.operator.pending.match).toEqual({ partnerPatientId: 'P-1', operator: 'o' });
  });

  it('refuses what is not offered now, with the reason', () => {
    const { operator } = operatorFor({ stage: PrescriptionStage.AwaitingFillApproval });
    expect(
      operator.check({ action: 'matchPatient', fields: { partnerPatientId: 'P' }, operator: 'o', reason: 'r' }),
    ).toMatchObject({ reason: 'the prescription is not waiting for a patient match (stage AWAITING_FILL_APPROVAL)' });
    expect(operator.check({ action: 'retry_order', operator: 'o', reason: 'r' })).toMatchObject({
      reason: 'there is no open exception on this prescription',
    });
  });

  it('an order held for want of an intake: named for it, and an intake given is checked before it is taken', () => {
    const exception = orderRefusedException(
      {
        type: 'PatientSafetyUnknown',
        message: 'no intake',
        codes: [],
        fields: ['patientSafety.allergies'],
        status: null,
        requestId: null,
      },
      NOW,
    );
    expect(exception).toMatchObject({ code: 'PatientSafetyUnknown', name: 'Patient-safety data missing' });
    const { operator, state } = operatorFor({ stage: PrescriptionStage.AwaitingOrderCorrection, exception });
    expect(names(operator)).toEqual(['retry_order', 'provide_patient_safety', 'cancel_prescription', 'cancel']);
    expect(operator.offeredActions()[1]?.fields[0]).toMatchObject({ name: 'patientSafety', required: true });
    expect(prescriptionDetails(state)).toContain("the partner's patient-safety intake is missing");
    const give = (patientSafety: unknown) => ({
      action: 'provide_patient_safety',
      fields: { patientSafety },
      operator: 'dana',
      reason: 'the patient told us',
    });
    const wrong = give({ medications: [], healthConditions: [], allergies: 'penicillin' });
    expect(operator.check(wrong)?.reason).toBe('"fields.patientSafety.allergies" must be a list');
    expect(operator.resolve(wrong, 'signal')).toMatchObject({ accepted: false });
    expect(operator.pending.correction).toBeUndefined();
    const intake = { medications: [], healthConditions: [' asthma '], allergies: [{ name: 'latex' }] };
    expect(operator.check(give(intake))).toBeUndefined();
    expect(operator.resolve(give(intake), 'update')).toMatchObject({ accepted: true });
    expect(operator.pending.correction).toEqual({
      action: 'provide_patient_safety',
      fields: { patientSafety: { ...intake, healthConditions: ['asthma'] } },
      operator: 'dana',
      reason: 'the patient told us',
      at: NOW,
    });
  });

  it('checks a corrected address before taking it; a run from before the check takes any address object', () => {
    const refused = {
      stage: PrescriptionStage.AwaitingOrderCorrection,
      exception: orderRefusedException(
        {
          type: 'VendorRejected',
          message: '422',
          codes: [42230],
          fields: ['address.zip'],
          status: 422,
          requestId: null,
        },
        NOW,
      ),
    };
    const correct = (address: unknown) => ({
      action: 'update_shipping_address',
      fields: { address },
      operator: 'carol',
      reason: 'patient called',
    });
    const partial = correct({ zip: '1' });
    const { operator, state } = operatorFor(refused);
    const problem = operator.check(partial)?.reason;
    for (const named of ['street1', 'city', 'state', 'zip']) expect(problem).toContain(`fields.address.${named}`);
    expect(operator.resolve(partial, 'signal')).toMatchObject({ accepted: false });
    expect(operator.pending.correction).toBeUndefined();
    expect(state.stage).toBe(PrescriptionStage.AwaitingOrderCorrection);
    const address = { street1: ' 100 Example Ave ', city: 'Austin', state: 'TX', zip: '78701' };
    expect(operator.check(correct(address))).toBeUndefined();
    expect(operator.resolve(correct(address), 'signal')).toMatchObject({ accepted: true });
    expect(operator.pending.correction).toEqual({
      action: 'update_shipping_address',
      fields: { address: { ...address, street1: '100 Example Ave' } },
      operator: 'carol',
      reason: 'patient called',
      at: NOW,
    });

    // Replaying a run from before the check (no patch marker): the correction it accepted is accepted again.
    const before = operatorFor(refused, () => false).operator;
    expect(before.resolve(partial, 'signal')).toMatchObject({ accepted: true });
    expect(before.pending.correction).toMatchObject({
      action: 'update_shipping_address',
      fields: { address: { zip: '1' } },
    });
  });

  it('keeps the intake a fill approval carries for that fill, and carries later fills to the next run', () => {
    const { operator } = operatorFor({ stage: PrescriptionStage.AwaitingFillApproval });
    const intake = { medications: [], healthConditions: [], allergies: ['penicillin'] };
    operator.approve({ approvedBy: 'partner', reason: 'paid', patientSafety: intake }, 'approve');
    operator.approve({ approvedBy: 'partner', reason: 'paid', fillNumber: 2, patientSafety: intake }, 'approve');
    expect(operator.intakeFor(1)).toEqual(intake);
    expect(operator.intakesFrom(2)).toEqual([{ fillNumber: 2, patientSafety: intake }]);
    // A refused approval keeps nothing.
    const automatic = operatorFor({ fillApproval: 'automatic' }).operator;
    automatic.approve({ approvedBy: 'partner', reason: 'paid', patientSafety: intake }, 'approve');
    expect(automatic.intakeFor(1)).toBeUndefined();
  });

  it('approves only fills the prescription can still have, a few ahead, with an intake of bounded size', async () => {
    const waiting = { stage: PrescriptionStage.AwaitingFillApproval, facts: { refillsLeft: 5 } };
    const { operator, state } = operatorFor(waiting);
    const intake: PatientSafetyInput = { medications: [], healthConditions: [], allergies: ['penicillin'] };
    const approve = (fillNumber: number, patientSafety = intake) =>
      operator.approve({ approvedBy: 'partner', reason: 'paid', fillNumber, patientSafety }, 'approve');
    const approveFill = (fillNumber: number, patientSafety: unknown = intake) => ({
      action: 'approveFill',
      fields: { fillNumber, patientSafety },
      operator: 'partner',
      reason: 'paid',
    });
    // Fills 1 to 6 exist (a first fill and five refills); up to three past the current one can be approved ahead.
    expect(approve(40)).toMatchObject({
      accepted: false,
      reason: "fill 40 is beyond this prescription's fills (its last possible fill is 6)",
    });
    expect(operator.check(approveFill(40))?.reason).toBe(
      "fill 40 is beyond this prescription's fills (its last possible fill is 6)",
    );
    expect(approve(5)).toMatchObject({
      accepted: false,
      reason: 'fill 5 is too far ahead: fills 1 to 4 can be approved now',
    });
    const bigItem = { name: 'x'.repeat(MAX_INTAKE_ITEM_CHARS) };
    const refusedReason = (result: { accepted: boolean; reason?: string }) => (result.accepted ? '' : result.reason);
    expect(refusedReason(approve(2, { ...intake, allergies: [bigItem] }))).toMatch(
      /^patientSafety\.allergies\[0\] is too large/,
    );
    const invalid = operator.check(approveFill(2, { ...intake, allergies: [bigItem] }));
    expect(invalid?.kind).toBe('invalid');
    expect(invalid?.reason).toMatch(/^fields\.patientSafety\.allergies\[0\] is too large/);
    // Nested past what JSON.stringify can walk: measuring it that way threw (a failed workflow task).
    let deep: unknown = 'peanut';
    for (let level = 0; level < 20_000; level += 1) deep = [deep];
    expect(refusedReason(approve(2, { ...intake, allergies: [{ name: deep }] }))).toBe(
      'patientSafety.allergies[0] must be plain JSON, not nested deeper than 8 levels',
    );
    const many = Array.from({ length: 200 }, (_, i) => `${i}`.padEnd(MAX_INTAKE_CHARS / 150, 'x'));
    expect(refusedReason(approve(2, { ...intake, medications: many }))).toMatch(/^patientSafety is too large/);
    expect(state.approvedFills).toEqual([]);
    expect(operator.intakesFrom(1)).toEqual([]);
    expect(approve(4)).toMatchObject({ accepted: true });
    expect(operator.intakesFrom(1)).toEqual([{ fillNumber: 4, patientSafety: intake }]);

    // An intake given as a correction is bounded alike.
    const held = operatorFor({
      stage: PrescriptionStage.AwaitingOrderCorrection,
      exception: orderRefusedException(
        { type: 'PatientSafetyUnknown', message: 'no intake', codes: [], fields: [], status: null, requestId: null },
        NOW,
      ),
    }).operator;
    const give = { action: 'provide_patient_safety', fields: { patientSafety: { ...intake, allergies: [bigItem] } } };
    const tooLarge = /^fields\.patientSafety\.allergies\[0\] is too large/;
    expect(held.check({ ...give, operator: 'dana', reason: 'r' })?.reason).toMatch(tooLarge);
    expect(refusedReason(await held.resolve({ ...give, operator: 'dana', reason: 'r' }, 'signal'))).toMatch(tooLarge);
    expect(held.pending.correction).toBeUndefined();
  });

  it('a run from before the bounds replays its approvals as accepted, and drops them when it continues as new', () => {
    let bounded = false;
    const { operator, state } = operatorFor(
      { stage: PrescriptionStage.AwaitingFillApproval, facts: { refillsLeft: 2 } },
      undefined,
      () => bounded,
    );
    const big = { medications: [], healthConditions: [], allergies: [{ name: 'x'.repeat(MAX_INTAKE_ITEM_CHARS) }] };
    const small = { medications: [], healthConditions: [], allergies: ['latex'] };
    expect(
      operator.approve({ approvedBy: 'x', reason: 'r', fillNumber: 40, patientSafety: big }, 'approve'),
    ).toMatchObject({ accepted: true });
    operator.approve({ approvedBy: 'x', reason: 'r', fillNumber: 2, patientSafety: small }, 'approve');
    expect(state.approvedFills).toEqual([40, 2]);
    // Replaying the continue-as-new of a run from before the patch: everything carried, as it was.
    expect(operator.intakesFrom(2)).toHaveLength(2);
    bounded = true;
    expect(operator.intakesFrom(2)).toEqual([{ fillNumber: 2, patientSafety: small }]);
    expect(state.approvedFills).toEqual([2]);
  });

  it('Automatic Processing: an order Honeybee has not created is looked for again or the prescription canceled', () => {
    const exception = vendorOrderMissingException(4, NOW);
    const { operator, state } = operatorFor({ mode: 'automatic', stage: PrescriptionStage.AwaitingOrder, exception });
    expect(names(operator)).toEqual(['retry_order', 'cancel_prescription', 'cancel']);
    expect(prescriptionDetails(state)).toContain("Honeybee has not created this fill's order");
    expect(operator.resolve({ action: 'retry_order', operator: 'erin', reason: 'asked Honeybee' }, 'update')).toEqual({
      accepted: true,
      action: 'retry_order',
      message: "Honeybee's order will be looked for again",
    });
  });
});
