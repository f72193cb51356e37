// Cluster project: one production-shaped Temporal cluster per run (src/cluster/, what `fulfill cluster up` starts):
// the pinned server built from the Go module proxy (about five minutes the first time on a fresh machine), PostgreSQL
// in a temporary folder, five roles over mTLS on free ports, archival. Test files reach it through `testCluster()`
// (test/cluster/cluster.ts) and run one at a time: some of them kill its processes.
import { randomInt } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { clusterUp, readClusterState, Cluster } from '../../src/cluster/cluster.js';
import type { ClusterPorts } from '../../src/cluster/roles.js';
import { ensureServerBinaries } from '../../src/cluster/server-binaries.js';
import { writeWorkflowBundle } from '../harness/bundle.js';
import { freePort } from '../harness/ports.js';

/** A port free right now below 32768: the server stores membership ports as a PostgreSQL smallint. */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = randomInt(20_000, 32_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Distinct free ports for every listener of the cluster. */
async function freePorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const next = async (low = false) => {
    for (;;) {
      const port = low ? await freeLowPort(taken) : await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  const role = async () => ({ grpc: await next(), membership: await next(true), metrics: await next() });
  return {
    postgres: await next(),
    frontendHttp: await next(),
    roles: {
      frontend: await role(),
      matching: await role(),
      'history-1': await role(),
      'history-2': await role(),
      worker: await role(),
    },
  };
}

function log(line: string): void {
  process.stderr.write(`[cluster] ${line}\n`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = mkdtempSync(join(tmpdir(), 'fulfill-cluster-test-'));
  // PostgreSQL runs as its own user (when we are root) and keeps its data in here: let it in.
  chmodSync(root, 0o755);
  const started = Date.now();
  const [, bundlePath] = await Promise.all([ensureServerBinaries(log), writeWorkflowBundle()]);
  const built = Date.now();
  let cluster: Cluster | undefined;
  try {
    cluster = await clusterUp({ root, ports: await freePorts(), namespace: 'default', log });
  } catch (error) {
    // Whatever did start must not outlive the run.
    const state = readClusterState(root);
    if (state) await new Cluster(state).stop();
    throw error;
  }
  log(
    `server binaries ready in ${((built - started) / 1000).toFixed(0)} s, cluster up in ` +
      `${((Date.now() - built) / 1000).toFixed(0)} s: ${cluster.address}, ${root}`,
  );
  project.provide('clusterRoot', root);
  project.provide('workflowBundlePath', bundlePath);
  return async () => {
    // Test files restart roles: their pids are in the state file, not in this process's copy.
    const state = readClusterState(root);
    if (state) await new Cluster(state).stop(3_000);
    rmSync(root, { recursive: true, force: true });
    if (state && state.postgres.dir !== join(root, 'postgres'))
      rmSync(state.postgres.dir, { recursive: true, force: true });
  };
}
