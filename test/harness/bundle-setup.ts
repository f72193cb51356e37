// Time-skipping project: only the workflow bundle is shared; each file starts its own time-skipping server, since
// skipped time is global to a server.
import type { TestProject } from 'vitest/node';
import { writeWorkflowBundle } from './bundle.js';

export default async function setup(project: TestProject): Promise<void> {
  project.provide('workflowBundlePath', await writeWorkflowBundle());
}
