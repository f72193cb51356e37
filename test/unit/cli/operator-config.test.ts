// What operator commands take from what `fulfill dev` left in DATA_DIR: its payload key file and the partner
// notification target it gave its engine, each only when the environment does not say otherwise; and a missing key
// explained with where that file was looked for.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/env.js';
import {
  devNotificationTargetFile,
  loadOperatorConfig,
  recordDevNotificationTarget,
  withDevKeyFileHint,
} from '../../../src/cli/operator-config.js';

const SANDBOX_TARGET = 'http://127.0.0.1:4010/partner/notifications';

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'operator-config-'));
}

describe('loadOperatorConfig: the notification target', () => {
  it('is the one `fulfill dev` recorded when PARTNER_WEBHOOK_URL is not set', () => {
    const dir = dataDir();
    recordDevNotificationTarget(dir, SANDBOX_TARGET);
    expect(loadOperatorConfig({ DATA_DIR: dir }).PARTNER_WEBHOOK_URL).toBe(SANDBOX_TARGET);
    // It may carry a token.
    expect(statSync(devNotificationTargetFile(dir)).mode & 0o777).toBe(0o600);
  });

  it('is PARTNER_WEBHOOK_URL when set, whatever dev recorded', () => {
    const dir = dataDir();
    recordDevNotificationTarget(dir, SANDBOX_TARGET);
    const config = loadOperatorConfig({ DATA_DIR: dir, PARTNER_WEBHOOK_URL: 'https://partner.example/hooks' });
    expect(config.PARTNER_WEBHOOK_URL).toBe('https://partner.example/hooks');
  });

  it('is none without a record, after a dev start that gave its engine none, or with an unreadable record', () => {
    const dir = dataDir();
    expect(loadOperatorConfig({ DATA_DIR: dir }).PARTNER_WEBHOOK_URL).toBeUndefined();
    recordDevNotificationTarget(dir, SANDBOX_TARGET);
    recordDevNotificationTarget(dir, undefined);
    expect(loadOperatorConfig({ DATA_DIR: dir }).PARTNER_WEBHOOK_URL).toBeUndefined();
    writeFileSync(devNotificationTargetFile(dir), '{"PARTNER_WEBHOOK_URL": "not a url"}');
    expect(loadOperatorConfig({ DATA_DIR: dir }).PARTNER_WEBHOOK_URL).toBeUndefined();
  });
});

describe('withDevKeyFileHint', () => {
  const noKey = new ConfigError([
    { variable: 'PAYLOAD_KEYS', message: 'no payload encryption key configured: set PAYLOAD_KEYS or PAYLOAD_KEY_FILE' },
  ]);

  it('names the dev key file looked for when no key is configured', () => {
    const dir = dataDir();
    const explained = withDevKeyFileHint(noKey, { DATA_DIR: dir });
    expect(explained.message).toContain('no payload encryption key configured');
    expect(explained.message).toContain(`key file of \`fulfill dev\` at ${join(dir, 'payload-keys.json')}`);
  });

  it('leaves other configuration errors, and keys configured elsewhere, as they are', () => {
    const other = new ConfigError([{ variable: 'TEMPORAL_ADDRESS', message: 'is not host:port' }]);
    expect(withDevKeyFileHint(other, { DATA_DIR: dataDir() })).toBe(other);
    expect(withDevKeyFileHint(noKey, { DATA_DIR: dataDir(), PAYLOAD_KEY_FILE: '/keys.json' })).toBe(noKey);
  });
});
