// A Client connection for long-running servers (the bridge) on the SDK's native (Rust) transport, connected on first
// use. The native transport spends about a fifth less of the bridge's CPU per webhook than the pure-JS gRPC
// `Connection` (measured by bench:webhook-ingest), but a NativeConnection can only be created by connecting, and the
// bridge must start, and answer 503, while Temporal is down. So the connection is made by the first call, a failed
// attempt is forgotten (the next call tries again), and a refused connection fails as gRPC UNAVAILABLE like any other
// unreachable-server error. Once connected, the native client reconnects on its own when the server comes back.
import type { ConnectionLike, ConnectionPlugin, Metadata } from '@temporalio/client';
import type { OperatorService, WorkflowService } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConnectionOptions } from './connection-options.js';

/** gRPC status UNAVAILABLE: what callers already treat as "Temporal could not be reached". */
const GRPC_UNAVAILABLE = 14;

export class TemporalConnectError extends Error {
  override name = 'TemporalConnectError';
  readonly code = GRPC_UNAVAILABLE;
}

type Rpc = (request: unknown) => Promise<unknown>;

/** A service whose every method waits for the connection, then calls the connected service's method. */
function deferredService<S extends object>(connected: () => Promise<S>): S {
  return new Proxy({} as S, {
    get: (_target, method) => {
      // Not a thenable: `await service` must not call into the proxy.
      if (typeof method !== 'string' || method === 'then') return undefined;
      return async (request: unknown) => {
        const service = (await connected()) as unknown as Record<string, Rpc>;
        return service[method]!(request);
      };
    },
  });
}

export class LazyNativeConnection implements ConnectionLike {
  readonly plugins: ConnectionPlugin[] = [];
  readonly workflowService: WorkflowService;
  readonly operatorService: OperatorService;
  readonly #options: TemporalConnectionOptions;
  readonly #address: string;
  #connection: Promise<NativeConnection> | undefined;
  #closed = false;

  constructor(options: TemporalConnectionOptions) {
    this.#options = options;
    this.#address = options.address;
    this.workflowService = deferredService(async () => (await this.#connect()).workflowService);
    this.operatorService = deferredService(async () => (await this.#connect()).operatorService);
  }

  #connect(): Promise<NativeConnection> {
    if (this.#closed) return Promise.reject(new TemporalConnectError('the Temporal connection is closed'));
    this.#connection ??= NativeConnection.connect(this.#options).catch((error: unknown) => {
      this.#connection = undefined;
      throw new TemporalConnectError(
        `could not connect to Temporal at ${this.#address}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    });
    return this.#connection;
  }

  async ensureConnected(): Promise<void> {
    await this.#connect();
  }

  async withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    // The deadline covers connecting too: an address that never answers must not hold a webhook past it.
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TemporalConnectError(`no connection to Temporal at ${this.#address} before the deadline`)),
        Math.max(0, +deadline - Date.now()),
      );
    });
    try {
      const connection = await Promise.race([this.#connect(), expired]);
      return await connection.withDeadline(deadline, fn);
    } finally {
      clearTimeout(timer);
    }
  }

  async withMetadata<R>(metadata: Metadata, fn: () => Promise<R>): Promise<R> {
    return (await this.#connect()).withMetadata(metadata, fn);
  }

  async withAbortSignal<R>(abortSignal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return (await this.#connect()).withAbortSignal(abortSignal, fn);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const connection = await this.#connection?.catch(() => undefined);
    await connection?.close();
  }
}
