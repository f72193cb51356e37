// What the Prometheus and Grafana tests share: promtool (setup fetches it into .tools/prometheus; PROMTOOL_PATH or a
// promtool on PATH also do), the metric names the engine exports, and the metric names an expression uses.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBridgeMetrics } from '../../src/bridge/metrics.js';
import { createEngineMetrics } from '../../src/observability/engine-metrics.js';
import { PROJECT_ROOT } from '../../src/temporal/binaries.js';

export const PROMETHEUS_DIR = join(PROJECT_ROOT, 'deploy', 'prometheus');
export const DASHBOARD_FILE = join(PROJECT_ROOT, 'deploy', 'grafana', 'dashboards', 'fulfillment-engine.json');

/** promtool's path, or an error saying how to get it (the tests fail rather than skip without it). */
export function promtoolPath(): string {
  const configured = process.env.PROMTOOL_PATH?.trim();
  if (configured) return configured;
  const project = join(PROJECT_ROOT, '.tools', 'prometheus', 'bin', 'promtool');
  if (existsSync(project)) return project;
  if (spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0) return 'promtool';
  throw new Error(
    "promtool not found: run `npm run setup` (it unpacks Debian's prometheus package into .tools/prometheus), " +
      'install `prometheus`, or set PROMTOOL_PATH.',
  );
}

export function promtool(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(promtoolPath(), args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Every series name the bridge and the worker export under `fulfill_` (histograms with their suffixes). */
export async function engineSeriesNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const registry of [createBridgeMetrics().registry, createEngineMetrics().registry]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram') {
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
      }
    }
  }
  return names;
}

/** The `fulfill_…` and `temporal_…` series an expression reads (label values in quotes are not series). */
export function seriesIn(expression: string): string[] {
  const unquoted = expression.replace(/"[^"]*"/g, '""');
  return [...new Set(unquoted.match(/\b(?:fulfill|temporal)_[a-z0-9_]+\b/g) ?? [])];
}

export interface Dashboard {
  uid: string;
  title: string;
  links: { url: string; title: string }[];
  templating: { list: { name: string; type: string }[] };
  panels: {
    id: number;
    type: string;
    title: string;
    gridPos: { x: number; y: number; w: number; h: number };
    datasource?: { uid: string };
    targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
  }[];
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** The dashboard's PromQL with Grafana's variables replaced, so Prometheus tools can parse it. */
export function dashboardExpressions(dashboard: Dashboard): { panel: string; expr: string }[] {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      panel: panel.title,
      expr: target.expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m'),
    })),
  );
}
