// Chromium for browser tests: Debian's `chromium` package (installed by scripts/setup.mjs when it runs as root with
// apt-get), or whatever CHROMIUM_PATH names. Driven by playwright-core, which brings no browser of its own. A missing
// browser fails the test with what to do: browser tests are never skipped.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist.`);
    return configured;
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      'Chromium is not installed, and the browser test needs it. Install the Debian package: ' +
        '`sudo apt-get install chromium` (or run `node scripts/setup.mjs` as root, which does it), ' +
        'or set CHROMIUM_PATH to a Chromium/Chrome executable. (`npx playwright install` is not used.)',
    );
  }
  return found;
}

/**
 * A headless Chromium with a fresh profile (its own --user-data-dir, which playwright takes as a persistent context),
 * no sandbox (containers) and no background network chatter.
 */
export async function launchChromium(viewport = { width: 1400, height: 1200 }): Promise<BrowserContext> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'fulfill-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
