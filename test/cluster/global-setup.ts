// Cluster project: one production-shaped Temporal cluster per run (src/cluster/, what `fulfill cluster up` starts):
// the pinned server built from the Go module proxy (about five minutes the first time on a fresh machine), PostgreSQL
// in a temporary folder, five roles over mTLS on free ports, archival. Test files reach it through `testCluster()`
// (test/cluster/cluster.ts) and run one at a time: some of them kill its processes.
import type { TestProject } from 'vitest/node';
import { startScratchCluster } from '../../src/cluster/scratch-cluster.js';
import { ensureServerBinaries } from '../../src/cluster/server-binaries.js';
import { writeWorkflowBundle } from '../harness/bundle.js';

function log(line: string): void {
  process.stderr.write(`[cluster] ${line}\n`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const [, bundlePath] = await Promise.all([ensureServerBinaries(log), writeWorkflowBundle()]);
  const built = Date.now();
  const scratch = await startScratchCluster(log);
  const cluster = scratch.cluster;
  log(
    `server binaries ready in ${((built - started) / 1000).toFixed(0)} s, cluster up in ` +
      `${((Date.now() - built) / 1000).toFixed(0)} s: ${cluster.address}, ${cluster.root}`,
  );
  project.provide('clusterRoot', cluster.root);
  project.provide('workflowBundlePath', bundlePath);
  return () => scratch.dispose();
}
