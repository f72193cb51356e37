// Helpers for tests of the Honeybee workflows against a real stack: wait for a workflow's state through its `status`
// query, read its current details and partner notifications and the sandbox's per-fill order counts, pick a valid
// value for each order action field, and start a prescription with its own settings.
import type { Client } from '@temporalio/client';
import type { SandboxControlClient } from '../../src/sandbox/control/client.js';
import type { ReceivedNotification, ScenarioResult } from '../../src/sandbox/control/types.js';
import { honeybeeOrderWorkflowId, prescriptionWorkflowId } from '../../src/domain/workflow-ids.js';
import type { HoneybeeWorkflowSettings } from '../../src/domain/workflow-settings.js';
import { signHoneybeeWebhook } from '../../src/vendors/honeybee/webhook-auth.js';
import { honeybeeOrderStatusQuery, prescriptionStatusQuery } from '../../workflows/honeybee/messages.js';
import type { HoneybeeOrderState, OfferedAction, PrescriptionState } from '../../workflows/honeybee/types.js';
import type { EngineStack } from './stack.js';
import { HoneybeeHttp, VALID_ADDRESS } from './vendor-http.js';

const POLL_MS = 150;

export async function pollUntil<T>(
  describe: string,
  read: () => Promise<T | undefined>,
  until: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (last !== undefined && until(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = last !== undefined ? JSON.stringify(last).slice(0, 3000) : String(lastError);
      throw new Error(`${describe} not reached within ${timeoutMs} ms; last: ${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function waitForPrescription(
  client: Client,
  prescriptionId: string | number,
  until: (state: PrescriptionState) => boolean,
  timeoutMs = 90_000,
): Promise<PrescriptionState> {
  const handle = client.workflow.getHandle(prescriptionWorkflowId(prescriptionId));
  return pollUntil(`prescription ${prescriptionId}`, () => handle.query(prescriptionStatusQuery), until, timeoutMs);
}

export function waitForOrder(
  client: Client,
  orderNumber: string,
  until: (state: HoneybeeOrderState) => boolean,
  timeoutMs = 90_000,
): Promise<HoneybeeOrderState> {
  const handle = client.workflow.getHandle(honeybeeOrderWorkflowId(orderNumber));
  return pollUntil(`order ${orderNumber}`, () => handle.query(honeybeeOrderStatusQuery), until, timeoutMs);
}

/** The order number of the prescription's current fill, once it has one. */
export async function orderOf(client: Client, prescriptionId: string | number, timeoutMs = 90_000): Promise<string> {
  const state = await waitForPrescription(client, prescriptionId, hasOrdered(1), timeoutMs);
  return state.currentOrder?.orderNumber ?? state.recordedOrders.at(-1)!;
}

/**
 * Whether the prescription has made (or adopted) `count` orders. Not `currentOrder !== undefined`: an order the
 * sandbox moves along by itself can be delivered, and the current order cleared, between two polls (a query can take
 * seconds on a loaded machine); the recorded orders only grow.
 */
export function hasOrdered(count: number): (state: PrescriptionState) => boolean {
  return (state) => state.recordedOrders.length >= count;
}

/** Waits for the latest run of a workflow id to close; returns its status name (COMPLETED, …). */
export async function waitForClose(client: Client, workflowId: string, timeoutMs = 90_000): Promise<string> {
  const description = await pollUntil(
    `${workflowId} closed`,
    () => client.workflow.getHandle(workflowId).describe(),
    (value) => value.status.name !== 'RUNNING',
    timeoutMs,
  );
  return description.status.name;
}

/** The markdown the workflow shows in the Web UI (`setCurrentDetails`). */
export async function currentDetails(client: Client, workflowId: string): Promise<string> {
  const metadata = await client.workflow
    .getHandle(workflowId)
    .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

export async function searchAttributes(client: Client, workflowId: string): Promise<Record<string, unknown>> {
  const description = await client.workflow.getHandle(workflowId).describe();
  return Object.fromEntries(
    Object.entries(description.searchAttributes).map(([key, values]) => [key, (values as unknown[])[0]]),
  );
}

/** The verified partner notifications about one prescription or order (redeliveries of one webhook-id removed). */
export async function partnerNotifications(
  control: SandboxControlClient,
  about: { prescriptionId?: string; orderNumber?: string },
): Promise<ReceivedNotification[]> {
  const { notifications } = await control.notifications();
  return notifications.filter((notification) => {
    if (!notification.verified || notification.duplicate) return false;
    const data = notification.data ?? {};
    if (about.orderNumber && data.orderNumber === about.orderNumber) return true;
    if (about.prescriptionId) {
      if (data.prescriptionId === about.prescriptionId) return true;
      if (typeof data.prescriptionIds === 'string' && data.prescriptionIds.split(',').includes(about.prescriptionId)) {
        return true;
      }
    }
    return false;
  });
}

export function waitForNotification(
  control: SandboxControlClient,
  about: { prescriptionId?: string; orderNumber?: string },
  type: string,
  timeoutMs = 30_000,
): Promise<ReceivedNotification[]> {
  return pollUntil(
    `notification ${type} about ${JSON.stringify(about)}`,
    () => partnerNotifications(control, about),
    (list) => list.some((notification) => notification.type === type),
    timeoutMs,
  );
}

/** Orders the sandbox created for a prescription, per fill (the duplicate-fill check). */
export async function ordersPerFill(
  control: SandboxControlClient,
  prescriptionId: string | number,
): Promise<Record<string, number>> {
  const counters = await control.counters();
  return counters.honeybee.ordersPerFill[String(prescriptionId)] ?? {};
}

/** No prescription of the sandbox has two orders for one fill. */
export async function duplicateFills(control: SandboxControlClient): Promise<string[]> {
  const counters = await control.counters();
  return Object.entries(counters.honeybee.ordersPerFill).flatMap(([rx, fills]) =>
    Object.entries(fills)
      .filter(([, count]) => count > 1)
      .map(([fill, count]) => `${rx} fill ${fill}: ${count} orders`),
  );
}

export function firstPrescriptionId(result: ScenarioResult): string {
  const id = result.prescriptionIds?.[0];
  if (id === undefined) throw new Error(`scenario ${result.scenario} made no prescription`);
  return String(id);
}

/** A value Honeybee accepts for an order action's field. */
export function validFieldValue(field: string): unknown {
  switch (field) {
    case 'address':
      return { ...VALID_ADDRESS };
    case 'email':
      return 'corrected.email@example.com';
    case 'dob':
      return '1980-01-31';
    case 'quantity':
      return 30;
    case 'name':
      return 'A Sandbox';
    default:
      return 'Reviewed with the prescriber';
  }
}

/** The resolution of an offered action with valid values for its fields. */
export function resolutionFor(action: OfferedAction, operator = 'test-operator') {
  return {
    action: action.action,
    fields: Object.fromEntries(action.fields.map((field) => [field, validFieldValue(field)])),
    operator,
    reason: `resolving with ${action.action}`,
  };
}

let nextPrescriptionId = 20_000_000 + Math.floor(Math.random() * 1_000_000) * 10;

/**
 * Starts a prescription workflow with its own settings, then has the sandbox announce a new e-prescription with that
 * id (POST /simulate): the RX_RECEIVED reaches the running workflow through the bridge. For settings the stack's
 * bridge does not use (partner fill approval, short timers).
 */
export async function startPrescriptionWithSettings(
  stack: EngineStack,
  settings: HoneybeeWorkflowSettings,
  refillsLeft = 0,
): Promise<string> {
  nextPrescriptionId += 1;
  const prescriptionId = String(nextPrescriptionId);
  await stack.client.workflow.start('prescriptionWorkflow', {
    workflowId: prescriptionWorkflowId(prescriptionId),
    taskQueue: stack.env.TEMPORAL_TASK_QUEUE!,
    args: [{ prescriptionId, settings }],
  });
  const honeybee = new HoneybeeHttp(stack.sandbox.url);
  const answer = await honeybee.request('POST', '/simulate', {
    body: {
      simulation_type: 'event',
      simulation: {
        event_type: 'RX_RECEIVED',
        medication_requests: [{ id: Number(prescriptionId), refills_left: refillsLeft }],
      },
    },
  });
  if (answer.status !== 202) throw new Error(`simulate answered ${answer.status}: ${answer.text}`);
  return prescriptionId;
}

export function settingsFrom(env: Record<string, string>, overrides: Partial<HoneybeeWorkflowSettings> = {}) {
  const settings: HoneybeeWorkflowSettings = {
    mode: env.HONEYBEE_WORKFLOW_MODE === 'automatic' ? 'automatic' : 'partner_requested',
    fillApproval: 'automatic',
    holdEscalationAfterMs: 3_600_000,
    holdEscalationRepeatMs: 3_600_000,
    fillApprovalTimeoutMs: 3_600_000,
    reconcileIntervalMs: 600_000,
    shippingMethodId: 1,
    ...overrides,
  };
  return settings;
}

/** POSTs a Honeybee webhook body to the bridge, signed as Honeybee signs for `target` (the bridge's public URL). */
export async function postHoneybeeWebhook(stack: EngineStack, target: string, body: string): Promise<Response> {
  const secret = stack.env.HONEYBEE_CLIENT_SECRET;
  if (!secret) throw new Error('the stack has no HONEYBEE_CLIENT_SECRET');
  const signature = signHoneybeeWebhook(secret, { method: 'POST', url: target, body: Buffer.from(body) });
  return fetch(`${stack.bridgeUrl}/webhooks/honeybee`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-honeybee-signature': signature },
    body,
  });
}
