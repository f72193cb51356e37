// A port free right now on loopback, for servers that must know their port before they start (a URL handed to
// another process first). Tests, benchmarks and the scratch cluster share it.
//
// The port is drawn below the kernel's ephemeral range. A port the kernel hands out for listen(0) is one it also hands
// to outgoing connections: between our check and the server's listen, a client socket (a gRPC or PostgreSQL
// connection) could take it, and the server failed with EADDRINUSE (CI, a bridge on a loaded cluster machine). No
// outgoing connection takes a port below that range; only another process choosing at random could, and the check
// below refuses a port anything holds.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Below every common ephemeral range (Linux 32768, macOS and Windows 49152), above the well-known services. */
const LOWEST = 20_000;
const HIGHEST = 32_000;
const ATTEMPTS = 200;

/** Ports this process has handed out: a second caller never gets one the first has not bound yet. */
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range, where it can be read (Linux); undefined elsewhere. */
export function ephemeralRangeStart(read: () => string = linuxPortRange): number | undefined {
  try {
    const low = Number(read().trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : undefined;
  } catch {
    return undefined;
  }
}

function linuxPortRange(): string {
  return readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
}

/** Whether a server could listen on this port of 127.0.0.1 right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function anyPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A port free right now on 127.0.0.1 between two ports (inclusive) that no other caller in this process holds. */
export async function freePortBetween(lowest: number, highest: number): Promise<number | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const port = randomInt(lowest, highest + 1);
    if (handedOut.has(port)) continue;
    // Reserved before the check: a concurrent call cannot draw it meanwhile.
    handedOut.add(port);
    if (await canListen(port)) return port;
    handedOut.delete(port);
  }
  return undefined;
}

/** A port free right now on 127.0.0.1, outside the ephemeral range (for servers that cannot take port 0). */
export async function freePort(): Promise<number> {
  const highest = Math.min(HIGHEST, (ephemeralRangeStart() ?? HIGHEST + 1) - 1);
  // A kernel whose ephemeral range starts below ours leaves no such port: the kernel's own choice, as before.
  const drawn = highest - LOWEST >= 1_000 ? await freePortBetween(LOWEST, highest) : undefined;
  if (drawn !== undefined) return drawn;
  const port = await anyPort();
  handedOut.add(port);
  return port;
}
