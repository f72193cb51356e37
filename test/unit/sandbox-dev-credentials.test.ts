import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { sandboxCredentials } from '../../src/sandbox/core.js';
import {
  SANDBOX_DEV_CREDENTIALS,
  sandboxCredentialsOverlay,
  withSandboxCredentials,
} from '../../src/sandbox/dev-credentials.js';

describe('sandbox dev credentials', () => {
  it('fills every unset or blank credential and keeps the ones already set', () => {
    const overlay = sandboxCredentialsOverlay({ HONEYBEE_CLIENT_SECRET: 'mine', ONEGEVITY_CLIENT_ID: '  ' });
    expect(overlay.HONEYBEE_CLIENT_SECRET).toBeUndefined();
    expect(overlay.ONEGEVITY_CLIENT_ID).toBe('sandbox-onegevity-client');
    const env = withSandboxCredentials({ HONEYBEE_CLIENT_SECRET: 'mine' });
    expect(env).toMatchObject({ HONEYBEE_CLIENT_SECRET: 'mine', HONEYBEE_CLIENT_ID: 'sandbox-honeybee-client' });
  });

  it('are the values docs/WIRE-CONTRACT.md lists, and parse as engine configuration', () => {
    expect(SANDBOX_DEV_CREDENTIALS).toEqual({
      ENGINE_ENV: 'development',
      HONEYBEE_CLIENT_ID: 'sandbox-honeybee-client',
      HONEYBEE_CLIENT_SECRET: 'sandbox-honeybee-secret',
      HONEYBEE_WEBHOOK_SECRETS: 'sandbox-honeybee-webhook-secret',
      ONEGEVITY_CLIENT_ID: 'sandbox-onegevity-client',
      ONEGEVITY_CLIENT_SECRET: 'sandbox-onegevity-secret',
      ONEGEVITY_WEBHOOK_SECRETS: 'sandbox-onegevity-webhook-secret',
      PARTNER_API_KEYS: 'sandbox:admin:sandbox-partner-key',
      PARTNER_DIRECTORY_API_KEY: 'sandbox-directory-key',
      PARTNER_WEBHOOK_SECRETS: 'whsec_c2FuZGJveC1wYXJ0bmVyLXdlYmhvb2stc2VjcmV0',
    });
    const credentials = sandboxCredentials(loadConfig(withSandboxCredentials({})));
    expect(credentials.honeybee).toEqual({
      clientId: 'sandbox-honeybee-client',
      clientSecret: 'sandbox-honeybee-secret',
      webhookSecret: 'sandbox-honeybee-webhook-secret',
    });
  });

  it('the sandbox refuses to start without credentials, naming what is missing', () => {
    expect(() => sandboxCredentials(loadConfig({}))).toThrow(/HONEYBEE_CLIENT_ID.*ONEGEVITY_WEBHOOK_SECRETS/s);
  });
});
