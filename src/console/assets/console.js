// The operator console's only script, and nothing depends on it: every page works without it. It keeps relative
// times ("in 3h 59m") current, and on the queue page reloads the rows every few seconds (a checkbox pauses it), never
// while the keyboard focus is inside them, announcing the new summary politely to screen readers.
'use strict';

/** The same words as the server (src/cli/output.ts formatAge). */
function age(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${seconds}s`;
}

function updateRelativeTimes(root) {
  for (const element of root.querySelectorAll('time[data-relative]')) {
    const at = Date.parse(element.getAttribute('datetime') || '');
    if (Number.isNaN(at)) continue;
    const delta = at - Date.now();
    element.textContent = delta >= 0 ? `in ${age(delta)}` : `${age(-delta)} ago`;
  }
}

function startLiveRefresh() {
  const container = document.querySelector('[data-refresh]');
  const rows = document.getElementById('queue-rows');
  const summary = document.getElementById('queue-summary');
  if (!container || !rows || !summary) return;
  const seconds = Number(container.getAttribute('data-refresh')) || 10;
  const toggleLabel = document.querySelector('[data-live-toggle]');
  const toggle = toggleLabel && toggleLabel.querySelector('input');
  if (toggleLabel) toggleLabel.hidden = false;

  let busy = false;
  async function refresh() {
    if (busy || (toggle && !toggle.checked) || document.visibilityState !== 'visible') return;
    // Never pull the rows from under the keyboard.
    if (rows.contains(document.activeElement)) return;
    busy = true;
    try {
      const response = await fetch(window.location.href, {
        credentials: 'same-origin',
        headers: { accept: 'text/html' },
      });
      if (!response.ok || new URL(response.url).pathname !== window.location.pathname) {
        summary.textContent = 'Live refresh stopped: reload the page (your sign-in may have ended).';
        if (toggle) toggle.checked = false;
        return;
      }
      const next = new DOMParser().parseFromString(await response.text(), 'text/html');
      const nextRows = next.getElementById('queue-rows');
      const nextSummary = next.getElementById('queue-summary');
      if (!nextRows || !nextSummary || rows.contains(document.activeElement)) return;
      rows.replaceChildren(...Array.from(nextRows.childNodes, (node) => document.importNode(node, true)));
      summary.replaceChildren(...Array.from(nextSummary.childNodes, (node) => document.importNode(node, true)));
      updateRelativeTimes(rows);
    } catch {
      summary.textContent = 'Live refresh failed; retrying.';
    } finally {
      busy = false;
    }
  }
  window.setInterval(() => void refresh(), seconds * 1000);
}

document.addEventListener('DOMContentLoaded', () => {
  updateRelativeTimes(document);
  window.setInterval(() => updateRelativeTimes(document), 15000);
  startLiveRefresh();
});
