// Ports for a cluster that must not collide with anything (the test project, the benchmark): every listener on a
// port free right now, the membership ports below 32768 (the server stores them in a PostgreSQL smallint) whatever
// the kernel's ephemeral range.
import { freePort, freePortBetween } from '../runtime/free-port.js';
import type { ClusterPorts } from './roles.js';

export async function freeClusterPorts(): Promise<ClusterPorts> {
  const next = async (membership = false) => {
    if (!membership) return freePort();
    const port = await freePortBetween(20_000, 32_000);
    if (port === undefined) throw new Error('no free port between 20000 and 32000 on 127.0.0.1 for the cluster');
    return port;
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
