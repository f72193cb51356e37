// The bridge's connection: it exists before Temporal does, fails as "unavailable" (gRPC 14) while nothing listens,
// forgets the failed attempt, and connects once a server is there: no restart of the bridge needed.
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import { freePort } from '../../src/runtime/free-port.js';
import { startDevServer, type StartedDevServer } from '../../src/temporal/dev-server.js';
import { LazyNativeConnection, TemporalConnectError } from '../../src/temporal/lazy-native-connection.js';
import { isTemporalUnreachable } from '../../src/bridge/partner-api/errors.js';

describe('LazyNativeConnection', () => {
  let server: StartedDevServer | undefined;
  let connection: LazyNativeConnection | undefined;

  afterAll(async () => {
    await connection?.close();
    await server?.teardown();
  });

  it('fails as unavailable while Temporal is down, then connects once it is up', async () => {
    const port = await freePort();
    connection = new LazyNativeConnection({ address: `127.0.0.1:${port}` });
    const client = new Client({ connection });
    const systemInfo = () => client.withDeadline(Date.now() + 3_000, () => client.workflowService.getSystemInfo({}));

    const down = await systemInfo().catch((error: unknown) => error);
    expect(down).toBeInstanceOf(TemporalConnectError);
    expect((down as TemporalConnectError).message).toContain(`127.0.0.1:${port}`);
    expect(isTemporalUnreachable(down)).toBe(true);
    // `await` on a service must not be mistaken for a call.
    expect(await Promise.resolve(client.workflowService)).toBe(client.workflowService);

    server = await startDevServer({ ip: '127.0.0.1', port });
    const info = await systemInfo();
    expect(info.capabilities).toBeTruthy();
    const listed = await client.withDeadline(Date.now() + 5_000, () =>
      client.workflow.count('WorkflowType = "prescriptionWorkflow"'),
    );
    expect(listed.count).toBe(0);
  });

  it('refuses calls once closed', async () => {
    const closed = new LazyNativeConnection({ address: '127.0.0.1:1' });
    await closed.close();
    await expect(closed.ensureConnected()).rejects.toThrow(/closed/);
  });
});
