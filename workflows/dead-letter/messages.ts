// The messages of deadLetterWorkflow: the bridge parks an authentic webhook that fits no workflow, operators read the
// day's entries with `parked`.
import { z } from 'zod';
import { operatorText } from '../shared/operator-messages.js';
import { queryMessage, signalMessage } from '../shared/messages.js';
import { VENDORS } from '../../src/domain/vendors.js';

/** An authentic webhook that fits no workflow, kept with why. */
export const parkedWebhookInput = z.object({
  vendor: z.enum(VENDORS),
  reason: operatorText(2000),
  receivedAt: z.string().max(64),
  requestId: z.string().max(200),
  /** Onegevity topic, or Honeybee event type when readable. */
  topic: z.string().max(200).optional(),
  /** The raw body as text (vendor webhooks carry ids, not PHI; the payload is encrypted at rest anyway). */
  body: z.string(),
});
export type ParkedWebhook = z.output<typeof parkedWebhookInput>;

export const parkWebhookSignal = signalMessage('parkWebhook', parkedWebhookInput);

export interface ParkedWebhooks {
  vendor: string;
  total: number;
  entries: ParkedWebhook[];
  /** Inputs refused this run (not a webhook: garbage sent by hand), and the last one's problem. */
  rejected: number;
  lastRejection?: { at: string; problem: string };
}

export const parkedWebhooksQuery = queryMessage<ParkedWebhooks>('parked');
