// No Docker engine runs here, so docker-compose.yml is checked statically: it parses, every service the engine needs
// is there and wired in the right order, every variable it passes to the engine exists in the config schema, and its
// Temporal parts are what the cluster test project runs (src/cluster/): the same server version and settings, the
// same scripts, the same dynamic config, archival, and with docker-compose.tls.yml the same TLS settings.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { certificateFiles, serverTlsEnv } from '../../src/cluster/roles.js';
import {
  DYNAMIC_CONFIG_FILE,
  REGISTER_NAMESPACE_SCRIPT,
  SERVER_ENV_FILE,
  serverSettings,
  serverVersion,
  SETUP_POSTGRES_SCRIPT,
} from '../../src/cluster/server-settings.js';
import { ENV_NAMES } from '../../src/config/env.js';
import { PROJECT_ROOT } from '../../src/temporal/binaries.js';
import { ENGINE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test?: string[] };
  restart?: string;
}

function composeFile(path: string): Record<string, ComposeService> {
  return (parse(readFileSync(path, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> }).services;
}

const services = composeFile('docker-compose.yml');
const tlsServices = composeFile('docker-compose.tls.yml');

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** The host side of a `./path:/container/path` mount, for the container path. */
function mountOf(svc: ComposeService, containerPath: string): string | undefined {
  return svc.volumes?.find((volume) => volume.split(':')[1] === containerPath)?.split(':')[0];
}

const relative = (path: string) => `./${path.slice(PROJECT_ROOT.length + 1)}`;

describe('docker-compose.yml (static)', () => {
  it('has every service the engine needs', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'bridge',
        'codec',
        'grafana',
        'postgresql',
        'prometheus',
        'temporal',
        'temporal-archival',
        'temporal-namespace',
        'temporal-schema',
        'temporal-ui',
        'worker',
      ].sort(),
    );
  });

  it('runs Temporal on PostgreSQL after the schema job, and registers the namespace after the server is healthy', () => {
    expect(service('postgresql').image).toMatch(/^postgres:/);
    expect(service('temporal').depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
    expect(service('temporal').depends_on?.['temporal-archival']?.condition).toBe('service_completed_successfully');
    expect(service('temporal-schema').depends_on?.postgresql?.condition).toBe('service_healthy');
    expect(service('temporal-namespace').depends_on?.temporal?.condition).toBe('service_healthy');
    for (const engineService of ['worker', 'bridge']) {
      expect(service(engineService).depends_on?.['temporal-namespace']?.condition).toBe(
        'service_completed_successfully',
      );
    }
    // A registration that fails must stop the stack, not be retried into an engine without search attributes.
    expect(service('temporal-namespace').restart).toBeUndefined();
  });

  it('runs the server version the cluster builds and tests, with the settings file the cluster uses', () => {
    const version = serverVersion();
    expect(service('temporal').image).toBe(`temporalio/server:${version}`);
    for (const name of ['temporal-schema', 'temporal-namespace', 'temporal-archival']) {
      expect(service(name).image).toBe(`temporalio/admin-tools:${version}`);
    }
    for (const name of ['temporal', 'temporal-schema']) expect(service(name).env_file).toBe(relative(SERVER_ENV_FILE));
    expect(serverSettings().DB).toBe('postgres12');
  });

  it('fixes the history shard count explicitly, saying it is permanent', () => {
    const shards = Number(serverSettings().NUM_HISTORY_SHARDS);
    expect(Number.isInteger(shards) && shards > 4).toBe(true);
    const text = readFileSync(SERVER_ENV_FILE, 'utf8');
    expect(text).toMatch(/PERMANENT[^\n]*\n(#[^\n]*\n)*NUM_HISTORY_SHARDS=/);
  });

  it('gives the server the dynamic config file the cluster runs with, with no key the server no longer has', () => {
    const temporal = service('temporal');
    const path = temporal.environment?.DYNAMIC_CONFIG_FILE_PATH;
    expect(path).toBeTruthy();
    expect(mountOf(temporal, path!)).toBe(relative(DYNAMIC_CONFIG_FILE));
    // Every key is checked against the server itself by the cluster project (validate-dynamic-config); this one was
    // removed in 1.30 and nothing uses update-with-start.
    expect(readFileSync(DYNAMIC_CONFIG_FILE, 'utf8')).not.toContain('enableExecuteMultiOperation');
  });

  it('runs the schema and registration scripts the cluster runs', () => {
    expect(mountOf(service('temporal-schema'), '/deploy')).toBe('./deploy/temporal');
    expect(mountOf(service('temporal-namespace'), '/deploy')).toBe('./deploy/temporal');
    expect(service('temporal-schema').entrypoint).toEqual(['/bin/sh', `/deploy/${basename(SETUP_POSTGRES_SCRIPT)}`]);
    expect(service('temporal-namespace').entrypoint).toEqual([
      '/bin/sh',
      `/deploy/${basename(REGISTER_NAMESPACE_SCRIPT)}`,
    ]);
  });

  it('archives closed workflows into a volume the server writes', () => {
    const namespace = service('temporal-namespace').environment ?? {};
    const archival = '/var/lib/temporal/archival';
    expect(namespace.TEMPORAL_HISTORY_ARCHIVAL_URI).toBe(`file://${archival}/history`);
    expect(namespace.TEMPORAL_VISIBILITY_ARCHIVAL_URI).toBe(`file://${archival}/visibility`);
    expect(mountOf(service('temporal'), archival)).toBe('temporal-archival');
    expect(mountOf(service('temporal-archival'), archival)).toBe('temporal-archival');
  });

  it('registers exactly the engine search attributes, and checks them at the end', () => {
    const script = readFileSync(REGISTER_NAMESPACE_SCRIPT, 'utf8');
    const block = /ATTRIBUTES='\n([^']*)'/.exec(script)?.[1] ?? '';
    const registered = block
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .sort();
    const typeNames: Record<string, string> = {
      KEYWORD: 'Keyword',
      BOOL: 'Bool',
      INT: 'Int',
      DATETIME: 'Datetime',
      TEXT: 'Text',
      DOUBLE: 'Double',
    };
    expect(registered).toEqual(ENGINE_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${typeNames[key.type]}`).sort());
    expect(script).not.toMatch(/\|\|\s*true/);
    expect(script).toContain('retry "the search attribute check');
  });

  it('points the Web UI at the codec service, published on the host loopback only, apart from the bridge', () => {
    expect(service('temporal-ui').environment?.TEMPORAL_CODEC_ENDPOINT).toMatch(/:8234\}$/);
    expect(service('codec').ports).toEqual(['127.0.0.1:8234:8234']);
    expect(service('codec').environment?.CODEC_PORT).toBe('8234');
    expect(Object.keys(service('bridge').environment ?? {}).filter((name) => name.startsWith('CODEC_'))).toEqual([]);
  });

  it('builds the worker and the bridge from the Dockerfile, whose entry points exist, and checks their health', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    for (const name of ['worker', 'bridge', 'codec']) {
      const engine = service(name);
      expect(engine.build).toBe('.');
      const entry = engine.command?.[1];
      expect(entry).toMatch(/^dist\/workers\/\w+\.js$/);
      expect(existsSync(entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts'))).toBe(true);
    }
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toContain('WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js');
    expect(service('worker').healthcheck?.test?.join(' ')).toContain('http://127.0.0.1:9464/healthz');
    expect(service('bridge').healthcheck?.test?.join(' ')).toContain('http://127.0.0.1:3000/healthz');
  });

  it('passes the engine only variables that exist in the config schema', () => {
    const known = new Set<string>(ENV_NAMES);
    for (const name of ['worker', 'bridge', 'codec']) {
      const passed = Object.keys(service(name).environment ?? {});
      expect(passed.length).toBeGreaterThan(5);
      expect(passed.filter((variable) => !known.has(variable))).toEqual([]);
    }
  });
});

describe('docker-compose.tls.yml (static)', () => {
  it('adds to services of docker-compose.yml only', () => {
    expect(Object.keys(tlsServices).filter((name) => !(name in services))).toEqual([]);
  });

  it('gives the server the TLS settings the cluster runs with, from the mounted certificates', () => {
    const temporal = tlsServices.temporal!;
    const certs = certificateFiles('/etc/temporal/tls');
    expect(temporal.environment).toEqual(serverTlsEnv(certs));
    expect(mountOf(temporal, '/etc/temporal/tls')).toBe('./deploy/temporal/tls');
    expect(readFileSync('.gitignore', 'utf8').split('\n')).toContain('deploy/temporal/tls/');
  });

  it("gives every client the engine's (and the temporal CLI's) TLS variables for the client certificate", () => {
    const known = new Set<string>(ENV_NAMES);
    for (const name of ['worker', 'bridge', 'temporal-namespace']) {
      const environment = tlsServices[name]?.environment ?? {};
      expect(Object.keys(environment).sort()).toEqual([
        'TEMPORAL_TLS_CLIENT_CERT_PATH',
        'TEMPORAL_TLS_CLIENT_KEY_PATH',
        'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
        'TEMPORAL_TLS_SERVER_NAME',
      ]);
      expect(Object.keys(environment).every((variable) => known.has(variable))).toBe(true);
      for (const path of Object.values(environment).filter((value) => value.startsWith('/'))) {
        expect(path.startsWith('/etc/temporal/tls/')).toBe(true);
      }
      expect(mountOf(tlsServices[name]!, '/etc/temporal/tls')).toBe('./deploy/temporal/tls');
    }
    expect(Object.keys(tlsServices['temporal-ui']?.environment ?? {})).toEqual(
      expect.arrayContaining(['TEMPORAL_TLS_CA', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY']),
    );
  });
});
