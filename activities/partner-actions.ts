// Activities behind the partner's actions on its orders, as the vendors offer them (the partner API asks a workflow,
// which runs these, so the history shows who asked for what and what the vendor said): place a Partner Hold, change an
// in-flight order's shipping address, reorder a shipped order, add a patient's shipping address (Honeybee); activate
// a kit with its activation code (Onegevity). Patient details (addresses, activation codes) come in through encrypted
// activity inputs and go nowhere else; answers carry ids, statuses and the vendor's request ids.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { FailureType } from '../src/domain/failure-types.js';
import { KitStatus, normalizeOnegevityStatus } from '../src/domain/onegevity-status.js';
import { honeybeeOrderWorkflowId } from '../src/domain/workflow-ids.js';
import type { HoneybeeWorkflowSettings } from '../src/domain/workflow-settings.js';
import type { HoneybeeClient } from '../src/vendors/honeybee/client.js';
import type { OnegevityClient } from '../src/vendors/onegevity/client.js';
import type { HoneybeeShippingAddress } from '../workflows/honeybee/messages.js';
import type { HoneybeeOrderWorkflowInput } from '../workflows/honeybee/types.js';
import type { honeybeeOrderWorkflow } from '../workflows/honeybee-order.js';
import { orderStartSearchAttributes } from '../workflows/honeybee/visibility.js';
import { orderSnapshot } from './honeybee.js';
import { labOrderSnapshot, type LabOrderRef, type LabOrderSnapshot } from './lab.js';
import { callVendor } from './vendor-failure.js';

export interface PartnerActionActivityDependencies {
  honeybee: HoneybeeClient;
  onegevity: OnegevityClient;
  temporal: Client;
}

export interface VendorAck {
  requestId?: string;
}

export interface ReorderResult extends VendorAck {
  orderNumber: string;
  status?: string;
  /** False when the new order's workflow was already running (an event started it first). */
  started: boolean;
}

const ack = (requestId: string | undefined): VendorAck => (requestId ? { requestId } : {});

export function createPartnerActionActivities(deps: PartnerActionActivityDependencies) {
  return {
    /** The partner's own hold (exception 64). 409 (not Processing or Filling) and 422 are not retried. */
    async placeHoneybeePartnerHold(request: { orderNumber: string; reason: string }): Promise<VendorAck> {
      const result = await callVendor(() =>
        deps.honeybee.placePartnerHold(request.orderNumber, { reason: request.reason }),
      );
      return ack(result.requestId);
    },

    /** PUT the order's shipping address (Honeybee refuses once shipped, 42228, or for a controlled substance, 42229). */
    async changeHoneybeeOrderShippingAddress(request: {
      orderNumber: string;
      address: HoneybeeShippingAddress;
    }): Promise<VendorAck> {
      const result = await callVendor(() =>
        deps.honeybee.updateOrderShippingAddress(request.orderNumber, request.address),
      );
      return ack(result.requestId);
    },

    /** Adds a shipping address to Honeybee's patient record. */
    async addHoneybeePatientShippingAddress(request: {
      patientId: string;
      address: HoneybeeShippingAddress;
    }): Promise<VendorAck> {
      const patientId = /^\d+$/.test(request.patientId) ? Number(request.patientId) : request.patientId;
      const result = await callVendor(() => deps.honeybee.addPatientShippingAddress(patientId, request.address));
      return ack(result.requestId);
    },

    /**
     * Reorders a shipped or delivered order (POST, not idempotent at Honeybee: its retry policy allows one attempt)
     * and starts the new order's workflow with Honeybee's answer as its first snapshot.
     */
    async reorderHoneybeeOrder(request: {
      orderNumber: string;
      settings: HoneybeeWorkflowSettings;
    }): Promise<ReorderResult> {
      const created = await callVendor(() => deps.honeybee.reorder(request.orderNumber));
      const snapshot = orderSnapshot(created.data, created.requestId, false);
      const input: HoneybeeOrderWorkflowInput = {
        orderNumber: snapshot.orderNumber,
        ...(snapshot.patientId ? { patientId: snapshot.patientId } : {}),
        prescriptionIds: snapshot.prescriptionIds,
        settings: request.settings,
        initialSnapshot: snapshot,
      };
      let started = true;
      try {
        await deps.temporal.workflow.start<typeof honeybeeOrderWorkflow>('honeybeeOrderWorkflow', {
          workflowId: honeybeeOrderWorkflowId(snapshot.orderNumber),
          taskQueue: Context.current().info.taskQueue,
          args: [input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: orderStartSearchAttributes(input, new Date().toISOString()),
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        started = false;
      }
      return {
        orderNumber: snapshot.orderNumber,
        ...(snapshot.status ? { status: snapshot.status } : {}),
        started,
        ...ack(created.requestId),
      };
    },

    /**
     * PATCH the order's kit activations; answers the order as Onegevity has it after. An activation without its
     * packageElementIdentifier takes the order's one kit element waiting for activation (refused when there are
     * several, or none).
     */
    async activateLabKits(
      request: LabOrderRef & { activations: { packageElementIdentifier?: string; activationCode: string }[] },
    ): Promise<LabOrderSnapshot> {
      let activations = request.activations;
      if (activations.some((activation) => !activation.packageElementIdentifier)) {
        const order = await callVendor(() =>
          deps.onegevity.getPatientOrder(request.patientIdentifier, request.orderIdentifier),
        );
        const named = new Set(
          activations.flatMap((a) => (a.packageElementIdentifier ? [a.packageElementIdentifier] : [])),
        );
        const waiting = order.data.elements
          .filter((element) => normalizeOnegevityStatus(element.kitStatus ?? '') === KitStatus.NotActivated)
          .flatMap((element) => (element.packageElementIdentifier ? [element.packageElementIdentifier] : []))
          .filter((element) => !named.has(element));
        const unnamed = activations.filter((activation) => !activation.packageElementIdentifier);
        // Done already (an attempt whose answer was lost, or the partner asking twice): the kit shows the code.
        const activated = order.data.elements.filter(
          (element) => normalizeOnegevityStatus(element.kitStatus ?? '') !== KitStatus.NotActivated,
        );
        if (
          waiting.length === 0 &&
          activations.every((activation) =>
            activated.some(
              (element) =>
                element.activationCode === activation.activationCode &&
                (!activation.packageElementIdentifier ||
                  element.packageElementIdentifier === activation.packageElementIdentifier),
            ),
          )
        ) {
          return labOrderSnapshot(order.data);
        }
        if (unnamed.length !== 1 || waiting.length !== 1) {
          throw ApplicationFailure.create({
            type: FailureType.InvalidInput,
            nonRetryable: true,
            message:
              waiting.length === 0
                ? 'no kit element of this order waits for activation'
                : `name each activation's packageElementIdentifier (waiting: ${waiting.join(', ')})`,
          });
        }
        let next = 0;
        activations = activations.map((activation) =>
          activation.packageElementIdentifier
            ? activation
            : { ...activation, packageElementIdentifier: waiting[next++] },
        );
      }
      const result = await callVendor(() =>
        deps.onegevity.activateKits(
          request.patientIdentifier,
          request.orderIdentifier,
          activations.map((activation) => ({
            packageElementIdentifier: activation.packageElementIdentifier ?? '',
            activationCode: activation.activationCode,
          })),
        ),
      );
      return labOrderSnapshot(result.data);
    },
  };
}

export type PartnerActionActivities = ReturnType<typeof createPartnerActionActivities>;
