// The dev server the engine starts (`fulfill dev`, the test harness) gets the engine's own dynamic config, the same
// values as deploy/temporal/dynamicconfig.yaml (compose and the cluster), and a caller's values on top.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devServerExtraArgs, ENGINE_DEV_SERVER_DYNAMIC_CONFIG } from '../../../src/temporal/dev-server.js';

const valueOf = (args: string[], key: string) =>
  args.flatMap((arg, i) => (args[i - 1] === '--dynamic-config-value' && arg.startsWith(`${key}=`) ? [arg] : []));

describe('devServerExtraArgs', () => {
  it('raises the updates in flight per workflow (the event feed takes every notification of a minute)', () => {
    expect(valueOf(devServerExtraArgs({}), 'history.maxInFlightUpdates')).toEqual(['history.maxInFlightUpdates=200']);
  });

  it("lets a caller's value win", () => {
    const args = devServerExtraArgs({ dynamicConfig: { 'history.maxInFlightUpdates': '3' } });
    expect(valueOf(args, 'history.maxInFlightUpdates')).toEqual(['history.maxInFlightUpdates=3']);
  });

  it('puts the HTTP API and /metrics on the ports given (not ports the server picks from the ephemeral range)', () => {
    const args = devServerExtraArgs({ sidePorts: { http: 23001, metrics: 23002 } }).join(' ');
    expect(args).toContain('--http-port 23001');
    expect(args).toContain('--metrics-port 23002');
    expect(devServerExtraArgs({}).join(' ')).not.toMatch(/--(http|metrics)-port/);
  });

  it('matches the dynamic config file compose and the cluster run with', () => {
    const file = readFileSync(join(import.meta.dirname, '../../../deploy/temporal/dynamicconfig.yaml'), 'utf8');
    for (const [key, value] of Object.entries(ENGINE_DEV_SERVER_DYNAMIC_CONFIG)) {
      expect(file).toMatch(new RegExp(`^${key.replaceAll('.', '\\.')}:\\n  - value: ${value}$`, 'm'));
    }
  });
});
