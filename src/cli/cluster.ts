// `fulfill cluster up|down|status`: a production-shaped Temporal cluster on this machine (src/cluster/), in
// {DATA_DIR}/cluster unless --dir says otherwise. `up` builds what is missing and starts what is not running, so it is
// also how a stopped cluster comes back; `fulfill dev --cluster` runs the engine against it.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/env.js';
import {
  Cluster,
  clusterDown,
  clusterUp,
  DEFAULT_CLUSTER_PORT_BASE,
  portsFrom,
  readClusterState,
} from '../cluster/cluster.js';
import { print } from './output.js';
import { CommandFailure } from './temporal-session.js';
import { UsageError } from './usage-error.js';

interface ClusterFlags {
  dir?: string;
  portBase?: string;
}

export function clusterDir(flags: Pick<ClusterFlags, 'dir'> = {}): string {
  return resolve(flags.dir ?? join(loadConfig().DATA_DIR, 'cluster'));
}

function portBase(flags: ClusterFlags): number {
  const base = Number(flags.portBase ?? DEFAULT_CLUSTER_PORT_BASE);
  // Membership ports (base+10…) must stay below 32768: the server stores them as a PostgreSQL smallint.
  if (!Number.isInteger(base) || base < 1024 || base > 32_700) {
    throw new UsageError(`--port-base ${flags.portBase} is not a port between 1024 and 32700.`);
  }
  return base;
}

/** Starts (or completes) the cluster and prints where everything is. */
export async function startCluster(flags: ClusterFlags = {}): Promise<Cluster> {
  const cluster = await clusterUp({
    root: clusterDir(flags),
    ports: portsFrom(portBase(flags)),
    namespace: loadConfig().TEMPORAL_NAMESPACE,
    log: (line) => process.stderr.write(`[cluster] ${line}\n`),
  });
  print((await cluster.describe()).join('\n'));
  return cluster;
}

export function registerClusterCommands(program: Command): void {
  const cluster = program
    .command('cluster')
    .description(
      'A production-shaped Temporal cluster on this machine: the pinned server built with Go, PostgreSQL, five ' +
        'roles (frontend, matching, two history hosts, worker) over mTLS, archival (docs/CLUSTER.md).',
    );
  const dirOption = ['--dir <path>', "the cluster's folder (default {DATA_DIR}/cluster)"] as const;
  cluster
    .command('up')
    .description('Build what is missing, start what is not running, register the namespace; print where it all is.')
    .option(...dirOption)
    .option('--port-base <port>', `first of the ports a new cluster takes (default ${DEFAULT_CLUSTER_PORT_BASE})`)
    .action(async (flags: ClusterFlags) => {
      await startCluster(flags);
    });
  cluster
    .command('down')
    .description('Stop the roles and PostgreSQL; the data stays for the next `up`.')
    .option(...dirOption)
    .action(async (flags: ClusterFlags) => {
      const stopped = await clusterDown(clusterDir(flags));
      print(stopped ? `Stopped the cluster in ${clusterDir(flags)}.` : `No cluster in ${clusterDir(flags)}.`);
    });
  cluster
    .command('status')
    .description('Each role and PostgreSQL: running or not, where, their logs.')
    .option(...dirOption)
    .action(async (flags: ClusterFlags) => {
      const state = readClusterState(clusterDir(flags));
      if (!state) throw new CommandFailure(`No cluster in ${clusterDir(flags)}: \`fulfill cluster up\` makes one.`);
      print((await new Cluster(state).describe()).join('\n'));
    });
}
