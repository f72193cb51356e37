// A port free right now on loopback, for servers that must know their port before they start (a URL handed to
// another process first). Tests and benchmarks share it.
import { createServer } from 'node:net';

/** A port free right now on 127.0.0.1 (for servers that cannot take port 0 and report back). */
export async function freePort(): Promise<number> {
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
