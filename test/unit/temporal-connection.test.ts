// How every process reads its Temporal connection: the `temporal` CLI's variables over a TOML profile file over the
// defaults, TLS on when anything TLS (or an API key) is set, certificates read from their files, and every mistake a
// configuration error naming the variable. Also the worker's start-up check of the namespace's search attributes.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';
import { describeTemporalConnection, temporalConnectionOptions } from '../../src/temporal/connection-options.js';
import { missingSearchAttributes } from '../../src/temporal/search-attribute-check.js';
import { ENGINE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

const dir = mkdtempSync(join(tmpdir(), 'temporal-connection-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const CA = file('ca.pem', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
const CERT = file('client.pem', '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
const KEY = file('client.key', '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
    throw error;
  }
}

describe('Temporal connection settings', () => {
  it('is plaintext to 127.0.0.1:7233 with nothing set', () => {
    const config = loadConfig({});
    expect(temporalConnectionOptions(config)).toEqual({ address: '127.0.0.1:7233' });
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(describeTemporalConnection(config)).toBe('127.0.0.1:7233 (plaintext)');
  });

  it('uses mTLS with the CA, the client certificate pair and the server name', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: '10.0.0.5:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: CA,
      TEMPORAL_TLS_CLIENT_CERT_PATH: CERT,
      TEMPORAL_TLS_CLIENT_KEY_PATH: KEY,
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    });
    const options = temporalConnectionOptions(config);
    expect(options.address).toBe('10.0.0.5:7233');
    expect(options.tls).toEqual({
      serverNameOverride: 'temporal',
      serverRootCACertificate: Buffer.from(readText(CA)),
      clientCertPair: { crt: Buffer.from(readText(CERT)), key: Buffer.from(readText(KEY)) },
    });
    expect(describeTemporalConnection(config)).toBe('10.0.0.5:7233 (TLS, client certificate, server name temporal)');
  });

  it('takes inline PEM data as the CLI does', () => {
    const [cert, key] = [readText(CERT), readText(KEY)];
    const options = temporalConnectionOptions(
      loadConfig({ TEMPORAL_TLS_CLIENT_CERT_DATA: cert, TEMPORAL_TLS_CLIENT_KEY_DATA: key }),
    );
    expect(options.tls).toEqual({ clientCertPair: { crt: Buffer.from(cert), key: Buffer.from(key) } });
  });

  it('names a certificate or key that is not PEM, never quoting it, rather than failing later as unreachable', () => {
    const notPem = file('not-pem.key', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n');
    expect(
      problemsOf({
        TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'garbage',
        TEMPORAL_TLS_CLIENT_CERT_PATH: CERT,
        TEMPORAL_TLS_CLIENT_KEY_PATH: notPem,
      }),
    ).toEqual([
      'TEMPORAL_TLS_SERVER_CA_CERT_DATA: is not a PEM certificate (-----BEGIN …-----)',
      `TEMPORAL_TLS_CLIENT_KEY_PATH: ${notPem} is not a PEM private key (-----BEGIN …-----)`,
    ]);
  });

  it('takes TEMPORAL_ADDRESS as host or host:port with a port from 1 to 65535', () => {
    for (const good of ['temporal.internal:7233', '[::1]:7233', 'temporal.internal', '10.0.0.5:65535']) {
      expect(problemsOf({ TEMPORAL_ADDRESS: good }), good).toEqual([]);
    }
    for (const bad of ['127.0.0.1:99999', '127.0.0.1:0', 'http://temporal:7233', 'temporal:', ':7233']) {
      expect(problemsOf({ TEMPORAL_ADDRESS: bad }), bad).toEqual([
        `TEMPORAL_ADDRESS: ${bad} is not host:port (a port from 1 to 65535), e.g. 127.0.0.1:7233`,
      ]);
    }
  });

  it('an API key implies TLS (Temporal Cloud) and never appears in the description', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'fulfillment.a1b2c',
      TEMPORAL_API_KEY: 'secret-api-key',
    });
    expect(temporalConnectionOptions(config)).toEqual({
      address: 'us-east-1.aws.api.temporal.io:7233',
      apiKey: 'secret-api-key',
      tls: {},
    });
    expect(describeTemporalConnection(config)).not.toContain('secret-api-key');
    expect(describeTemporalConnection(config)).toContain('API key');
  });

  it('TEMPORAL_TLS=false turns TLS off even with an API key; TEMPORAL_TLS=true alone uses the system CAs', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' })).tls).toBe(false);
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true' })).tls).toEqual({});
  });

  it('names the variable of a certificate file that does not exist, and half a client certificate', () => {
    expect(problemsOf({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'nope.pem') })).toEqual([
      `TEMPORAL_TLS_SERVER_CA_CERT_PATH: ${join(dir, 'nope.pem')} does not exist`,
    ]);
    expect(problemsOf({ TEMPORAL_TLS_CLIENT_CERT_PATH: CERT })).toEqual([
      'TEMPORAL_TLS_CLIENT_KEY_PATH: a client certificate needs both the certificate and its key',
    ]);
    expect(problemsOf({ TEMPORAL_TLS: 'maybe' })[0]).toMatch(/^TEMPORAL_TLS: /);
  });

  describe('profile file', () => {
    const profiles = file(
      'temporal.toml',
      [
        '[profile.cloud]',
        'address = "acme.a1b2c.tmprl.cloud:7233"',
        'namespace = "acme.a1b2c"',
        '[profile.cloud.tls]',
        `client_cert_path = "${CERT}"`,
        `client_key_path = "${KEY}"`,
        '[profile.plain]',
        'address = "10.1.1.1:7233"',
        '[profile.broken]',
        '[profile.broken.tls]',
        `server_ca_cert_path = "${join(dir, 'missing-ca.pem')}"`,
      ].join('\n'),
    );

    it('reads the named profile; a variable wins over it', () => {
      const config = loadConfig({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'cloud' });
      expect(config.TEMPORAL_ADDRESS).toBe('acme.a1b2c.tmprl.cloud:7233');
      expect(config.TEMPORAL_NAMESPACE).toBe('acme.a1b2c');
      expect(temporalConnectionOptions(config).tls).toEqual({
        clientCertPair: { crt: Buffer.from(readText(CERT)), key: Buffer.from(readText(KEY)) },
      });
      const overridden = loadConfig({
        TEMPORAL_CONFIG_FILE: profiles,
        TEMPORAL_PROFILE: 'cloud',
        TEMPORAL_NAMESPACE: 'acme-staging.a1b2c',
      });
      expect(overridden.TEMPORAL_NAMESPACE).toBe('acme-staging.a1b2c');
      expect(loadConfig({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'plain' }).TEMPORAL_TLS).toBeUndefined();
    });

    it('names the profile or the file that is not there, and a missing certificate a profile names', () => {
      expect(problemsOf({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'nope' })).toEqual([
        "TEMPORAL_PROFILE: Profile 'nope' not found in config data",
      ]);
      expect(problemsOf({ TEMPORAL_CONFIG_FILE: join(dir, 'none.toml') })).toEqual([
        `TEMPORAL_CONFIG_FILE: ${join(dir, 'none.toml')} does not exist`,
      ]);
      expect(problemsOf({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'broken' })).toEqual([
        `TEMPORAL_TLS_SERVER_CA_CERT_PATH: ${join(dir, 'missing-ca.pem')} does not exist`,
      ]);
    });

    it('says where a profile file is not TOML, never what is written there (an api_key, say)', () => {
      const broken = file('broken.toml', '[profile.default]\naddress = "x:7233"\napi_key = tk_live_SECRET_abc\n');
      const problems = problemsOf({ TEMPORAL_CONFIG_FILE: broken });
      expect(problems).toEqual([`TEMPORAL_CONFIG_FILE: ${broken} is not valid TOML (line 3, column 11)`]);
      expect(problems.join('\n')).not.toContain('tk_live');
    });

    it("never reads the user's own CLI profile unless asked", () => {
      const home = mkdtempSync(join(tmpdir(), 'home-'));
      mkdirSync(join(home, '.config', 'temporalio'), { recursive: true });
      writeFileSync(
        join(home, '.config', 'temporalio', 'temporal.toml'),
        '[profile.default]\naddress = "somewhere.tmprl.cloud:7233"\napi_key = "k"\n',
      );
      expect(temporalConnectionOptions(loadConfig({ HOME: home }))).toEqual({ address: '127.0.0.1:7233' });
      expect(loadConfig({ HOME: home, TEMPORAL_PROFILE: 'default' }).TEMPORAL_ADDRESS).toBe(
        'somewhere.tmprl.cloud:7233',
      );
    });
  });
});

describe("the worker's search attribute check", () => {
  const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;
  const all = Object.fromEntries(
    ENGINE_SEARCH_ATTRIBUTES.map((key) => [key.name, IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]]),
  );

  it('passes a namespace with every attribute, and names each missing or mistyped one', () => {
    expect(missingSearchAttributes(all)).toEqual([]);
    const { OnHoldSince: _, ...withoutOne } = all;
    expect(
      missingSearchAttributes({ ...withoutOne, NeedsOperator: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD }),
    ).toEqual(['NeedsOperator (BOOL: registered as INDEXED_VALUE_TYPE_KEYWORD)', 'OnHoldSince (DATETIME: missing)']);
  });
});

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
