import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ENV_NAMES,
  honeybeeWebhookUrl,
  loadConfig,
  requireHttpsOutsideDevelopment,
} from '../../src/config/env.js';

describe('configuration', () => {
  it('starts with embedded defaults from an empty environment', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.BRIDGE_PORT).toBe(3000);
    expect(config.TEMPORAL_UI_PORT).toBe(8233);
    expect(config.PARTNER_API_KEYS).toEqual([]);
    expect(config.HOLD_ESCALATION_AFTER).toBe(4 * 3_600_000);
  });

  it('parses lists, durations, flags and numbers', () => {
    const config = loadConfig({
      PARTNER_API_KEYS: ' key-a , ,key-b ',
      HOLD_ESCALATION_AFTER: '90s',
      SANDBOX_FORCE: 'false',
      BRIDGE_PORT: '4000',
    });
    expect(config.PARTNER_API_KEYS.map((key) => key.key)).toEqual(['key-a', 'key-b']);
    expect(config.HOLD_ESCALATION_AFTER).toBe(90_000);
    expect(config.SANDBOX_FORCE).toBe(false);
    expect(config.BRIDGE_PORT).toBe(4000);
  });

  it("moves the bridge's public URL with its port unless the URL is set", () => {
    expect(loadConfig({}).BRIDGE_PUBLIC_URL).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ BRIDGE_PORT: '23000' }).BRIDGE_PUBLIC_URL).toBe('http://127.0.0.1:23000');
    expect(loadConfig({ BRIDGE_PORT: '23000', BRIDGE_PUBLIC_URL: 'https://hooks.example.com' }).BRIDGE_PUBLIC_URL).toBe(
      'https://hooks.example.com',
    );
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ BRIDGE_PORT: '' }).BRIDGE_PORT).toBe(3000);
  });

  it('names every wrong variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig({ BRIDGE_PORT: 'seventy', HONEYBEE_API_URL: 'not a url', HOLD_ESCALATION_AFTER: 'soon' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('BRIDGE_PORT');
    expect(message).toContain('HONEYBEE_API_URL');
    expect(message).toContain('HOLD_ESCALATION_AFTER');
    expect((caught as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'BRIDGE_PORT',
      'HOLD_ESCALATION_AFTER',
      'HONEYBEE_API_URL',
    ]);
  });

  it('rejects a port out of range and an unknown enum value', () => {
    expect(() => loadConfig({ BRIDGE_PORT: '70000' })).toThrow(/BRIDGE_PORT/);
    expect(() => loadConfig({ HONEYBEE_WEBHOOK_AUTH: 'maybe' })).toThrow(/HONEYBEE_WEBHOOK_AUTH/);
  });

  it('derives the Honeybee webhook URL from the bridge URL unless set', () => {
    expect(honeybeeWebhookUrl(loadConfig({ BRIDGE_PUBLIC_URL: 'https://hooks.example.com' }))).toBe(
      'https://hooks.example.com/webhooks/honeybee',
    );
    expect(honeybeeWebhookUrl(loadConfig({ HONEYBEE_WEBHOOK_URL: 'https://x.example/hb?a=1' }))).toBe(
      'https://x.example/hb?a=1',
    );
  });

  it('is production unless told otherwise', () => {
    expect(loadConfig({}).ENGINE_ENV).toBe('production');
    expect(loadConfig({ ENGINE_ENV: 'development' }).ENGINE_ENV).toBe('development');
    expect(() => loadConfig({ ENGINE_ENV: 'staging' })).toThrow(/ENGINE_ENV/);
  });

  it('reads partner API keys with names and scopes, and keeps bare keys working as read+operate', () => {
    const { PARTNER_API_KEYS: keys } = loadConfig({
      PARTNER_API_KEYS: 'acme:operate:k-operate,acme-admin:admin:k:with:colons,old-bare-key,reader:read:k-read',
    });
    expect(keys).toEqual([
      { name: 'acme', scopes: ['read', 'operate'], key: 'k-operate', legacy: false },
      { name: 'acme-admin', scopes: ['read', 'operate', 'admin'], key: 'k:with:colons', legacy: false },
      { name: 'key-3', scopes: ['read', 'operate'], key: 'old-bare-key', legacy: true },
      { name: 'reader', scopes: ['read'], key: 'k-read', legacy: false },
    ]);
    expect(loadConfig({ PARTNER_API_KEYS: 'a:read+admin:k' }).PARTNER_API_KEYS[0]?.scopes).toEqual([
      'read',
      'operate',
      'admin',
    ]);
    for (const bad of ['a:write:k', 'a b:read:k', 'a:read:', 'a:read:k1,a:admin:k2', 'a:read:k,b:read:k']) {
      expect(() => loadConfig({ PARTNER_API_KEYS: bad }), bad).toThrow(/PARTNER_API_KEYS/);
    }
  });

  it('reads named codec tokens and checks the JWT settings belong together', () => {
    expect(loadConfig({ CODEC_AUTH_TOKENS: 'ops-cli:0123456789abcdef0123' }).CODEC_AUTH_TOKENS).toEqual([
      { name: 'ops-cli', token: '0123456789abcdef0123' },
    ]);
    expect(() => loadConfig({ CODEC_AUTH_TOKENS: 'ops-cli:short' })).toThrow(/CODEC_AUTH_TOKENS/);
    expect(() => loadConfig({ CODEC_AUTH_TOKENS: 'no-name-token-0123456789' })).toThrow(/CODEC_AUTH_TOKENS/);
    expect(() => loadConfig({ CODEC_JWKS_URL: 'https://idp.example/jwks' })).toThrow(
      /CODEC_JWT_ISSUER.*\n.*CODEC_JWT_AUDIENCE/s,
    );
    expect(() => loadConfig({ CODEC_DECODE_ALLOWED: 'phi-readers' })).toThrow(/CODEC_DECODE_ALLOWED/);
  });

  it('names renamed variables and what replaces them', () => {
    expect(() => loadConfig({ CODEC_AUTH_TOKEN: 'x' })).toThrow(/CODEC_AUTH_TOKEN: renamed: set CODEC_AUTH_TOKENS/);
    expect(() => loadConfig({ PARTNER_WEBHOOK_SECRET: 'whsec_x' })).toThrow(/PARTNER_WEBHOOK_SECRETS/);
  });

  it('takes Standard Webhooks secrets of 24 to 64 bytes only', () => {
    const secret = (bytes: number) => `whsec_${Buffer.alloc(bytes, 1).toString('base64')}`;
    expect(loadConfig({ PARTNER_WEBHOOK_SECRETS: `${secret(24)},${secret(64)}` }).PARTNER_WEBHOOK_SECRETS).toHaveLength(
      2,
    );
    for (const bad of [secret(23), secret(65), Buffer.alloc(32).toString('base64'), 'whsec_not base64!']) {
      expect(() => loadConfig({ PARTNER_WEBHOOK_SECRETS: bad }), bad).toThrow(/PARTNER_WEBHOOK_SECRETS.*24 to 64/s);
    }
  });

  it('requires https to vendors and the partner in production, and allows http in development', () => {
    const urls = {
      HONEYBEE_API_URL: 'http://vendor.example/v1',
      PARTNER_WEBHOOK_URL: 'http://partner.example/hooks',
      ONEGEVITY_API_URL: 'https://og.example',
      HONEYBEE_TOKEN_URL: 'https://auth.example/token',
    };
    let caught: unknown;
    try {
      requireHttpsOutsideDevelopment(loadConfig(urls));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((problem) => problem.variable)).toEqual([
      'HONEYBEE_API_URL',
      'PARTNER_WEBHOOK_URL',
    ]);
    expect(() => requireHttpsOutsideDevelopment(loadConfig({ ...urls, ENGINE_ENV: 'development' }))).not.toThrow();
  });

  it('requires an https CODEC_JWKS_URL outside development, whichever process reads it', () => {
    const jwt = { CODEC_JWT_ISSUER: 'https://idp.example/', CODEC_JWT_AUDIENCE: 'codec' };
    expect(() => loadConfig({ ...jwt, CODEC_JWKS_URL: 'http://idp.example/jwks' })).toThrow(
      /CODEC_JWKS_URL: must be https in production/,
    );
    expect(loadConfig({ ...jwt, CODEC_JWKS_URL: 'https://idp.example/jwks' }).CODEC_JWKS_URL).toBe(
      'https://idp.example/jwks',
    );
    expect(
      loadConfig({ ...jwt, CODEC_JWKS_URL: 'http://127.0.0.1:9/jwks', ENGINE_ENV: 'development' }).CODEC_JWKS_URL,
    ).toBe('http://127.0.0.1:9/jwks');
  });

  it('reads WORKER_METRICS_PORT as host:port, a bare port on loopback, or off', () => {
    expect(loadConfig({}).WORKER_METRICS_PORT).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ WORKER_METRICS_PORT: '0.0.0.0:9100' }).WORKER_METRICS_PORT).toEqual({
      host: '0.0.0.0',
      port: 9100,
    });
    expect(loadConfig({ WORKER_METRICS_PORT: '0' }).WORKER_METRICS_PORT).toEqual({ host: '127.0.0.1', port: 0 });
    expect(loadConfig({ WORKER_METRICS_PORT: '[::1]:9464' }).WORKER_METRICS_PORT).toEqual({ host: '::1', port: 9464 });
    expect(loadConfig({ WORKER_METRICS_PORT: 'off' }).WORKER_METRICS_PORT).toBeNull();
    expect(() => loadConfig({ WORKER_METRICS_PORT: 'localhost:99999' })).toThrow(/WORKER_METRICS_PORT/);
    expect(() => loadConfig({ WORKER_METRICS_PORT: 'metrics' })).toThrow(/WORKER_METRICS_PORT: expected host:port/);
  });

  it('.env.example documents exactly the variables of the schema', () => {
    const documented = readFileSync('.env.example', 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((name): name is string => Boolean(name));
    expect([...documented].sort()).toEqual([...ENV_NAMES].sort());
    // Every documented default parses.
    const fromExample: Record<string, string> = Object.fromEntries(
      readFileSync('.env.example', 'utf8')
        .split('\n')
        .flatMap((line) => {
          const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
          return match?.[1] !== undefined && match[2] !== undefined ? [[match[1], match[2]] as const] : [];
        }),
    );
    expect(() => loadConfig(fromExample)).not.toThrow();
  });
});
