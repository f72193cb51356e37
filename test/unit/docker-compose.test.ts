// No Docker engine runs here, so docker-compose.yml is checked statically: it parses, every service the engine needs
// is there and wired in the right order, and every variable it passes to the engine exists in the config schema.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_NAMES } from '../../src/config/env.js';
import { ENGINE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

describe('docker-compose.yml (static)', () => {
  it('has every service the engine needs', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'bridge',
        'grafana',
        'postgresql',
        'prometheus',
        'temporal',
        'temporal-namespace',
        'temporal-schema',
        'temporal-ui',
        'worker',
      ].sort(),
    );
  });

  it('runs Temporal on PostgreSQL after the schema job, and registers the namespace after the server is healthy', () => {
    expect(service('postgresql').image).toMatch(/^postgres:/);
    expect(service('temporal').environment?.DB).toBe('postgres12');
    expect(service('temporal').depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
    expect(service('temporal-schema').depends_on?.postgresql?.condition).toBe('service_healthy');
    expect(service('temporal-namespace').depends_on?.temporal?.condition).toBe('service_healthy');
    for (const engineService of ['worker', 'bridge']) {
      expect(service(engineService).depends_on?.['temporal-namespace']?.condition).toBe(
        'service_completed_successfully',
      );
    }
  });

  it('points the Web UI at the bridge codec endpoint', () => {
    expect(service('temporal-ui').environment?.TEMPORAL_CODEC_ENDPOINT).toMatch(/\/codec$/);
  });

  it('builds the worker and the bridge from the Dockerfile, whose entry points exist', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    for (const name of ['worker', 'bridge']) {
      const engine = service(name);
      expect(engine.build).toBe('.');
      const entry = engine.command?.[1];
      expect(entry).toMatch(/^dist\/workers\/\w+\.js$/);
      expect(existsSync(entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts'))).toBe(true);
    }
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toContain('WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js');
  });

  it('passes the engine only variables that exist in the config schema', () => {
    const known = new Set<string>(ENV_NAMES);
    for (const name of ['worker', 'bridge']) {
      const passed = Object.keys(service(name).environment ?? {});
      expect(passed.length).toBeGreaterThan(5);
      expect(passed.filter((variable) => !known.has(variable))).toEqual([]);
    }
  });

  it('mounts scripts that exist and registers exactly the engine search attributes', () => {
    const script = readFileSync('deploy/temporal/register-namespace.sh', 'utf8');
    const typeNames: Record<string, string> = {
      KEYWORD: 'Keyword',
      BOOL: 'Bool',
      INT: 'Int',
      DATETIME: 'Datetime',
      TEXT: 'Text',
      DOUBLE: 'Double',
    };
    const registered = [...script.matchAll(/^\s+(\w+)=(\w+)/gm)].map((m) => `${m[1]}=${m[2]}`).sort();
    const expected = ENGINE_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${typeNames[key.type]}`).sort();
    expect(registered).toEqual(expected);
    expect(existsSync('deploy/temporal/setup-postgres.sh')).toBe(true);
    expect(readFileSync('deploy/temporal/dynamicconfig.yaml', 'utf8')).toMatch(
      /frontend\.enableExecuteMultiOperation:\s*\n\s*- value: true/,
    );
  });
});
