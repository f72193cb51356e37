// A port chosen before its server starts must not be one the kernel can hand to an outgoing connection in the
// meantime: the bridge of a cluster test failed with EADDRINUSE on CI, its port taken between the choice and listen.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freeClusterPorts } from '../../../src/cluster/free-ports.js';
import { ephemeralRangeStart, freePort } from '../../../src/runtime/free-port.js';

function listen(port: number): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(() => new Promise((done) => server.close(() => done()))));
  });
}

describe('freePort', () => {
  it('draws below the kernel ephemeral range, where no outgoing connection takes the port', async () => {
    const start = ephemeralRangeStart();
    // Linux publishes its range; elsewhere the default ranges start at 49152.
    expect(start ?? 49_152).toBeGreaterThan(20_000);
    for (let i = 0; i < 20; i += 1) {
      const port = await freePort();
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(start ?? 49_152);
    }
  });

  it('hands a port out once per process, and it can be listened on', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(50);
    const close = await listen(ports[0] as number);
    await close();
  });

  it('reads the range start from the kernel file, and nothing from a file it cannot read', () => {
    expect(ephemeralRangeStart(() => '32768\t60999\n')).toBe(32_768);
    expect(ephemeralRangeStart(() => 'garbage')).toBeUndefined();
    expect(
      ephemeralRangeStart(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });
});

describe('freeClusterPorts', () => {
  it('gives every listener of a cluster its own port, membership ports below 32768 (a PostgreSQL smallint)', async () => {
    const ports = await freeClusterPorts();
    const roles = Object.values(ports.roles);
    const all = [
      ports.postgres,
      ports.frontendHttp,
      ...roles.flatMap((role) => [role.grpc, role.membership, role.metrics]),
    ];
    expect(new Set(all).size).toBe(all.length);
    for (const role of roles) expect(role.membership).toBeLessThan(32_768);
  });
});
