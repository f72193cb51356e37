// An operator resolves an On Hold order in the real Temporal Web UI: Chromium (Debian's, driven by playwright-core)
// opens the held order on a dev server of this test's own (with the UI, decoding through the codec service), reads the
// current details, sends `resolveException` through "Send a Signal" (the UI encodes the input through the codec
// service), and the order moves on: Temporal records the accepted resolution with the UI's identity, the stage leaves
// ORDER_ON_HOLD, and the sandbox pharmacy received the action. And what an operator gets wrong there (issue 14.3): a
// signal sent with an empty input box or with garbage leaves the order On Hold, its current details saying why; an
// update (`resolveExceptionUpdate`, "Send an Update") with an action not offered shows the validator's message in the
// dialog and changes nothing, and the right one moves the order on. Screenshots go to test/artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/temporal/binaries.js';
import { honeybeeOrderStatusQuery } from '../../workflows/honeybee/messages.js';
import { startDevServer, type StartedDevServer } from '../../src/temporal/dev-server.js';
import { launchChromium } from '../harness/chromium.js';
import { runFulfill } from '../harness/fulfill-cli.js';
import { firstPrescriptionId, orderOf, searchAttributes, waitForOrder } from '../harness/honeybee.js';
import { freePort } from '../harness/ports.js';
import { startStack, type EngineStack } from '../harness/stack.js';

const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');
/**
 * How long a UI state may take to show (vitest's expect.poll gives 1 s unless told): the signal list is filled from a
 * query the worker answers, and Chromium renders on a CI machine loaded with other suites.
 */
const UI = { timeout: 15_000 };

describe('operators in the Temporal Web UI', () => {
  let server: StartedDevServer;
  let stack: EngineStack;
  let browser: BrowserContext;
  let uiUrl: string;

  beforeAll(async () => {
    // The browser first: without Chromium the test fails at once, saying how to install it.
    browser = await launchChromium();
    const [uiPort, codecPort] = [await freePort(), await freePort()];
    uiUrl = `http://127.0.0.1:${uiPort}`;
    server = await startDevServer({
      ip: '127.0.0.1',
      uiPort,
      uiCodecEndpoint: `http://127.0.0.1:${codecPort}`,
    });
    stack = await startStack({
      temporal: { address: server.address, namespace: 'default' },
      codecPort,
      engine: {
        HONEYBEE_WORKFLOW_MODE: 'partner_requested',
        CODEC_CORS_ORIGINS: `${uiUrl},http://localhost:${uiPort}`,
      },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await server?.teardown();
  });

  async function screenshot(page: Page, name: string): Promise<string> {
    const path = join(ARTIFACTS, name);
    await page.screenshot({ path, fullPage: true });
    process.stdout.write(`[web-ui] screenshot ${path}\n`);
    return path;
  }

  /** The visible text of the current details (the UI renders the markdown in an iframe of its own). */
  async function currentDetails(page: Page): Promise<string> {
    for (const frame of page.frames()) {
      if (!new URL(frame.url()).pathname.endsWith('/render')) continue;
      const text = await frame
        .locator('body')
        .innerText()
        .catch(() => '');
      if (text.includes('Honeybee order')) return text;
    }
    return '';
  }

  /** Opens "More Actions" → `item` and returns its dialog. */
  async function openDialog(page: Page, item: 'Send a Signal' | 'Send an Update'): Promise<Locator> {
    await page.getByRole('button', { name: 'More Actions' }).click();
    await page.getByRole('menuitem', { name: item }).click();
    const dialog = page.locator('dialog[open]').filter({ hasText: item });
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true);
    return dialog;
  }

  /** Picks the message `name` in the dialog's list (`kind`: the list's test id, `signal-select` or `update-select`). */
  async function chooseMessage(dialog: Locator, kind: 'signal-select' | 'update-select', name: string): Promise<void> {
    await dialog.getByTestId(`${kind}-button`).click();
    const option = dialog.getByRole('option').filter({ hasText: new RegExp(`^\\s*${name}\\b`) });
    await expect.poll(() => option.first().isVisible(), UI).toBe(true);
    await option.first().click();
  }

  /** Replaces the dialog's input with `text`, as an operator would paste it. */
  async function typeInput(page: Page, dialog: Locator, text: string): Promise<void> {
    const editor = dialog.getByRole('textbox', { name: 'Data' });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    // insertText: typing key by key would meet the editor's auto-closed brackets and quotes.
    await page.keyboard.insertText(text);
    // Leaving the editor reformats the JSON (and moves the buttons): do it before aiming at Submit.
    await editor.blur();
  }

  async function submit(dialog: Locator): Promise<void> {
    const button = dialog.getByTestId('confirm-modal-button');
    await expect.poll(() => button.isEnabled(), UI).toBe(true);
    await button.click();
  }

  /** The order's current details as the UI shows them, once they contain `expected`. */
  async function detailsShowing(page: Page, expected: string | RegExp): Promise<string> {
    await page.reload();
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    await expect.poll(() => currentDetails(page), { timeout: 30_000 }).toMatch(expected);
    return currentDetails(page);
  }

  it('lists resolveException with its description, sends it from "Send a Signal", and the order moves on', async () => {
    const rx = firstPrescriptionId(await stack.control.runScenario('exception-74', { refills: 0 }));
    const orderNumber = await orderOf(stack.client, rx);
    const held = await waitForOrder(stack.client, orderNumber, (s) => s.status === 'On Hold' && !!s.exception);
    expect(held.exception?.code).toBe('74');
    const workflowId = `honeybee-order-${orderNumber}`;

    const page = await browser.newPage();
    const codecCalls: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin === stack.codec!.url && request.method() === 'POST') codecCalls.push(url.pathname);
    });
    await page.goto(`${uiUrl}/namespaces/default/workflows/${workflowId}`);
    await expect.poll(() => page.getByText(workflowId).first().isVisible(), { timeout: 30_000 }).toBe(true);
    // The input is shown decoded (through the codec endpoint): the order number is inside the encrypted payload.
    await expect
      .poll(() => page.getByText(`"orderNumber": "${orderNumber}"`).first().isVisible(), { timeout: 30_000 })
      .toBe(true);

    // The current details: what is wrong, the actions offered, and an input to paste.
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    await expect
      .poll(() => currentDetails(page), { timeout: 30_000 })
      .toContain(`Honeybee order ${orderNumber}: On Hold`);
    const details = await currentDetails(page);
    expect(details).toContain('74 Allergy Detected');
    expect(details).toMatch(/override_allergy\s+prescriber_note/);
    expect(details).toContain('"action":"override_allergy"');
    await screenshot(page, 'web-ui-1-current-details.png');

    await page.getByRole('button', { name: 'More Actions' }).click();
    await page.getByRole('menuitem', { name: 'Send a Signal' }).click();
    const dialog = page.locator('dialog[open]').filter({ hasText: 'Send a Signal' });
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true);
    await dialog.getByTestId('signal-select-button').click();
    const option = dialog.getByRole('option').filter({ hasText: 'resolveException' });
    await expect.poll(() => option.isVisible(), UI).toBe(true);
    expect(await option.innerText()).toContain('Resolve the On Hold exception with one of its offered actions');
    const offered = await dialog.getByRole('option').allInnerTexts();
    expect(offered.some((text) => text.startsWith('cancel'))).toBe(true);
    await screenshot(page, 'web-ui-2-signal-list.png');
    await option.click();

    const input = {
      action: 'override_allergy',
      fields: { prescriber_note: 'benefit outweighs risk' },
      operator: 'ui-operator',
      reason: 'prescriber confirmed by phone',
    };
    const editor = dialog.getByRole('textbox', { name: 'Data' });
    await editor.click();
    // insertText: typing key by key would meet the editor's auto-closed brackets and quotes.
    await page.keyboard.insertText(JSON.stringify(input));
    // Leaving the editor reformats the JSON (and moves the buttons): do it before aiming at Submit.
    await editor.blur();
    await expect.poll(async () => (await editor.innerText()).includes('\n'), UI).toBe(true);
    await screenshot(page, 'web-ui-3-signal-input.png');
    const submit = dialog.getByTestId('confirm-modal-button');
    await expect.poll(() => submit.isEnabled(), UI).toBe(true);
    await submit.click();
    await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(false);
    // The UI encoded the typed input through the codec service before sending it: the history holds it encrypted.
    expect(codecCalls).toContain('/encode');
    expect(codecCalls).toContain('/decode');
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    const signaled = history.events
      ?.map((event) => event.workflowExecutionSignaledEventAttributes)
      .find((attributes) => attributes?.signalName === 'resolveException');
    const payload = signaled?.input?.payloads?.[0];
    expect(Buffer.from(payload?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    expect(Buffer.from(payload?.data ?? []).toString('latin1')).not.toContain('ui-operator');
    // The UI sends a signal without an identity (unlike its updates and terminations): the audit says the sender was
    // not recorded, beside the operator name typed into the input.
    const audit = await runFulfill(['audit', orderNumber], { ...stack.env, LOG_LEVEL: 'warn' });
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toContain(
      `by ui-operator: prescriber confirmed by phone${signaled?.identity ? ` [sent by ${signaled.identity}]` : ' [sender not recorded]'}`,
    );

    // Through Temporal: the resolution was accepted (by the operator, with the reason) and the order moved on.
    const resolved = await waitForOrder(stack.client, orderNumber, (s) =>
      s.decisions.some((d) => d.operator === 'ui-operator' && d.outcome === 'accepted'),
    );
    const decision = resolved.decisions.find((d) => d.operator === 'ui-operator')!;
    expect(decision).toMatchObject({
      via: 'signal',
      action: 'override_allergy',
      reason: 'prescriber confirmed by phone',
      outcome: 'accepted',
    });
    const movedOn = await waitForOrder(stack.client, orderNumber, (s) => s.status !== 'On Hold');
    expect(movedOn.stage).not.toBe('ORDER_ON_HOLD');
    expect((await searchAttributes(stack.client, workflowId)).NeedsOperator).toBe(false);
    // The sandbox pharmacy received the action, with the request id the workflow recorded.
    const { requests } = await stack.control.requests({ endpoint: 'honeybee.orderAction' });
    expect(decision.requestId).toBeDefined();
    expect(requests.find((entry) => entry.requestId === decision.requestId)).toMatchObject({
      endpoint: 'honeybee.orderAction',
      status: 204,
    });

    await page.reload();
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    await expect
      .poll(() => currentDetails(page), { timeout: 30_000 })
      .toMatch(new RegExp(`Honeybee order ${orderNumber}: (Filling|Shipped|Delivered)`));
    await screenshot(page, 'web-ui-4-after-resolution.png');
  });

  it('refuses an empty or garbage signal and a wrong update in the UI, saying why; the right update moves the order on', async () => {
    const rx = firstPrescriptionId(await stack.control.runScenario('exception-74', { refills: 0 }));
    const orderNumber = await orderOf(stack.client, rx);
    await waitForOrder(stack.client, orderNumber, (s) => s.status === 'On Hold' && !!s.exception);
    const workflowId = `honeybee-order-${orderNumber}`;
    const handle = stack.client.workflow.getHandle(workflowId);
    const rejections = async () =>
      (await handle.query(honeybeeOrderStatusQuery)).decisions.filter((d) => d.outcome === 'rejected');

    const page = await browser.newPage();
    await page.goto(`${uiUrl}/namespaces/default/workflows/${workflowId}`);
    await expect.poll(() => page.getByText(workflowId).first().isVisible(), { timeout: 30_000 }).toBe(true);

    // "Send a Signal" with the input box left empty: the workflow receives no input at all.
    let dialog = await openDialog(page, 'Send a Signal');
    await chooseMessage(dialog, 'signal-select', 'resolveException');
    await submit(dialog);
    await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(false);
    await expect.poll(async () => (await rejections()).length, { timeout: 30_000 }).toBe(1);
    let details = await detailsShowing(page, /Last input rejected/);
    expect(details).toContain(`Honeybee order ${orderNumber}: On Hold`);
    expect(details).toMatch(/Last input rejected[^\n]*signal[^\n]*the input must be one JSON object/);
    await screenshot(page, 'web-ui-5-signal-empty-rejected.png');

    // Garbage: JSON, but not the message (a wrong type, the operator and reason missing).
    dialog = await openDialog(page, 'Send a Signal');
    await chooseMessage(dialog, 'signal-select', 'resolveException');
    await typeInput(page, dialog, JSON.stringify({ action: 42, fields: 'override', hello: ['world'] }));
    await submit(dialog);
    await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(false);
    await expect.poll(async () => (await rejections()).length, { timeout: 30_000 }).toBe(2);
    // The UI's markdown renders straight quotes as curly ones.
    details = await detailsShowing(page, /[“"]action[”"] must be text/);
    expect(details).toMatch(/Last input rejected[^\n]*[“"]action[”"] must be text/);
    expect(details).toMatch(/[“"]operator[”"] is required/);
    expect(details).toContain(`Honeybee order ${orderNumber}: On Hold`);
    await screenshot(page, 'web-ui-6-signal-garbage-rejected.png');
    let state = await handle.query(honeybeeOrderStatusQuery);
    expect(state).toMatchObject({ status: 'On Hold', stage: 'ORDER_ON_HOLD' });
    expect(state.decisions.filter((d) => d.outcome === 'accepted')).toEqual([]);

    // "Send an Update" with an action this exception does not offer: the validator's message, in the dialog.
    dialog = await openDialog(page, 'Send an Update');
    await chooseMessage(dialog, 'update-select', 'resolveExceptionUpdate');
    const wrong = {
      action: 'confirm_dob',
      fields: { dob: '1980-01-01' },
      operator: 'ui-operator',
      reason: 'wrong one',
    };
    await typeInput(page, dialog, JSON.stringify(wrong));
    await submit(dialog);
    const failure = dialog.getByRole('alert').filter({ hasText: 'confirm_dob' });
    await expect.poll(() => failure.isVisible(), { timeout: 30_000 }).toBe(true);
    const shown = await failure.innerText();
    expect(shown).toContain('override_allergy');
    expect(shown).not.toContain('Encoded failure');
    await screenshot(page, 'web-ui-7-update-refused.png');
    state = await handle.query(honeybeeOrderStatusQuery);
    expect(state).toMatchObject({ status: 'On Hold', stage: 'ORDER_ON_HOLD' });
    // A refused update is never written to the history: nothing was accepted, nothing new rejected.
    expect(state.decisions.filter((d) => d.outcome === 'accepted')).toEqual([]);

    // The right action, in the same dialog: accepted, and the order moves on.
    const right = {
      action: 'override_allergy',
      fields: { prescriber_note: 'benefit outweighs risk' },
      operator: 'ui-operator',
      reason: 'prescriber confirmed by phone',
    };
    await typeInput(page, dialog, JSON.stringify(right));
    await submit(dialog);
    await expect.poll(() => dialog.isVisible(), { timeout: 30_000 }).toBe(false);
    await expect.poll(() => page.getByText('Update successful').first().isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshot(page, 'web-ui-8-update-accepted.png');
    const resolved = await waitForOrder(stack.client, orderNumber, (s) =>
      s.decisions.some((d) => d.via === 'update' && d.outcome === 'accepted'),
    );
    expect(resolved.decisions.find((d) => d.outcome === 'accepted')).toMatchObject({
      via: 'update',
      action: 'override_allergy',
      operator: 'ui-operator',
    });
    const movedOn = await waitForOrder(stack.client, orderNumber, (s) => s.status !== 'On Hold');
    expect(movedOn.stage).not.toBe('ORDER_ON_HOLD');
    // Nothing the UI sent failed a workflow task.
    const history = await handle.fetchHistory();
    expect(history.events?.filter((event) => event.workflowTaskFailedEventAttributes) ?? []).toEqual([]);
    await detailsShowing(page, new RegExp(`Honeybee order ${orderNumber}: (Filling|Shipped|Delivered)`));
    await screenshot(page, 'web-ui-9-after-update.png');
  });
});
