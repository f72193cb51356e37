// honeybeePartnerActionWorkflow (id honeybee-partner-action-{action}-{subject}-{key}): one partner action at Honeybee
// that belongs to no running workflow, carried out and kept in a history of its own (who asked, why, what Honeybee
// said): a reorder of a shipped or delivered order (whose own workflow may have ended; the new order gets a workflow
// of its own), or a shipping address added to a patient's record. Started by the partner API, which waits for its
// result. Anyone can start a workflow from the Web UI: an input its schema refuses is answered, never acted on.
import { proxyActivities } from '@temporalio/workflow';
import { z } from 'zod';
import type { Activities } from '../../activities/index.js';
import { ACTIVITY_OPTIONS } from '../../src/domain/activity-options.js';
import { FailureType } from '../../src/domain/failure-types.js';
import { resolveHoneybeeSettings } from '../honeybee/settings.js';
import { honeybeeShippingAddressInput } from '../honeybee/messages.js';
import { activityProblem, describeRefusal } from '../shared/activity-failures.js';
import { parseMessageInput } from '../shared/handlers.js';
import { attribution } from '../shared/operator-messages.js';
import { sharedSchema } from '../shared/shared-schemas.js';

const vendorId = sharedSchema('partner-api/partner-action:vendorId', () =>
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a vendor id'),
);

export const partnerActionInput = sharedSchema('partner-api/partner-action:partnerActionInput', () =>
  z.discriminatedUnion('action', [
    z.object({
      action: z.literal('reorder'),
      orderNumber: vendorId,
      /** Settings the new order's workflow starts with. */
      settings: z.record(z.string(), z.unknown()),
      ...attribution,
    }),
    z.object({
      action: z.literal('add_patient_shipping_address'),
      patientId: vendorId,
      address: honeybeeShippingAddressInput,
      ...attribution,
    }),
  ]),
);
export type PartnerActionInput = z.input<typeof partnerActionInput>;

export type PartnerActionResult =
  | { accepted: true; action: string; message: string; orderNumber?: string; requestId?: string }
  | { accepted: false; reason: string; kind: 'invalid' | 'state' | 'vendor' };

const once = proxyActivities<Activities>(ACTIVITY_OPTIONS.partnerCreate);

/** A vendor refusal as the partner hears it: 409 conflicts and 404s are the order's state, 4xx the input's. */
function refused(action: string, error: unknown): PartnerActionResult {
  const problem = activityProblem(error);
  if (!problem) throw error;
  const reason = `Honeybee refused ${action} (${describeRefusal(problem)})`;
  switch (problem.type) {
    case FailureType.VendorConflict:
    case FailureType.VendorNotFound:
      return { accepted: false, reason, kind: 'state' };
    case FailureType.VendorRejected:
    case FailureType.InvalidInput:
      return { accepted: false, reason, kind: 'invalid' };
    default:
      return {
        accepted: false,
        reason:
          action === 'reorder'
            ? `Honeybee did not answer the reorder (${problem.type}): whether it made a new order is unknown; list the patient's orders before trying again`
            : `Honeybee did not answer (${problem.type}): whether it added the address is unknown; check the patient's addresses at Honeybee before trying again`,
        kind: 'vendor',
      };
  }
}

export async function honeybeePartnerActionWorkflow(start: PartnerActionInput): Promise<PartnerActionResult> {
  const parsed = parseMessageInput('honeybeePartnerActionWorkflow', partnerActionInput, start);
  if (!parsed.ok) return { accepted: false, reason: parsed.rejection.problem, kind: 'invalid' };
  const input = parsed.value;
  switch (input.action) {
    case 'reorder':
      try {
        const reordered = await once.reorderHoneybeeOrder({
          orderNumber: input.orderNumber,
          settings: resolveHoneybeeSettings(input.settings),
        });
        return {
          accepted: true,
          action: input.action,
          message: `Honeybee made order ${reordered.orderNumber} to reorder ${input.orderNumber}`,
          orderNumber: reordered.orderNumber,
          ...(reordered.requestId ? { requestId: reordered.requestId } : {}),
        };
      } catch (error) {
        return refused(input.action, error);
      }
    case 'add_patient_shipping_address':
      try {
        // A POST without an idempotency key, like the reorder: a retry after a lost answer could add it twice.
        const added = await once.addHoneybeePatientShippingAddress({
          patientId: input.patientId,
          address: input.address,
        });
        return {
          accepted: true,
          action: input.action,
          message: `Honeybee added the shipping address to patient ${input.patientId}`,
          ...(added.requestId ? { requestId: added.requestId } : {}),
        };
      } catch (error) {
        return refused(input.action, error);
      }
  }
}
