// Times as the console shows them: UTC for the record, and how long ago or how soon (the page's script keeps the
// relative part current between refreshes, from the `datetime` attribute).
import { formatAge } from '../../cli/output.js';
import { html, type Html } from '../html.js';

export function utc(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

/** "in 3h 59m", "12m 5s ago". */
export function relative(iso: string, now: number): string {
  const delta = Date.parse(iso) - now;
  return delta >= 0 ? `in ${formatAge(delta)}` : `${formatAge(-delta)} ago`;
}

/** A time element: relative text, the UTC time as its title, kept current by the page's script. */
export function timeAgo(iso: string, now: number): Html {
  return html`<time datetime="${iso}" title="${utc(iso)}" data-relative>${relative(iso, now)}</time>`;
}

/** A time element showing the UTC time, with the relative time after it. */
export function timeAt(iso: string, now: number): Html {
  return html`<time datetime="${iso}">${utc(iso)}</time> <span class="muted">(${timeAgo(iso, now)})</span>`;
}

/** A form control's id from free text (action and field names). */
export function controlId(...parts: string[]): string {
  return parts.map((part) => part.replace(/[^A-Za-z0-9_-]/g, '-')).join('--');
}

/** A table's header row. */
export function columnHeads(...names: string[]): Html {
  return html`<thead>
    <tr>
      ${names.map((name) => html`<th scope="col">${name}</th>`)}
    </tr>
  </thead>`;
}
