// Workflow settings travel in the workflow's input (set by whoever starts it: the bridge, the partner API, tests), so
// a running workflow keeps the behaviour it started with and tests can pass short timers. Pure module.
import type { EngineConfig } from '../config/env.js';

export interface HoneybeeWorkflowSettings {
  /** automatic: Honeybee creates orders itself; partner_requested: the engine creates each fill. */
  mode: 'automatic' | 'partner_requested';
  /** automatic: fill once matched; partner: wait for approveFill. */
  fillApproval: 'automatic' | 'partner';
  holdEscalationAfterMs: number;
  holdEscalationRepeatMs: number;
  fillApprovalTimeoutMs: number;
  reconcileIntervalMs: number;
  shippingMethodId: number;
}

export interface LabWorkflowSettings {
  packageIdentifier: string;
  kitActivationReminderAfterMs: number;
  kitActivationOperatorAfterMs: number;
  reconcileIntervalMs: number;
}

export function honeybeeSettingsFromConfig(config: EngineConfig): HoneybeeWorkflowSettings {
  return {
    mode: config.HONEYBEE_WORKFLOW_MODE,
    fillApproval: config.HONEYBEE_FILL_APPROVAL,
    holdEscalationAfterMs: config.HOLD_ESCALATION_AFTER,
    holdEscalationRepeatMs: config.HOLD_ESCALATION_REPEAT,
    fillApprovalTimeoutMs: config.FILL_APPROVAL_TIMEOUT,
    reconcileIntervalMs: config.ORDER_RECONCILE_INTERVAL,
    shippingMethodId: config.HONEYBEE_SHIPPING_METHOD_ID,
  };
}

export function labSettingsFromConfig(config: EngineConfig): LabWorkflowSettings {
  return {
    packageIdentifier: config.ONEGEVITY_PACKAGE_IDENTIFIER,
    kitActivationReminderAfterMs: config.KIT_ACTIVATION_REMINDER_AFTER,
    kitActivationOperatorAfterMs: config.KIT_ACTIVATION_OPERATOR_AFTER,
    reconcileIntervalMs: config.ORDER_RECONCILE_INTERVAL,
  };
}
