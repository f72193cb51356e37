// A throw-away cluster for the test project and the cluster benchmark: a temporary folder, free ports, everything
// `fulfill cluster up` starts, and one call that stops it all and deletes it.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, clusterUp, readClusterState } from './cluster.js';
import { freeClusterPorts } from './free-ports.js';

export interface ScratchCluster {
  cluster: Cluster;
  /** Stops every process (roles restarted meanwhile included: read from the state file) and deletes the data. */
  dispose(): Promise<void>;
}

async function dispose(root: string): Promise<void> {
  const state = readClusterState(root);
  if (state) await new Cluster(state).stop(3_000);
  rmSync(root, { recursive: true, force: true });
  if (state) rmSync(state.postgres.dir, { recursive: true, force: true });
}

export async function startScratchCluster(log: (line: string) => void): Promise<ScratchCluster> {
  const root = mkdtempSync(join(tmpdir(), 'fulfill-cluster-'));
  // PostgreSQL runs as its own user (when we are root) and keeps its data in here: let it in.
  chmodSync(root, 0o755);
  try {
    const cluster = await clusterUp({ root, ports: await freeClusterPorts(), namespace: 'default', log });
    return { cluster, dispose: () => dispose(root) };
  } catch (error) {
    // Whatever did start must not outlive the failure.
    await dispose(root);
    throw error;
  }
}
