// Patient-safety data on the orders a prescription creates (issue 15.7), on the time-skipping server with fake
// activities: the order creation names the partner patient an operator matched (so that patient's intake is read);
// an order held for want of an intake is named for it and settled by an intake an operator gives (checked before it
// is taken) or by the partner's fill approval carrying one; the intake reaches the order creation with its source.
// RECORD_HISTORIES=1 records the operator's run as a fixture for the replay test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { HoneybeeWorkflowSettings } from '../../src/domain/workflow-settings.js';
import {
  approveFillSignal,
  matchPatientSignal,
  prescriptionStatusQuery,
  type PatientSafetyInput,
} from '../../workflows/honeybee/messages.js';
import { resolveExceptionSignal, resolveExceptionUpdate } from '../../workflows/shared/operator-messages.js';
import { recordHistory } from '../harness/histories.js';
import { startTimeSkipping, waitFor, type TimeSkippingHarness } from '../harness/time-skipping.js';
import { createFakeActivities, fakeOrder, type FakeVendor } from './honeybee-fakes.js';

const HOUR = 3_600_000;

function settings(fillApproval: HoneybeeWorkflowSettings['fillApproval']): HoneybeeWorkflowSettings {
  return {
    mode: 'partner_requested',
    fillApproval,
    holdEscalationAfterMs: 4 * HOUR,
    holdEscalationRepeatMs: 24 * HOUR,
    fillApprovalTimeoutMs: 72 * HOUR,
    reconcileIntervalMs: 6 * HOUR,
    shippingMethodId: 1,
  };
}

const INTAKE: PatientSafetyInput = {
  medications: ['metformin 500 mg'],
  healthConditions: [],
  allergies: ['penicillin', { name: 'latex', reaction: 'rash' }],
};

let harness: TimeSkippingHarness;
beforeAll(async () => {
  harness = await startTimeSkipping();
});
afterAll(async () => {
  await harness?.teardown();
});

function vendor(extra: Partial<FakeVendor>): FakeVendor {
  return {
    order: fakeOrder('HB0', 'Processing'),
    nextOrderNumber: 'HBSAFE',
    refillsLeft: 0,
    expireDate: '2099-12-31',
    ...extra,
  };
}

async function prescription(
  id: string,
  fake: FakeVendor,
  fillApproval: HoneybeeWorkflowSettings['fillApproval'],
  run: (handle: WorkflowHandle, calls: ReturnType<typeof createFakeActivities>['calls']) => Promise<void>,
): Promise<void> {
  const { activities, calls } = createFakeActivities(fake);
  const worker = await harness.createWorker({ activities });
  await worker.runUntil(async () => {
    const handle = await harness.env.client.workflow.start('prescriptionWorkflow', {
      taskQueue: worker.options.taskQueue,
      workflowId: `honeybee-rx-${id}`,
      args: [{ prescriptionId: id, patientId: '4242', settings: settings(fillApproval) }],
    });
    try {
      await run(handle, calls);
    } finally {
      await handle.terminate('test over');
    }
  });
}

const status = (handle: WorkflowHandle) => handle.query(prescriptionStatusQuery);

describe('patient-safety data on the orders a prescription creates', () => {
  it('creates the order naming the partner patient an operator matched', async () => {
    const fake = vendor({ match: { outcome: 'ambiguous', matchedBy: 'email', candidates: 2 } });
    await prescription('7070701', fake, 'automatic', async (handle, calls) => {
      await waitFor(
        () => status(handle),
        (s) => s.stage === 'AWAITING_PATIENT_MATCH',
        'awaiting a match',
      );
      await handle.signal(matchPatientSignal, { partnerPatientId: 'P-77', operator: 'erin', reason: 'phoned' });
      await waitFor(
        () => status(handle),
        (s) => s.currentOrder?.orderNumber === 'HBSAFE',
        'the order',
      );
      expect(calls.ensures[0]).toMatchObject({ create: true, partnerPatientId: 'P-77' });
      expect(calls.ensures[0]).not.toHaveProperty('patientSafety');
    });
  });

  it("refuses an operator's match the partner directory does not know, by signal and by update, naming the id", async () => {
    const fake = vendor({
      match: { outcome: 'not_found', tried: ['ehrId', 'email'] },
      unknownPatients: ['P-TYPO', 'P-GONE'],
    });
    await prescription('7070703', fake, 'automatic', async (handle, calls) => {
      await waitFor(
        () => status(handle),
        (s) => s.stage === 'AWAITING_PATIENT_MATCH',
        'awaiting a match',
      );
      await handle.signal(matchPatientSignal, { partnerPatientId: 'P-TYPO', operator: 'erin', reason: 'phoned' });
      const refused = await waitFor(
        () => status(handle),
        (s) => s.decisions.some((decision) => decision.outcome === 'rejected'),
        'the signal refused',
      );
      expect(refused.decisions.at(-1)).toMatchObject({
        via: 'match',
        action: 'matchPatient',
        outcome: 'rejected',
        detail: expect.stringContaining('the partner directory has no patient P-TYPO') as unknown,
      });
      expect(refused).toMatchObject({ stage: 'AWAITING_PATIENT_MATCH', needsOperator: true });
      expect(refused.match).toBeUndefined();

      const answer = await handle.executeUpdate(resolveExceptionUpdate, {
        args: [{ action: 'matchPatient', fields: { partnerPatientId: 'P-GONE' }, operator: 'erin', reason: 'r' }],
      });
      expect(answer).toMatchObject({
        accepted: false,
        reason: expect.stringContaining('the partner directory has no patient P-GONE') as unknown,
        offeredActions: ['matchPatient', 'cancel'],
      });
      expect(calls.ensures).toEqual([]);

      const taken = await handle.executeUpdate(resolveExceptionUpdate, {
        args: [{ action: 'matchPatient', fields: { partnerPatientId: 'P-78' }, operator: 'erin', reason: 'r' }],
      });
      expect(taken).toMatchObject({ accepted: true, message: 'matched to partner patient P-78' });
      await waitFor(
        () => status(handle),
        (s) => s.currentOrder?.orderNumber === 'HBSAFE',
        'the order',
      );
      expect(calls.lookups).toEqual(['P-TYPO', 'P-GONE', 'P-78']);
      expect(calls.ensures[0]).toMatchObject({ create: true, partnerPatientId: 'P-78' });
      expect((await status(handle)).match).toMatchObject({ partnerPatientId: 'P-78', matchedBy: 'operator' });
    });
  });

  it('an order held for want of an intake: named for it, settled by the intake an operator gives', async () => {
    await prescription('7070702', vendor({ intakeMissing: true }), 'automatic', async (handle, calls) => {
      const held = await waitFor(
        () => status(handle),
        (s) => s.stage === 'AWAITING_ORDER_CORRECTION',
        'held for an operator',
      );
      expect(held.exception).toMatchObject({ code: 'PatientSafetyUnknown', name: 'Patient-safety data missing' });
      expect(held.offeredActions.map((action) => action.action)).toEqual([
        'retry_order',
        'provide_patient_safety',
        'cancel_prescription',
        'cancel',
      ]);
      expect(held.holdReason).toBe('PatientSafetyUnknown Patient-safety data missing');
      // An intake that is not one is refused by the update's validator, naming the field; nothing changes.
      const refusal = await handle
        .executeUpdate(resolveExceptionUpdate, {
          args: [
            {
              action: 'provide_patient_safety',
              fields: { patientSafety: { allergies: 'penicillin' } },
              operator: 'erin',
              reason: 'the patient told us',
            },
          ],
        })
        .then(
          () => 'accepted',
          (error: unknown) => (error instanceof WorkflowUpdateFailedError ? (error.cause?.message ?? '') : 'other'),
        );
      expect(refusal).toMatch(/"fields\.patientSafety\.(medications|allergies)"/);
      expect(calls.ensures).toHaveLength(1);

      const result = await handle.executeUpdate(resolveExceptionUpdate, {
        args: [
          {
            action: 'provide_patient_safety',
            fields: { patientSafety: INTAKE },
            operator: 'erin',
            reason: 'the patient told us',
          },
        ],
      });
      expect(result).toMatchObject({ accepted: true, action: 'provide_patient_safety' });
      await waitFor(
        () => status(handle),
        (s) => s.currentOrder?.orderNumber === 'HBSAFE',
        'the order',
      );
      expect(calls.ensures.at(-1)?.patientSafety).toEqual({ source: 'operator', ...INTAKE });
      await recordHistory(harness.env.client, handle.workflowId, 'prescription-patient-safety-given-by-operator');
    });
  });

  it("takes the intake the partner's fill approval carries, also to settle a hold for want of one", async () => {
    await prescription('7070703', vendor({ intakeMissing: true }), 'partner', async (handle, calls) => {
      await waitFor(
        () => status(handle),
        (s) => s.stage === 'AWAITING_FILL_APPROVAL',
        'awaiting approval',
      );
      await handle.signal(approveFillSignal, { approvedBy: 'partner-backend' });
      await waitFor(
        () => status(handle),
        (s) => s.stage === 'AWAITING_ORDER_CORRECTION',
        'held: no intake',
      );
      expect(calls.ensures[0]).not.toHaveProperty('patientSafety');
      // The partner approves again, this time with the intake: the order is created with it.
      await handle.signal(approveFillSignal, { approvedBy: 'partner-backend', fillNumber: 1, patientSafety: INTAKE });
      const created = await waitFor(
        () => status(handle),
        (s) => s.currentOrder !== undefined,
        'the order',
      );
      expect(created.currentOrder?.orderNumber).toBe('HBSAFE');
      expect(calls.ensures.at(-1)?.patientSafety).toEqual({ source: 'fill_approval', ...INTAKE });
      // The intake is patient data: the status does not answer it.
      expect(JSON.stringify(created)).not.toContain('penicillin');
    });
  });

  it('a cancel_prescription correction is credited to whoever sent it, whatever is recorded after it', async () => {
    const { activities } = createFakeActivities(vendor({ intakeMissing: true }));
    // No cache: the next worker takes the workflow's next task at once (no sticky queue to time out).
    const options = { activities, maxCachedWorkflows: 0 };
    const first = await harness.createWorker(options);
    const handle = await first.runUntil(async () => {
      const started = await harness.env.client.workflow.start('prescriptionWorkflow', {
        taskQueue: first.options.taskQueue,
        workflowId: 'honeybee-rx-7070705',
        args: [{ prescriptionId: '7070705', patientId: '4242', settings: settings('automatic') }],
      });
      await waitFor(
        () => status(started),
        (s) => s.stage === 'AWAITING_ORDER_CORRECTION',
        'held for an operator',
      );
      return started;
    });
    // With no worker, both inputs reach the workflow in one task: the flow acts on the correction after the second
    // one is recorded.
    await handle.signal(resolveExceptionSignal, {
      action: 'cancel_prescription',
      fields: {},
      operator: 'erin',
      reason: 'the patient moved abroad',
    });
    await handle.signal(approveFillSignal, { approvedBy: 'billing-bot', fillNumber: 1 });
    const second = await harness.createWorker({ ...options, taskQueue: first.options.taskQueue });
    await second.runUntil(async () => {
      const final = (await handle.result()) as { stage: string; canceled?: object; decisions: { operator: string }[] };
      expect(final.decisions.map((decision) => decision.operator).slice(-2)).toEqual(['erin', 'billing-bot']);
      expect(final).toMatchObject({
        stage: 'CANCELED',
        canceled: { operator: 'erin', reason: 'the patient moved abroad' },
      });
    });
  });
});
