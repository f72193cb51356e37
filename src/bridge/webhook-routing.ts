// The seam between a vendor's webhook and Temporal: a routing function turns one verified, parsed webhook into the
// signal-with-starts that deliver it (or a reason to park it in the dead-letter workflow). Routing is pure and
// vendor-specific (honeybee-routing.ts, onegevity-routing.ts); the bridge's pipeline does the I/O.
import type { SearchAttributePair } from '@temporalio/common';
import type { EngineConfig } from '../config/env.js';
import {
  honeybeeSettingsFromConfig,
  labSettingsFromConfig,
  type HoneybeeWorkflowSettings,
  type LabWorkflowSettings,
} from '../domain/workflow-settings.js';

/** One signal-with-start: start `workflowType` with `startArgs` if `workflowId` is not running, then signal it. */
/** The locations of a body's problems, the first few of them: a park reason stays readable and bounded. */
const ISSUES_NAMED = 10;

export function issueList(issues: readonly string[]): string {
  const named = issues.slice(0, ISSUES_NAMED).join(', ');
  return issues.length > ISSUES_NAMED ? `${named} and ${issues.length - ISSUES_NAMED} more` : named;
}

export interface WorkflowDelivery {
  workflowId: string;
  workflowType: string;
  startArgs: unknown[];
  /** Search attributes the workflow starts with (free at start, where an upsert later is a billed action). */
  startSearchAttributes?: SearchAttributePair[];
  signalName: string;
  signalArgs: unknown[];
}

export type RoutingResult =
  | { kind: 'deliver'; deliveries: WorkflowDelivery[] }
  /** Authentic but fits no workflow (unknown type, nothing to route on): kept in the dead-letter workflow. */
  | { kind: 'park'; reason: string };

/** What routing knows besides the payload: when and how the event arrived, and the settings new workflows start with. */
export interface RoutingContext {
  receivedAt: string;
  requestId: string;
  honeybeeSettings: HoneybeeWorkflowSettings;
  labSettings: LabWorkflowSettings;
  /** ONEGEVITY_FOLLOW_UNKNOWN_ORDERS: an order the engine did not create is followed (or its events parked). */
  followUnknownLabOrders: boolean;
}

/** The routing context of one arrival under `config` (the bridge's, or a re-drive's: with the event's own arrival). */
export function routingContextFromConfig(
  config: EngineConfig,
  arrival: { requestId: string; receivedAt?: string },
): RoutingContext {
  return {
    receivedAt: arrival.receivedAt ?? new Date().toISOString(),
    requestId: arrival.requestId,
    honeybeeSettings: honeybeeSettingsFromConfig(config),
    labSettings: labSettingsFromConfig(config),
    followUnknownLabOrders: config.ONEGEVITY_FOLLOW_UNKNOWN_ORDERS,
  };
}
