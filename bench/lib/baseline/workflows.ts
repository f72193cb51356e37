// The end-to-end benchmark's baseline: two workflows with the shape of one prescription (baseline/shape.ts) that do
// nothing else. Their activities return at once; the "vendor" is the benchmark itself signalling order events. Bundled
// only into the benchmark's own worker (baseline/worker.ts), never into the engine's (workflows/index.ts).
import {
  condition,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { FulfillmentStage } from '../../../workflows/search-attributes.js';
import type { BaselineActivities } from './activities.js';
import type { BaselineOrderInput, BaselinePrescriptionInput } from './shape.js';

export const baselineEventSignal = defineSignal<[{ n: number }]>('baselineEvent');
export const baselineLinkedSignal = defineSignal<[{ prescriptionWorkflowId: string }]>('baselineLinked');
export const baselineMilestoneSignal = defineSignal<[{ milestone: string }]>('baselineMilestone');

const activities = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Upserts one search attribute per call until `total` have been made. */
function upserter(total: number): (stage: string) => void {
  let made = 0;
  return (stage) => {
    if (made >= total) return;
    made += 1;
    upsertSearchAttributes([{ key: FulfillmentStage, value: stage }]);
  };
}

export async function baselinePrescriptionWorkflow(input: BaselinePrescriptionInput): Promise<void> {
  const { prescription: shape } = input.shape;
  let events = 0;
  let milestones = 0;
  setHandler(baselineEventSignal, () => {
    events += 1;
  });
  setHandler(baselineMilestoneSignal, () => {
    milestones += 1;
  });
  const upsert = upserter(shape.upserts);
  await condition(() => events > 0);
  for (let timer = 0; timer < shape.timers; timer += 1) void sleep('6 hours');
  for (let step = 0; step < shape.activitiesBeforeOrder; step += 1) {
    upsert(`STEP_${step}`);
    await activities.baselineNoop();
  }
  upsert('ORDER');
  await activities.baselineStartOrder({ prescriptionId: input.prescriptionId, shape: input.shape });
  await condition(() => milestones >= shape.milestones);
  for (let step = 0; step < shape.activitiesAfterOrder; step += 1) await activities.baselineNoop();
  for (let left = 0; left < shape.upserts; left += 1) upsert('DONE');
}

export async function baselineOrderWorkflow(input: BaselineOrderInput): Promise<void> {
  const { order: shape } = input.shape;
  let events = 0;
  let linked = false;
  setHandler(baselineEventSignal, () => {
    events += 1;
  });
  setHandler(baselineLinkedSignal, () => {
    linked = true;
  });
  const upsert = upserter(shape.upserts);
  // Like the order workflow's reconcile alarm: armed, never reached.
  for (let timer = 0; timer < shape.timers; timer += 1) void sleep('6 hours');
  let seen = 0;
  let done = 0;
  const allIn = () => linked && events >= shape.events;
  // One activity per event while they last (the engine notifies as the order moves), the rest once all are in.
  while (!allIn()) {
    await condition(() => events > seen || allIn());
    if (events === seen) continue;
    seen = events;
    upsert(`EVENT_${events}`);
    if (done < shape.activities) {
      done += 1;
      await activities.baselineNoop();
    }
  }
  for (; done < shape.activities; done += 1) await activities.baselineNoop();
  for (let left = 0; left < shape.upserts; left += 1) upsert('DONE');
  // One report per milestone the prescription waits for, as reportHoneybeeOrderMilestone does.
  for (let milestone = 0; milestone < input.shape.prescription.milestones; milestone += 1) {
    await activities.baselineReport({ prescriptionWorkflowId: input.prescriptionWorkflowId });
  }
}

export interface BaselineWaitingInput {
  /** The waiting prescription's shape so far: activities run, search attribute upserts, timers armed. */
  activities: number;
  upserts: number;
  timers: number;
}

/**
 * bench:idle-memory's baseline: a workflow that, once signalled, does what a prescription does before it waits for a
 * fill approval (activities that return at once, upserts, a timer armed for the approval deadline), then waits for a
 * signal that never comes.
 */
export async function baselineWaitingWorkflow(input: BaselineWaitingInput): Promise<void> {
  let events = 0;
  setHandler(baselineEventSignal, () => {
    events += 1;
  });
  // The last upsert shows WAITING (the benchmark counts those).
  const upsert = upserter(Math.max(1, input.upserts));
  await condition(() => events > 0);
  for (let step = 0; step < input.activities; step += 1) {
    if (step < input.upserts - 1) upsert(`STEP_${step}`);
    await activities.baselineNoop();
  }
  upsert('WAITING');
  for (let timer = 0; timer < input.timers; timer += 1) void sleep('24 hours');
  await condition(() => events > 1);
}
