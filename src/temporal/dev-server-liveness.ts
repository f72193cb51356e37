// Watches the Temporal dev server `fulfill dev` started. The SDK runs it as its own child (no exit event reaches us),
// so liveness is its gRPC port: a few refused connections in a row mean it has gone. Not restarted: see
// docs/OPERATIONS.md ("npm run dev supervises its children") for why.
import { connect } from 'node:net';

export interface LivenessOptions {
  host: string;
  port: number;
  onDown(reason: string): void;
  intervalMs?: number;
  /** Consecutive failed connections that mean it is down (one alone may be a busy machine). */
  misses?: number;
}

function probe(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

/** Probes the port every `intervalMs`; calls `onDown` once after `misses` failures in a row. Returns a stop function. */
export function watchDevServer(options: LivenessOptions): () => void {
  const intervalMs = options.intervalMs ?? 2_000;
  const misses = options.misses ?? 3;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const problem = await probe(host, options.port, Math.min(intervalMs, 5_000));
    if (stopped) return;
    failures = problem ? failures + 1 : 0;
    if (problem && failures >= misses) {
      stopped = true;
      options.onDown(
        `the Temporal dev server at ${host}:${options.port} stopped answering (${misses} connections in a row ` +
          `failed, last: ${problem}): it exited or was killed`,
      );
      return;
    }
    timer = setTimeout(() => void tick(), intervalMs);
  };
  timer = setTimeout(() => void tick(), intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
