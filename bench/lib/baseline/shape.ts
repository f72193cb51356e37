// The shape of one prescription as Temporal sees it: how many activities, signals, timers and search attribute
// upserts each of its two workflows makes. bench:end-to-end measures it from the engine's histories and runs the
// baseline workflows (baseline/workflows.ts) with the same shape, doing nothing else.

export interface BaselineShape {
  prescription: {
    /** Activities before the one that starts the order workflow (matching, notifications). */
    activitiesBeforeOrder: number;
    /** Activities after the order's last milestone (the completion notice). */
    activitiesAfterOrder: number;
    /** Milestone signals from the order workflow. */
    milestones: number;
    upserts: number;
    timers: number;
  };
  order: {
    /** Order events the "vendor" sends (signals). */
    events: number;
    /** Activities besides those that report milestones to the prescription (notifications, polls). */
    activities: number;
    upserts: number;
    timers: number;
  };
}

export interface BaselinePrescriptionInput {
  prescriptionId: string;
  shape: BaselineShape;
}

export interface BaselineOrderInput {
  prescriptionWorkflowId: string;
  shape: BaselineShape;
}

export const baselinePrescriptionId = (id: string | number) => `baseline-rx-${id}`;
export const baselineOrderId = (id: string | number) => `baseline-order-${id}`;
