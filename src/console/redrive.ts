// Re-driving a parked event: its stored body handed to the bridge's normal webhook pipeline again, after the
// operator fixed the cause (a routing gap, the engine's configuration). Authentication is not repeated (the event was
// verified when it arrived, and the signature covered a URL and a time that are gone), so a body that no longer
// matches the hash it was parked with is refused, as `fulfill parked redrive` refuses it; everything after it is the
// same code a vendor's delivery runs: routing, signal-with-start, the dead letter for what still fits nothing, the
// spool for what Temporal still refuses. Temporal records the operator's console identity as the sender.
import type { FastifyBaseLogger } from 'fastify';
import type { Client } from '@temporalio/client';
import { createTemporalDelivery } from '../bridge/temporal-delivery.js';
import {
  handleAuthenticWebhook,
  type VendorWebhookSpec,
  type WebhookPipelineDependencies,
} from '../bridge/webhook-pipeline.js';
import { unverifiedBodyRefusal, type ParkedEventBody } from '../operators/parked-events.js';

export interface RedriveDependencies {
  /** The bridge's webhook specs (one per vendor endpoint) and pipeline. */
  specs: readonly VendorWebhookSpec[];
  pipeline: WebhookPipelineDependencies;
  taskQueue: string;
}

export interface RedriveOutcome {
  /** False when the console refused to hand it on (its body failed its check): the pipeline never saw it. */
  sent: boolean;
  /** The pipeline's answer, as the vendor would have had it; 409 when it was not sent. */
  status: number;
  /** True when a workflow has it now. */
  delivered: boolean;
  /** The workflows that have it now. */
  workflowIds: string[];
  summary: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function list(value: unknown): string {
  return strings(value).join(', ');
}

/** What became of a re-drive, in words, from the pipeline's answer. */
export function describeRedrive(status: number, body: unknown): Omit<RedriveOutcome, 'sent'> {
  const answer = isRecord(body) ? body : {};
  const error = isRecord(answer.error) ? answer.error : {};
  if (status === 200) {
    const ended = list(answer.recorded);
    return {
      status,
      delivered: true,
      workflowIds: strings(answer.accepted),
      summary: `delivered to ${list(answer.accepted)}${ended ? `; recorded as ended: ${ended}` : ''}`,
    };
  }
  if (status === 202 && answer.parked === true) {
    return {
      status,
      delivered: false,
      workflowIds: [],
      summary: `parked again in ${text(answer.deadLetter) ?? 'the dead letter'}: ${text(answer.reason) ?? 'no reason given'}`,
    };
  }
  if (status === 202) {
    return {
      status,
      delivered: false,
      workflowIds: [],
      summary: `its workflow has already ended (${list(answer.recorded)}): recorded in the dead letter again`,
    };
  }
  if (status === 503)
    return { status, delivered: false, workflowIds: [], summary: 'Temporal could not take it now: try again later' };
  return {
    status,
    delivered: false,
    workflowIds: [],
    summary: `refused (${status} ${text(error.code) ?? 'error'}): ${text(error.message) ?? 'no reason given'}`,
  };
}

/** The outcome as the page says it. */
export function redriveHeadline(outcome: RedriveOutcome): string {
  return `${outcome.sent ? 'Re-driven' : 'Not re-driven'}: ${outcome.summary}`;
}

export async function redriveParkedEvent(
  parked: ParkedEventBody,
  client: Client,
  deps: RedriveDependencies,
  request: { id: string; log: FastifyBaseLogger },
): Promise<RedriveOutcome> {
  const refusal = unverifiedBodyRefusal(parked);
  if (refusal) return { sent: false, status: 409, delivered: false, workflowIds: [], summary: refusal };
  const spec = deps.specs.find((candidate) => candidate.vendor === parked.event.vendor);
  if (!spec) throw new Error(`the bridge has no webhook endpoint for ${parked.event.vendor}`);
  const topic = parked.event.topic;
  const answer = await handleAuthenticWebhook(
    spec,
    {
      id: request.id,
      log: request.log,
      // Onegevity names the topic in a header (or the path); the parked event kept it.
      headers: topic && parked.event.vendor === 'onegevity' ? { 'x-onegevity-topic': topic } : {},
      params: {},
      body: parked.body,
    },
    { ...deps.pipeline, delivery: createTemporalDelivery(client, deps.taskQueue) },
  );
  return { sent: true, ...describeRedrive(answer.status, answer.body) };
}
