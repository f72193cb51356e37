import { describe, expect, it } from 'vitest';
import { deadLetterWorkflowId } from '../../../src/domain/workflow-ids.js';
import { deadLetterQuery } from '../../../src/operators/parked-events.js';
import { engineKey } from '../../../src/temporal/engine-key.js';

describe("an engine's dead letter", () => {
  it('is listed by its task queue, quoted; a name with a backslash (no literal matches it) by type alone', () => {
    expect(deadLetterQuery('fulfillment')).toBe("WorkflowType = 'deadLetterWorkflow' AND TaskQueue = 'fulfillment'");
    expect(deadLetterQuery("it's")).toBe("WorkflowType = 'deadLetterWorkflow' AND TaskQueue = 'it\\'s'");
    expect(deadLetterQuery('a\\b')).toBe("WorkflowType = 'deadLetterWorkflow'");
  });

  it('has days of its own: the engine key of the task queue is in the id', () => {
    const a = deadLetterWorkflowId('honeybee', engineKey('engine-a'), '2026-12-07');
    const b = deadLetterWorkflowId('honeybee', engineKey('engine-b'), '2026-12-07');
    expect(a).toMatch(/^dead-letter-honeybee-[0-9a-f]{8}-2026-12-07$/);
    expect(a).not.toBe(b);
    expect(engineKey('engine-a')).toBe(engineKey('engine-a'));
  });
});
