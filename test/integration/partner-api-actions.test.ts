// The partner API's answers and actions against the whole engine (sandbox, bridge and worker as real processes on the
// run's dev server): inputs answered synchronously by the workflow (200, 409 with its reason, 202 where the work goes
// on), the vendor actions a partner may take (Partner Hold and its release, an in-flight order's address, a reorder, a
// patient's address, a kit activation, lab reports), listings (by stage, needs-operator, partner patient id, changes
// since a time) and the event feed with a resend from it. With RECORD_HISTORIES=1 it records the histories of the
// workflows these actions run in (test/fixtures/histories/README.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labOrderWorkflowId } from '../../src/domain/workflow-ids.js';
import { patientIndexWorkflowId } from '../../src/partner/patient-index.js';
import { recordHistory, recordingHistories } from '../harness/histories.js';
import { historyOf } from '../harness/temporal.js';
import {
  firstPrescriptionId,
  orderOf,
  pollUntil,
  waitForClose,
  waitForOrder,
  waitForPrescription,
} from '../harness/honeybee.js';
import { labOrderRequest } from '../harness/lab-orders.js';
import { startStack, type EngineStack } from '../harness/stack.js';

/** One sandbox step per advance, well under the sandbox tokens' 1 h lifetime. */
const STEP = '20m';
const KEY = 'partner-actions-test-key-0123456789';

type Json = Record<string, unknown>;

describe('partner API: synchronous answers, vendor actions, listings and the event feed', () => {
  let stack: EngineStack;
  const startedAt = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    stack = await startStack({
      engine: { PARTNER_API_KEYS: `acme:admin:${KEY}`, ORDER_RECONCILE_INTERVAL: '6h' },
      sandbox: { SANDBOX_STEP_DELAY: STEP },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${stack.bridgeUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
  }
  const who = { operator: 'ops.kim', reason: 'partner request' };
  const taskQueue = () => stack.env.TEMPORAL_TASK_QUEUE ?? 'fulfillment';

  /** The ids of the workflows of one type (visibility). */
  async function workflowsOf(type: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const execution of stack.client.workflow.list({ query: `WorkflowType = '${type}'` })) {
      ids.push(execution.workflowId);
    }
    return ids;
  }
  const errorOf = (answer: { body: Json }) => answer.body.error as { code: string; message: string };

  it('answers inputs with the workflow decision: a refused refill and match are 409 with the reason', async () => {
    const scenario = await stack.control.runScenario('happy-path', { refills: 0 });
    const rx = firstPrescriptionId(scenario);
    const orderNumber = await orderOf(stack.client, rx);

    const refill = await api('POST', `/api/prescriptions/${rx}/refill-requests`, { requestedBy: 'billing' });
    expect(refill.status).toBe(409);
    expect(errorOf(refill)).toMatchObject({ code: 'wrong_state', message: 'no refills are left on this prescription' });
    const match = await api('POST', `/api/prescriptions/${rx}/patient-match`, { partnerPatientId: 'P-x', ...who });
    expect(match.status).toBe(409);
    expect(errorOf(match).message).toMatch(/already matched/);
    const invalid = await api('POST', `/api/prescriptions/${rx}/resolution`, { action: 'matchPatient', ...who });
    expect(invalid.status).toBe(422);
    expect(errorOf(invalid).message).toMatch(/partnerPatientId/);
    // Nothing changed: the refusals are not even in the history (validators refuse before it).
    const status = (await api('GET', `/api/prescriptions/${rx}`)).body.status as Json;
    expect(status.decisions).toEqual([]);

    // A Partner Hold while the order is Processing, and its release.
    const held = await api('POST', `/api/orders/${orderNumber}/partner-hold`, who);
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body).toMatchObject({ accepted: true, action: 'place_partner_hold' });
    const onHold = await waitForOrder(stack.client, orderNumber, (s) => s.status === 'On Hold' && !!s.exception);
    expect(onHold.exception).toMatchObject({ code: '64', name: 'Partner Hold' });
    const again = await api('POST', `/api/orders/${orderNumber}/partner-hold`, who);
    expect(again.status).toBe(409);
    const released = await api('POST', `/api/orders/${orderNumber}/partner-hold/release`, who);
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    await waitForOrder(stack.client, orderNumber, (s) => s.status === 'Filling');

    // The address of the order in flight; refused (409) once it has shipped.
    const address = { street1: '500 Market St', city: 'Portland', state: 'OR', zip: '97201' };
    const moved = await api('PUT', `/api/orders/${orderNumber}/shipping_address`, { address, ...who });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const badZip = await api('PUT', `/api/orders/${orderNumber}/shipping_address`, {
      address: { ...address, zip: 'nowhere' },
      ...who,
    });
    expect(badZip.status).toBe(400);
    const orders = await stack.control.honeybeeOrders();
    expect(JSON.stringify(orders)).toContain('500 Market St');
    await stack.control.advance(STEP); // Shipped
    await waitForOrder(stack.client, orderNumber, (s) => s.status === 'Shipped');
    const late = await api('PUT', `/api/orders/${orderNumber}/shipping_address`, { address, ...who });
    expect(late.status).toBe(409);

    // A reorder of the shipped order: a new order, with a workflow of its own.
    const reorder = await api('POST', `/api/orders/${orderNumber}/reorders`, who);
    expect(reorder.status, JSON.stringify(reorder.body)).toBe(201);
    const newOrder = reorder.body.orderNumber as string;
    expect(newOrder).not.toBe(orderNumber);
    await waitForOrder(stack.client, newOrder, (s) => s.status !== undefined);
    const actionHistory = await historyOf(stack.client, reorder.body.workflowId as string);
    expect(actionHistory.some((e) => e.workflowExecutionStartedEventAttributes?.identity === 'partner-api:acme')).toBe(
      true,
    );

    // A patient's shipping address.
    const patientId = scenario.patient.honeybeePatientId!;
    const added = await api('POST', `/api/patients/${patientId}/shipping_address`, { address, ...who });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const unknownPatient = await api('POST', '/api/patients/1/shipping_address', { address, ...who });
    expect(unknownPatient.status).toBe(409);

    // The order's history names the key behind each action.
    const orderHistory = await historyOf(stack.client, `honeybee-order-${orderNumber}`);
    const updates = orderHistory.flatMap((e) => {
      const request = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
      return request ? [`${request.input?.name} ${request.meta?.identity}`] : [];
    });
    expect(updates).toEqual([
      'placePartnerHold partner-api:acme',
      'resolveExceptionUpdate partner-api:acme',
      'changeShippingAddress partner-api:acme',
    ]);

    // Listed by the partner's patient id (the engine's index) and by stage (visibility).
    const partnerPatientId = scenario.patient.directoryEntries[0]!.partnerPatientId;
    const byPatient = await pollUntil(
      'the prescription listed by partner patient id',
      () => api('GET', `/api/prescriptions?partnerPatientId=${encodeURIComponent(partnerPatientId)}`),
      (answer) => (answer.body.items as Json[] | undefined)?.length === 1,
      30_000,
    );
    expect((byPatient.body.items as Json[])[0]).toMatchObject({ workflowId: `honeybee-rx-${rx}`, prescriptionId: rx });
    const ordersByPatient = await api('GET', `/api/orders?partnerPatientId=${encodeURIComponent(partnerPatientId)}`);
    expect((ordersByPatient.body.items as Json[]).map((item) => item.orderNumber)).toEqual([orderNumber]);
    const nobody = await api('GET', '/api/prescriptions?partnerPatientId=P-nobody');
    expect(nobody.body).toEqual({ items: [], nextCursor: null });

    if (recordingHistories()) {
      const refusedAction = (await workflowsOf('honeybeePartnerActionWorkflow')).find((id) =>
        id.startsWith('honeybee-partner-action-add_patient_shipping_address-1-'),
      );
      await recordHistory(stack.client, `honeybee-order-${orderNumber}`, 'order-partner-hold-released-address-changed');
      await recordHistory(stack.client, reorder.body.workflowId as string, 'partner-action-reorder');
      await recordHistory(stack.client, added.body.workflowId as string, 'partner-action-patient-address-added');
      await recordHistory(stack.client, refusedAction!, 'partner-action-patient-address-refused');
      await recordHistory(
        stack.client,
        patientIndexWorkflowId(taskQueue(), partnerPatientId),
        'partner-patient-index-linked-and-looked-up',
      );
    }
  });

  it('cancels a prescription (202: the work goes on), lists it by stage first, and pages with cursors', async () => {
    const rx = firstPrescriptionId(await stack.control.runScenario('patient-not-found'));
    await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_PATIENT_MATCH');
    // A partner patient its own directory does not know is refused (422), naming it; the prescription still waits.
    const typo = await api('POST', `/api/prescriptions/${rx}/patient-match`, { partnerPatientId: 'P-NOBODY', ...who });
    expect(typo.status).toBe(422);
    expect(errorOf(typo)).toMatchObject({
      code: 'rejected',
      message: expect.stringContaining('the partner directory has no patient P-NOBODY') as unknown,
    });
    const still = await waitForPrescription(stack.client, rx, () => true);
    expect(still.stage).toBe('AWAITING_PATIENT_MATCH');
    expect(still.match ?? undefined).toBeUndefined();
    const waiting = await pollUntil(
      'the prescription listed by stage',
      () => api('GET', '/api/prescriptions?stage=AWAITING_PATIENT_MATCH&needsOperator=true'),
      (answer) => (answer.body.items as Json[] | undefined)?.some((item) => item.prescriptionId === rx) === true,
      30_000,
    );
    expect(waiting.status).toBe(200);
    const first = await api('GET', '/api/prescriptions?limit=1');
    expect((first.body.items as Json[]).length).toBe(1);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await api('GET', `/api/prescriptions?limit=1&cursor=${String(first.body.nextCursor)}`);
    expect((second.body.items as Json[])[0]?.workflowId).not.toBe((first.body.items as Json[])[0]?.workflowId);
    const foreign = await api('GET', `/api/orders?limit=1&cursor=${String(first.body.nextCursor)}`);
    expect(foreign.status).toBe(400);
    expect(errorOf(foreign).code).toBe('invalid_cursor');
    const badStage = await api('GET', '/api/prescriptions?stage=NOPE');
    expect(badStage.status).toBe(400);

    const canceled = await api('POST', `/api/prescriptions/${rx}/cancellation`, who);
    expect(canceled.status).toBe(202);
    expect(canceled.body).toMatchObject({ accepted: true, action: 'cancel' });
    await waitForPrescription(stack.client, rx, (s) => s.stage === 'CANCELED');
    const twice = await api('POST', `/api/prescriptions/${rx}/cancellation`, who);
    expect(twice.status).toBe(409);
    expect(errorOf(twice).message).toMatch(/has ended|already ended/);
  });

  it('activates a kit with its code, then lists and streams its report (recorded before it is sent)', async () => {
    const scenario = await stack.control.runScenario('kit-never-activated');
    const patientIdentifier = scenario.patient.patientIdentifier!;
    const placed = await api('POST', '/api/lab-orders', {
      ...labOrderRequest(patientIdentifier),
      patientInformation: scenario.patientInformation,
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const lab = placed.body.orderIdentifier as string;
    const early = await api('POST', `/api/lab-orders/${lab}/kit-activations`, {
      activations: [{ activationCode: 'TH-ABC123' }],
      ...who,
    });
    expect(early.status).toBe(409);
    expect(errorOf(early).message).toMatch(/not shipped/);
    const reportsBefore = await api('GET', `/api/lab-orders/${lab}/reports`);
    expect(reportsBefore.body).toEqual({ orderIdentifier: lab, resultsReleasedAt: null, reportIdentifiers: [] });

    const stage = async (wanted: string) =>
      pollUntil(
        `lab order ${wanted}`,
        () => api('GET', `/api/lab-orders/${lab}`),
        (answer) => (answer.body.status as Json | undefined)?.stage === wanted,
        30_000,
      );
    await stack.control.advance(STEP); // accepted
    await stage('ACCEPTED');
    await stack.control.advance(STEP); // shipped
    await stage('SHIPPED');
    const activated = await api('POST', `/api/lab-orders/${lab}/kit-activations`, {
      activations: [{ activationCode: 'TH-ABC123' }],
      ...who,
    });
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
    expect(activated.body.message).toMatch(/ACTIVATED/);
    await stack.control.advance(STEP); // at lab
    await stack.control.advance(STEP); // results released
    const reports = await pollUntil(
      'the released reports',
      () => api('GET', `/api/lab-orders/${lab}/reports`),
      (answer) => (answer.body.reportIdentifiers as string[] | undefined)?.length === 1,
      30_000,
    );
    const reportId = (reports.body.reportIdentifiers as string[])[0]!;
    const download = await fetch(`${stack.bridgeUrl}/api/lab-orders/${lab}/reports/${reportId}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('cache-control')).toBe('no-store');
    const pdf = Buffer.from(await download.arrayBuffer()).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf).toContain(reportId);
    // The download was recorded, with the key that made it.
    const records = await pollUntil(
      'the report access record',
      async () => {
        const found = [];
        for await (const execution of stack.client.workflow.list({
          query: `WorkflowType = 'labReportAccessWorkflow'`,
        })) {
          if (execution.workflowId.startsWith(`onegevity-report-access-${lab}-`)) found.push(execution);
        }
        return found;
      },
      (found) => found.length === 1,
      30_000,
    );
    const [record] = await historyOf(stack.client, records[0]!.workflowId);
    expect(record?.workflowExecutionStartedEventAttributes?.identity).toBe('partner-api:acme');
    const missing = await api('GET', `/api/lab-orders/${lab}/reports/R-NOPE`);
    expect(missing.status).toBe(404);

    const byPatient = await api('GET', `/api/lab-orders?partnerPatientId=${encodeURIComponent(patientIdentifier)}`);
    expect((byPatient.body.items as Json[]).map((item) => item.labOrderId)).toEqual([lab]);

    await recordHistory(stack.client, labOrderWorkflowId(lab), 'lab-kit-activated-by-partner-reports-released');
    await recordHistory(stack.client, records[0]!.workflowId, 'lab-report-access-recorded');
  });

  it('serves an order placed outside the engine (followed) like its own, and says why what needs a placement is not', async () => {
    const scenario = await stack.control.runScenario('kit-outside-order');
    const id = scenario.kitOrder!.orderIdentifier;
    expect(id).toMatch(/^O\d+$/);
    const stageOf = (answer: { body: Json }) => (answer.body.status as Json | undefined)?.stage;
    const reached = (stage: string) =>
      pollUntil(
        `followed order ${stage}`,
        () => api('GET', `/api/lab-orders/${id}`),
        (a) => stageOf(a) === stage,
        30_000,
      );
    const following = await reached('FULFILLMENT_REQUESTED');
    expect(following.body.status).toMatchObject({ followed: true, startedByEngine: false, createOutcome: 'followed' });
    const resubmit = await api('POST', `/api/lab-orders/${id}/resolution`, { action: 'resubmit', ...who });
    expect(resubmit.status).toBe(409);
    expect(errorOf(resubmit).message).toMatch(/not offered for an order placed outside the engine/);
    const activation = await api('POST', `/api/lab-orders/${id}/kit-activations`, {
      activations: [{ activationCode: 'TH-ABC123' }],
      ...who,
    });
    expect(activation.status).toBe(409);
    expect((await api('GET', `/api/lab-orders/${id}/reports`)).body).toEqual({
      orderIdentifier: id,
      resultsReleasedAt: null,
      reportIdentifiers: [],
    });

    for (const stage of ['ACCEPTED', 'SHIPPED', 'KIT_ACTIVATED', 'AT_LAB', 'RESULTS_RELEASED']) {
      await stack.control.advance(STEP);
      await reached(stage);
    }
    const reports = await pollUntil(
      'the followed order reports',
      () => api('GET', `/api/lab-orders/${id}/reports`),
      (answer) => ((answer.body.reportIdentifiers as string[] | undefined)?.length ?? 0) > 0,
      30_000,
    );
    const reportId = (reports.body.reportIdentifiers as string[])[0]!;
    const document = await api('GET', `/api/lab-orders/${id}/reports/${reportId}`);
    expect(document.status).toBe(409);
    expect(errorOf(document).code).toBe('wrong_state');
    expect(errorOf(document).message).toMatch(/^lab order O\d+ was placed outside the engine, which follows it/);
    expect((await api('GET', '/api/lab-orders/O%2013988')).status).toBe(400);
  });

  it('refuses a requestKey reused for another patient (409) without listing the order under that patient', async () => {
    const scenario = await stack.control.runScenario('kit-never-activated');
    const patientIdentifier = scenario.patient.patientIdentifier!;
    const requestKey = `reused-${Date.now()}`;
    const placed = await api('POST', '/api/lab-orders', {
      ...labOrderRequest(patientIdentifier),
      patientInformation: scenario.patientInformation,
      requestKey,
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const other = `PATIENT-B-${Date.now()}`;
    const reused = await api('POST', '/api/lab-orders', { ...labOrderRequest(other), requestKey });
    expect(reused.status).toBe(409);
    expect(errorOf(reused).code).toBe('conflict');
    const listed = async (partnerPatientId: string) =>
      (
        (await api('GET', `/api/lab-orders?partnerPatientId=${encodeURIComponent(partnerPatientId)}`)).body
          .items as Json[]
      ).map((item) => item.labOrderId);
    expect(await listed(patientIdentifier)).toEqual([placed.body.orderIdentifier]);
    expect(await listed(other)).toEqual([]);
  });

  it('feeds every notification in order from a cursor, lists what changed since, and resends one from the feed', async () => {
    const feed = await pollUntil(
      'notifications in the feed',
      () => api('GET', `/api/events?since=${encodeURIComponent(startedAt)}&limit=500`),
      (answer) => (answer.body.events as Json[] | undefined)?.some((e) => e.type === 'order.shipped') === true,
      60_000,
    );
    const events = feed.body.events as { cursor: string; id: string; type: string; workflowId: string }[];
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['prescription.matched', 'order.created']));
    // After any event's cursor come exactly the events after it.
    const middle = Math.floor(events.length / 2);
    const rest = await api('GET', `/api/events?after=${events[middle]!.cursor}&limit=500`);
    expect((rest.body.events as { id: string }[]).map((e) => e.id).slice(0, events.length - middle - 1)).toEqual(
      events.slice(middle + 1).map((e) => e.id),
    );
    expect(typeof rest.body.nextCursor).toBe('string');

    const changed = await api('GET', `/api/orders?updatedSince=${encodeURIComponent(startedAt)}`);
    expect(changed.status).toBe(200);
    const shippedOrder = events.find((e) => e.type === 'order.shipped')!.workflowId;
    expect((changed.body.items as Json[]).map((item) => item.workflowId)).toContain(shippedOrder);
    const future = await api(
      'GET',
      `/api/orders?updatedSince=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
    );
    expect(future.body.items).toEqual([]);

    const undelivered = await api('GET', '/api/notifications/undelivered');
    expect(undelivered.body).toEqual({ items: [], nextCursor: null });

    const shipped = events.find((e) => e.type === 'order.shipped')!;
    const before = (await stack.control.notifications('order.shipped')).notifications.filter(
      (n) => n.webhookId === shipped.id,
    );
    const resent = await api('POST', `/api/notifications/${encodeURIComponent(shipped.id)}/resend`, {
      ...who,
      cursor: shipped.cursor,
    });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(resent.body).toMatchObject({ notificationId: shipped.id, delivered: true });
    const after = (await stack.control.notifications('order.shipped')).notifications.filter(
      (n) => n.webhookId === shipped.id,
    );
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({ verified: true, duplicate: true });
    const unknown = await api('POST', '/api/notifications/nope:1/resend', who);
    expect(unknown.status).toBe(404);

    if (recordingHistories()) {
      await recordHistory(stack.client, resent.body.workflowId as string, 'notification-resent-one-from-the-feed');
      // A minute of the feed seals a grace period after it ends: wait for the first to complete.
      const [first] = (await workflowsOf('partnerEventBucketWorkflow')).sort();
      expect(await waitForClose(stack.client, first!, 150_000)).toBe('COMPLETED');
      await recordHistory(stack.client, first!, 'partner-event-bucket-sealed');
    }
  });
});
