// The Honeybee workflows under Partner Requested Fills, end to end through real processes (sandbox → bridge →
// Temporal dev server → worker → sandbox): the engine creates each fill's order. Flows run concurrently in one
// stack; the tests that inject global faults or kill the worker run alone, after them.
import { tsToMs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { join } from 'node:path';
import { PartnerDirectory } from '../../src/sandbox/partner/directory.js';
import { EXCEPTION_REASONS } from '../../src/domain/honeybee-exception-reasons.js';
import {
  cancelSignal,
  resolveExceptionSignal,
  resolveExceptionUpdate,
} from '../../workflows/shared/operator-messages.js';
import {
  honeybeeOrderStatusQuery,
  matchPatientSignal,
  requestRefillSignal,
  approveFillSignal,
} from '../../workflows/honeybee/messages.js';
import type { HoneybeeOrderState } from '../../workflows/honeybee/types.js';
import { recordHistory, runIdsOf } from '../harness/histories.js';
import {
  currentDetails,
  duplicateFills,
  firstPrescriptionId,
  hasOrdered,
  orderOf,
  ordersPerFill,
  partnerNotifications,
  pollUntil,
  resolutionFor,
  searchAttributes,
  settingsFrom,
  startPrescriptionWithSettings,
  waitForClose,
  waitForOrder,
  waitForPrescription,
} from '../harness/honeybee.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import { VALID_ADDRESS } from '../harness/vendor-http.js';

const rxId = (id: string) => `honeybee-rx-${id}`;

/** The reason a refused update gives its caller (the validator's message). */
async function updateRefusal(update: Promise<unknown>): Promise<string> {
  const error = await update.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return (error as WorkflowUpdateFailedError).cause?.message ?? '';
}
const orderId = (orderNumber: string) => `honeybee-order-${orderNumber}`;

describe('Honeybee workflows: Partner Requested Fills', () => {
  let stack: EngineStack;

  beforeAll(async () => {
    stack = await startStack({
      engine: {
        HONEYBEE_WORKFLOW_MODE: 'partner_requested',
        HONEYBEE_FILL_APPROVAL: 'automatic',
        HOLD_ESCALATION_AFTER: '1h',
        ORDER_RECONCILE_INTERVAL: '10m',
        // A timed-out POST /orders is listed again after this (2 minutes by default); the test below reads it.
        HONEYBEE_CREATE_IN_DOUBT_RECHECK: '4s',
      },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** The operator's correction of a refused address: the prescription then completes. */
  async function correctAddressUntilCompleted(handle: WorkflowHandle, rx: string): Promise<void> {
    await handle.signal(resolveExceptionSignal, {
      action: 'update_shipping_address',
      fields: { address: VALID_ADDRESS },
      operator: 'carol',
      reason: 'patient confirmed a new address',
    });
    expect(await waitForClose(stack.client, rxId(rx))).toBe('COMPLETED');
  }

  /** A held order's state once its exception (and offered actions) is known. */
  async function heldOrder(prescriptionId: string): Promise<HoneybeeOrderState> {
    const orderNumber = await orderOf(stack.client, prescriptionId);
    return waitForOrder(stack.client, orderNumber, (s) => s.status === 'On Hold' && s.exception !== undefined);
  }

  describe.concurrent('flows', () => {
    it('happy path: patient matched, order created once, shipped and delivered; partner told each milestone', async () => {
      const rx = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
      const orderNumber = await orderOf(stack.client, rx);
      expect(await waitForClose(stack.client, rxId(rx))).toBe('COMPLETED');
      expect(await waitForClose(stack.client, orderId(orderNumber))).toBe('COMPLETED');

      const order = await stack.client.workflow.getHandle(orderId(orderNumber)).query(honeybeeOrderStatusQuery);
      expect(order).toMatchObject({ status: 'Delivered', prescriptionIds: [rx], linkedBy: [rx], fillNumber: 1 });
      expect(order.shipments[0]?.trackingNo).toMatch(/^9400/);
      expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });

      const prescription = await waitForPrescription(stack.client, rx, (s) => s.stage === 'COMPLETED');
      expect(prescription).toMatchObject({
        fillsDelivered: 1,
        match: { matchedBy: 'ehrId' },
        recordedOrders: [orderNumber],
      });
      expect(prescription.vendorRequestIds.length).toBeGreaterThanOrEqual(3);

      // Two workflows notify on their own lanes: each milestone exactly once, in no fixed interleaving.
      const types = (await partnerNotifications(stack.control, { prescriptionId: rx })).map((n) => n.type);
      expect(types.sort()).toEqual([
        'order.created',
        'order.delivered',
        'order.shipped',
        'prescription.completed',
        'prescription.matched',
      ]);
      expect(await searchAttributes(stack.client, orderId(orderNumber))).toMatchObject({
        FulfillmentStage: 'ORDER_DELIVERED',
        HoneybeeOrderNumber: orderNumber,
        HoneybeePrescriptionId: rx,
        NeedsOperator: false,
      });
      await recordHistory(stack.client, rxId(rx), 'prescription-partner-happy-path');
      await recordHistory(stack.client, orderId(orderNumber), 'order-partner-happy-path');
    });

    it('refills: after each delivered fill the prescription waits for requestRefill, one run per fill', async () => {
      const rx = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 1 }));
      await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_REFILL');
      const handle = stack.client.workflow.getHandle(rxId(rx));
      await handle.signal(requestRefillSignal, { requestedBy: 'partner-backend' });
      // The refill's order: made, and perhaps delivered already (the sandbox moves it along by itself).
      await waitForPrescription(stack.client, rx, hasOrdered(2));
      expect(await waitForClose(stack.client, rxId(rx))).toBe('COMPLETED');
      const final = await waitForPrescription(stack.client, rx, () => true);
      expect(final).toMatchObject({ stage: 'COMPLETED', fillsDelivered: 2 });
      expect(final.fills.map((fill) => fill.outcome)).toEqual(['delivered', 'delivered']);
      expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1, '2': 1 });
      // Listed from visibility, which follows the runs a moment later.
      const runs = await pollUntil(
        'both runs listed',
        () => runIdsOf(stack.client, rxId(rx)),
        (ids) => ids.length >= 2,
        30_000,
      );
      expect(runs).toHaveLength(2);
      await recordHistory(stack.client, rxId(rx), 'prescription-partner-refill-first-run', runs[0]);
      await recordHistory(stack.client, rxId(rx), 'prescription-partner-refill-second-run', runs[1]);
    });

    it('resolves every exception reason 64–80 with its offered action (updates and signals), then delivers', async () => {
      const outcomes = await Promise.allSettled(
        EXCEPTION_REASONS.map(async (reason, index) => {
          const rx = firstPrescriptionId(await stack.control.runScenario(`exception-${reason.id}`, { refills: 0 }));
          const held = await heldOrder(rx);
          expect(held.exception).toMatchObject({ code: String(reason.id), name: reason.name });
          expect(held.exception?.actions.map((a) => a.action)).toEqual(reason.actions.map((a) => a.action));
          expect(held.needsOperator).toBe(true);
          const attributes = await searchAttributes(stack.client, orderId(held.orderNumber));
          expect(attributes).toMatchObject({
            FulfillmentStage: 'ORDER_ON_HOLD',
            NeedsOperator: true,
            ExceptionReason: `${reason.id} ${reason.name}`,
          });
          expect(attributes.OnHoldSince).toBeDefined();
          const action = held.exception!.actions.find((a) => a.action !== 'cancel_order')!;
          const handle = stack.client.workflow.getHandle(orderId(held.orderNumber));
          if (index % 2 === 0) {
            const result = await handle.executeUpdate(resolveExceptionUpdate, { args: [resolutionFor(action)] });
            expect(result).toMatchObject({ accepted: true, action: action.action });
          } else {
            await handle.signal(resolveExceptionSignal, resolutionFor(action));
          }
          expect(await waitForClose(stack.client, orderId(held.orderNumber))).toBe('COMPLETED');
          const done = await handle.query(honeybeeOrderStatusQuery);
          expect(done.status).toBe('Delivered');
          expect(done.decisions).toContainEqual(
            expect.objectContaining({
              action: action.action,
              outcome: 'accepted',
              via: index % 2 === 0 ? 'update' : 'signal',
            }),
          );
          expect(await waitForClose(stack.client, rxId(rx))).toBe('COMPLETED');
          const types = (await partnerNotifications(stack.control, { orderNumber: held.orderNumber })).map(
            (n) => n.type,
          );
          expect(types).toEqual([
            'order.created',
            'order.on_hold',
            'order.resolved',
            'order.shipped',
            'order.delivered',
          ]);
          if (reason.id === 74)
            await recordHistory(stack.client, orderId(held.orderNumber), 'order-exception-74-resolved');
          return reason.id;
        }),
      );
      const failures = outcomes.flatMap((outcome, index) =>
        outcome.status === 'rejected' ? [`${EXCEPTION_REASONS[index]!.id}: ${String(outcome.reason)}`] : [],
      );
      expect(failures).toEqual([]);
    });

    it('cancels every exception reason 64–80: cancel_order by update, the order’s cancel signal, or the prescription’s cancel', async () => {
      const outcomes = await Promise.allSettled(
        EXCEPTION_REASONS.map(async (reason, index) => {
          const rx = firstPrescriptionId(await stack.control.runScenario(`exception-${reason.id}`, { refills: 0 }));
          const held = await heldOrder(rx);
          const order = stack.client.workflow.getHandle(orderId(held.orderNumber));
          const prescription = stack.client.workflow.getHandle(rxId(rx));
          const way = index % 3;
          if (way === 0) {
            const result = await order.executeUpdate(resolveExceptionUpdate, {
              args: [{ action: 'cancel_order', operator: 'test-operator', reason: 'patient withdrew' }],
            });
            expect(result).toMatchObject({ accepted: true, action: 'cancel_order' });
          } else if (way === 1) {
            await order.signal(cancelSignal, { operator: 'test-operator', reason: 'patient withdrew' });
          } else {
            await prescription.signal(cancelSignal, { operator: 'test-operator', reason: 'patient withdrew' });
          }
          expect(await waitForClose(stack.client, orderId(held.orderNumber))).toBe('COMPLETED');
          expect((await order.query(honeybeeOrderStatusQuery)).status).toBe('Canceled');
          if (way !== 2) {
            // The fill was canceled, not used up: the prescription waits for the fill to be requested again; cancel it.
            await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_REFILL');
            await prescription.signal(cancelSignal, { operator: 'test-operator', reason: 'no longer needed' });
          }
          expect(await waitForClose(stack.client, rxId(rx))).toBe('COMPLETED');
          const final = await waitForPrescription(stack.client, rx, () => true);
          expect(final.stage).toBe('CANCELED');
          expect(final.canceled?.orderOutcome).toBe(
            way === 2 ? `order ${held.orderNumber} canceled at Honeybee` : 'no open order',
          );
          const types = (await partnerNotifications(stack.control, { prescriptionId: rx })).map((n) => n.type);
          expect(types).toEqual(expect.arrayContaining(['order.on_hold', 'order.canceled', 'prescription.canceled']));
          expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
          if (reason.id === 76) await recordHistory(stack.client, rxId(rx), 'prescription-canceled-while-on-hold');
          return reason.id;
        }),
      );
      const failures = outcomes.flatMap((outcome, index) =>
        outcome.status === 'rejected' ? [`${EXCEPTION_REASONS[index]!.id}: ${String(outcome.reason)}`] : [],
      );
      expect(failures).toEqual([]);
    });

    it('rejects invalid resolutions with a reason: update callers see it, signal senders find it in state and details', async () => {
      const rx = firstPrescriptionId(await stack.control.runScenario('exception-65', { refills: 0 }));
      const held = await heldOrder(rx);
      const handle = stack.client.workflow.getHandle(orderId(held.orderNumber));

      const notOffered = handle.executeUpdate(resolveExceptionUpdate, {
        args: [{ action: 'override_allergy', fields: {}, operator: 'alice', reason: 'wrong button' }],
      });
      expect(await updateRefusal(notOffered)).toContain(
        'not offered for 65 Missing Email; offered: update_patient_email, cancel_order',
      );
      const missingField = handle.executeUpdate(resolveExceptionUpdate, {
        args: [{ action: 'update_patient_email', fields: {}, operator: 'alice', reason: 'forgot the email' }],
      });
      expect(await updateRefusal(missingField)).toContain('needs the field email');

      await handle.signal(resolveExceptionSignal, { action: 'release_hold', operator: 'bob', reason: 'guess' });
      const afterSignal = await waitForOrder(stack.client, held.orderNumber, (s) => s.lastRejection !== undefined);
      expect(afterSignal.lastRejection).toMatchObject({
        via: 'signal',
        operator: 'bob',
        action: 'release_hold',
        outcome: 'rejected',
      });
      expect(afterSignal.status).toBe('On Hold');
      const details = await currentDetails(stack.client, orderId(held.orderNumber));
      expect(details).toContain('**Last input rejected**');
      expect(details).toContain('"release_hold" is not offered');
      expect(details).toContain('`update_patient_email`');
      expect(details).toContain('"action":"update_patient_email","fields":{"email":"<patient email>"}');

      // Offered, fields present, but Honeybee refuses the value: a rejection the operator sees, with the vendor's code.
      const refused = await handle.executeUpdate(resolveExceptionUpdate, {
        args: [
          { action: 'update_patient_email', fields: { email: 'not-an-email' }, operator: 'alice', reason: 'typo' },
        ],
      });
      expect(refused).toMatchObject({ accepted: false, offeredActions: ['update_patient_email', 'cancel_order'] });
      expect(refused.accepted === false && refused.reason).toContain('codes 42201');

      const accepted = await handle.executeUpdate(resolveExceptionUpdate, {
        args: [
          {
            action: 'update_patient_email',
            fields: { email: 'fixed@example.com' },
            operator: 'alice',
            reason: 'fixed',
          },
        ],
      });
      expect(accepted).toMatchObject({ accepted: true });
      expect(await waitForClose(stack.client, orderId(held.orderNumber))).toBe('COMPLETED');
      const final = await handle.query(honeybeeOrderStatusQuery);
      expect(final.decisions.map((d) => `${d.via}:${d.action}:${d.outcome}`)).toEqual([
        'signal:release_hold:rejected',
        'update:update_patient_email:rejected',
        'update:update_patient_email:accepted',
      ]);
      expect(final.decisions.at(-1)?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('a 422 at creation waits for the operator’s corrected address, then creates exactly one order', async () => {
      const rx = firstPrescriptionId(await stack.control.runScenario('address-rejected', { refills: 0 }));
      const waiting = await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_ORDER_CORRECTION');
      expect(waiting.exception).toMatchObject({ source: 'order_creation', code: '42230', name: 'Address rejected' });
      expect(waiting.exception?.actions.map((a) => a.action)).toEqual([
        'update_shipping_address',
        'retry_order',
        'cancel_prescription',
      ]);
      expect(await searchAttributes(stack.client, rxId(rx))).toMatchObject({
        FulfillmentStage: 'AWAITING_ORDER_CORRECTION',
        NeedsOperator: true,
        ExceptionReason: '42230 Address rejected',
      });
      const details = await currentDetails(stack.client, rxId(rx));
      expect(details).toContain('Honeybee refused to create the order');
      expect(details).toContain('"action":"update_shipping_address"');

      const handle = stack.client.workflow.getHandle(rxId(rx));
      const noAddress = handle.executeUpdate(resolveExceptionUpdate, {
        args: [{ action: 'update_shipping_address', operator: 'carol', reason: 'new address' }],
      });
      expect(await updateRefusal(noAddress)).toContain('needs the field address');
      // A partial address is refused before anything changes, by the update and by the signal alike.
      const partial = { action: 'update_shipping_address', fields: { address: { zip: '1' } }, operator: 'carol' };
      const partialUpdate = handle.executeUpdate(resolveExceptionUpdate, { args: [{ ...partial, reason: 'zip' }] });
      expect(await updateRefusal(partialUpdate)).toMatch(/fields\.address\.street1.*fields\.address\.zip/s);
      await handle.signal(resolveExceptionSignal, { ...partial, reason: 'zip only' });
      const refusedSignal = await waitForPrescription(stack.client, rx, (s) =>
        s.decisions.some((d) => d.via === 'signal' && d.outcome === 'rejected'),
      );
      expect(refusedSignal.decisions.at(-1)?.detail).toContain('fields.address.city');
      expect(refusedSignal).toMatchObject({ stage: 'AWAITING_ORDER_CORRECTION', exception: { code: '42230' } });
      await correctAddressUntilCompleted(handle, rx);
      const final = await waitForPrescription(stack.client, rx, () => true);
      expect(final.fills).toEqual([expect.objectContaining({ outcome: 'delivered' })]);
      expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
      expect((await stack.control.counters()).honeybee.prescriptions[rx]?.rejected).toBe(1);
      // prescription-creation-422-corrected.json was recorded before the address check, and stays as it is.
      await recordHistory(stack.client, rxId(rx), 'prescription-creation-422-address-checked');
    });

    it('a resolution whose fields nest without bound is refused by the update and the signal, and changes nothing', async () => {
      const rx = firstPrescriptionId(await stack.control.runScenario('address-rejected', { refills: 0 }));
      await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_ORDER_CORRECTION');
      const handle = stack.client.workflow.getHandle(rxId(rx));
      // Deep enough to pass the client's own JSON, deeper than a resolution's fields may be.
      let deep: unknown = 'x';
      for (let level = 0; level < 40; level += 1) deep = [deep];
      const resolution = { action: 'update_shipping_address', fields: { address: VALID_ADDRESS, note: deep } };
      const update = handle.executeUpdate(resolveExceptionUpdate, {
        args: [{ ...resolution, operator: 'carol', reason: 'u' }],
      });
      expect(await updateRefusal(update)).toContain('nested deeper than 16 levels');
      await handle.signal(resolveExceptionSignal, { ...resolution, operator: 'carol', reason: 's' });
      const refused = await waitForPrescription(stack.client, rx, (s) =>
        s.decisions.some((d) => d.via === 'signal' && d.outcome === 'rejected'),
      );
      expect(refused.decisions.at(-1)?.detail).toContain('nested deeper than 16 levels');
      expect(refused).toMatchObject({ stage: 'AWAITING_ORDER_CORRECTION', exception: { code: '42230' } });
      await correctAddressUntilCompleted(handle, rx);
      expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
      // After patched('signal-input-strict') (workflows/shared/handlers.ts): the signal's refusal records its marker.
      await recordHistory(stack.client, rxId(rx), 'prescription-deep-fields-refused');
    });

    it('a patient the directory does not know waits for matchPatient; an ambiguous one is canceled without an order', async () => {
      const unknownScenario = await stack.control.runScenario('patient-not-found', { refills: 0 });
      const unknown = firstPrescriptionId(unknownScenario);
      const ambiguous = firstPrescriptionId(await stack.control.runScenario('ambiguous-patient', { refills: 0 }));
      const waiting = await waitForPrescription(stack.client, unknown, (s) => s.stage === 'AWAITING_PATIENT_MATCH');
      expect(waiting.exception).toMatchObject({ source: 'patient_match', code: 'PATIENT_NOT_FOUND' });
      expect(await searchAttributes(stack.client, rxId(unknown))).toMatchObject({ NeedsOperator: true });
      expect(await currentDetails(stack.client, rxId(unknown))).toContain('matchPatient');
      const twin = await waitForPrescription(stack.client, ambiguous, (s) => s.stage === 'AWAITING_PATIENT_MATCH');
      expect(twin.exception).toMatchObject({ code: 'PATIENT_AMBIGUOUS' });
      expect(twin.exception?.name).toContain('2 partner patients match by email');

      // An id the partner's directory does not know is refused, naming it: a typo must not put the prescription
      // in another patient's chart.
      const match = { partnerPatientId: 'P-OPERATOR-1', operator: 'dana', reason: 'called the clinic' };
      await stack.client.workflow.getHandle(rxId(unknown)).signal(matchPatientSignal, match);
      const refused = await waitForPrescription(stack.client, unknown, (s) =>
        s.decisions.some((decision) => decision.action === 'matchPatient'),
      );
      expect(refused.decisions.at(-1)).toMatchObject({
        outcome: 'rejected',
        detail: expect.stringContaining('the partner directory has no patient P-OPERATOR-1') as unknown,
      });
      expect(refused).toMatchObject({ stage: 'AWAITING_PATIENT_MATCH', needsOperator: true });
      expect(refused.match).toBeUndefined();
      await stack.client.workflow
        .getHandle(rxId(ambiguous))
        .signal(cancelSignal, { operator: 'dana', reason: 'duplicate patient records' });

      // The partner adds the patient, without an intake yet: the match is taken, and no order is placed until the
      // intake is in (never "no known allergies" by default). The partner adds it, the operator retries.
      const { person, ehrId } = unknownScenario.patient;
      const directory = new PartnerDirectory(join(stack.env.DATA_DIR as string, 'partner-directory.json'));
      const record = {
        partnerPatientId: 'P-OPERATOR-1',
        ehrId: ehrId ?? null,
        email: person.email,
        firstName: person.firstName,
        lastName: person.lastName,
        dob: person.dob,
      };
      directory.add([record]);
      await stack.client.workflow.getHandle(rxId(unknown)).signal(matchPatientSignal, match);
      const noIntake = await waitForPrescription(stack.client, unknown, (s) => s.stage === 'AWAITING_ORDER_CORRECTION');
      expect(noIntake.exception).toMatchObject({ source: 'order_creation', code: 'PatientSafetyUnknown' });
      directory.add([{ ...record, patientSafety: { medications: [], healthConditions: [], allergies: [] } }]);
      await stack.client.workflow.getHandle(rxId(unknown)).signal(resolveExceptionSignal, {
        action: 'retry_order',
        fields: {},
        operator: 'dana',
        reason: 'the partner added the intake',
      });

      expect(await waitForClose(stack.client, rxId(unknown))).toBe('COMPLETED');
      const matched = await waitForPrescription(stack.client, unknown, () => true);
      expect(matched).toMatchObject({
        stage: 'COMPLETED',
        match: { partnerPatientId: 'P-OPERATOR-1', matchedBy: 'operator' },
      });
      expect(await waitForClose(stack.client, rxId(ambiguous))).toBe('COMPLETED');
      expect(await waitForPrescription(stack.client, ambiguous, () => true)).toMatchObject({
        stage: 'CANCELED',
        canceled: { orderOutcome: 'no open order' },
      });
      expect(await ordersPerFill(stack.control, ambiguous)).toEqual({});
      await recordHistory(stack.client, rxId(unknown), 'prescription-operator-match-checked');
    });

    it('partner fill approval: no order until approveFill, then one order', async () => {
      const rx = await startPrescriptionWithSettings(stack, settingsFrom(stack.env, { fillApproval: 'partner' }));
      await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_FILL_APPROVAL');
      expect(await ordersPerFill(stack.control, rx)).toEqual({});
      const handle = stack.client.workflow.getHandle(rxId(rx));
      await handle.signal(approveFillSignal, {
        approvedBy: 'partner-billing',
        fillNumber: 1,
        paymentReference: 'pay_1',
      });
      expect(await waitForClose(stack.client, rxId(rx))).toBe('COMPLETED');
      expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
      // The prescription closes on the order's `delivered` report, which travels on another lane than the order's
      // partner notifications: the order workflow closes once those have reached the partner.
      const [orderNumber] = (await waitForPrescription(stack.client, rx, () => true)).recordedOrders;
      expect(await waitForClose(stack.client, orderId(orderNumber!))).toBe('COMPLETED');
      const types = (await partnerNotifications(stack.control, { prescriptionId: rx })).map((n) => n.type);
      expect(types).toEqual(expect.arrayContaining(['prescription.approval_requested', 'order.delivered']));
    });

    it('adopts an order Honeybee created on its own instead of posting another', async () => {
      const scenario = await stack.control.runScenario('happy-path', { refills: 0, mode: 'automatic' });
      const rx = firstPrescriptionId(scenario);
      expect(await waitForClose(stack.client, rxId(rx))).toBe('COMPLETED');
      expect((await waitForPrescription(stack.client, rx, () => true)).recordedOrders).toEqual([scenario.orderNumber]);
      // A POST for this prescription would have met its open order: a 409 the sandbox counts.
      expect((await stack.control.counters()).honeybee.prescriptions[rx]).toMatchObject({
        ordersCreated: 1,
        conflicts: 0,
        rejected: 0,
      });
    });
  });

  describe('vendor faults during creation (alone: faults are global)', () => {
    it('a lost answer to POST /orders is reconciled by listing: one order, no second POST', async () => {
      await stack.control.addFault({ endpoint: 'honeybee.createOrder', lostResponseRate: 1, limit: 1 });
      const before = (await stack.control.counters()).honeybee.createOrderRequests;
      const rx = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
      expect(await waitForClose(stack.client, rxId(rx))).toBe('COMPLETED');
      const counters = await stack.control.counters();
      expect(counters.honeybee.createOrderRequests - before).toBe(1);
      expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
      expect((await stack.control.faults()).faults).toEqual([]);
      await recordHistory(stack.client, rxId(rx), 'prescription-create-answer-lost');
    });

    it('a POST /orders slower than the client timeout is retried after listing: one order, once', async () => {
      // 12 s before the sandbox would handle each POST, past the engine's 10 s VENDOR_HTTP_TIMEOUT: the call times
      // out (the sandbox drops a request whose client has gone), and the activity is retried.
      const rule = await stack.control.addFault({ endpoint: 'honeybee.createOrder', latency: '12s' });
      try {
        const rx = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
        const handle = stack.client.workflow.getHandle(rxId(rx));
        // Seen while it waits for its next attempt (once that attempt runs, it has no next attempt time; it times
        // out as well, and the one after it waits the same way).
        const waitingToRetry = (activity: { attempt?: number | null; nextAttemptScheduleTime?: unknown }) =>
          (activity.attempt ?? 0) >= 2 && Boolean(activity.nextAttemptScheduleTime);
        const pending = await pollUntil(
          'the order creation retried after a timeout',
          async () => (await handle.describe()).raw.pendingActivities ?? [],
          (activities) => activities.some(waitingToRetry),
          90_000,
        );
        // Not posted again at once: Honeybee may still be making the order (no idempotency key).
        const retried = pending.find(waitingToRetry);
        expect(retried?.lastFailure?.applicationFailureInfo?.type).toBe('VendorUnavailable');
        const waitMs = tsToMs(retried?.nextAttemptScheduleTime) - tsToMs(retried?.lastAttemptCompleteTime);
        expect(waitMs).toBeGreaterThanOrEqual(3_500);
        await stack.control.removeFault(rule.fault.id);
        expect(await waitForClose(stack.client, rxId(rx))).toBe('COMPLETED');
        expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
        expect(await duplicateFills(stack.control)).toEqual([]);
      } finally {
        await stack.control.clearFaults();
      }
    });

    it('503s and 429s on creation are retried after listing, without a duplicate fill', async () => {
      await stack.control.addFault({ endpoint: 'honeybee.createOrder', rate503: 1, limit: 2 });
      await stack.control.addFault({ endpoint: 'honeybee.listOrders', rate429: 1, limit: 1, retryAfterSeconds: 1 });
      const rx = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
      expect(await waitForClose(stack.client, rxId(rx))).toBe('COMPLETED');
      expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
      expect(await duplicateFills(stack.control)).toEqual([]);
    });
  });

  describe('a worker killed mid-flight (alone)', () => {
    it('loses nothing: holds, signals sent while it was down and orders in progress all complete, once', async () => {
      const happy = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
      const hold = firstPrescriptionId(await stack.control.runScenario('exception-74', { refills: 0 }));
      const held = await heldOrder(hold);
      await orderOf(stack.client, happy);
      stack.worker.kill('SIGKILL');
      await stack.worker.exited;
      const late = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
      await stack.client.workflow
        .getHandle(orderId(held.orderNumber))
        .signal(resolveExceptionSignal, resolutionFor(held.exception!.actions[0]!, 'while-down'));
      // While the worker is down the sandbox goes on: its webhooks reach Temporal through the bridge all the same.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await stack.restartWorker();

      for (const rx of [happy, hold, late])
        expect(await waitForClose(stack.client, rxId(rx), 120_000)).toBe('COMPLETED');
      for (const rx of [happy, hold, late]) expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
      const resolved = await stack.client.workflow.getHandle(orderId(held.orderNumber)).query(honeybeeOrderStatusQuery);
      expect(resolved.decisions).toContainEqual(
        expect.objectContaining({ operator: 'while-down', outcome: 'accepted' }),
      );
      expect(await duplicateFills(stack.control)).toEqual([]);
      await recordHistory(stack.client, orderId(held.orderNumber), 'order-resolved-across-worker-crash');
      await recordHistory(stack.client, rxId(late), 'prescription-started-while-worker-down');
    });
  });
});
