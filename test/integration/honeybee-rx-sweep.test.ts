// Issue 15.4: an RX_RECEIVED the vendor never delivers (the sandbox drops it for good) still gets its prescription
// filled, exactly once, through real processes (sandbox → bridge → Temporal dev server → worker → sandbox). The worker
// creates the sweep's Temporal Schedule at start (every 2 s here); the sweep reads the prescriptions of the patients
// the engine knows and starts the missing one as its RX_RECEIVED would have. An order event for a prescription the
// engine does not know sweeps that patient at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleNotFoundError } from '@temporalio/client';
import { loadConfig } from '../../src/config/env.js';
import { ensureHoneybeeRxSweepSchedule } from '../../src/temporal/honeybee-rx-sweep-schedule.js';
import { honeybeePatientRegistryWorkflowId, honeybeeRxSweepScheduleId } from '../../src/domain/workflow-ids.js';
import { knownPatientsQuery } from '../../workflows/honeybee/patient-registry-messages.js';
import {
  duplicateFills,
  firstPrescriptionId,
  hasOrdered,
  ordersPerFill,
  pollUntil,
  waitForClose,
  waitForPrescription,
} from '../harness/honeybee.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import { honeybeeClientFor } from '../harness/vendor-clients.js';

const rxId = (id: string) => `honeybee-rx-${id}`;

describe('Honeybee reconciliation sweep: a lost RX_RECEIVED is still filled', () => {
  let stack: EngineStack;

  beforeAll(async () => {
    stack = await startStack({
      engine: {
        HONEYBEE_WORKFLOW_MODE: 'partner_requested',
        HONEYBEE_FILL_APPROVAL: 'automatic',
        HONEYBEE_RX_SWEEP_INTERVAL: '2s',
        ORDER_RECONCILE_INTERVAL: '10m',
      },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const knownPatients = async () =>
    (
      await stack.client.workflow
        .getHandle(honeybeePatientRegistryWorkflowId(stack.env.TEMPORAL_TASK_QUEUE!))
        .query(knownPatientsQuery)
    ).patientIds;

  /** The prescription ids of a patient's RX_RECEIVED the sandbox dropped. */
  async function droppedPrescriptions(patientId: number): Promise<string[]> {
    const { deliveries } = await stack.control.webhooks({ eventType: 'RX_RECEIVED', state: 'dropped' });
    return deliveries.flatMap((delivery) => {
      const body = JSON.parse(delivery.body) as { patient_id?: number; medication_requests?: { id: number }[] };
      return body.patient_id === patientId ? (body.medication_requests ?? []).map((rx) => String(rx.id)) : [];
    });
  }

  it('the worker created the sweep schedule at start, on its own task queue', async () => {
    const schedule = await stack.client.schedule
      .getHandle(honeybeeRxSweepScheduleId(stack.env.TEMPORAL_TASK_QUEUE!))
      .describe();
    expect(schedule.action).toMatchObject({ workflowType: 'honeybeeRxSweepWorkflow' });
    expect(schedule.spec.intervals?.[0]?.every).toBe(2_000);
  });

  it('Partner Requested Fills: a prescription whose RX_RECEIVED was dropped for good is started by the sweep and filled once', async () => {
    // The engine meets the patient through a first prescription, delivered as usual.
    const first = await stack.control.runScenario('happy-path', { refills: 0 });
    const patientId = first.patient.honeybeePatientId!;
    await waitForPrescription(stack.client, firstPrescriptionId(first), (s) => s.match !== undefined);
    await pollUntil('patient known', knownPatients, (ids) => ids.includes(String(patientId)), 30_000);

    // The patient's next prescription is announced by an RX_RECEIVED that never arrives.
    await stack.control.addFault({ webhook: 'RX_RECEIVED', dropRate: 1, limit: 1 });
    const honeybee = honeybeeClientFor(stack.sandbox).client;
    await honeybee.simulate({
      simulation_type: 'event',
      simulation: { event_type: 'RX_RECEIVED', patient_id: patientId, medication_requests: [{ refills_left: 0 }] },
    });
    const [lost] = await pollUntil(
      'RX_RECEIVED dropped',
      () => droppedPrescriptions(patientId),
      (ids) => ids.length > 0,
      30_000,
    );
    expect(lost).toBeDefined();

    // The sweep starts it exactly as its RX_RECEIVED would have (the event, its facts), and it is filled.
    expect(await waitForClose(stack.client, rxId(lost!), 120_000)).toBe('COMPLETED');
    const filled = await waitForPrescription(stack.client, lost!, () => true);
    expect(filled).toMatchObject({
      stage: 'COMPLETED',
      fillsDelivered: 1,
      eventsReceived: 1,
      lastEventType: 'RX_RECEIVED',
      patientId: String(patientId),
      facts: { refillsLeft: 0 },
    });
    // Later sweeps find the closed workflow and start nothing again: one order for the one fill.
    const sweepsTaken = async () =>
      (await stack.client.schedule.getHandle(honeybeeRxSweepScheduleId(stack.env.TEMPORAL_TASK_QUEUE!)).describe()).info
        .numActionsTaken;
    const afterFill = await sweepsTaken();
    await pollUntil('two more sweeps', sweepsTaken, (taken) => taken >= afterFill + 2, 30_000);
    let runs = 0;
    for await (const _ of stack.client.workflow.list({ query: `WorkflowId = '${rxId(lost!)}'` })) runs += 1;
    expect(runs).toBe(1);
    expect(await ordersPerFill(stack.control, lost!)).toEqual({ '1': 1 });
    expect(await duplicateFills(stack.control)).toEqual([]);
  });

  it('an order event for a prescription the engine does not know sweeps its patient at once', async () => {
    // Honeybee creates the order itself (Automatic Processing at the pharmacy); the RX_RECEIVED is dropped and the
    // patient is new to the engine, so only the order's event can tell it.
    await stack.control.addFault({ webhook: 'RX_RECEIVED', dropRate: 1, limit: 1 });
    const result = await stack.control.runScenario('happy-path', { mode: 'automatic', refills: 0 });
    const patientId = result.patient.honeybeePatientId!;
    const rx = firstPrescriptionId(result);
    expect(
      await pollUntil(
        'RX_RECEIVED dropped',
        () => droppedPrescriptions(patientId),
        (ids) => ids.length > 0,
        30_000,
      ),
    ).toEqual([rx]);

    // Started from the rebuilt RX_RECEIVED (its facts came with it), not bare by the order's milestone.
    const state = await waitForPrescription(stack.client, rx, hasOrdered(1), 120_000);
    expect(state).toMatchObject({ eventsReceived: 1, lastEventType: 'RX_RECEIVED', facts: { refillsLeft: 0 } });
    expect(await knownPatients()).toContain(String(patientId));
    expect(await waitForClose(stack.client, rxId(rx), 120_000)).toBe('COMPLETED');
    expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
  });

  it('HONEYBEE_RX_SWEEP=false removes the schedule an earlier start made, and is quiet when there is none', async () => {
    const config = loadConfig({ ...stack.env, HONEYBEE_RX_SWEEP: 'false' });
    expect(await ensureHoneybeeRxSweepSchedule(stack.client, config)).toBe('removed');
    await expect(
      stack.client.schedule.getHandle(honeybeeRxSweepScheduleId(stack.env.TEMPORAL_TASK_QUEUE!)).describe(),
    ).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(await ensureHoneybeeRxSweepSchedule(stack.client, config)).toBe('off');
  });
});
