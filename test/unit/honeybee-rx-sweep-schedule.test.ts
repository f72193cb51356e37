// The sweep's schedule as the configuration makes it: its interval (HONEYBEE_RX_SWEEP_INTERVAL), one per task queue,
// never two sweeps at once, and the Honeybee settings the prescriptions it starts run with.
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { honeybeeSettingsFromConfig } from '../../src/domain/workflow-settings.js';
import { honeybeeRxSweepSchedule } from '../../src/temporal/honeybee-rx-sweep-schedule.js';

describe('honeybeeRxSweepSchedule', () => {
  it('runs honeybeeRxSweepWorkflow every HONEYBEE_RX_SWEEP_INTERVAL on its task queue, skipping overlaps', () => {
    const config = loadConfig({ HONEYBEE_RX_SWEEP_INTERVAL: '15m', TEMPORAL_TASK_QUEUE: 'engine-a' });
    const schedule = honeybeeRxSweepSchedule(config);
    expect(schedule).toMatchObject({
      scheduleId: 'honeybee-rx-sweep-engine-a',
      spec: { intervals: [{ every: 15 * 60_000 }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'honeybeeRxSweepWorkflow',
        taskQueue: 'engine-a',
        args: [{ settings: honeybeeSettingsFromConfig(config) }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  });

  it('defaults to an hourly sweep and refuses an interval under a second', () => {
    expect(honeybeeRxSweepSchedule(loadConfig({})).spec.intervals).toEqual([{ every: 3_600_000 }]);
    expect(() => loadConfig({ HONEYBEE_RX_SWEEP_INTERVAL: '500ms' })).toThrow(/HONEYBEE_RX_SWEEP_INTERVAL/);
  });
});
