// deploy/prometheus and deploy/grafana, checked the way Prometheus and Grafana would read them: promtool validates the
// scrape config (with its target files) and the alert rules, runs the alerts' unit tests, and parses every dashboard
// expression; and every series an alert or a panel reads is one the engine exports, so renaming a metric breaks here.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  dashboardExpressions,
  engineSeriesNames,
  promtool,
  PROMETHEUS_DIR,
  readDashboard,
  seriesIn,
} from '../../harness/prometheus.js';

interface RuleFile {
  groups: { name: string; rules: { alert: string; expr: string; labels?: Record<string, string> }[] }[];
}

interface RuleTests {
  rule_files: string[];
  tests: { name: string; alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
}

const rules = parse(readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8')) as RuleFile;
const alerts = rules.groups.flatMap((group) => group.rules);

describe('Prometheus configuration (promtool)', () => {
  it('the scrape config and its target files are valid', () => {
    const result = promtool(['check', 'config', join(PROMETHEUS_DIR, 'prometheus.yml')]);
    expect(result.output).toContain('is valid prometheus config file syntax');
    expect(result.status).toBe(0);
  });

  it('a broken target file fails the config check (the check reads the target files)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prometheus-config-'));
    const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as Record<string, unknown>;
    delete config.rule_files;
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    for (const file of ['workers.yml', 'bridges.yml']) {
      writeFileSync(join(dir, file), readFileSync(join(PROMETHEUS_DIR, 'targets', file)));
    }
    writeFileSync(join(dir, 'temporal.yml'), '- targets: [not a host port list\n');
    const rewritten = readFileSync(join(dir, 'prometheus.yml'), 'utf8').replaceAll('targets/', '');
    writeFileSync(join(dir, 'prometheus.yml'), rewritten);
    const result = promtool(['check', 'config', join(dir, 'prometheus.yml')]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('temporal.yml');
  });

  it('scrapes the workers, the bridges and the Temporal server', () => {
    const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string }[];
    };
    expect(config.scrape_configs.map((job) => job.job_name).sort()).toEqual([
      'fulfill-bridge',
      'fulfill-worker',
      'temporal',
    ]);
    const targets = (file: string) =>
      (parse(readFileSync(join(PROMETHEUS_DIR, 'targets', file), 'utf8')) as { targets: string[] }[]).flatMap(
        (group) => group.targets,
      );
    // The compose services: the worker's WORKER_METRICS_PORT, the bridge's port, Temporal's PROMETHEUS_ENDPOINT.
    expect(targets('workers.yml')).toEqual(['worker:9464']);
    expect(targets('bridges.yml')).toEqual(['bridge:3000']);
    expect(targets('temporal.yml')).toEqual(['temporal:9090']);
  });

  it('the alert rules are valid', () => {
    const result = promtool(['check', 'rules', join(PROMETHEUS_DIR, 'alerts.yml')]);
    expect(result.output).toContain(`SUCCESS: ${alerts.length} rules found`);
    expect(result.status).toBe(0);
  });

  it('the alert unit tests pass', () => {
    const result = promtool(['test', 'rules', join(PROMETHEUS_DIR, 'alerts.test.yml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('has the alerts the engine needs, each with a case where it fires and one where it must not', () => {
    expect(alerts.map((rule) => rule.alert).sort()).toEqual(
      [
        'BridgeAnswering503',
        'DeadLetterGrowing',
        'EngineTargetDown',
        'HoldWaitingPastEscalation',
        'NoWorkerPolling',
        'PartnerNotificationFailures',
        'VendorRateLimited',
        'WebhookUnauthorizedRate',
      ].sort(),
    );
    const tests = parse(readFileSync(join(PROMETHEUS_DIR, 'alerts.test.yml'), 'utf8')) as RuleTests;
    const cases = tests.tests.flatMap((test) => test.alert_rule_test);
    for (const { alert } of alerts) {
      const mine = cases.filter((entry) => entry.alertname === alert);
      expect(
        mine.some((entry) => entry.exp_alerts.length > 0),
        `${alert} fires in a test`,
      ).toBe(true);
      // EngineTargetDown's quiet case is the Temporal target in the same test: `up` of another job does not fire it.
      if (alert !== 'EngineTargetDown') {
        expect(
          mine.some((entry) => entry.exp_alerts.length === 0),
          `${alert} stays quiet in a test`,
        ).toBe(true);
      }
    }
  });

  it('every alert reads series the engine exports', async () => {
    const exported = await engineSeriesNames();
    for (const { alert, expr } of alerts) {
      const unknown = seriesIn(expr).filter((name) => !exported.has(name));
      expect(unknown, alert).toEqual([]);
    }
  });

  it('a failing alert test fails promtool (the unit tests can catch a wrong rule)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prometheus-rules-'));
    const broken = readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8').replace(
      'max(fulfill_holds_past_escalation) > 0',
      'max(fulfill_holds_past_escalation) > 5',
    );
    writeFileSync(join(dir, 'alerts.yml'), broken);
    writeFileSync(join(dir, 'alerts.test.yml'), readFileSync(join(PROMETHEUS_DIR, 'alerts.test.yml')));
    const result = promtool(['test', 'rules', join(dir, 'alerts.test.yml')]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('HoldWaitingPastEscalation');
  });
});

describe('docker-compose.yml wiring', () => {
  interface Service {
    image?: string;
    environment?: Record<string, string>;
    volumes?: string[];
    depends_on?: string[] | Record<string, unknown>;
  }
  const { services } = parse(readFileSync(join(PROMETHEUS_DIR, '..', '..', 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as { services: Record<string, Service> };

  it('the worker listens where Prometheus scrapes it', () => {
    expect(services.worker?.environment?.WORKER_METRICS_PORT).toBe('0.0.0.0:9464');
  });

  it('Prometheus reads deploy/prometheus, Grafana its provisioning and the dashboards, on pinned images', () => {
    expect(services.prometheus?.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(services.prometheus?.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    expect(services.grafana?.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(services.grafana?.volumes).toEqual(
      expect.arrayContaining([
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
        './deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    const datasources = parse(
      readFileSync(join(PROMETHEUS_DIR, '..', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8'),
    ) as { datasources: { uid: string; url: string }[] };
    expect(datasources.datasources).toContainEqual(
      expect.objectContaining({ uid: 'prometheus', url: 'http://prometheus:9090' }),
    );
  });
});

describe('Grafana dashboard', () => {
  const dashboard = readDashboard();

  it('is a dashboard Grafana can provision: uid, title, unique panel ids, a Prometheus data source variable', () => {
    expect(dashboard.uid).toBe('fulfillment-engine');
    expect(dashboard.title).toBeTruthy();
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource' }),
    );
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let row = y; row < y + h; row += 1) {
        for (let column = x; column < x + w; column += 1) {
          const cell = `${row}:${column}`;
          expect(cells.has(cell), `${panel.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
  });

  it('links the Temporal SDK dashboard', () => {
    expect(dashboard.links.map((link) => link.url)).toContain(
      'https://github.com/temporalio/dashboards/blob/main/sdk/temporal-core-sdks-otel.json',
    );
  });

  it('shows webhooks, vendor calls, 429s, holds, lab kits, notifications and the SDK view', () => {
    const read = new Set(dashboardExpressions(dashboard).flatMap(({ expr }) => seriesIn(expr)));
    for (const name of [
      'fulfill_webhooks_total',
      'fulfill_vendor_request_duration_seconds_count',
      'fulfill_vendor_rate_limited_total',
      'fulfill_vendor_retry_after_seconds_bucket',
      'fulfill_holds_opened_total',
      'fulfill_holds_resolved_total',
      'fulfill_holds_escalated_total',
      'fulfill_holds_past_escalation',
      'fulfill_open_workflows',
      'fulfill_partner_notifications_total',
      'fulfill_orders_created_total',
      'temporal_workflow_task_schedule_to_start_latency_bucket',
    ]) {
      expect(read.has(name), name).toBe(true);
    }
  });

  it('every engine series a panel reads is exported', async () => {
    const exported = await engineSeriesNames();
    for (const { panel, expr } of dashboardExpressions(dashboard)) {
      const unknown = seriesIn(expr).filter((name) => name.startsWith('fulfill_') && !exported.has(name));
      expect(unknown, panel).toEqual([]);
    }
  });

  it('every panel expression is valid PromQL (promtool parses them as recording rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-rules-'));
    const file = join(dir, 'dashboard-rules.yml');
    const expressions = dashboardExpressions(dashboard);
    writeFileSync(
      file,
      stringify({
        groups: [
          {
            name: 'dashboard',
            rules: expressions.map(({ expr }, index) => ({ record: `dashboard:panel_${index}`, expr })),
          },
        ],
      }),
    );
    const result = promtool(['check', 'rules', file]);
    expect(result.output).toContain(`SUCCESS: ${expressions.length} rules found`);
    expect(result.status).toBe(0);
  });
});
