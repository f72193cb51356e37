// Parked events: the list, and one event: where it is kept and why, its body for users allowed to read it (decrypted:
// it may hold PHI), and the re-drive button with what became of the last re-drive.
import { html, type Html } from '../html.js';
import type { ParkedEvent, ParkedListing } from '../../operators/parked-events.js';
import { vendorName } from '../queue.js';
import { redriveHeadline, type RedriveOutcome } from '../redrive.js';
import { timeAgo, timeAt, columnHeads } from './format.js';
import { csrfField } from './layout.js';

function sourceName(event: ParkedEvent): string {
  return event.source === 'dead-letter' ? 'dead letter' : 'bridge spool';
}

export function parkedListBody(listing: ParkedListing, now: number): Html {
  return html`<h1>Parked events</h1>
    <p>
      Authentic webhooks the engine kept because they fit no workflow (the dead letter) or Temporal refused them (the
      bridge spool). Inspect one, fix the cause, and re-drive it through the webhook pipeline.
    </p>
    ${
      listing.problems.length > 0
        ? html`<div class="notice warn" role="status">
            <ul>
              ${listing.problems.map((problem) => html`<li>${problem}</li>`)}
            </ul>
          </div>`
        : ''
    }
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">
          Parked events, oldest first
        </caption>
        ${columnHeads('Received', 'Event', 'Vendor', 'Reason', 'Kept in')}
        <tbody>
          ${
            listing.events.length === 0
              ? html`<tr>
                  <td colspan="5" class="empty">No parked events.</td>
                </tr>`
              : listing.events.map(
                  (event) =>
                    html`<tr>
                      <td data-label="Received">${timeAgo(event.receivedAt, now)}</td>
                      <td data-label="Event"><a href="/console/parked/${event.id}">${event.topic ?? 'event'}</a></td>
                      <td data-label="Vendor">${vendorName(event.vendor)}</td>
                      <td data-label="Reason">${event.reason}</td>
                      <td data-label="Kept in">
                        ${sourceName(event)}${event.arrivals && event.arrivals > 1 ? ` (${event.arrivals} arrivals)` : ''}
                      </td>
                    </tr>`,
                )
          }
        </tbody>
      </table>
    </div>`;
}

function prettyBody(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export interface ParkedEventView {
  event: ParkedEvent;
  /** Present only for users allowed to read bodies. */
  body?: Buffer;
  redrive?: RedriveOutcome;
  csrfToken?: string;
  now: number;
}

export function parkedEventBody(view: ParkedEventView): Html {
  const { event, now } = view;
  return html`<p><a href="/console/parked">← Parked events</a></p>
    <h1>Parked ${vendorName(event.vendor)} ${event.topic ?? 'event'}</h1>
    ${
      view.redrive
        ? html`<p
            class="flash ${view.redrive.delivered ? 'success' : 'error'}"
            role="${view.redrive.delivered ? 'status' : 'alert'}"
          >
            ${redriveHeadline(view.redrive)}
          </p>`
        : ''
    }
    <dl class="facts">
      <div>
        <dt>Reason</dt>
        <dd>${event.reason}</dd>
      </div>
      <div>
        <dt>Received</dt>
        <dd>${timeAt(event.receivedAt, now)}</dd>
      </div>
      <div>
        <dt>Kept in</dt>
        <dd>${sourceName(event)}: <code>${event.where}</code></dd>
      </div>
      ${
        event.requestId
          ? html`<div>
              <dt>Bridge request id</dt>
              <dd><code>${event.requestId}</code></dd>
            </div>`
          : ''
      }
      ${
        event.arrivals
          ? html`<div>
              <dt>Arrivals</dt>
              <dd>${event.arrivals}</dd>
            </div>`
          : ''
      }
      <div>
        <dt>Id</dt>
        <dd><code>${event.id}</code></dd>
      </div>
    </dl>
    <section aria-labelledby="body-title">
      <h2 id="body-title">Body</h2>
      ${
        view.body
          ? html`<p class="muted">
                As the vendor sent it
                (${
                  event.source === 'dead-letter'
                    ? 'from the dead-letter workflow, decrypted through the payload codec'
                    : "from the bridge's spool directory"
                }).
                It may hold PHI.
              </p>
              <pre class="body" tabindex="0" aria-label="Event body">${prettyBody(view.body)}</pre>`
          : html`<p class="notice warn" role="status">
              You may not read event bodies: they may hold PHI. Reading them needs a partner API key with the admin
              scope, or an access token allowed to decode (CODEC_DECODE_ALLOWED).
            </p>`
      }
    </section>
    <section aria-labelledby="redrive-title">
      <h2 id="redrive-title">Re-drive</h2>
      <p>
        Hands the stored body to the webhook pipeline again, as if the vendor had just sent it: it reaches its workflow,
        or is kept again with the reason. Workflows ignore an event they already have.
      </p>
      <form method="post" action="/console/parked/${event.id}/redrive">
        ${csrfField(view.csrfToken)}
        <button type="submit">Re-drive this event</button>
      </form>
    </section>`;
}
