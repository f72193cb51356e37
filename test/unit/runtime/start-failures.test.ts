// The engine's processes failing to start, as whoever runs them sees it (real processes, nothing for them to reach): a
// configuration error found after the environment was read (the key ring, the OTEL_* variables, the JWKS URL) is its
// message and exit 2, like any other configuration error, with no stack and nothing said before it that is not so; a
// worker that cannot reach Temporal says so in one sentence, not the native transport's error.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withSandboxCredentials } from '../../../src/sandbox/dev-credentials.js';
import { TEST_PAYLOAD_KEYS } from '../../harness/payload-keys.js';

async function start(entry: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', entry],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env }, timeout: 50_000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, output: `${stdout}${stderr}` }),
    );
  });
}

const noStack = (output: string) => expect(output).not.toMatch(/\n\s+at |"stack"/);

describe('a process that cannot start', () => {
  it('the codec service without a payload key: the key ring names the variable, exit 2, no word about access', async () => {
    const { code, output } = await start('workers/codec.ts', { CODEC_PORT: '0' });
    expect(code).toBe(2);
    expect(output).toContain('PAYLOAD_KEYS: no payload encryption key configured');
    expect(output).not.toContain('without authentication');
    noStack(output);
  }, 60_000);

  it('the codec service with a plain-http JWKS in production: exit 2 naming CODEC_JWKS_URL', async () => {
    const { code, output } = await start('workers/codec.ts', {
      CODEC_PORT: '0',
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      CODEC_JWKS_URL: 'http://idp.example/jwks',
      CODEC_JWT_ISSUER: 'https://idp.example/',
      CODEC_JWT_AUDIENCE: 'codec',
    });
    expect(code).toBe(2);
    expect(output).toContain('CODEC_JWKS_URL: must be https in production');
  }, 60_000);

  it('the bridge without a payload key, or with a trace exporter it does not have: exit 2 naming the variable', async () => {
    const keyless = await start('workers/bridge.ts', { BRIDGE_PORT: '0' });
    expect(keyless.code).toBe(2);
    expect(keyless.output).toContain('PAYLOAD_KEYS: no payload encryption key configured');
    noStack(keyless.output);
    const jaeger = await start('workers/bridge.ts', {
      BRIDGE_PORT: '0',
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      OTEL_TRACES_EXPORTER: 'jaeger',
    });
    expect(jaeger.code).toBe(2);
    expect(jaeger.output).toContain('OTEL_TRACES_EXPORTER: unsupported jaeger');
    noStack(jaeger.output);
  }, 60_000);

  it('the worker with nothing listening at TEMPORAL_ADDRESS: "Cannot reach Temporal", exit 1', async () => {
    const { code, output } = await start(
      'workers/worker.ts',
      withSandboxCredentials({
        ENGINE_ENV: 'development',
        TEMPORAL_ADDRESS: '127.0.0.1:9',
        WORKER_METRICS_PORT: 'off',
        PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      }),
    );
    expect(code).toBe(1);
    expect(output).toContain('Cannot reach Temporal at 127.0.0.1:9 (plaintext)');
    expect(output).not.toContain('tonic');
    noStack(output);
  }, 60_000);
});
