// How `fulfill sandbox` prints the control API's answers for people (`--json` prints them as they are).
import type { ControlApi, ScenarioResult } from '../../sandbox/control/types.js';
import { table } from '../output.js';

export function describeScenario(result: ScenarioResult): string {
  const patient = result.patient;
  const lines = [`Scenario ${result.scenario}: patient ${patient.id}, partner directory: ${patient.directory}`];
  if (patient.honeybeePatientId !== undefined) {
    lines.push(`  Honeybee patient_id ${patient.honeybeePatientId}, ehr_id ${patient.ehrId ?? 'null'}`);
  }
  if (patient.patientIdentifier) lines.push(`  Onegevity patientIdentifier ${patient.patientIdentifier}`);
  if (result.prescriptionIds) lines.push(`  prescriptions ${result.prescriptionIds.join(', ')}`);
  if (result.orderNumber) lines.push(`  order ${result.orderNumber} (Automatic Processing)`);
  if (result.plannedHolds) {
    lines.push(`  planned holds ${result.plannedHolds.map((hold) => `${hold.reasonId}@${hold.at}`).join(', ')}`);
  }
  if (result.kitPlan) {
    lines.push(`  kit plan: reject first ${result.kitPlan.rejectFirst}, activation by ${result.kitPlan.activation}`);
  }
  if (result.kitOrder) lines.push(`  kit order ${result.kitOrder.orderIdentifier}`);
  for (const fault of result.faults ?? []) {
    lines.push(`  fault ${fault.id}: ${fault.endpoint ?? fault.path} until ${fault.expiresAt ?? 'cleared'}`);
  }
  lines.push(`  next: ${result.expect}`);
  return lines.join('\n');
}

export function describeCounters(counters: ControlApi['counters']): string {
  const hb = counters.honeybee;
  const og = counters.onegevity;
  const lines = [
    `Sandbox time ${counters.now}`,
    `Honeybee: ${hb.ordersCreated} orders (${hb.createOrderRequests} create requests), ${hb.tokensIssued} tokens`,
  ];
  for (const [rx, counts] of Object.entries(hb.prescriptions)) {
    const fills = Object.entries(counts.byFill)
      .map(([fill, count]) => `fill ${fill}: ${count}`)
      .join(', ');
    lines.push(
      `  prescription ${rx}: ${fills || 'no orders'}; reorders ${counts.reorders}, canceled ${counts.canceled}, ` +
        `409s ${counts.conflicts}, rejected ${counts.rejected}`,
    );
  }
  lines.push(
    `Onegevity: ${og.ordersCreated} orders (${og.createOrderRequests} create requests, ${og.orderConflicts} conflicts), ` +
      `${og.validationErrors} validation errors, activations api ${og.kitActivations.api} / patient ${og.kitActivations.patient}`,
  );
  for (const [order, count] of Object.entries(og.fulfillmentRequestsPerOrder)) {
    lines.push(`  order ${order}: ${count} fulfillment request(s)`);
  }
  for (const vendor of ['honeybee', 'onegevity'] as const) {
    const w = counters.webhooks[vendor];
    lines.push(
      `Webhooks ${vendor}: ${w.events} events, ${w.deliveries} deliveries, ${w.attempts} attempts, ` +
        `${w.delivered} delivered, ${w.failed} failed, ${w.dropped} dropped, ${w.pending} pending`,
    );
  }
  lines.push(
    `Partner notifications: ${counters.partner.accepted} accepted, ${counters.partner.rejected} rejected, ` +
      `${counters.partner.duplicates} duplicates`,
  );
  return lines.join('\n');
}

export function describeWebhooks(result: ControlApi['webhooks']): string {
  const rows = result.deliveries.map((delivery) => {
    const last = delivery.attempts.at(-1);
    return [
      delivery.id,
      delivery.vendor,
      delivery.eventType,
      delivery.subject ?? '',
      delivery.state,
      String(delivery.attempts.length),
      last ? (last.status !== undefined ? String(last.status) : (last.error ?? '')) : '',
    ];
  });
  const header = ['id', 'vendor', 'event', 'subject', 'state', 'attempts', 'last answer'];
  const { settings } = result;
  return [
    rows.length > 0 ? table([header, ...rows]) : 'No webhooks sent yet.',
    `Targets: honeybee ${settings.targets.honeybee}, onegevity ${settings.targets.onegevity}`,
    `Switches: duplicate ${settings.duplicate ? 'on' : 'off'}, reorder ${settings.reorder.enabled ? `on (batch ${settings.reorder.batchSize})` : 'off'}`,
  ].join('\n');
}

export function describeFaults(faults: ControlApi['faults']['faults']): string {
  if (faults.length === 0) return 'No faults.';
  return table([
    ['id', 'endpoint/path/webhook', 'method', '429', '503', '500', 'drop', 'lost', 'latency', 'injected', 'until'],
    ...faults.map((fault) => [
      fault.id,
      fault.endpoint ?? fault.path ?? (fault.webhook ? `webhook ${fault.webhook}` : ''),
      fault.method ?? '*',
      String(fault.rate429),
      String(fault.rate503),
      String(fault.rate500),
      String(fault.dropRate),
      String(fault.lostResponseRate),
      `${fault.latencyMs}ms`,
      `${fault.injected}${fault.limit !== undefined ? `/${fault.limit}` : ''}`,
      fault.expiresAt ?? '',
    ]),
  ]);
}

/** What an order's POST /orders carried: the allergies by name, the other lists by count (`--json` has them all). */
export function describePatientSafety(safety: Record<string, unknown> | undefined): string {
  if (!safety) return '';
  const list = (key: string) => (Array.isArray(safety[key]) ? (safety[key] as unknown[]) : undefined);
  const allergies = list('allergies');
  const names = allergies?.map((allergy) => (typeof allergy === 'string' ? allergy : JSON.stringify(allergy)));
  return [
    `allergies ${allergies === undefined ? '(none sent)' : names && names.length > 0 ? names.join('; ') : '[]'}`,
    `medications ${list('medications')?.length ?? '(none sent)'}`,
    `conditions ${list('health_conditions')?.length ?? '(none sent)'}`,
  ].join(', ');
}
