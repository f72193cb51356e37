// The queue page: filters (a plain GET form: it works without the script), a summary the script announces when it
// refreshes the rows, and one row per hold or parked event, oldest first, each with its reason, escalation level and
// the time until the next escalation.
import type { Vendor } from '../../domain/vendors.js';
import { html, type Html } from '../html.js';
import { QUEUE_LIMIT, vendorName, type QueueFilters, type QueueReading, type QueueRow } from '../queue.js';
import { timeAgo, utc, columnHeads } from './format.js';

/** How often the script reloads the rows. */
export const REFRESH_SECONDS = 10;

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}" ${selected ? html` selected` : ''}>${label}</option>`;
}

function escalation(row: QueueRow): Html {
  if (row.escalationLevel === null) return html`<span class="muted">does not escalate</span>`;
  return html`${row.escalationLevel}`;
}

function nextEscalation(row: QueueRow, now: number): Html {
  if (row.kind === 'parked') return html`<span class="muted">—</span>`;
  if (!row.nextEscalationAt) return html`<span class="muted">none scheduled</span>`;
  return timeAgo(row.nextEscalationAt, now);
}

function actions(row: QueueRow): Html {
  if (row.kind === 'parked') return html`inspect, re-drive`;
  if (row.stuck) return html`<span class="muted">none until repaired</span>`;
  if (row.actions === null) return html`<span class="muted">unknown (no answer)</span>`;
  return html`${row.actions.join(', ') || '—'}`;
}

function rowMarkup(row: QueueRow, now: number): Html {
  return html`<tr class="${row.stuck ? 'stuck' : row.kind}" data-id="${row.id}">
    <td data-label="Waiting since">${timeAgo(row.since, now)}</td>
    <td data-label="What">
      <a href="${row.href}">${row.title}</a>${row.stuck ? html` <span class="badge danger">stuck</span>` : ''}${
        row.kind === 'parked' ? html` <span class="badge">parked</span>` : ''
      }
    </td>
    <td data-label="Vendor">${vendorName(row.vendor)}</td>
    <td data-label="Reason">${row.reason}</td>
    <td data-label="Escalation level">${escalation(row)}</td>
    <td data-label="Next escalation">${nextEscalation(row, now)}</td>
    <td data-label="Actions">${actions(row)}</td>
  </tr>`;
}

export function queueRows(reading: QueueReading, now: number): Html {
  if (reading.rows.length === 0) {
    return html`<tr>
      <td colspan="7" class="empty">Nothing here waits for an operator.</td>
    </tr>`;
  }
  return html`${reading.rows.map((row) => rowMarkup(row, now))}`;
}

export function queueSummary(reading: QueueReading, now: number): Html {
  const { totals } = reading;
  return html`${reading.rows.length} shown · ${totals.holds} waiting for an operator (${totals.stuck} stuck) ·
    ${totals.parked} parked · updated
    <time datetime="${new Date(now).toISOString()}">${utc(new Date(now).toISOString())}</time>`;
}

export function queueBody(reading: QueueReading, filters: QueueFilters, now: number): Html {
  const vendor = (value: Vendor | '') => filters.vendor === value || (!filters.vendor && value === '');
  return html`<h1>Queue</h1>
    <form class="filters" method="get" action="/console" aria-label="Filters">
      <div class="field">
        <label for="filter-vendor">Vendor</label>
        <select id="filter-vendor" name="vendor">
          ${option('', 'All vendors', vendor(''))} ${option('honeybee', 'Honeybee (prescriptions)', vendor('honeybee'))}
          ${option('onegevity', 'Onegevity (lab kits)', vendor('onegevity'))}
        </select>
      </div>
      <div class="field">
        <label for="filter-kind">Show</label>
        <select id="filter-kind" name="kind">
          ${option('all', 'Everything', filters.kind === 'all')}
          ${option('holds', 'Workflows waiting for an operator', filters.kind === 'holds')}
          ${option('stuck', 'Stuck workflows', filters.kind === 'stuck')}
          ${option('parked', 'Parked events', filters.kind === 'parked')}
        </select>
      </div>
      <div class="field grow">
        <label for="filter-search">Search</label>
        <input
          id="filter-search"
          name="q"
          type="search"
          value="${filters.search ?? ''}"
          placeholder="id, reason, action"
        />
      </div>
      <button type="submit">Apply</button>
      <label class="toggle" hidden data-live-toggle
        ><input type="checkbox" checked /> Live refresh (every ${REFRESH_SECONDS} s)</label
      >
    </form>
    ${
      reading.problems.length > 0
        ? html`<div class="notice warn" role="status">
            <p>Some of the queue could not be read:</p>
            <ul>
              ${reading.problems.map((problem) => html`<li>${problem}</li>`)}
            </ul>
          </div>`
        : ''
    }
    <p id="queue-summary" class="muted" aria-live="polite">${queueSummary(reading, now)}</p>
    <div class="table-wrap" data-refresh="${REFRESH_SECONDS}">
      <table class="queue">
        <caption class="visually-hidden">
          What waits for an operator, oldest first (at most ${QUEUE_LIMIT} workflows)
        </caption>
        ${columnHeads('Waiting since', 'What', 'Vendor', 'Reason', 'Escalation level', 'Next escalation', 'Actions')}
        <tbody id="queue-rows">
          ${queueRows(reading, now)}
        </tbody>
      </table>
    </div>`;
}
