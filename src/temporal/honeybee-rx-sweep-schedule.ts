// The Temporal Schedule that runs the Honeybee reconciliation sweep (workflows/honeybee-rx-sweep.ts) every
// HONEYBEE_RX_SWEEP_INTERVAL. The worker makes sure it exists at start (so `fulfill dev`, docker-compose and every
// deployment get it): created if missing, otherwise brought up to date with the configuration (interval, settings).
// Safe for several workers starting at once: one creates it, the others update it to the same thing.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { EngineConfig } from '../config/env.js';
import { honeybeeRxSweepScheduleId } from '../domain/workflow-ids.js';
import { honeybeeSettingsFromConfig } from '../domain/workflow-settings.js';
import type { HoneybeeRxSweepInput } from '../../workflows/honeybee-rx-sweep.js';

/** The schedule as the configuration wants it. */
export function honeybeeRxSweepSchedule(config: EngineConfig): ScheduleOptions {
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  const input: HoneybeeRxSweepInput = { settings: honeybeeSettingsFromConfig(config) };
  return {
    scheduleId: honeybeeRxSweepScheduleId(taskQueue),
    spec: { intervals: [{ every: config.HONEYBEE_RX_SWEEP_INTERVAL }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'honeybeeRxSweepWorkflow',
      workflowId: honeybeeRxSweepScheduleId(taskQueue),
      taskQueue,
      args: [input],
    },
    // A sweep still running when the next is due: the next is skipped, never stacked. After an outage one sweep
    // catches up, not every missed one.
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: Math.max(config.HONEYBEE_RX_SWEEP_INTERVAL, 60_000),
    },
  };
}

/** Creates the sweep's schedule, or updates the existing one to the configuration. Returns which. */
export async function ensureHoneybeeRxSweepSchedule(
  client: Client,
  config: EngineConfig,
): Promise<'created' | 'updated'> {
  const wanted = honeybeeRxSweepSchedule(config);
  try {
    await client.schedule.create(wanted);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(wanted.scheduleId).update((previous) => ({
    ...previous,
    spec: wanted.spec,
    action: wanted.action,
    policies: { ...previous.policies, ...wanted.policies },
  }));
  return 'updated';
}
