// Whether a browser says a console POST comes from another site. The session's CSRF token guards a cookie, but not a
// bearer that an authenticating proxy adds to every request (a cross-site form posted through the operator's browser
// would carry it), nor sign-in itself (a cross-site form could sign a browser in as someone else). Browsers say where a
// request comes from: `Sec-Fetch-Site` (every current browser), else `Origin`. A client that sends neither (curl, a
// script) is not a browser that could be tricked, and is let through.
import type { IncomingHttpHeaders } from 'node:http';

/** `Origin`'s host and port, normalised as `Host` would be under Origin's scheme (default ports dropped). */
function sameHost(origin: URL, host: string): boolean {
  try {
    return new URL(`${origin.protocol}//${host}`).host === origin.host;
  } catch {
    return false;
  }
}

/** What shows the request comes from another site (`Sec-Fetch-Site: cross-site`), or undefined when nothing does. */
export function crossSiteSign(headers: IncomingHttpHeaders): string | undefined {
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? undefined : `Sec-Fetch-Site: ${site}`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    // `null` (a sandboxed frame, a data: URL, some redirects) is no URL: never the console's own page.
    return `Origin: ${origin}`;
  }
  return sameHost(url, headers.host ?? '') ? undefined : `Origin: ${origin}`;
}
