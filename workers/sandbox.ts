// The sandbox process: simulated Honeybee and Onegevity, the partner's backend, and the control API on one port
// (SANDBOX_HOST:SANDBOX_PORT; 0 picks a free port and the ready line says which). Unset credentials get the dev
// defaults; state persists in {DATA_DIR}/sandbox-state.json.
import { join } from 'node:path';
import { createLogger } from '../src/observability/logger.js';
import { startTracing } from '../src/observability/tracing.js';
import { announceReady, loadConfigOrExit, onShutdownSignal, runMain } from '../src/runtime/process.js';
import { withSandboxCredentials } from '../src/sandbox/dev-credentials.js';
import { startSandbox } from '../src/sandbox/server.js';

runMain('sandbox', async () => {
  const config = loadConfigOrExit(withSandboxCredentials(process.env));
  const logger = createLogger('sandbox', config.LOG_LEVEL);
  // A traced sandbox joins the engine's traces as the vendor would: a server span under each vendor call.
  const tracing = startTracing('sandbox');
  const sandbox = await startSandbox({
    config,
    logger,
    stateFile: join(config.DATA_DIR, 'sandbox-state.json'),
  });
  logger.info({ webhookTargets: sandbox.core.webhooks.targets }, 'webhook targets');
  announceReady('sandbox', { url: sandbox.url, control: `${sandbox.url}/__sandbox`, seed: config.SANDBOX_SEED });
  onShutdownSignal(async () => {
    await sandbox.close();
    await tracing.shutdown();
  });
});
