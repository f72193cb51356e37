// The bridge process: vendor webhooks in, partner API. Stateless: run as many copies as needed.
import { buildBridge } from '../src/bridge/server.js';
import { createLogger } from '../src/observability/logger.js';
import { installTemporalRuntime } from '../src/observability/temporal-runtime.js';
import { startTracing } from '../src/observability/tracing.js';
import { announceReady, loadConfigOrExit, onShutdownSignal, runMain } from '../src/runtime/process.js';
import { createLazyClient } from '../src/temporal/client.js';

runMain('bridge', async () => {
  const config = loadConfigOrExit();
  const logger = createLogger('bridge', config.LOG_LEVEL);
  // Both before the client: its tracing interceptors, and the SDK's logs through pino.
  const tracing = startTracing('bridge');
  installTemporalRuntime({ logger, level: config.LOG_LEVEL });
  const client = createLazyClient(config);
  const app = buildBridge({ config, client, logger });
  const address = await app.listen({ host: config.BRIDGE_HOST, port: config.BRIDGE_PORT });
  announceReady('bridge', { url: address });
  onShutdownSignal(async () => {
    await app.close();
    await client.connection.close();
    await tracing.shutdown();
  });
});
