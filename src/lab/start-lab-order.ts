// Starting a lab order for the partner (partner API, `fulfill lab order`): the request is checked, the engine picks the
// orderIdentifier (docs/WIRE-CONTRACT.md "Engine identifiers": "lab" + 24 lowercase hex, no PHI) and starts
// labOrderWorkflow with the placement in its encrypted input. With a `requestKey` the identifier is derived from the
// key, so a retried request finds the workflow it started instead of placing a second order; the same key with a
// different request is refused.
import { createHash, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { labOrderIdentifier } from '../domain/lab-order-identifiers.js';
import { labOrderWorkflowId } from '../domain/workflow-ids.js';
import type { LabWorkflowSettings } from '../domain/workflow-settings.js';
import { EscalationLevel, FulfillmentStage, LabOrderId, NeedsOperator } from '../../workflows/search-attributes.js';
import type { labOrderWorkflow } from '../../workflows/lab-order.js';
import { linkPartnerPatient } from '../partner/patient-index.js';
import { labOrderPlacement, parseLabOrderRequest, type LabOrderRequest } from './lab-order-request.js';

export interface StartedLabOrder {
  orderIdentifier: string;
  workflowId: string;
  /** False when a retried request (same requestKey, same request) found the order it had already started. */
  started: boolean;
}

/** The same requestKey came with a different request: the partner must pick a new key for a new order. */
export class LabOrderConflictError extends Error {
  override name = 'LabOrderConflictError';
  constructor(readonly orderIdentifier: string) {
    super(
      `requestKey already started lab order ${orderIdentifier} with a different request; ` +
        'use a new requestKey for a new order',
    );
  }
}

/** Memo key of the request fingerprint: how a retry recognises its own order (the memo is encrypted like payloads). */
export const REQUEST_FINGERPRINT_MEMO = 'labRequestFingerprint';

/** The orderIdentifier a requestKey always maps to. */
export function labOrderIdentifierForRequestKey(requestKey: string): string {
  return labOrderIdentifier(createHash('sha256').update(`onegevity-order\n${requestKey}`).digest('hex').slice(0, 24));
}

export function randomLabOrderIdentifier(): string {
  return labOrderIdentifier(randomBytes(12).toString('hex'));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A hash of the request as the partner sent it (defaults not applied, so a changed default is not a conflict). */
export function labRequestFingerprint(request: LabOrderRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export async function startLabOrder(
  client: Client,
  taskQueue: string,
  request: unknown,
  settings: LabWorkflowSettings,
): Promise<StartedLabOrder> {
  const parsed = parseLabOrderRequest(request);
  const orderIdentifier = parsed.requestKey
    ? labOrderIdentifierForRequestKey(parsed.requestKey)
    : randomLabOrderIdentifier();
  const workflowId = labOrderWorkflowId(orderIdentifier);
  const fingerprint = labRequestFingerprint(parsed);
  // The partner's patient id goes into the patient index (encrypted state), never into the order's search attributes.
  // With a requestKey, only once the order is this request's (a requestKey reused for another patient must not list
  // the order under that patient); a link that fails after the start is made by the retry of the request, which finds
  // its order. Without one, before the start: a retry would place another order, so the link must not be what fails.
  const link = () =>
    linkPartnerPatient(client, taskQueue, {
      partnerPatientId: parsed.patientIdentifier,
      kind: 'labOrder',
      id: orderIdentifier,
    });
  if (!parsed.requestKey) await link();
  try {
    await client.workflow.start<typeof labOrderWorkflow>('labOrderWorkflow', {
      workflowId,
      taskQueue,
      args: [{ orderIdentifier, settings, order: labOrderPlacement(parsed, settings) }],
      // A finished order stays finished: a late retry must not place it again.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: LabOrderId, value: orderIdentifier },
        { key: FulfillmentStage, value: 'CREATING_ORDER' },
        { key: NeedsOperator, value: false },
        { key: EscalationLevel, value: 0 },
      ],
      memo: { [REQUEST_FINGERPRINT_MEMO]: fingerprint },
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError) || !parsed.requestKey) throw error;
    const existing = await client.workflow.getHandle(workflowId).describe();
    if (existing.type !== 'labOrderWorkflow' || existing.memo?.[REQUEST_FINGERPRINT_MEMO] !== fingerprint) {
      throw new LabOrderConflictError(orderIdentifier);
    }
    await link();
    return { orderIdentifier, workflowId, started: false };
  }
  if (parsed.requestKey) await link();
  return { orderIdentifier, workflowId, started: true };
}
