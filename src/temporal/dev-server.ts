// Starts the real Temporal dev server (the `temporal` CLI: SQLite, Web UI) for `fulfill dev` and for the test
// harness, with the engine's search attributes registered.
import type { DataConverter } from '@temporalio/common';
// CommonJS without static export names: Node's ESM loader offers only the default export.
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../runtime/free-port.js';
import { ENGINE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import {
  describeExecutable,
  resolveTemporalExecutable,
  TemporalBinaryNotFoundError,
  toSdkExecutable,
  type ResolveOptions,
} from './binaries.js';

export interface DevServerOptions {
  /** SQLite file for persistence; omitted = in memory. */
  dbFilename?: string;
  /** gRPC port; omitted = a free port. */
  port?: number;
  ip?: string;
  /** Web UI port; omitted = no UI. */
  uiPort?: number;
  /** Codec endpoint the Web UI uses to decode payloads (the codec service). */
  uiCodecEndpoint?: string;
  namespace?: string;
  /** Dynamic config beyond the engine's own (e.g. `limit.blobSize.error` for a test of oversized payloads). */
  dynamicConfig?: Readonly<Record<string, string>>;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  resolve?: ResolveOptions;
}

/**
 * The engine's own dynamic config, as in deploy/temporal/dynamicconfig.yaml: every notification of a minute is an
 * update to that minute's event-feed workflow, and the server's default of 10 updates in flight per workflow turns a
 * busy minute into RESOURCE_EXHAUSTED answers.
 */
export const ENGINE_DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, string>> = {
  'history.maxInFlightUpdates': '200',
};

/** The dev server's side listeners (HTTP API, /metrics), which it otherwise puts on ports the kernel picks. */
export interface DevServerSidePorts {
  http: number;
  metrics: number;
}

export function devServerExtraArgs(
  options: Pick<DevServerOptions, 'uiCodecEndpoint' | 'dynamicConfig'> & { sidePorts?: DevServerSidePorts },
): string[] {
  const args: string[] = [];
  // Ours rather than the server's own pick, for the reason freePort gives: a port picked from the kernel's ephemeral
  // range can be taken by an outgoing connection before the server listens on it, and the server does not start.
  if (options.sidePorts)
    args.push('--http-port', String(options.sidePorts.http), '--metrics-port', String(options.sidePorts.metrics));
  for (const [key, value] of Object.entries({ ...ENGINE_DEV_SERVER_DYNAMIC_CONFIG, ...options.dynamicConfig }))
    args.push('--dynamic-config-value', `${key}=${value}`);
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  // The UI's news feed reaches for the internet; this machine (and many hospitals') has none.
  args.push('--ui-disable-news-fetch');
  return args;
}

export interface StartedDevServer {
  env: TestWorkflowEnvironment;
  address: string;
  /** Where the binary came from, for the startup banner. */
  binary: string;
  teardown(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<StartedDevServer> {
  const resolved = resolveTemporalExecutable('dev-server', options.resolve);
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: toSdkExecutable(resolved),
        ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
        // Our choice of a free port, not the SDK's: its free port is one an outgoing connection can take first.
        port: options.port ?? (await freePort()),
        ...(options.ip ? { ip: options.ip } : {}),
        ...(options.uiPort !== undefined ? { ui: true, uiPort: options.uiPort } : { ui: false }),
        namespace: options.namespace ?? 'default',
        searchAttributes: [...ENGINE_SEARCH_ATTRIBUTES],
        extraArgs: devServerExtraArgs({ ...options, sidePorts: { http: await freePort(), metrics: await freePort() } }),
        log: { format: 'pretty', level: options.logLevel ?? 'warn' },
      },
    });
    return { env, address: env.address, binary: describeExecutable(resolved), teardown: () => env.teardown() };
  } catch (error) {
    if (resolved.type === 'cached-download') {
      throw new TemporalBinaryNotFoundError(
        'dev-server',
        `The Temporal SDK could not download the dev server: ${String(error)}`,
      );
    }
    throw error;
  }
}

export interface StartedTimeSkippingServer {
  env: TestWorkflowEnvironment;
  binary: string;
  teardown(): Promise<void>;
}

export interface TimeSkippingServerOptions {
  resolve?: ResolveOptions;
  /** For the environment's client (payload encryption). */
  dataConverter?: DataConverter;
}

/** The time-skipping test server, for tests of long timers (escalations, reminders, refill windows). */
export async function startTimeSkippingServer(
  options: TimeSkippingServerOptions = {},
): Promise<StartedTimeSkippingServer> {
  const resolved = resolveTemporalExecutable('test-server', options.resolve);
  try {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: toSdkExecutable(resolved), port: await freePort() },
      ...(options.dataConverter ? { client: { dataConverter: options.dataConverter } } : {}),
    });
    try {
      // Like the dev server: a workflow that upserts an unregistered search attribute cannot complete its tasks.
      await env.connection.operatorService.addSearchAttributes({
        namespace: env.namespace ?? 'default',
        searchAttributes: Object.fromEntries(
          ENGINE_SEARCH_ATTRIBUTES.map((key) => [
            key.name,
            proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`],
          ]),
        ),
      });
    } catch (error) {
      await env.teardown();
      throw error;
    }
    return { env, binary: describeExecutable(resolved), teardown: () => env.teardown() };
  } catch (error) {
    if (resolved.type === 'cached-download') {
      throw new TemporalBinaryNotFoundError(
        'test-server',
        `The Temporal SDK could not download the time-skipping test server: ${String(error)}`,
      );
    }
    throw error;
  }
}
