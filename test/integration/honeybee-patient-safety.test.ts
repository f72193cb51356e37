// Patient-safety data on the orders the engine creates, end to end through real processes (sandbox → bridge →
// Temporal dev server → worker → sandbox), under the default HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN=hold: a patient
// whose partner supplied no intake gets no order (the prescription waits for an operator instead of telling the
// pharmacy "no known allergies"); once the partner adds the intake and the operator retries, the order carries it,
// the pharmacy raises 74 Allergy Detected from the intake allergy, and the history shows what was sent.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistory, localDecoder } from '../../src/cli/audit/decode.js';
import { allergensOf } from '../../src/sandbox/honeybee/catalog.js';
import { PartnerDirectory } from '../../src/sandbox/partner/directory.js';
import { matchPatientSignal } from '../../workflows/honeybee/messages.js';
import { resolveExceptionSignal } from '../../workflows/shared/operator-messages.js';
import { runFulfill } from '../harness/fulfill-cli.js';
import {
  firstPrescriptionId,
  hasOrdered,
  orderOf,
  ordersPerFill,
  searchAttributes,
  waitForOrder,
  waitForPrescription,
} from '../harness/honeybee.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import { HoneybeeHttp } from '../harness/vendor-http.js';

describe('Honeybee orders: patient-safety data from the partner intake', () => {
  let stack: EngineStack;

  beforeAll(async () => {
    stack = await startStack({
      engine: { HONEYBEE_WORKFLOW_MODE: 'partner_requested', HONEYBEE_FILL_APPROVAL: 'automatic' },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('holds an order without intake for an operator, then sends the intake and the pharmacy finds the allergy', async () => {
    const scenario = await stack.control.runScenario('happy-path', { intake: 'missing', refills: 0 });
    const rx = firstPrescriptionId(scenario);
    const [entry] = scenario.patient.directoryEntries;
    if (!entry) throw new Error('the scenario made no directory entry');
    expect(entry).not.toHaveProperty('patientSafety');

    const held = await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_ORDER_CORRECTION');
    expect(held.exception).toMatchObject({
      source: 'order_creation',
      code: 'PatientSafetyUnknown',
      fields: ['patientSafety.medications', 'patientSafety.healthConditions', 'patientSafety.allergies'],
    });
    expect(held.exception).toMatchObject({ name: 'Patient-safety data missing' });
    expect(held.exception?.actions.map((action) => action.action)).toEqual([
      'retry_order',
      'provide_patient_safety',
      'cancel_prescription',
    ]);
    expect(await searchAttributes(stack.client, `honeybee-rx-${rx}`)).toMatchObject({ NeedsOperator: true });
    // Nothing reached the pharmacy: no order, not even a refused one.
    expect(await ordersPerFill(stack.control, rx)).toEqual({});
    expect((await stack.control.counters()).honeybee.prescriptions[rx]?.rejected ?? 0).toBe(0);

    // The partner completes the intake, naming an allergy to the prescribed drug.
    const hb = new HoneybeeHttp(stack.sandbox.url);
    await hb.authorize();
    const listed = await hb.request('GET', `/patients/${scenario.patient.honeybeePatientId}/rx`);
    const drug = (listed.body as { medication_requests: { ndc: string; drug_name: string }[] }).medication_requests[0];
    if (!drug) throw new Error('the patient has no prescription at the sandbox');
    const allergy = allergensOf(drug)[0] as string;
    const intake = {
      medications: ['ibuprofen 200 mg as needed'],
      healthConditions: ['hypertension'],
      allergies: [allergy],
    };
    new PartnerDirectory(join(stack.env.DATA_DIR as string, 'partner-directory.json')).add([
      { ...entry, patientSafety: intake },
    ]);
    await stack.client.workflow.getHandle(`honeybee-rx-${rx}`).signal(resolveExceptionSignal, {
      action: 'retry_order',
      fields: {},
      operator: 'erin',
      reason: 'the partner added the intake',
    });

    const orderNumber = await orderOf(stack.client, rx);
    const order = await waitForOrder(stack.client, orderNumber, (s) => s.status === 'On Hold' && !!s.exception);
    expect(order.exception).toMatchObject({ code: '74', name: 'Allergy Detected' });
    const { orders } = await stack.control.honeybeeOrders();
    expect(orders.find((record) => record.order.order_number === orderNumber)?.patientSafety).toEqual({
      medications: intake.medications,
      health_conditions: intake.healthConditions,
      allergies: intake.allergies,
    });
    const shown = await runFulfill(['sandbox', '--url', stack.sandbox.url, 'orders'], {});
    expect(shown.stdout).toContain(`allergies ${allergy}, medications 1, conditions 1`);

    // The history (encrypted at rest) says what was refused and what was sent, for the audit.
    const history = await stack.client.workflow.getHandle(`honeybee-rx-${rx}`).fetchHistory();
    const events = await decodeHistory(history, localDecoder(testPayloadKeyConfig));
    expect(events.some((event) => event.failure?.type === 'PatientSafetyUnknown')).toBe(true);
    const sent = events.flatMap((event) => {
      const result = event.result as { patientSafetySent?: unknown } | undefined;
      return event.type === 'ACTIVITY_TASK_COMPLETED' && result?.patientSafetySent ? [result.patientSafetySent] : [];
    });
    expect(sent).toEqual([{ source: 'partner_directory', ...intake }]);
  });

  it("reads the intake of the partner patient an operator matched, not Honeybee's identity again", async () => {
    // Two directory entries share the patient's identity: only the operator can say which one it is, and the order
    // must carry that entry's intake (matching again by identity would find two and hold the order for nothing).
    const scenario = await stack.control.runScenario('ambiguous-patient', { refills: 0, allergies: ['latex'] });
    const rx = firstPrescriptionId(scenario);
    const chosen = scenario.patient.directoryEntries[1];
    if (!chosen) throw new Error('the scenario made no second directory entry');
    await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_PATIENT_MATCH');
    await stack.client.workflow.getHandle(`honeybee-rx-${rx}`).signal(matchPatientSignal, {
      partnerPatientId: chosen.partnerPatientId,
      operator: 'erin',
      reason: 'confirmed with the partner',
    });
    const orderNumber = await orderOf(stack.client, rx);
    const prescription = await waitForPrescription(stack.client, rx, hasOrdered(1));
    expect(prescription.decisions.some((decision) => decision.action === 'create_order')).toBe(false);
    expect(prescription.match).toMatchObject({ partnerPatientId: chosen.partnerPatientId, matchedBy: 'operator' });
    const { orders } = await stack.control.honeybeeOrders();
    expect(orders.find((record) => record.order.order_number === orderNumber)?.patientSafety).toEqual({
      medications: [],
      health_conditions: [],
      allergies: ['latex'],
    });
    const history = await stack.client.workflow.getHandle(`honeybee-rx-${rx}`).fetchHistory();
    const events = await decodeHistory(history, localDecoder(testPayloadKeyConfig));
    expect(events.some((event) => event.failure?.type === 'PatientSafetyUnknown')).toBe(false);
  });
});
