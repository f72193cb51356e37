// The settings a Honeybee workflow runs with: what its start input carried (the bridge passes the engine's
// configuration), completed with the engine's defaults (src/config/env.ts) for anything missing, e.g. a workflow a
// developer started by hand with only a prescription id.
import type { HoneybeeWorkflowSettings } from '../../src/domain/workflow-settings.js';

const HOUR = 3_600_000;

/** Mirrors the defaults of HONEYBEE_WORKFLOW_MODE, HONEYBEE_FILL_APPROVAL, HOLD_ESCALATION_*, … in src/config/env.ts. */
export const DEFAULT_HONEYBEE_SETTINGS: Readonly<HoneybeeWorkflowSettings> = {
  mode: 'partner_requested',
  fillApproval: 'automatic',
  holdEscalationAfterMs: 4 * HOUR,
  holdEscalationRepeatMs: 24 * HOUR,
  fillApprovalTimeoutMs: 72 * HOUR,
  reconcileIntervalMs: 6 * HOUR,
  shippingMethodId: 1,
};

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function resolveHoneybeeSettings(given?: Partial<HoneybeeWorkflowSettings>): HoneybeeWorkflowSettings {
  const d = DEFAULT_HONEYBEE_SETTINGS;
  return {
    mode: given?.mode === 'automatic' || given?.mode === 'partner_requested' ? given.mode : d.mode,
    fillApproval:
      given?.fillApproval === 'automatic' || given?.fillApproval === 'partner' ? given.fillApproval : d.fillApproval,
    holdEscalationAfterMs: positive(given?.holdEscalationAfterMs, d.holdEscalationAfterMs),
    holdEscalationRepeatMs: positive(given?.holdEscalationRepeatMs, d.holdEscalationRepeatMs),
    fillApprovalTimeoutMs: positive(given?.fillApprovalTimeoutMs, d.fillApprovalTimeoutMs),
    reconcileIntervalMs: positive(given?.reconcileIntervalMs, d.reconcileIntervalMs),
    shippingMethodId: positive(given?.shippingMethodId, d.shippingMethodId),
  };
}
