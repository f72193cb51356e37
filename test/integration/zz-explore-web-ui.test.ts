// TEMPORARY exploration of the bundled Web UI (not committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startDevServer, type StartedDevServer } from '../../src/temporal/dev-server.js';
import { launchChromium } from '../harness/chromium.js';
import { firstPrescriptionId, orderOf, waitForOrder } from '../harness/honeybee.js';
import { freePort } from '../harness/ports.js';
import { startStack, type EngineStack } from '../harness/stack.js';

const OUT = '/tmp/explore';

describe('explore', () => {
  let server: StartedDevServer;
  let stack: EngineStack;
  let browser: BrowserContext;
  let uiUrl: string;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await launchChromium();
    const [uiPort, codecPort] = [await freePort(), await freePort()];
    uiUrl = `http://127.0.0.1:${uiPort}`;
    server = await startDevServer({ ip: '127.0.0.1', uiPort, uiCodecEndpoint: `http://127.0.0.1:${codecPort}` });
    stack = await startStack({
      temporal: { address: server.address, namespace: 'default' },
      codecPort,
      engine: { HONEYBEE_WORKFLOW_MODE: 'partner_requested', CODEC_CORS_ORIGINS: `${uiUrl},http://localhost:${uiPort}` },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await server?.teardown();
  });

  async function step(name: string, page: Page, fn: () => Promise<void>) {
    try {
      await fn();
      writeFileSync(`${OUT}/${name}.log`, 'ok\n');
    } catch (error) {
      writeFileSync(`${OUT}/${name}.log`, String(error instanceof Error ? error.stack : error));
    }
    await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true }).catch(() => undefined);
    writeFileSync(`${OUT}/${name}.html`, await page.content().catch(() => ''));
  }

  it('explores', async () => {
    const rx = firstPrescriptionId(await stack.control.runScenario('exception-74', { refills: 0 }));
    const orderNumber = await orderOf(stack.client, rx);
    await waitForOrder(stack.client, orderNumber, (s) => s.status === 'On Hold' && !!s.exception);
    const workflowId = `honeybee-order-${orderNumber}`;
    const page = await browser.newPage();
    const log: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') log.push(`POST ${r.url()} ${r.postData()?.slice(0, 500) ?? ''}`);
    });
    page.on('response', async (r) => {
      if (r.request().method() === 'POST') log.push(`RESP ${r.status()} ${r.url()} ${(await r.text().catch(() => '')).slice(0, 800)}`);
    });
    page.on('console', (m) => log.push(`console ${m.type()} ${m.text().slice(0, 300)}`));
    await page.goto(`${uiUrl}/namespaces/default/workflows/${workflowId}`);
    await page.waitForTimeout(5000);
    await step('01-menu', page, async () => {
      await page.getByRole('button', { name: 'More Actions' }).click();
      await page.waitForTimeout(500);
      const items = await page.getByRole('menuitem').allInnerTexts();
      writeFileSync(`${OUT}/01-menuitems.txt`, items.join('\n'));
    });
    await step('02-signal-empty', page, async () => {
      await page.getByRole('menuitem', { name: 'Send a Signal' }).click();
      const dialog = page.locator('dialog[open]').filter({ hasText: 'Send a Signal' });
      await dialog.getByTestId('signal-select-button').click();
      await dialog.getByRole('option').filter({ hasText: 'resolveException' }).first().click();
      await page.waitForTimeout(500);
      const submit = dialog.getByTestId('confirm-modal-button');
      writeFileSync(`${OUT}/02-submit-enabled.txt`, String(await submit.isEnabled()));
      writeFileSync(`${OUT}/02-dialog.html`, await dialog.evaluate((d) => d.outerHTML));
      if (await submit.isEnabled()) await submit.click();
      await page.waitForTimeout(3000);
    });
    await step('03-menu-again', page, async () => {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
      await page.getByRole('button', { name: 'More Actions' }).click();
      await page.waitForTimeout(500);
      const updateItem = page.getByRole('menuitem').filter({ hasText: /Update/ });
      writeFileSync(`${OUT}/03-update-items.txt`, (await updateItem.allInnerTexts()).join('\n'));
      await updateItem.first().click();
      await page.waitForTimeout(1000);
      const dialog = page.locator('dialog[open]');
      writeFileSync(`${OUT}/03-dialog.html`, await dialog.first().evaluate((d) => d.outerHTML));
    });
    await step('04-update-select', page, async () => {
      const dialog = page.locator('dialog[open]').first();
      const buttons = await dialog.locator('button, [data-testid]').evaluateAll((els) =>
        els.map((e) => `${e.tagName} ${e.getAttribute('data-testid') ?? ''} ${(e as HTMLElement).innerText?.slice(0, 60)}`),
      );
      writeFileSync(`${OUT}/04-buttons.txt`, buttons.join('\n'));
      const select = dialog.getByTestId('update-select-button');
      if (await select.count()) await select.click();
      else await dialog.getByRole('combobox').first().click();
      await page.waitForTimeout(500);
      const options = await page.getByRole('option').allInnerTexts();
      writeFileSync(`${OUT}/04-options.txt`, options.join('\n---\n'));
      await page.getByRole('option').filter({ hasText: 'resolveExceptionUpdate' }).first().click();
      await page.waitForTimeout(500);
      writeFileSync(`${OUT}/04-dialog.html`, await dialog.evaluate((d) => d.outerHTML));
    });
    await step('05-update-wrong', page, async () => {
      const dialog = page.locator('dialog[open]').first();
      const editor = dialog.getByRole('textbox').last();
      await editor.click();
      await page.keyboard.insertText(
        JSON.stringify({ action: 'release_hold', fields: {}, operator: 'ui-operator', reason: 'wrong action' }),
      );
      await editor.blur();
      await page.waitForTimeout(500);
      const submit = dialog.getByTestId('confirm-modal-button');
      writeFileSync(`${OUT}/05-submit.txt`, `${await submit.count()} ${await submit.isEnabled().catch(() => 'x')}`);
      await submit.click();
      await page.waitForTimeout(4000);
      writeFileSync(`${OUT}/05-body.txt`, await page.locator('body').innerText());
    });
    await step('06-update-right', page, async () => {
      const dialog = page.locator('dialog[open]').first();
      writeFileSync(`${OUT}/06-dialog-open.txt`, String(await dialog.count()));
      writeFileSync(`${OUT}/06-body-before.txt`, await page.locator('body').innerText());
    });
    writeFileSync(`${OUT}/requests.log`, log.join('\n'));
  });
});
