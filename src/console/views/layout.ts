// The frame of every console page: skip link, header with who is signed in and sign-out, navigation, a one-time
// message, the page. Assets come from the bridge itself (no CDN: the console works offline and under a strict CSP).
import { html, type Html } from '../html.js';
import type { Flash } from '../sessions.js';

export interface PageUser {
  label: string;
  /** The session's CSRF token (sign-out is a POST); absent for a bearer-authenticated request. */
  csrfToken?: string;
}

export interface PageOptions {
  title: string;
  /** Which navigation entry is this page. */
  section?: 'queue' | 'parked';
  user?: PageUser;
  flash?: Flash;
  body: Html;
}

function navLink(href: string, label: string, current: boolean): Html {
  return html`<a href="${href}" ${current ? html` aria-current="page"` : ''}>${label}</a>`;
}

export function csrfField(token: string | undefined): Html {
  return token ? html`<input type="hidden" name="_csrf" value="${token}" />` : html``;
}

export function page(options: PageOptions): string {
  const { user, flash } = options;
  const document = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · Operator console</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/console">Operator console</a>
          ${
            user
              ? html`<nav aria-label="Console">
                    ${navLink('/console', 'Queue', options.section === 'queue')}
                    ${navLink('/console/parked', 'Parked events', options.section === 'parked')}
                  </nav>
                  <div class="who">
                    <span>Signed in as <strong>${user.label}</strong></span>
                    ${
                      user.csrfToken
                        ? html`<form method="post" action="/console/sign-out">
                            ${csrfField(user.csrfToken)}<button type="submit" class="link">Sign out</button>
                          </form>`
                        : ''
                    }
                  </div>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">
          ${flash ? html`<p class="flash ${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.text}</p>` : ''}
          ${options.body}
        </main>
      </body>
    </html>`;
  return document.markup;
}
