// Ports for a cluster that must not collide with anything (the test project, the benchmark): every listener on a
// port free right now, the membership ports below 32768 (the server stores them in a PostgreSQL smallint) whatever
// the kernel's ephemeral range.
import { randomInt } from 'node:crypto';
import { canListen, freePort } from '../runtime/free-port.js';
import type { ClusterPorts } from './roles.js';

export async function freeClusterPorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const next = async (low = false) => {
    for (;;) {
      const port = low ? randomInt(20_000, 32_000) : await freePort();
      if (taken.has(port) || (low && !(await canListen(port)))) continue;
      taken.add(port);
      return port;
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
