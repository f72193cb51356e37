// Bodies of the control API (/__sandbox/…), validated at the boundary. The shapes the API answers with are the
// types in ./types.ts.
import { z } from 'zod';
import { durationInput } from '../durations.js';
import { faultRuleInput } from '../faults.js';
import { EXCEPTION_ACTION_LISTINGS, EXCEPTION_EVENT_TYPES, RX_RESPONSE_SHAPES } from '../honeybee/model.js';
import { ORDER_UPDATE_MODES } from '../onegevity/model.js';

export const advanceBody = z.strictObject({
  /** How far to move the sandbox clock: milliseconds or a duration string (`90s`, `2h`). */
  by: durationInput,
  /** Wait (real time, at most 10 s) until the webhooks the advance produced have been attempted. Default true. */
  settle: z.boolean().default(true),
});

export const settingsBody = z.strictObject({
  stepDelay: durationInput.optional(),
  workflowMode: z.enum(['automatic', 'partner_requested']).optional(),
  /** How GET /patients/{id}/rx is wrapped (the seed's example is `medication_request-object`). */
  rxResponseShape: z.enum(RX_RESPONSE_SHAPES).optional(),
  /** The exception event's `event_type`: as its payloads say, or as the seed's event list names it. */
  exceptionEventType: z.enum(EXCEPTION_EVENT_TYPES).optional(),
  /** Whether exceptions list their `order_actions`, or raise a hold without any (the reason's still accepted). */
  exceptionActions: z.enum(EXCEPTION_ACTION_LISTINGS).optional(),
  /** When Onegevity sends order.updated: every time the order gains information (as Onegevity does), or at the lab. */
  onegevityOrderUpdates: z.enum(ORDER_UPDATE_MODES).optional(),
});

export const faultsReplaceBody = z.strictObject({ faults: z.array(faultRuleInput) });

export const webhookSettingsBody = z.strictObject({
  duplicate: z.boolean().optional(),
  reorder: z
    .strictObject({
      enabled: z.boolean().optional(),
      batchSize: z.number().int().min(2).max(100).optional(),
      window: durationInput.optional(),
    })
    .optional(),
  targets: z
    .strictObject({
      honeybee: z.url({ protocol: /^https?$/ }).optional(),
      onegevity: z.url({ protocol: /^https?$/ }).optional(),
    })
    .optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  backoff: durationInput.optional(),
  backoffMax: durationInput.optional(),
  timeout: durationInput.optional(),
});

export const settleBody = z.strictObject({ timeout: durationInput.default(10_000) });

export const holdBody = z.strictObject({ reason: z.number().int().positive().default(64) });

export const expireTokensBody = z.strictObject({ vendor: z.enum(['honeybee', 'onegevity']).optional() });

export const webhooksQuery = z.object({
  vendor: z.enum(['honeybee', 'onegevity']).optional(),
  eventType: z.string().min(1).optional(),
  state: z.enum(['held', 'queued', 'in_flight', 'retry_scheduled', 'delivered', 'failed', 'dropped']).optional(),
  subject: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

export type WebhookSettingsInput = z.input<typeof webhookSettingsBody>;
export type SettingsInput = z.input<typeof settingsBody>;
