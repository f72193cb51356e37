// Integration project: one real Temporal dev server per run (the `temporal` CLI via createLocal, existing-path
// binary, the engine's search attributes) and one workflow bundle.
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { writeWorkflowBundle } from './bundle.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [server, bundlePath] = await Promise.all([startDevServer({ ip: '127.0.0.1' }), writeWorkflowBundle()]);
  process.stderr.write(`[harness] Temporal dev server ${server.address} from ${server.binary}\n`);
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', 'default');
  project.provide('workflowBundlePath', bundlePath);
  return async () => {
    await server.teardown();
  };
}
