// The worker's capacity settings: the defaults are the SDK's, every variable reaches the worker's options, and a
// setting the SDK would refuse at start is refused by the configuration, naming the variable.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { workerTuningOptions } from '../../src/temporal/worker-tuning.js';

describe('worker tuning settings', () => {
  it("defaults to the SDK's own values, leaving the cache size to the SDK", () => {
    const options = workerTuningOptions(loadConfig({}));
    expect(options).toEqual({
      maxConcurrentWorkflowTaskExecutions: 40,
      maxConcurrentActivityTaskExecutions: 100,
      stickyQueueScheduleToStartTimeout: 10_000,
    });
    expect('maxCachedWorkflows' in options).toBe(false);
    expect('maxCachedWorkflows' in workerTuningOptions(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: 'auto' }))).toBe(
      false,
    );
  });

  it('passes every variable to the worker options', () => {
    const options = workerTuningOptions(
      loadConfig({
        WORKER_MAX_CACHED_WORKFLOWS: '500',
        WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '8',
        WORKER_MAX_CONCURRENT_ACTIVITIES: '32',
        WORKER_STICKY_QUEUE_TIMEOUT: '5s',
      }),
    );
    expect(options).toEqual({
      maxCachedWorkflows: 500,
      maxConcurrentWorkflowTaskExecutions: 8,
      maxConcurrentActivityTaskExecutions: 32,
      stickyQueueScheduleToStartTimeout: 5_000,
    });
    expect(workerTuningOptions(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0' })).maxCachedWorkflows).toBe(0);
  });

  it('refuses values the worker could not start with, naming the variable', () => {
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(
      /WORKER_MAX_CACHED_WORKFLOWS: expected auto or a whole number/,
    );
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
    expect(() => loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: '0' })).toThrow(/WORKER_MAX_CONCURRENT_ACTIVITIES/);
    expect(() => loadConfig({ WORKER_STICKY_QUEUE_TIMEOUT: 'soon' })).toThrow(/WORKER_STICKY_QUEUE_TIMEOUT/);
    expect(() => loadConfig({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' })).toThrow(
      /WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be at least 2 while the workflow cache is on/,
    );
    expect(
      loadConfig({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1', WORKER_MAX_CACHED_WORKFLOWS: '0' })
        .WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    ).toBe(1);
  });
});
