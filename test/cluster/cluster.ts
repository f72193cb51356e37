// Helpers for the cluster project's files: the run's cluster (its state file, read fresh: other files restart its
// processes), a namespace of a file's own registered by deploy/temporal/register-namespace.sh (what compose runs),
// and an engine stack (sandbox, bridge, worker processes) reaching the frontend over mTLS.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { Cluster, readClusterState } from '../../src/cluster/cluster.js';
import { startStack, type EngineStack, type StackOptions } from '../harness/stack.js';

export function testCluster(): Cluster {
  const root = inject('clusterRoot');
  const state = readClusterState(root);
  if (!state) throw new Error(`no cluster state in ${root}`);
  return new Cluster(state);
}

export interface ClusterStack {
  cluster: Cluster;
  namespace: string;
  stack: EngineStack;
  /** What a process needs to reach the cluster in this namespace (TEMPORAL_ADDRESS, TEMPORAL_TLS_*, …). */
  clientEnv: Record<string, string>;
}

/** A namespace of its own (dead letters and counts stay the file's), registered with the shared script. */
export async function registerTestNamespace(cluster: Cluster, prefix: string): Promise<string> {
  const namespace = `${prefix}-${randomUUID().slice(0, 8)}`;
  await cluster.registerNamespace(namespace, '1d');
  return namespace;
}

export async function startClusterStack(prefix: string, options: StackOptions = {}): Promise<ClusterStack> {
  const cluster = testCluster();
  const namespace = await registerTestNamespace(cluster, prefix);
  const clientEnv = cluster.clientEnv(namespace);
  const stack = await startStack({
    ...options,
    temporal: { address: cluster.address, namespace, env: clientEnv },
  });
  return { cluster, namespace, stack, clientEnv };
}
