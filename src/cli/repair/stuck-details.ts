// What `fulfill show` prints in place of a stuck workflow's current details: it answers no query until repaired, so
// say why and what to run.
import type { WorkflowTaskFailing } from '../../operators/workflow-health.js';
import { workflowTaskFailingLine } from '../../operators/workflow-health.js';

export function stuckDetails(failing: WorkflowTaskFailing): string {
  return [
    `${workflowTaskFailingLine(failing)} (${failing.cause}, attempt ${failing.attempt}` +
      `${failing.failedAt ? `, last failed ${failing.failedAt}` : ''})`,
    'It answers no query, update or action until it is repaired. See what a repair would do, then do it:',
    `  fulfill repair ${failing.workflowId} --operator <you> --reason <why> --dry-run`,
    'Runbook: docs/OPERATIONS.md ("A stuck workflow").',
  ].join('\n');
}
