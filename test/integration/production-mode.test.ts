// Production mode (ENGINE_ENV=production, the default) as the processes enforce it: the codec service refuses to listen
// beyond loopback without authentication, and says it is open when it runs unauthenticated on loopback; the worker
// refuses plain-http vendor and partner URLs, which development (the sandbox) allows.
import { describe, expect, it } from 'vitest';
import { startEngineProcess, type EngineProcess } from '../../src/runtime/child-process.js';
import { engineEnv } from '../harness/engine.js';

/** Starts a process; returns all it printed once ready (then stopped), or the reason it never was. */
async function outcome(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ready: boolean; output: string }> {
  let started: EngineProcess | undefined;
  try {
    started = await startEngineProcess({ name, entry, env, readyTimeoutMs: 60_000 });
  } catch (error) {
    return { ready: false, output: String(error) };
  }
  // The logger writes asynchronously, the ready line synchronously: a line logged before `ready` may be read after
  // it. Everything the process printed is read once its output has closed.
  const closed = new Promise((resolve) => started.child.once('close', resolve));
  await started.stop();
  await closed;
  return { ready: true, output: started.output() };
}

describe('production mode', () => {
  it('the codec service refuses to listen beyond loopback without authentication', async () => {
    const refused = await outcome(
      'codec',
      'workers/codec.ts',
      engineEnv({ ENGINE_ENV: 'production', CODEC_HOST: '0.0.0.0', CODEC_PORT: '0' }),
    );
    expect(refused.ready).toBe(false);
    expect(refused.output).toContain('exited with code 2');
    expect(refused.output).toContain('will not listen on 0.0.0.0');
    expect(refused.output).toContain('CODEC_JWKS_URL');
  });

  it('the codec service starts open on loopback, and says so', async () => {
    const open = await outcome(
      'codec',
      'workers/codec.ts',
      engineEnv({ ENGINE_ENV: 'development', CODEC_HOST: '127.0.0.1', CODEC_PORT: '0' }),
    );
    expect(open.ready).toBe(true);
    expect(open.output).toContain('codec service open without authentication, on loopback only');
  });

  it('the worker refuses plain-http vendor and partner URLs, naming each', async () => {
    const http = {
      HONEYBEE_API_URL: 'http://127.0.0.1:9/honeybee/v1',
      PARTNER_WEBHOOK_URL: 'http://127.0.0.1:9/partner/notifications',
      HONEYBEE_TOKEN_URL: 'https://auth.example.test/oauth/token',
      ONEGEVITY_API_URL: 'https://onegevity.example.test',
    };
    const refused = await outcome('worker', 'workers/worker.ts', engineEnv({ ...http, ENGINE_ENV: 'production' }));
    expect(refused.ready).toBe(false);
    expect(refused.output).toContain('exited with code 2');
    expect(refused.output).toMatch(/HONEYBEE_API_URL: must be https in production/);
    expect(refused.output).toMatch(/PARTNER_WEBHOOK_URL: must be https in production/);
    expect(refused.output).not.toMatch(/ONEGEVITY_API_URL: must be https/);
  });
});
