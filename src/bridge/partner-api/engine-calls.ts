// How partner API operations talk to the engine: every Temporal call within the call deadline, a workflow's state
// read only once it is known to be healthy (a stuck workflow answers 409 at once, not after a timeout), and updates
// answered synchronously: the result when the workflow accepted the input, 409 or 422 with its reason when it did not.
import { WorkflowNotFoundError, WorkflowUpdateStage, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UpdateMessage } from '../../../workflows/shared/messages.js';
import { workflowStatusQuery, type ResolutionResult } from '../../../workflows/shared/operator-messages.js';
import type { HoneybeeWorkflowSettings, LabWorkflowSettings } from '../../domain/workflow-settings.js';
import type { OnegevityClient } from '../../vendors/onegevity/client.js';
import type { ParkedEvents } from '../../operators/parked-events.js';
import { assertWorkflowTaskHealthy } from '../../operators/workflow-health.js';
import type { CallContext } from './operation.js';
import { isTemporalUnreachable, OutcomePendingError, PartnerApiError } from './errors.js';

/** How long a partner call may wait on Temporal to read, start a workflow, or have an input validated and accepted. */
export const CALL_DEADLINE_MS = 15_000;
/**
 * How long a call waits, once its input is accepted, for the outcome of what it started: those outcomes wait on a
 * vendor (creating an order up to 30 s, an action up to its 3 minutes, src/domain/activity-options.ts). Past it the
 * answer is that the work goes on (OutcomePendingError), never that Temporal could not be reached.
 */
export const OUTCOME_DEADLINE_MS = 60_000;

/** What operations need from the bridge's configuration. */
export interface PartnerApiSettings {
  taskQueue: string;
  labSettings: LabWorkflowSettings;
  /** What a Honeybee order workflow the partner API starts (a reorder's) runs with. */
  honeybeeSettings: HoneybeeWorkflowSettings;
  /** Where lab reports are read (Onegevity, with the engine's credentials); absent when none are configured. */
  reports?: (() => OnegevityClient) | undefined;
  /** PARTNER_WEBHOOK_URL: the notification target whose state /api/notifications reports. */
  notificationTargetUrl?: string | undefined;
  /** The parked webhooks (dead letter and spool), read and re-driven with the caller's client. */
  parkedEvents(client: Client): ParkedEvents;
}

/** The engine as operations see it: the bridge's client, its settings, and the calls every operation makes. */
export class PartnerEngine {
  constructor(
    readonly client: Client,
    readonly settings: PartnerApiSettings,
  ) {}

  within<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(Date.now() + CALL_DEADLINE_MS, fn);
  }

  /**
   * Waits for the outcome of what `workflowId` accepted. The input is in its history already, so a deadline or a lost
   * connection here means "not known yet", not "not done": OutcomePendingError, which no caller may answer as a
   * failure to be retried blindly.
   */
  async outcome<T>(workflowId: string, fn: () => Promise<T>, deadlineMs = OUTCOME_DEADLINE_MS): Promise<T> {
    try {
      return await this.client.withDeadline(Date.now() + deadlineMs, fn);
    } catch (error) {
      if (isTemporalUnreachable(error)) throw new OutcomePendingError(workflowId, error);
      throw error;
    }
  }

  /** A workflow's state: `{workflowId, execution, status}`; 409 at once when its workflow task keeps failing. */
  async status(handle: WorkflowHandle) {
    const description = await this.within(() => assertWorkflowTaskHealthy(this.client, handle.workflowId));
    const state = await this.within(() => handle.query(workflowStatusQuery));
    return { workflowId: handle.workflowId, execution: description.status.name, status: state };
  }

  /**
   * Runs an update once the workflow is known to be running and healthy (an ended one is 409); with an
   * Idempotency-Key, under an id derived from it.
   */
  async update<R, A>(handle: WorkflowHandle, message: UpdateMessage, input: A, call: CallContext): Promise<R> {
    const description = await this.within(() => assertWorkflowTaskHealthy(this.client, handle.workflowId));
    if (description.status.name !== 'RUNNING') {
      throw new PartnerApiError(
        409,
        'wrong_state',
        `${handle.workflowId} has ended (${description.status.name}): it takes no more inputs`,
      );
    }
    const updateId = call.idempotent?.updateId;
    try {
      // Accepted within the call deadline (the validator's answer); its outcome may wait on a vendor for longer.
      const accepted = await this.within(() =>
        handle.startUpdate(message as never, {
          args: [input] as never,
          waitForStage: WorkflowUpdateStage.ACCEPTED,
          ...(updateId ? { updateId } : {}),
        }),
      );
      return await this.outcome(handle.workflowId, () => accepted.result() as Promise<R>);
    } catch (error) {
      // The workflow ended between the look and the update (Temporal says it is not found as a running one).
      if (error instanceof WorkflowNotFoundError) {
        throw new PartnerApiError(409, 'wrong_state', `${handle.workflowId} has ended: it takes no more inputs`);
      }
      throw error;
    }
  }

  /**
   * An operator contract update (resolveException and its kin): the result when accepted. A refusal after the
   * validator (the vendor refused, or the state moved on while the call was under way) is 422 with the reason.
   */
  async decide<A>(handle: WorkflowHandle, message: UpdateMessage, input: A, call: CallContext) {
    const result = await this.update<ResolutionResult, A>(handle, message, input, call);
    if (!result.accepted) {
      throw new PartnerApiError(422, 'rejected', result.reason, undefined, undefined, result.offeredActions);
    }
    return { workflowId: handle.workflowId, ...result };
  }
}
